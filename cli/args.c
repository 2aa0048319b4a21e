/* \summary: what every synlab command parses alike: output options, counts, durations, an entry's options, usage errors, exit status */
#include "args.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalogue.h"
#include "drive.h"
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

bool
sl_args_output(int c, const char *arg, struct sl_outopts *o)
{
	static const struct option out[] = {SL_ARGS_OUTPUT_LONGOPTS};
	char errbuf[SL_ERRBUF_SIZE];
	const char *name = c == 'o' ? "annotate" : NULL;
	int rc;

	for (size_t i = 0; name == NULL && i < sizeof out / sizeof out[0]; i++)
		if (out[i].val == c)
			name = out[i].name;
	if (name == NULL)
		return false;
	if ((rc = sl_outputs_take(&o->v, name, arg, errbuf)) < 0) {
		fprintf(stderr, "%s: %s\n", o->cmd ? o->cmd : "synlab", errbuf);
		sl_args_see(o->cmd ? o->cmd : "synlab");
		o->bad = true;
	}
	return rc != 0;
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

int
sl_args_exit(int rc)
{
	return rc == SL_OK	 ? SL_EXIT_OK
	       : rc == SL_EINTR	 ? SL_EXIT_INTR
	       : rc == SL_EINVAL ? SL_EXIT_USAGE
	       : rc == SL_EIO	 ? SL_EXIT_INPUT
				 : SL_EXIT_ENV;
}

void
sl_args_drive(struct sl_xdrive *d, const char *cmd)
{
	d->cmd = cmd;
	d->out = stdout;
	d->err = stderr;
	d->out_tty = isatty(STDOUT_FILENO);
	d->err_tty = isatty(STDERR_FILENO);
	d->stop = sl_stop_catch();
	d->on_stop = sl_stop_hold_on;
}

int
sl_args_unknown(const char *cmd, const char *what, const char *word,
		const char *const *cands, size_t n, const char *see)
{
	char errbuf[SL_ERRBUF_SIZE];

	sl_unknown_word(what, word, cands, n, errbuf);
	fprintf(stderr, "%s: %s\nsee '%s'\n", cmd, errbuf, see);
	return SL_EXIT_USAGE;
}

int
sl_args_usage_error(const char *cmd, char *const *argv,
		    const struct option *longopts)
{
	char errbuf[SL_ERRBUF_SIZE];

	sl_option_error(optind > 0 ? argv[optind - 1] : "", optopt, longopts,
			errbuf);
	fprintf(stderr, "%s: %s\n", cmd, errbuf);
	return sl_args_see(cmd);
}

int
sl_args_see(const char *cmd)
{
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
			return -sl_args_see(cmd);
		}
	}
	return e->oo->bad ? -SL_EXIT_USAGE : -1;
}
