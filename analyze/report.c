/* \summary: the report: text and brief lines, selection and folding, the summary (ladders: report_ladder.c; JSON: report_json.c) */
#include "report_int.h"
#include "merge.h"
#include "progress.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PROBLEMS 100
/*
 * The output buffer: the report goes out in writes of this size.  A
 * large report fills four (common/outbuf.c): 512 KiB in all, half a
 * megabyte of peak RSS that a --json run has and --brief has not.
 */
#define OUT_BUF (128 * 1024)

struct member {
	char *key, *json;
};

struct sl_report {
	struct sl_ob ob;
	bool interactive; /* a terminal: each connection goes out at once */
	enum sl_report_fmt fmt;
	bool ascii;
	const char *const *files;
	int nfiles;
	unsigned nhs;
	/* What was reported: connections, shapes, findings. */
	unsigned shapes[SL_SHAPE__COUNT], findings[3];
	/* The distinct views (capture interfaces) they were seen from; the
	 * text names their number when a connection has several. */
	char **vnames;
	unsigned nvnames, vnamecap;
	bool merged;
	/* Under a selection: every connection of the input, selected or not. */
	struct {
		unsigned nhs, shapes[SL_SHAPE__COUNT], findings[3];
	} in;
	char *problems[MAX_PROBLEMS];
	unsigned nproblems, problems_dropped;
	struct member *members;
	unsigned nmembers;
	/* Selection and folding (sl_report_select). */
	struct sl_report_sel sel;
	struct sl_progress *progress; /* erased before a terminal write */
	struct sl_fold fold;
};

struct sl_report *
sl_report_new(FILE *out, enum sl_report_fmt fmt, bool ascii,
	      const char *const *files, int nfiles)
{
	struct sl_report *r = sl_xcalloc(1, sizeof(*r));
	struct sl_ob *o = &r->ob;
	int i;

	r->interactive = isatty(fileno(out));
	/* a terminal is written a connection at a time, by the caller */
	sl_ob_open(o, out, OUT_BUF, !r->interactive && sl_two_threads());
	r->fmt = fmt;
	r->ascii = ascii;
	r->files = files;
	r->nfiles = nfiles;
	if (fmt == SL_REPORT_JSON) {
		sl_ob_puts(o, "{\"files\":[");
		for (i = 0; i < nfiles; i++) {
			if (i)
				sl_ob_putc(o, ',');
			sl_ob_json_str(o, files[i]);
		}
		sl_ob_puts(o, "],\"schema\":");
		sl_ob_i64(o, SL_REPORT_SCHEMA);
		sl_ob_puts(o, ",\"handshakes\":[");
	}
	return r;
}

void
sl_tcp_flags_str(uint8_t fl, char *b)
{
	size_t n = 0;

	if (fl & SL_TH_SYN)
		b[n++] = 'S';
	if (fl & SL_TH_FIN)
		b[n++] = 'F';
	if (fl & SL_TH_RST)
		b[n++] = 'R';
	if (fl & SL_TH_PSH)
		b[n++] = 'P';
	if (fl & SL_TH_URG)
		b[n++] = 'U';
	if (fl & SL_TH_ECE)
		b[n++] = 'E';
	if (fl & SL_TH_CWR)
		b[n++] = 'W';
	if (fl & SL_TH_ACK)
		b[n++] = '.';
	if (n == 0)
		b[n++] = '-';
	b[n] = '\0';
}

static void
text_opts(struct sl_ob *out, const struct sl_synopts *o)
{
	if (!o->seen) {
		sl_ob_puts(out, "(no SYN seen)");
		return;
	}
	if (o->mss >= 0) {
		sl_ob_puts(out, "mss ");
		sl_ob_i64(out, o->mss);
	} else {
		sl_ob_puts(out, "no mss");
	}
	if (o->wscale >= 0) {
		sl_ob_puts(out, ", wscale ");
		sl_ob_i64(out, o->wscale);
	}
	if (o->sack_ok)
		sl_ob_puts(out, ", sackOK");
	if (o->ts)
		sl_ob_puts(out, ", TS");
	if (o->tfo)
		sl_ob_puts(out, ", TFO");
}

const char *
sl_rep_end_name(enum sl_end e)
{
	switch (e) {
	case SL_END_OPEN:
		return "open";
	case SL_END_FIN:
		return "fin";
	case SL_END_RST:
		return "rst";
	case SL_END_IDLE:
		return "idle";
	case SL_END_EOF:
		return "eof";
	}
	return "?";
}

/* "#3 simultaneous-open  A 10.0.0.1:5" */
static void
head(struct sl_ob *o, const struct sl_handshake *hs, const char *a)
{
	str_u(o, "#", hs->id);
	sl_ob_putc(o, ' ');
	sl_ob_puts(o, sl_shape_name(hs->shape));
	sl_ob_puts(o, "  A ");
	sl_ob_puts(o, a);
}

static void text_attrs(struct sl_report *r, const struct sl_handshake *hs);
static void text_findings(struct sl_report *r, const struct sl_handshake *hs);

static void
text_handshake(struct sl_report *r, const struct sl_handshake *hs)
{
	struct sl_ob *o = &r->ob;
	char a[SL_EP_STRLEN], b[SL_EP_STRLEN];
	unsigned i;

	sl_endpoint_str(&hs->ep[0], a, sizeof(a));
	sl_endpoint_str(&hs->ep[1], b, sizeof(b));
	head(o, hs, a);
	if (hs->self) {
		sl_ob_puts(o, " (connects to itself)\n");
	} else {
		sl_ob_puts(o, " <-> B ");
		sl_ob_puts(o, b);
		sl_ob_putc(o, '\n');
	}
	sl_ob_puts(o, "  frames:");
	for (i = 0; i < hs->nframes && i < 16; i++)
		str_u(o, " ", hs->frames[i].frame);
	if (hs->nframes > 16) {
		str_u(o, " ... (", hs->nframes);
		sl_ob_putc(o, ')');
	}
	if (r->nfiles > 1 && hs->file_name) {
		sl_ob_puts(o, " in ");
		sl_ob_puts(o, hs->file_name);
	}
	if (hs->iface_name) {
		sl_ob_puts(o, " on ");
		sl_ob_puts(o, hs->iface_name);
	} else if (hs->iface > 0) {
		sl_ob_puts(o, " on interface ");
		sl_ob_i64(o, hs->iface);
	}
	if (hs->encap[0]) {
		sl_ob_puts(o, " inside ");
		sl_ob_puts(o, hs->encap);
	}
	sl_ob_puts(o, "; vantage ");
	sl_ob_puts(o, sl_vantage_name(hs->vantage));
	sl_ob_puts(o, "; ended by ");
	sl_ob_puts(o, sl_rep_end_name(hs->end));
	sl_ob_putc(o, '\n');
	text_attrs(r, hs);
	sl_rep_ladder(&r->ob, r->ascii, hs);
	text_findings(r, hs);
}

/* Timing, options, retransmissions: the lines under a handshake's head. */
static void
text_attrs(struct sl_report *r, const struct sl_handshake *hs)
{
	struct sl_ob *o = &r->ob;
	unsigned j;
	int e;

	sl_ob_puts(o, "  timing:");
	if (hs->crossing_us >= 0) {
		sl_ob_puts(o, " SYNs crossed ");
		sl_ob_fixed(o, hs->crossing_us, 3, 3, 0, false);
		sl_ob_puts(o, " ms apart;");
	}
	if (hs->rtt_us >= 0) {
		sl_ob_puts(o, " rtt ");
		sl_ob_fixed(o, hs->rtt_us, 3, 3, 0, false);
		sl_ob_puts(o, " ms;");
	}
	if (hs->t_est_ns) {
		sl_ob_puts(o, " established ");
		sl_ob_fixed(o, hs->t_est_ns - hs->t_first_ns, 6, 3, 0, false);
		sl_ob_puts(o, " ms after the first SYN");
	} else {
		sl_ob_puts(o, " never established");
	}
	sl_ob_puts(o, "\n  options: A ");
	text_opts(o, &hs->syn[0]);
	if (!hs->self) {
		sl_ob_puts(o, "; B ");
		text_opts(o, &hs->syn[1]);
	}
	sl_ob_puts(o, "; in effect:");
	if (hs->ws_in_effect)
		sl_ob_puts(o, " window scaling");
	if (hs->sack_in_effect)
		sl_ob_puts(o, " SACK");
	if (hs->ts_in_effect)
		sl_ob_puts(o, " timestamps");
	if (!hs->ws_in_effect && !hs->sack_in_effect && !hs->ts_in_effect)
		sl_ob_puts(o, " none");
	sl_ob_putc(o, '\n');
	for (e = 0; e < 2; e++) {
		if (hs->syn_retx[e] == 0)
			continue;
		sl_ob_puts(o, "  SYN retransmissions by ");
		sl_ob_putc(o, (char)('A' + e));
		str_u(o, ": ", hs->syn_retx[e]);
		sl_ob_puts(o, ", intervals");
		for (j = 0; j < hs->nretx_iv[e]; j++) {
			sl_ob_putc(o, ' ');
			sl_ob_fixed(o, hs->retx_iv_us[e][j], 3, 1, 0, false);
		}
		sl_ob_puts(o, " ms\n");
	}
	if (hs->late_syns || hs->challenge_acks) {
		str_u(o, "  late SYNs: ", hs->late_syns);
		str_u(o, ", challenge ACKs: ", hs->challenge_acks);
		sl_ob_putc(o, '\n');
	}
	if (hs->duplicates) {
		str_u(o, "  copies of one packet ignored: ", hs->duplicates);
		sl_ob_putc(o, '\n');
	}
	if (hs->truncated) {
		str_u(o, "  frames cut by snaplen: ", hs->truncated);
		sl_ob_putc(o, '\n');
	}
}

/* "  warning rule (RFC 9293 3.5), frame" */
static void
finding_head(struct sl_ob *o, const struct sl_finding *f)
{
	sl_ob_puts(o, "  ");
	sl_ob_puts(o, sl_severity_name(f->sev));
	sl_ob_putc(o, ' ');
	sl_ob_puts(o, f->rule);
	sl_ob_puts(o, " (");
	sl_ob_puts(o, f->rfc);
	sl_ob_puts(o, "), frame");
}

static void
finding_msg(struct sl_ob *o, const struct sl_finding *f)
{
	sl_ob_puts(o, ": ");
	sl_ob_puts(o, f->message);
	sl_ob_putc(o, '\n');
}

static void
text_findings(struct sl_report *r, const struct sl_handshake *hs)
{
	struct sl_ob *o = &r->ob;
	unsigned i, j;

	for (i = 0; i < hs->nfind; i++) {
		const struct sl_finding *f = &hs->find[i];
		finding_head(o, f);
		sl_ob_puts(o, f->nframes > 1 ? "s" : "");
		for (j = 0; j < f->nframes; j++)
			str_u(o, " ", f->frames[j]);
		finding_msg(o, f);
	}
	sl_ob_putc(o, '\n');
}

/* "1 3 5" or "-": the frames of view v in segments [0, n). */
static void
text_view_frames(struct sl_ob *out, const struct sl_conn *c, unsigned v)
{
	unsigned i, k = 0;

	for (i = 0; i < c->hs->nframes; i++)
		if (c->seg[i].frame[v] != 0) {
			if (k++ < 16)
				str_u(out, " ", c->seg[i].frame[v]);
		}
	if (k > 16) {
		str_u(out, " ... (", k);
		sl_ob_putc(out, ')');
	}
	if (k == 0)
		sl_ob_puts(out, " none");
}

/* The header lines of a connection seen from several views. */
static void
text_views(struct sl_report *r, const struct sl_conn *c)
{
	struct sl_ob *out = &r->ob;
	unsigned v;

	str_u(out, "  views: ", c->nviews);
	sl_ob_putc(out, '\n');
	for (v = 0; v < c->nviews; v++) {
		const struct sl_view *w = &c->views[v];
		str_u(out, "    ", v + 1);
		sl_ob_puts(out, ": ");
		sl_ob_puts(out, w->name);
		sl_ob_puts(out, ", vantage ");
		sl_ob_puts(out, sl_vantage_name(w->vantage));
		sl_ob_puts(out, ", frames");
		text_view_frames(out, c, v);
		if (v == 0) {
			sl_ob_puts(out, "; clock: the reference\n");
		} else if (w->has_offset) {
			sl_ob_puts(out, "; clock ");
			sl_ob_fixed(out, w->offset_ns, 6, 3, 0, true);
			sl_ob_puts(out, " ms from view 1's (exact for a "
					"symmetric path, at most ");
			sl_ob_fixed(out, w->unc_ns, 6, 3, 0, false);
			sl_ob_puts(out, " ms off)\n");
		} else {
			sl_ob_puts(out, "; clock not comparable (no segment "
					"seen both ways)\n");
		}
	}
}

/* Host k's first NAT mapping in c, or NULL. */
static const struct sl_nat_map *
host_map(const struct sl_conn *c, int k)
{
	unsigned i;

	for (i = 0; i < c->nnat; i++)
		if (c->nat[i].host == k)
			return &c->nat[i];
	return NULL;
}

/*
 * Host k of c in its title: the inside endpoint and the public one when
 * its NAT mapping is known (docs/nat.md), else as view 0 saw it.
 */
static void
conn_host(struct sl_ob *out, const struct sl_conn *c, int k)
{
	const struct sl_nat_map *n = host_map(c, k);
	char e[SL_EP_STRLEN];

	if (n == NULL) {
		sl_ob_puts(out, sl_endpoint_str(&c->hs->ep[k], e, sizeof(e)));
		return;
	}
	sl_ob_puts(out, sl_endpoint_str(&n->in, e, sizeof(e)));
	sl_ob_puts(out, " (public ");
	sl_ob_puts(out, sl_endpoint_str(&n->pub, e, sizeof(e)));
	sl_ob_putc(out, ')');
}

static void
text_conn(struct sl_report *r, const struct sl_conn *c)
{
	const struct sl_handshake *hs = c->hs;
	struct sl_ob *out = &r->ob;
	unsigned i, v, j;
	int64_t t_from, t_to;

	head(out, hs, "");
	conn_host(out, c, 0);
	sl_ob_puts(out, " <-> B ");
	conn_host(out, c, 1);
	sl_ob_putc(out, '\n');
	text_views(r, c);
	for (i = 0; i < c->nnat; i++) {
		const struct sl_nat_map *n = &c->nat[i];
		char e[SL_EP_STRLEN];
		sl_ob_puts(out, "    NAT: ");
		sl_ob_putc(out, (char)('A' + n->host));
		sl_ob_putc(out, ' ');
		sl_ob_puts(out, sl_endpoint_str(&n->in, e, sizeof(e)));
		sl_ob_puts(out, " -> ");
		sl_ob_puts(out, sl_endpoint_str(&n->pub, e, sizeof(e)));
		str_u(out, " (view ", n->vin + 1u);
		str_u(out, " -> view ", n->vpub + 1u);
		sl_ob_puts(out, n->in.port == n->pub.port
				    ? "), port kept\n"
				    : "), port changed\n");
	}
	text_attrs(r, hs);
	if (sl_rep_syns_in_flight(c, &t_from, &t_to) && hs->nframes > 0) {
		sl_ob_puts(out, "  both SYNs were in flight at once for ");
		sl_ob_fixed(out, t_to - t_from, 6, 3, 0, false);
		sl_ob_puts(out, " ms (from ");
		sl_ob_fixed(out, t_from - hs->frames[0].ts_ns, 6, 3, 0, false);
		sl_ob_puts(out, " to ");
		sl_ob_fixed(out, t_to - hs->frames[0].ts_ns, 6, 3, 0, false);
		sl_ob_puts(out, " ms)\n");
	}
	sl_rep_conn_ladder(&r->ob, r->ascii, c);
	for (i = 0; i < hs->nfind; i++) {
		const struct sl_finding *f = &hs->find[i];
		finding_head(out, f);
		sl_ob_putc(out, 's');
		for (v = 0; v < c->nviews; v++) {
			unsigned k = 0;
			for (j = 0; j < f->nframes; j++) {
				int sg = sl_conn_seg_of(c, c->find_view[i],
							f->frames[j]);
				if (sg < 0 || c->seg[sg].frame[v] == 0)
					continue;
				if (k++ == 0)
					str_u(out, " @", v + 1);
				str_u(out, " ", c->seg[sg].frame[v]);
			}
		}
		finding_msg(out, f);
	}
	sl_ob_putc(out, '\n');
}

/* Remembers a view's name, once. */
static void
count_view(struct sl_report *r, const char *name)
{
	unsigned i;

	if (name == NULL)
		return;
	for (i = 0; i < r->nvnames; i++)
		if (strcmp(r->vnames[i], name) == 0)
			return;
	if (r->nvnames == r->vnamecap) {
		r->vnamecap = r->vnamecap ? r->vnamecap * 2 : 8;
		r->vnames =
		    sl_xrealloc(r->vnames, r->vnamecap, sizeof(*r->vnames));
	}
	r->vnames[r->nvnames++] = sl_xstrdup(name);
}

static void
count_conn(struct sl_report *r, const struct sl_conn *c)
{
	unsigned i;

	r->nhs++;
	if (c->nviews > 1)
		r->merged = true;
	for (i = 0; i < c->nviews; i++)
		count_view(r, c->views[i].name);
	r->shapes[c->hs->shape]++;
	for (i = 0; i < c->hs->nfind; i++)
		r->findings[c->hs->find[i].sev]++;
}

void
sl_report_select(struct sl_report *r, const struct sl_report_sel *sel)
{
	r->sel = *sel;
}

void
sl_report_set_progress(struct sl_report *r, struct sl_progress *pr)
{
	r->progress = pr;
}

/* Text and brief: how many of a shape are shown in full. */
static unsigned
nfull(const struct sl_report *r)
{
	return r->fmt == SL_REPORT_BRIEF ? SL_REPORT_BRIEF_FULL
					 : SL_REPORT_FULL;
}

/*
 * Text and brief: whether this handshake is written, or only counted in
 * the folded lines (sl_report_select).
 */
static bool
shown(struct sl_report *r, const struct sl_handshake *hs)
{
	if (r->fmt == SL_REPORT_JSON)
		return true;
	return sl_fold_show(&r->fold, &r->sel, hs, nfull(r), SL_REPORT_SAMPLE);
}

bool
sl_report_reads_frames(const struct sl_report *r)
{
	return r->fmt != SL_REPORT_BRIEF;
}

bool
sl_report_wants_frames(const struct sl_report *r, const struct sl_handshake *hs)
{
	if (!sl_report_reads_frames(r) || !sl_report_sel_match(&r->sel, hs))
		return false;
	return r->fmt == SL_REPORT_JSON ||
	       sl_fold_peek(&r->fold, &r->sel, hs, nfull(r), SL_REPORT_SAMPLE);
}

void
sl_report_conn(const struct sl_conn *c, void *report)
{
	struct sl_report *r = report;
	unsigned i;

	r->in.nhs++;
	r->in.shapes[c->hs->shape]++;
	for (i = 0; i < c->hs->nfind; i++)
		r->in.findings[c->hs->find[i].sev]++;
	if (!sl_report_sel_match(&r->sel, c->hs))
		return;
	if (!shown(r, c->hs)) {
		/* counted in the folded lines and the summary */
	} else if (r->fmt == SL_REPORT_JSON) {
		sl_rep_json_conn(&r->ob, r->nhs, c);
	} else if (r->fmt == SL_REPORT_BRIEF) {
		char v[512];
		sl_hs_verdict(c->hs, v, sizeof(v));
		sl_ob_puts(&r->ob, v);
		if (c->nviews > 1) {
			str_u(&r->ob, " [", c->nviews);
			sl_ob_puts(&r->ob, " views]");
		}
		for (i = 0; i < c->nnat; i++) {
			char e[SL_EP_STRLEN];
			sl_ob_puts(&r->ob, i == 0 ? " [NAT " : ", ");
			sl_ob_putc(&r->ob, (char)('A' + c->nat[i].host));
			sl_ob_putc(&r->ob, ' ');
			sl_ob_puts(&r->ob, sl_endpoint_str(&c->nat[i].in, e,
							   sizeof(e)));
			sl_ob_puts(&r->ob, " -> ");
			sl_ob_puts(&r->ob, sl_endpoint_str(&c->nat[i].pub, e,
							   sizeof(e)));
			if (i + 1 == c->nnat)
				sl_ob_putc(&r->ob, ']');
		}
		sl_ob_putc(&r->ob, '\n');
	} else if (c->nviews > 1) {
		text_conn(r, c);
	} else {
		text_handshake(r, c->hs);
	}
	count_conn(r, c);
	if (r->interactive && r->ob.n > 0) {
		sl_progress_done(r->progress);
		sl_ob_flush(&r->ob);
	}
}

/* The counted lines of what the text or brief report folded. */
static void
write_folded(struct sl_report *r)
{
	char n[24], f[24], line[160];
	bool any = false;
	int k;

	for (k = 0; k < SL_SHAPE__COUNT; k++) {
		unsigned clean = r->fold.folded[k] - r->fold.folded_find[k];
		const char *name = sl_shape_name((enum sl_shape)k);
		if (r->fold.folded[k] == 0)
			continue;
		if (!any)
			sl_ob_puts(&r->ob,
				   "not shown (--all shows every handshake, "
				   "--shape NAME --all one shape):\n");
		any = true;
		if (r->fold.folded_find[k] == 0)
			snprintf(line, sizeof(line), "  %s %s, all clean\n",
				 sl_report_thousands(r->fold.folded[k], n,
						     sizeof(n)),
				 name);
		else
			snprintf(line, sizeof(line),
				 "  %s %s, %s with findings, %u clean\n",
				 sl_report_thousands(r->fold.folded[k], n,
						     sizeof(n)),
				 name,
				 sl_report_thousands(r->fold.folded_find[k], f,
						     sizeof(f)),
				 clean);
		sl_ob_puts(&r->ob, line);
	}
}

void
sl_report_handshake(const struct sl_handshake *hs, void *report)
{
	struct sl_conn_one one;

	sl_report_conn(sl_conn_of(hs, &one), report);
}

void
sl_report_problem(struct sl_report *r, const char *msg)
{
	if (r->nproblems < MAX_PROBLEMS)
		r->problems[r->nproblems++] = sl_xstrdup(msg);
	else
		r->problems_dropped++;
}

void
sl_report_add_member(struct sl_report *r, const char *key, const char *json)
{
	r->members =
	    sl_xrealloc(r->members, r->nmembers + 1, sizeof(*r->members));
	r->members[r->nmembers].key = sl_xstrdup(key);
	r->members[r->nmembers].json = sl_xstrdup(json);
	r->nmembers++;
}

/* Text: "3 warnings" or "1 warning". */
static void
count_of(struct sl_ob *o, unsigned n, const char *what)
{
	sl_ob_u64(o, n);
	sl_ob_putc(o, ' ');
	sl_ob_puts(o, what);
	if (n != 1)
		sl_ob_putc(o, 's');
}

/* Whether a selection (--shape, --findings, --id) narrows the report. */
static bool
selecting(const struct sl_report *r)
{
	return r->sel.shapes || r->sel.findings || r->sel.id;
}

/* Text: ", 3 three-way, 1 refused; 0 violations, 1 warning, 0 notes". */
static void
text_counts(struct sl_ob *out, const unsigned *shapes, const unsigned *findings)
{
	int k;

	for (k = 0; k < SL_SHAPE__COUNT; k++)
		if (shapes[k]) {
			str_u(out, ", ", shapes[k]);
			sl_ob_putc(out, ' ');
			sl_ob_puts(out, sl_shape_name((enum sl_shape)k));
		}
	sl_ob_puts(out, "; ");
	count_of(out, findings[SL_SEV_VIOLATION], "violation");
	sl_ob_puts(out, ", ");
	count_of(out, findings[SL_SEV_WARNING], "warning");
	sl_ob_puts(out, ", ");
	count_of(out, findings[SL_SEV_NOTE], "note");
}

/* JSON: "shapes":{...},"violations":N,"warnings":N,"notes":N */
static void
json_counts(struct sl_ob *out, const unsigned *shapes, const unsigned *findings)
{
	int k;

	sl_ob_puts(out, "\"shapes\":{");
	for (k = 0; k < SL_SHAPE__COUNT; k++) {
		comma(out, (unsigned)k);
		sl_ob_putc(out, '"');
		sl_ob_puts(out, sl_shape_name((enum sl_shape)k));
		str_u(out, "\":", shapes[k]);
	}
	str_u(out, "},\"violations\":", findings[SL_SEV_VIOLATION]);
	str_u(out, ",\"warnings\":", findings[SL_SEV_WARNING]);
	str_u(out, ",\"notes\":", findings[SL_SEV_NOTE]);
}

void
sl_report_finish(struct sl_report *r, const struct sl_summary *s)
{
	struct sl_ob *out = &r->ob;
	unsigned i;

	if (r->fmt == SL_REPORT_JSON) {
		sl_ob_puts(out, "\n],");
		for (i = 0; i < r->nmembers; i++) {
			sl_ob_json_str(out, r->members[i].key);
			sl_ob_putc(out, ':');
			sl_ob_puts(out, r->members[i].json);
			sl_ob_putc(out, ',');
		}
		sl_ob_puts(out, "\"problems\":[");
		for (i = 0; i < r->nproblems; i++) {
			comma(out, i);
			sl_ob_json_str(out, r->problems[i]);
		}
		str_u(out, "],\"summary\":{\"handshakes\":", r->nhs);
		str_u(out, ",\"views\":", r->nvnames);
		sl_ob_putc(out, ',');
		json_counts(out, r->shapes, r->findings);
		if (selecting(r)) {
			str_u(out, ",\"in_input\":{\"handshakes\":", r->in.nhs);
			sl_ob_putc(out, ',');
			json_counts(out, r->in.shapes, r->in.findings);
			sl_ob_putc(out, '}');
		}
		str_u(out, ",\"frames\":", s->frames);
		str_u(out, ",\"tcp_segments\":", s->tcp);
		str_u(out, ",\"not_tcp\":", s->not_tcp);
		str_u(out, ",\"fragments\":", s->fragments);
		str_u(out, ",\"truncated\":", s->truncated);
		str_u(out, ",\"malformed\":", s->malformed);
		str_u(out, ",\"duplicates_ignored\":", s->duplicates);
		str_u(out, ",\"segments_outside_handshakes\":",
		      s->no_handshake_segments);
		str_u(out,
		      ",\"problems\":", r->nproblems + r->problems_dropped);
		str_u(out, ",\"peak_open_handshakes\":", s->peak_open);
		sl_ob_puts(out, "}}\n");
		sl_ob_flush(out);
		return;
	}
	write_folded(r);
	if (r->nproblems) {
		sl_ob_puts(out, "input problems:\n");
		for (i = 0; i < r->nproblems; i++) {
			sl_ob_puts(out, "  ");
			sl_ob_puts(out, r->problems[i]);
			sl_ob_putc(out, '\n');
		}
		if (r->problems_dropped) {
			str_u(out, "  (", r->problems_dropped);
			sl_ob_puts(out, " more)\n");
		}
	}
	sl_ob_puts(out, "summary: ");
	if (selecting(r)) {
		str_u(out, "", r->nhs);
		str_u(out, " of ", r->in.nhs);
		sl_ob_puts(out, r->in.nhs == 1 ? " handshake selected"
					       : " handshakes selected");
	} else {
		count_of(out, r->nhs, "handshake");
	}
	if (r->merged) {
		str_u(out, " (seen from ", r->nvnames);
		sl_ob_puts(out, " views)");
	}
	text_counts(out, r->shapes, r->findings);
	if (selecting(r)) {
		sl_ob_puts(out, "\n         in the input: ");
		count_of(out, r->in.nhs, "handshake");
		text_counts(out, r->in.shapes, r->in.findings);
	}
	str_u(out, "\n         ", s->frames);
	str_u(out, " frames, ", s->tcp);
	str_u(out, " TCP segments, ", s->no_handshake_segments);
	str_u(out, " outside handshakes, ", s->duplicates);
	str_u(out, " copies ignored, ", s->truncated);
	str_u(out, " truncated, ", s->malformed);
	sl_ob_puts(out, " malformed\n");
	sl_ob_flush(out);
}

void
sl_report_free(struct sl_report *r)
{
	unsigned i;

	if (r == NULL)
		return;
	(void)sl_ob_close(&r->ob);
	for (i = 0; i < r->nproblems; i++)
		free(r->problems[i]);
	for (i = 0; i < r->nmembers; i++) {
		free(r->members[i].key);
		free(r->members[i].json);
	}
	free(r->members);
	for (i = 0; i < r->nvnames; i++)
		free(r->vnames[i]);
	free(r->vnames);
	free(r);
}
