/* \summary: what every synlab command parses alike: output options, counts, times, the stop flag */
#include "args.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalogue.h"
#include "common.h"
#include "timearg.h"

const char sl_args_output_usage[] =
    "output (every command):\n"
    "  --json           one JSON document on stdout instead of the text "
    "report\n"
    "  --brief          one line a handshake: id, shape, endpoints, "
    "verdict\n"
    "  -o, --annotate OUT.pcapng\n"
    "                   the capture with a comment on each handshake "
    "frame\n"
    "                   (run: one file per host, OUT.A.pcapng, OUT.B.pcapng)\n"
    "  --combined       run: one annotated pcapng, an interface per host\n"
    "  --ladder OUT.svg the handshakes as SVG ladder diagrams\n"
    "  --ascii, --utf8  ladder characters (default: ASCII unless a "
    "terminal)\n"
    "  --shape NAME     report only this shape (repeatable)\n"
    "  --findings       report only handshakes with findings\n"
    "  --id N           report only handshake #N (exactly)\n"
    "  --all            text, --brief and --ladder: every handshake; by "
    "default\n"
    "                   rare shapes and findings (up to 20 a shape, SVG "
    "10) and\n"
    "                   5 clean ones of each other shape (SVG 2), the rest "
    "counted\n"
    "  OUT '-' is stdout (the report then goes to stderr); outputs are\n"
    "  checked before the work starts, a failed write exits 3\n"
    "shapes: three-way simultaneous-open self-connect refused "
    "unanswered reset\n"
    "        incomplete\n";

/* --shape NAME and --id N into o->sel; false (said) if the value is bad. */
static bool
take_sel(int c, const char *arg, struct sl_outopts *o)
{
	const char *cmd = o->cmd ? o->cmd : "synlab";
	unsigned long ul;
	char *end;
	int k;

	if (c == SL_OPT_SEL_SHAPE) {
		const char *names[SL_SHAPE__COUNT];
		char see[64];

		for (k = 0; k < SL_SHAPE__COUNT; k++) {
			names[k] = sl_shape_name((enum sl_shape)k);
			if (strcmp(arg, names[k]) == 0) {
				o->sel.shapes |= 1u << k;
				return true;
			}
		}
		snprintf(see, sizeof(see), "%s --help", cmd);
		sl_args_unknown(cmd, "shape", arg, names, SL_SHAPE__COUNT, see);
		return false;
	}
	ul = strtoul(arg, &end, 10);
	if (*end != '\0' || ul == 0 || ul > 0xffffffffUL || arg[0] == '-') {
		fprintf(stderr,
			"%s: --id wants a handshake number (1, 2, ...), not "
			"'%s'\n",
			cmd, arg);
		return false;
	}
	o->sel.id = (unsigned)ul;
	return true;
}

bool
sl_args_output(int c, const char *arg, struct sl_outopts *o)
{
	switch (c) {
	case SL_OPT_SEL_SHAPE:
	case SL_OPT_SEL_ID:
		if (!take_sel(c, arg, o))
			o->bad = true;
		return true;
	case SL_OPT_SEL_FINDINGS:
		o->sel.findings = true;
		return true;
	case SL_OPT_SEL_ALL:
		o->sel.all = true;
		return true;
	case SL_OPT_JSON:
		o->json = true;
		return true;
	case SL_OPT_BRIEF:
		o->brief = true;
		return true;
	case SL_OPT_LADDER:
		o->ladder = arg;
		return true;
	case SL_OPT_ASCII:
		o->ascii = 1;
		return true;
	case SL_OPT_UTF8:
		o->ascii = 0;
		return true;
	case SL_OPT_COMBINED:
		o->combined = true;
		return true;
	case 'o':
	case SL_OPT_ANNOTATE:
		o->annotate = arg;
		return true;
	default:
		return false;
	}
}

void
sl_args_pipeline_cfg(const struct sl_outopts *o, struct sl_pipeline_cfg *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->report = true;
	cfg->fmt = o->json    ? SL_REPORT_JSON
		   : o->brief ? SL_REPORT_BRIEF
			      : SL_REPORT_TEXT;
	cfg->ascii = o->ascii < 0 ? !isatty(STDOUT_FILENO) : o->ascii;
	cfg->annotate_path = o->annotate;
	cfg->annotate_per_input = !o->combined;
	cfg->ladder_path = o->ladder;
	cfg->sel = o->sel;
	cfg->progress = stderr; /* shown only if a terminal */
}

void
sl_args_print_written(FILE *f, const struct sl_pipeline *p)
{
	const char *w;

	for (size_t k = 0; (w = sl_pipeline_written(p, k)) != NULL; k++)
		if (strcmp(w, "-") != 0)
			fprintf(f, "annotated capture: %s\n", w);
}

bool
sl_args_count(const char *cmd, const char *opt, const char *arg,
	      unsigned long min, unsigned long max, unsigned long *v)
{
	char errbuf[SL_ERRBUF_SIZE];

	if (sl_parse_count(opt, arg, min, max, v, errbuf) == SL_OK)
		return true;
	fprintf(stderr, "%s: %s\n", cmd, errbuf);
	return false;
}

bool
sl_args_duration(const char *cmd, const char *opt, const char *arg,
		 bool allow_negative, int64_t *ns)
{
	char errbuf[SL_ERRBUF_SIZE];

	if (sl_parse_duration_opt(opt, arg, allow_negative, ns, errbuf) ==
	    SL_OK)
		return true;
	fprintf(stderr, "%s: %s\n", cmd, errbuf);
	return false;
}

/* ---- the stop flag ---- */

static volatile sig_atomic_t g_stop;
static struct sigaction g_old_int, g_old_term;
static bool g_caught;

static void
on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

volatile const int *
sl_args_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &g_old_int);
	sigaction(SIGTERM, &sa, &g_old_term);
	g_caught = true;
	return (volatile const int *)&g_stop;
}

void
sl_args_hold_on(void)
{
	signal(SIGINT, SIG_IGN);
}

void
sl_args_release(void)
{
	if (!g_caught)
		return;
	sigaction(SIGINT, &g_old_int, NULL);
	sigaction(SIGTERM, &g_old_term, NULL);
	g_caught = false;
}

bool
sl_args_stopped(void)
{
	return g_stop != 0;
}

const char *
sl_args_closest(const char *word, const char *const *cands, size_t n)
{
	return sl_closest(word, cands, n);
}

int
sl_args_unknown(const char *cmd, const char *what, const char *word,
		const char *const *cands, size_t n, const char *see)
{
	const char *near = sl_args_closest(word, cands, n);

	fprintf(stderr, "%s: unknown %s '%s'", cmd, what, word);
	if (near != NULL)
		fprintf(stderr, "; did you mean '%s'?", near);
	fprintf(stderr, "\nsee '%s'\n", see);
	return SL_EXIT_USAGE;
}

int
sl_args_usage_error(const char *cmd, char *const *argv,
		    const struct option *longopts)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	const char *names[64];
	char name[64];
	size_t n = 0, len;
	const struct option *o;

	if (strncmp(arg, "--", 2) == 0) {
		len = strcspn(arg + 2, "=");
		snprintf(name, sizeof(name), "%.*s", (int)len, arg + 2);
		for (o = longopts; o->name != NULL && n < 64; o++) {
			if (strcmp(o->name, name) == 0)
				break;
			names[n++] = o->name;
		}
		if (o->name != NULL)
			fprintf(stderr, "%s: --%s %s\n", cmd, name,
				o->has_arg == no_argument ? "takes no value"
							  : "needs a value");
		else {
			const char *near = sl_args_closest(name, names, n);

			fprintf(stderr, "%s: unknown option '--%s'", cmd, name);
			if (near != NULL)
				fprintf(stderr, "; did you mean '--%s'?", near);
			fputc('\n', stderr);
		}
	} else if (optopt != 0)
		fprintf(stderr,
			"%s: option '-%c' is unknown or needs a value\n", cmd,
			optopt);
	else
		fprintf(stderr, "%s: bad option '%s'\n", cmd, arg);
	fprintf(stderr, "see '%s --help'\n", cmd);
	return SL_EXIT_USAGE;
}

void
sl_args_entry_init(struct sl_args_entry *e, const struct sl_xparam *params,
		   const struct option *own, struct sl_outopts *oo,
		   struct sl_xopts *xo)
{
	static const struct option out[] = {SL_ARGS_OUTPUT_LONGOPTS};
	const size_t cap = SL_ARGS_ENTRY_MAXOPTS - 1;
	size_t n = 0, ns = 3;

	memcpy(e->shorts, "ho:", 4);
	e->params = params;
	e->oo = oo;
	e->xo = xo;
	for (; own->name != NULL && n < cap; own++)
		e->lo[n++] = *own;
	for (size_t i = 0; params[i].option != NULL && n < cap; i++) {
		const struct sl_xparam *p = &params[i];

		if (p->option[1] != '-') {
			if (ns + 1 < sizeof e->shorts)
				e->shorts[ns++] = p->option[1];
			continue;
		}
		e->lo[n].name = p->option + 2;
		e->lo[n].has_arg = strcmp(p->unit, "flag") == 0
				       ? no_argument
				       : required_argument;
		e->lo[n].flag = NULL;
		e->lo[n++].val = 1000 + (int)i;
	}
	e->shorts[ns] = '\0';
	for (size_t i = 0; i < sizeof out / sizeof out[0] && n < cap; i++)
		e->lo[n++] = out[i];
	memset(&e->lo[n], 0, sizeof e->lo[n]);
	optind = 1;
	opterr = 0;
}

int
sl_args_entry_next(struct sl_args_entry *e, const char *cmd, int argc,
		   char **argv)
{
	char errbuf[SL_ERRBUF_SIZE];
	int c;

	while ((c = getopt_long(argc, argv, e->shorts, e->lo, NULL)) != -1) {
		const struct sl_xparam *p = NULL;

		if (sl_args_output(c, optarg, e->oo))
			continue;
		for (size_t i = 0; e->params[i].option != NULL; i++)
			if (c == 1000 + (int)i ||
			    (e->params[i].option[1] == c &&
			     e->params[i].option[2] == '\0'))
				p = &e->params[i];
		if (p == NULL)
			return c;
		if (sl_xopts_take(e->xo, p, optarg, errbuf) != SL_OK) {
			fprintf(stderr, "%s: %s\n", cmd, errbuf);
			return -SL_EXIT_USAGE;
		}
	}
	return e->oo->bad ? -SL_EXIT_USAGE : -1;
}
