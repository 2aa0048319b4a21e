/* \summary: human report with a compact ladder per handshake, and the JSON of docs/design.md */
#include "report.h"
#include "merge.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROBLEMS 100

struct member {
	char *key, *json;
};

struct sl_report {
	FILE *out;
	enum sl_report_fmt fmt;
	bool ascii;
	const char *const *files;
	int nfiles;
	unsigned nhs;
	/* What was reported: connections, their views, shapes, findings. */
	unsigned nviews, shapes[SL_SHAPE__COUNT], findings[3];
	char *problems[MAX_PROBLEMS];
	unsigned nproblems, problems_dropped;
	struct member *members;
	unsigned nmembers;
};

struct sl_report *
sl_report_new(FILE *out, enum sl_report_fmt fmt, bool ascii,
	      const char *const *files, int nfiles)
{
	struct sl_report *r = sl_xcalloc(1, sizeof(*r));
	int i;

	r->out = out;
	r->fmt = fmt;
	r->ascii = ascii;
	r->files = files;
	r->nfiles = nfiles;
	if (fmt == SL_REPORT_JSON) {
		fputs("{\"files\":[", out);
		for (i = 0; i < nfiles; i++) {
			if (i)
				putc(',', out);
			sl_json_str(out, files[i]);
		}
		fprintf(out, "],\"schema\":%d,\"handshakes\":[",
			SL_REPORT_SCHEMA);
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

/* The frame's flag letters, with "e" for the AccECN AE bit. */
static void
frame_flags_str(const struct sl_hs_frame *f, char *b)
{
	sl_tcp_flags_str(f->flags, b);
	if (f->ae)
		strcat(b, "e");
}

/* SEQ relative to the sender's ISN, ACK to the receiver's, where known. */
static int64_t
rel_seq(const struct sl_handshake *hs, const struct sl_hs_frame *f)
{
	int e = f->from;

	if ((f->flags & SL_TH_RST) && f->seq == 0)
		return 0;
	return hs->has_isn[e] ? (int64_t)(uint32_t)(f->seq - hs->isn[e])
			      : (int64_t)f->seq;
}

static int64_t
rel_ack(const struct sl_handshake *hs, const struct sl_hs_frame *f)
{
	int e = hs->self ? 0 : 1 - f->from;

	return hs->has_isn[e] ? (int64_t)(uint32_t)(f->ack - hs->isn[e])
			      : (int64_t)f->ack;
}

static void
seg_label(const struct sl_handshake *hs, const struct sl_hs_frame *f, char *b,
	  size_t len)
{
	char fl[SL_FLAGS_STRLEN];
	int n;

	frame_flags_str(f, fl);
	n = snprintf(b, len, "[%s] %" PRId64, fl, rel_seq(hs, f));
	if (n < 0 || (size_t)n >= len)
		return;
	if (f->flags & SL_TH_ACK)
		n += snprintf(b + n, len - (size_t)n, " ack %" PRId64,
			      rel_ack(hs, f));
	if (n >= 0 && (size_t)n < len && f->len > 0)
		snprintf(b + n, len - (size_t)n, " len %u", f->len);
}

static const char *
state_after(const struct sl_hs_frame *f, int e)
{
	if (f->st[e][1] == SL_ST_NONE)
		return "";
	if (f->st[e][0] == f->st[e][1] && e != f->from)
		return "";
	return sl_state_name(f->st[e][1]);
}

#define ARROW_W 32

/* An arrow of ARROW_W columns carrying label, pointing right or left. */
static void
put_arrow(FILE *out, bool ascii, bool right, const char *label)
{
	const char *dash = ascii ? "-" : "\u2500";
	size_t ll = strlen(label), i, pad;

	if (ll > ARROW_W - 6)
		ll = ARROW_W - 6;
	pad = ARROW_W - 4 - ll;
	if (right) {
		fputs(dash, out);
		fputc(' ', out);
		fwrite(label, 1, ll, out);
		fputc(' ', out);
		for (i = 0; i < pad - 1; i++)
			fputs(dash, out);
		fputs(ascii ? ">" : "\u25b6", out);
	} else {
		fputs(ascii ? "<" : "\u25c0", out);
		for (i = 0; i < pad - 1; i++)
			fputs(dash, out);
		fputc(' ', out);
		fwrite(label, 1, ll, out);
		fputc(' ', out);
		fputs(dash, out);
	}
}

/* The note of a ladder row, or its role when that says more. */
static void
ladder_note(FILE *out, const struct sl_hs_frame *f)
{
	if (f->note[0])
		fprintf(out, "  %s", f->note);
	else if (f->role != SL_ROLE_SYN && f->role != SL_ROLE_SYNACK &&
		 f->role != SL_ROLE_ACK)
		fprintf(out, "  %s", sl_role_name(f->role));
}

/* A's state, the arrow, B's state and the note of one ladder row. */
static void
ladder_row(struct sl_report *r, const struct sl_hs_frame *f, const char *lab)
{
	fprintf(r->out, "%-13s ", state_after(f, 0));
	put_arrow(r->out, r->ascii, f->from == 0, lab);
	fprintf(r->out, " %-13s", state_after(f, 1));
	ladder_note(r->out, f);
}

static void
text_ladder(struct sl_report *r, const struct sl_handshake *hs)
{
	FILE *out = r->out;
	char a[SL_EP_STRLEN], b[SL_EP_STRLEN], lab[64];
	unsigned i;

	sl_endpoint_str(&hs->ep[0], a, sizeof(a));
	sl_endpoint_str(&hs->ep[1], b, sizeof(b));
	if (hs->self)
		fprintf(out, "    %6s %10s  %-13s %s\n", "frame", "ms", "A",
			"(one socket, both roles)");
	else
		fprintf(out, "    %6s %10s  %-13s %-*s %s\n", "frame", "ms",
			"A", ARROW_W, "", "B");
	for (i = 0; i < hs->nframes; i++) {
		const struct sl_hs_frame *f = &hs->frames[i];
		double t = (double)(f->ts_ns - hs->t_first_ns) / 1e6;

		seg_label(hs, f, lab, sizeof(lab));
		fprintf(out, "    %6" PRIu64 " %10.3f  ", f->frame, t);
		if (hs->self) {
			const char *s1 = f->st[1][1]
					     ? sl_state_name(f->st[1][1])
					     : sl_state_name(f->st[0][1]);
			fprintf(out, "%-13s %s %s", s1,
				r->ascii ? "<-'" : "\u21ba", lab);
			ladder_note(out, f);
		} else {
			ladder_row(r, f, lab);
		}
		fputc('\n', out);
	}
	if (hs->frames_omitted)
		fprintf(out, "    (%u more frames not shown)\n",
			hs->frames_omitted);
}

static void
text_opts(FILE *out, const struct sl_synopts *o)
{
	if (!o->seen) {
		fputs("(no SYN seen)", out);
		return;
	}
	if (o->mss >= 0)
		fprintf(out, "mss %d", o->mss);
	else
		fputs("no mss", out);
	if (o->wscale >= 0)
		fprintf(out, ", wscale %d", o->wscale);
	if (o->sack_ok)
		fputs(", sackOK", out);
	if (o->ts)
		fputs(", TS", out);
	if (o->tfo)
		fputs(", TFO", out);
}

static const char *
end_name(enum sl_end e)
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

static void text_attrs(struct sl_report *r, const struct sl_handshake *hs);
static void text_findings(struct sl_report *r, const struct sl_handshake *hs);

static void
text_handshake(struct sl_report *r, const struct sl_handshake *hs)
{
	FILE *out = r->out;
	char a[SL_EP_STRLEN], b[SL_EP_STRLEN];
	unsigned i;

	sl_endpoint_str(&hs->ep[0], a, sizeof(a));
	sl_endpoint_str(&hs->ep[1], b, sizeof(b));
	fprintf(out, "#%u %s  A %s%s%s\n", hs->id, sl_shape_name(hs->shape), a,
		hs->self ? " (connects to itself)" : " <-> B ",
		hs->self ? "" : b);
	fprintf(out, "  frames:");
	for (i = 0; i < hs->nframes && i < 16; i++)
		fprintf(out, " %" PRIu64, hs->frames[i].frame);
	if (hs->nframes > 16)
		fprintf(out, " ... (%u)", hs->nframes);
	if (r->nfiles > 1 && hs->file_name)
		fprintf(out, " in %s", hs->file_name);
	if (hs->iface_name)
		fprintf(out, " on %s", hs->iface_name);
	else if (hs->iface > 0)
		fprintf(out, " on interface %d", hs->iface);
	if (hs->encap[0])
		fprintf(out, " inside %s", hs->encap);
	fprintf(out, "; vantage %s; ended by %s\n",
		sl_vantage_name(hs->vantage), end_name(hs->end));
	text_attrs(r, hs);
	text_ladder(r, hs);
	text_findings(r, hs);
}

/* Timing, options, retransmissions: the lines under a handshake's head. */
static void
text_attrs(struct sl_report *r, const struct sl_handshake *hs)
{
	FILE *out = r->out;
	unsigned j;
	int e;

	fprintf(out, "  timing:");
	if (hs->crossing_us >= 0)
		fprintf(out, " SYNs crossed %.3f ms apart;",
			(double)hs->crossing_us / 1e3);
	if (hs->rtt_us >= 0)
		fprintf(out, " rtt %.3f ms;", (double)hs->rtt_us / 1e3);
	if (hs->t_est_ns)
		fprintf(out, " established %.3f ms after the first SYN",
			(double)(hs->t_est_ns - hs->t_first_ns) / 1e6);
	else
		fprintf(out, " never established");
	fputc('\n', out);
	fputs("  options: A ", out);
	text_opts(out, &hs->syn[0]);
	if (!hs->self) {
		fputs("; B ", out);
		text_opts(out, &hs->syn[1]);
	}
	fprintf(out, "; in effect:%s%s%s%s\n",
		hs->ws_in_effect ? " window scaling" : "",
		hs->sack_in_effect ? " SACK" : "",
		hs->ts_in_effect ? " timestamps" : "",
		!hs->ws_in_effect && !hs->sack_in_effect && !hs->ts_in_effect
		    ? " none"
		    : "");
	for (e = 0; e < 2; e++) {
		if (hs->syn_retx[e] == 0)
			continue;
		fprintf(out, "  SYN retransmissions by %c: %u, intervals",
			'A' + e, hs->syn_retx[e]);
		for (j = 0; j < hs->nretx_iv[e]; j++)
			fprintf(out, " %.1f",
				(double)hs->retx_iv_us[e][j] / 1e3);
		fputs(" ms\n", out);
	}
	if (hs->late_syns || hs->challenge_acks)
		fprintf(out, "  late SYNs: %u, challenge ACKs: %u\n",
			hs->late_syns, hs->challenge_acks);
	if (hs->duplicates)
		fprintf(out, "  copies of one packet ignored: %u\n",
			hs->duplicates);
	if (hs->truncated)
		fprintf(out, "  frames cut by snaplen: %u\n", hs->truncated);
}

static void
text_findings(struct sl_report *r, const struct sl_handshake *hs)
{
	FILE *out = r->out;
	unsigned i, j;

	for (i = 0; i < hs->nfind; i++) {
		const struct sl_finding *f = &hs->find[i];
		fprintf(out, "  %s %s (%s), frame%s", sl_severity_name(f->sev),
			f->rule, f->rfc, f->nframes > 1 ? "s" : "");
		for (j = 0; j < f->nframes; j++)
			fprintf(out, " %" PRIu64, f->frames[j]);
		fprintf(out, ": %s\n", f->message);
	}
	fputc('\n', out);
}

static void
json_opts(FILE *out, const struct sl_synopts *o)
{
	if (!o->seen) {
		fputs("null", out);
		return;
	}
	fputs("{\"mss\":", out);
	if (o->mss >= 0)
		fprintf(out, "%d", o->mss);
	else
		fputs("null", out);
	fputs(",\"wscale\":", out);
	if (o->wscale >= 0)
		fprintf(out, "%d", o->wscale);
	else
		fputs("null", out);
	fprintf(out,
		",\"sack_permitted\":%s,\"timestamps\":%s,"
		"\"fastopen\":%s}",
		o->sack_ok ? "true" : "false", o->ts ? "true" : "false",
		o->tfo ? "true" : "false");
}

static void
json_segopts(FILE *out, const struct sl_tcpopts *o)
{
	unsigned i;
	int n = 0;

	putc('{', out);
	if (o->has_mss)
		n += fprintf(out, "\"mss\":%u", o->mss) > 0;
	if (o->has_ws)
		n += fprintf(out, "%s\"wscale\":%u", n ? "," : "", o->ws) > 0;
	if (o->sack_ok)
		n +=
		    fprintf(out, "%s\"sack_permitted\":true", n ? "," : "") > 0;
	if (o->has_ts)
		n += fprintf(out, "%s\"ts\":[%u,%u]", n ? "," : "", o->ts_val,
			     o->ts_ecr) > 0;
	if (o->has_sack) {
		n += fprintf(out, "%s\"sack\":[", n ? "," : "") > 0;
		for (i = 0; i < o->nsack; i++)
			fprintf(out, "%s[%u,%u]", i ? "," : "", o->sack[i][0],
				o->sack[i][1]);
		putc(']', out);
	}
	if (o->has_tfo) {
		n += fprintf(out, "%s\"fastopen_cookie\":\"", n ? "," : "") > 0;
		for (i = 0; i < o->tfo_len; i++)
			fprintf(out, "%02x", o->tfo_cookie[i]);
		putc('"', out);
	}
	if (o->nunknown) {
		n += fprintf(out, "%s\"unknown\":[", n ? "," : "") > 0;
		for (i = 0; i < o->nunknown; i++)
			fprintf(out, "%s{\"kind\":%u,\"len\":%u}", i ? "," : "",
				o->unknown[i].kind, o->unknown[i].len);
		putc(']', out);
	}
	if (o->trunc)
		fprintf(out, "%s\"truncated\":true", n ? "," : "");
	putc('}', out);
}

static void
json_state_pair(FILE *out, const struct sl_hs_frame *f, int e)
{
	if (f->st[e][0] == SL_ST_NONE && f->st[e][1] == SL_ST_NONE) {
		fputs("null", out);
		return;
	}
	fprintf(out, "[\"%s\",\"%s\"]", sl_state_name(f->st[e][0]),
		sl_state_name(f->st[e][1]));
}

/* "views": where the connection was seen, and each view's clock. */
static void
json_views(FILE *out, const struct sl_conn *c)
{
	char ep[SL_EP_STRLEN];
	unsigned v, i, n;
	int e;

	fputs(",\"views\":[", out);
	for (v = 0; v < c->nviews; v++) {
		const struct sl_view *w = &c->views[v];
		fprintf(out, "%s{\"view\":%u,\"name\":", v ? "," : "", v + 1);
		sl_json_str(out, w->name);
		fputs(",\"file\":", out);
		sl_json_str(out, w->hs->file_name ? w->hs->file_name : "");
		fprintf(out,
			",\"interface\":%d,\"interface_name\":", w->hs->iface);
		if (w->hs->iface_name)
			sl_json_str(out, w->hs->iface_name);
		else
			fputs("null", out);
		/* A and B as this view saw them (a NAT rewrites them) */
		for (e = 0; e < 2; e++) {
			fputs(e ? "," : ",\"endpoints\":[", out);
			sl_json_str(out, sl_endpoint_str(
					     &w->hs->ep[w->swap ? 1 - e : e],
					     ep, sizeof(ep)));
		}
		fprintf(out, "],\"vantage\":\"%s\",\"frames\":[",
			sl_vantage_name(w->vantage));
		for (i = 0, n = 0; i < c->hs->nframes; i++)
			if (c->seg[i].frame[v])
				fprintf(out, "%s%" PRIu64, n++ ? "," : "",
					c->seg[i].frame[v]);
		fputs("],\"clock_offset_us\":", out);
		if (w->has_offset)
			fprintf(out, "%" PRId64 ",\"uncertainty_us\":%" PRId64,
				w->offset_ns / 1000, w->unc_ns / 1000);
		else
			fputs("null,\"uncertainty_us\":null", out);
		putc('}', out);
	}
	putc(']', out);
}

/*
 * The interval in which both bare SYNs were in flight, from departures and
 * arrivals measured at two vantages; false if not known or none.
 */
static bool
syns_in_flight(const struct sl_conn *c, int64_t *from, int64_t *to)
{
	int64_t dep[2] = {0, 0}, arr[2] = {0, 0};
	bool seen[2] = {false, false};
	unsigned i;

	for (i = 0; c->nviews > 1 && i < c->hs->nframes; i++) {
		const struct sl_hs_frame *f = &c->hs->frames[i];
		if ((f->flags & (SL_TH_SYN | SL_TH_ACK)) != SL_TH_SYN ||
		    seen[f->from] || !c->seg[i].timed)
			continue;
		seen[f->from] = true;
		dep[f->from] = c->seg[i].dep_ns;
		arr[f->from] = c->seg[i].arr_ns;
	}
	if (!seen[0] || !seen[1])
		return false;
	*from = dep[0] > dep[1] ? dep[0] : dep[1];
	*to = arr[0] < arr[1] ? arr[0] : arr[1];
	return *from < *to;
}

/* A finding's frames in each view: [[5],[7]] (frames a view saw). */
static void
json_finding_views(FILE *out, const struct sl_conn *c, unsigned i)
{
	const struct sl_finding *fd = &c->hs->find[i];
	unsigned v, j, k;

	fprintf(out, ",\"found_in_view\":%u,\"view_frames\":[",
		c->find_view[i] + 1);
	for (v = 0; v < c->nviews; v++) {
		fprintf(out, "%s[", v ? "," : "");
		for (j = 0, k = 0; j < fd->nframes; j++) {
			int sg =
			    sl_conn_seg_of(c, c->find_view[i], fd->frames[j]);
			if (sg >= 0 && c->seg[sg].frame[v])
				fprintf(out, "%s%" PRIu64, k++ ? "," : "",
					c->seg[sg].frame[v]);
		}
		putc(']', out);
	}
	putc(']', out);
}

/*
 * Segment i, seen only at view `only`, left its sender (that view is
 * beside it) and never reached a view beside the receiver.
 */
static bool
lost_on_path(const struct sl_conn *c, unsigned i, unsigned only)
{
	enum sl_vantage near_tx = c->hs->frames[i].from ? SL_VANT_B : SL_VANT_A;
	enum sl_vantage near_rx = c->hs->frames[i].from ? SL_VANT_A : SL_VANT_B;
	unsigned v;

	if (c->views[only].vantage != near_tx)
		return false;
	for (v = 0; v < c->nviews; v++)
		if (v != only && c->views[v].vantage == near_rx)
			return true;
	return false;
}

/* Per segment of a connection with several views: where it was seen. */
static void
json_seg_views(FILE *out, const struct sl_conn *c, unsigned i)
{
	const struct sl_conn_seg *sg = &c->seg[i];
	unsigned v, n = 0, only = 0;

	fputs(",\"view_frames\":[", out);
	for (v = 0; v < c->nviews; v++) {
		if (sg->frame[v]) {
			fprintf(out, "%s%" PRIu64, v ? "," : "", sg->frame[v]);
			n++;
			only = v;
		} else {
			fprintf(out, "%snull", v ? "," : "");
		}
	}
	putc(']', out);
	if (sg->timed)
		fprintf(out,
			",\"depart_ns\":%" PRId64 ",\"arrive_ns\":%" PRId64
			",\"one_way_us\":%" PRId64,
			sg->dep_ns, sg->arr_ns,
			(sg->arr_ns - sg->dep_ns) / 1000);
	if (n == 1)
		fprintf(out, ",\"seen_only_at\":%u,\"lost_on_path\":%s",
			only + 1, lost_on_path(c, i, only) ? "true" : "false");
}

static void
json_handshake(struct sl_report *r, const struct sl_conn *c)
{
	const struct sl_handshake *hs = c->hs;
	FILE *out = r->out;
	char a[SL_EP_STRLEN], b[SL_EP_STRLEN], fl[SL_FLAGS_STRLEN];
	unsigned i, j;
	int e;

	if (r->nhs > 0)
		putc(',', out);
	sl_endpoint_str(&hs->ep[0], a, sizeof(a));
	sl_endpoint_str(&hs->ep[1], b, sizeof(b));
	fprintf(out, "\n{\"id\":%u,\"shape\":\"%s\",\"endpoints\":[", hs->id,
		sl_shape_name(hs->shape));
	sl_json_str(out, a);
	putc(',', out);
	sl_json_str(out, b);
	fputs("],\"file\":", out);
	sl_json_str(out, hs->file_name ? hs->file_name : "");
	fprintf(out, ",\"interface\":%d,\"interface_name\":", hs->iface);
	if (hs->iface_name)
		sl_json_str(out, hs->iface_name);
	else
		fputs("null", out);
	fputs(",\"frames\":[", out);
	for (i = 0; i < hs->nframes; i++)
		fprintf(out, "%s%" PRIu64, i ? "," : "", hs->frames[i].frame);
	putc(']', out);
	json_views(out, c);
	if (c->nviews > 1) {
		int64_t t_from, t_to;
		fputs(",\"syns_in_flight_us\":", out);
		if (syns_in_flight(c, &t_from, &t_to))
			fprintf(out, "%" PRId64, (t_to - t_from) / 1000);
		else
			fputs("null", out);
	}
	fputs(",\"attributes\":{", out);
	fprintf(out, "\"self_connect\":%s,\"vantage\":\"%s\",\"end\":\"%s\"",
		hs->self ? "true" : "false", sl_vantage_name(hs->vantage),
		end_name(hs->end));
	if (hs->encap[0]) {
		fputs(",\"encap\":", out);
		sl_json_str(out, hs->encap);
	}
	fprintf(out, ",\"start_ns\":%" PRId64, hs->t_first_ns);
	fputs(",\"isn\":{", out);
	for (e = 0; e < 2; e++) {
		fprintf(out, "%s\"%c\":", e ? "," : "", 'a' + e);
		if (hs->has_isn[e])
			fprintf(out, "%u", hs->isn[e]);
		else
			fputs("null", out);
	}
	fputs("},\"established_us\":", out);
	if (hs->t_est_ns)
		fprintf(out, "%" PRId64,
			(hs->t_est_ns - hs->t_first_ns) / 1000);
	else
		fputs("null", out);
	fputs(",\"crossing_interval_us\":", out);
	if (hs->crossing_us >= 0)
		fprintf(out, "%" PRId64, hs->crossing_us);
	else
		fputs("null", out);
	fputs(",\"rtt_us\":", out);
	if (hs->rtt_us >= 0)
		fprintf(out, "%" PRId64, hs->rtt_us);
	else
		fputs("null", out);
	fprintf(out, ",\"syn_retransmissions\":{\"a\":%u,\"b\":%u}",
		hs->syn_retx[0], hs->syn_retx[1]);
	fputs(",\"syn_retransmission_intervals_us\":{", out);
	for (e = 0; e < 2; e++) {
		fprintf(out, "%s\"%c\":[", e ? "," : "", 'a' + e);
		for (j = 0; j < hs->nretx_iv[e]; j++)
			fprintf(out, "%s%" PRId64, j ? "," : "",
				hs->retx_iv_us[e][j]);
		putc(']', out);
	}
	fputs("},\"options\":{\"a\":", out);
	json_opts(out, &hs->syn[0]);
	fputs(",\"b\":", out);
	json_opts(out, &hs->syn[1]);
	fprintf(out,
		",\"negotiated\":{\"window_scaling\":%s,"
		"\"sack_permitted\":%s,\"timestamps\":%s}}",
		hs->ws_in_effect ? "true" : "false",
		hs->sack_in_effect ? "true" : "false",
		hs->ts_in_effect ? "true" : "false");
	fprintf(out,
		",\"late_syns\":%u,\"challenge_acks\":%u"
		",\"duplicates_ignored\":%u,\"truncated_frames\":%u"
		",\"frames_omitted\":%u",
		hs->late_syns, hs->challenge_acks, hs->duplicates,
		hs->truncated, hs->frames_omitted);
	fprintf(out, ",\"data_bytes\":{\"a\":%" PRIu64 ",\"b\":%" PRIu64 "}",
		hs->data_bytes[0], hs->data_bytes[1]);
	fputs("},\"segments\":[", out);
	for (i = 0; i < hs->nframes; i++) {
		const struct sl_hs_frame *f = &hs->frames[i];
		frame_flags_str(f, fl);
		fprintf(out,
			"%s\n {\"frame\":%" PRIu64 ",\"t_us\":%" PRId64
			",\"from\":\"%c\",\"flags\":\"%s\",\"role\":\"%s\","
			"\"seq\":%" PRId64 ",\"ack\":%" PRId64
			",\"seq_abs\":%u,\"ack_abs\":%u,\"len\":%u,"
			"\"win\":%u,\"states\":{\"a\":",
			i ? "," : "", f->frame,
			(f->ts_ns - hs->t_first_ns) / 1000, 'a' + f->from, fl,
			sl_role_name(f->role), rel_seq(hs, f),
			(f->flags & SL_TH_ACK) ? rel_ack(hs, f) : 0, f->seq,
			f->ack, f->len, f->win);
		json_state_pair(out, f, 0);
		fputs(",\"b\":", out);
		json_state_pair(out, f, 1);
		fputs("},\"options\":", out);
		json_segopts(out, &f->opts);
		if (f->note[0]) {
			fputs(",\"note\":", out);
			sl_json_str(out, f->note);
		}
		if (c->nviews > 1)
			json_seg_views(out, c, i);
		putc('}', out);
	}
	fputs("],\"findings\":[", out);
	for (i = 0; i < hs->nfind; i++) {
		const struct sl_finding *f = &hs->find[i];
		fprintf(out, "%s{\"severity\":\"%s\",\"rule\":\"%s\",\"rfc\":",
			i ? "," : "", sl_severity_name(f->sev), f->rule);
		sl_json_str(out, f->rfc);
		fputs(",\"frames\":[", out);
		for (j = 0; j < f->nframes; j++)
			fprintf(out, "%s%" PRIu64, j ? "," : "", f->frames[j]);
		putc(']', out);
		if (c->nviews > 1)
			json_finding_views(out, c, i);
		fputs(",\"message\":", out);
		sl_json_str(out, f->message);
		putc('}', out);
	}
	fputs("]}", out);
}

/* "1 3 5" or "-": the frames of view v in segments [0, n). */
static void
text_view_frames(FILE *out, const struct sl_conn *c, unsigned v)
{
	unsigned i, k = 0;

	for (i = 0; i < c->hs->nframes; i++)
		if (c->seg[i].frame[v] != 0) {
			if (k++ < 16)
				fprintf(out, " %" PRIu64, c->seg[i].frame[v]);
		}
	if (k > 16)
		fprintf(out, " ... (%u)", k);
	if (k == 0)
		fputs(" none", out);
}

/* The header lines of a connection seen from several views. */
static void
text_views(struct sl_report *r, const struct sl_conn *c)
{
	FILE *out = r->out;
	unsigned v;

	fprintf(out, "  views: %u\n", c->nviews);
	for (v = 0; v < c->nviews; v++) {
		const struct sl_view *w = &c->views[v];
		fprintf(out, "    %u: %s, vantage %s, frames", v + 1, w->name,
			sl_vantage_name(w->vantage));
		text_view_frames(out, c, v);
		if (v == 0)
			fputs("; clock: the reference\n", out);
		else if (w->has_offset)
			fprintf(out,
				"; clock %+.3f ms from view 1's (exact for a "
				"symmetric path, at most %.3f ms off)\n",
				(double)w->offset_ns / 1e6,
				(double)w->unc_ns / 1e6);
		else
			fputs("; clock not comparable (no segment seen "
			      "both ways)\n",
			      out);
	}
}

/*
 * The ladder of the merged timeline: a frame column per view, when the
 * segment left and arrived (on view 1's clock) where two views saw it, and
 * where it was seen only once.
 */
static void
text_conn_ladder(struct sl_report *r, const struct sl_conn *c)
{
	const struct sl_handshake *hs = c->hs;
	FILE *out = r->out;
	char lab[64], col[16];
	unsigned i, v;
	int64_t t0 = hs->nframes ? hs->frames[0].ts_ns : 0;

	fputs("   ", out);
	for (v = 0; v < c->nviews; v++) {
		snprintf(col, sizeof(col), "@%u", v + 1);
		fprintf(out, " %6s", col);
	}
	fprintf(out, " %10s %10s  %-13s %-*s %s\n", "leaves ms", "arrives", "A",
		ARROW_W, "", "B");
	for (i = 0; i < hs->nframes; i++) {
		const struct sl_hs_frame *f = &hs->frames[i];
		const struct sl_conn_seg *sg = &c->seg[i];
		unsigned only = 0, nseen = 0;

		fputs("   ", out);
		for (v = 0; v < c->nviews; v++) {
			if (sg->frame[v] == 0) {
				fprintf(out, " %6s", "-");
				continue;
			}
			fprintf(out, " %6" PRIu64, sg->frame[v]);
			only = v;
			nseen++;
		}
		if (sg->timed)
			fprintf(out, " %10.3f %10.3f  ",
				(double)(sg->dep_ns - t0) / 1e6,
				(double)(sg->arr_ns - t0) / 1e6);
		else
			fprintf(out, " %10.3f %10s  ",
				(double)(f->ts_ns - t0) / 1e6, "");
		seg_label(hs, f, lab, sizeof(lab));
		ladder_row(r, f, lab);
		if (nseen == 1)
			fprintf(out, "  (%sseen only at view %u)",
				lost_on_path(c, i, only) ? "lost on the path: "
							 : "",
				only + 1);
		fputc('\n', out);
	}
	if (hs->frames_omitted)
		fprintf(out, "    (%u more frames not shown)\n",
			hs->frames_omitted);
}

static void
text_conn(struct sl_report *r, const struct sl_conn *c)
{
	const struct sl_handshake *hs = c->hs;
	FILE *out = r->out;
	char a[SL_EP_STRLEN], b[SL_EP_STRLEN];
	unsigned i, v, j;
	int64_t t_from, t_to;

	sl_endpoint_str(&hs->ep[0], a, sizeof(a));
	sl_endpoint_str(&hs->ep[1], b, sizeof(b));
	fprintf(out, "#%u %s  A %s <-> B %s\n", hs->id,
		sl_shape_name(hs->shape), a, b);
	text_views(r, c);
	for (v = 0; v < c->nviews; v++) {
		const struct sl_view *w = &c->views[v];
		char e[SL_EP_STRLEN], e2[SL_EP_STRLEN];
		int k;
		for (k = 0; k < 2; k++) {
			int t = w->swap ? 1 - k : k;
			if (sl_endpoint_cmp(&hs->ep[k], &w->hs->ep[t]) != 0)
				fprintf(
				    out,
				    "    address translated: %c %s is %s "
				    "in view %u\n",
				    'A' + k,
				    sl_endpoint_str(&hs->ep[k], e, sizeof(e)),
				    sl_endpoint_str(&w->hs->ep[t], e2,
						    sizeof(e2)),
				    v + 1);
		}
	}
	text_attrs(r, hs);
	if (syns_in_flight(c, &t_from, &t_to) && hs->nframes > 0)
		fprintf(out,
			"  both SYNs were in flight at once for %.3f ms (from "
			"%.3f to %.3f ms)\n",
			(double)(t_to - t_from) / 1e6,
			(double)(t_from - hs->frames[0].ts_ns) / 1e6,
			(double)(t_to - hs->frames[0].ts_ns) / 1e6);
	text_conn_ladder(r, c);
	for (i = 0; i < hs->nfind; i++) {
		const struct sl_finding *f = &hs->find[i];
		fprintf(out, "  %s %s (%s), frames", sl_severity_name(f->sev),
			f->rule, f->rfc);
		for (v = 0; v < c->nviews; v++) {
			unsigned k = 0;
			for (j = 0; j < f->nframes; j++) {
				int sg = sl_conn_seg_of(c, c->find_view[i],
							f->frames[j]);
				if (sg < 0 || c->seg[sg].frame[v] == 0)
					continue;
				if (k++ == 0)
					fprintf(out, " @%u", v + 1);
				fprintf(out, " %" PRIu64, c->seg[sg].frame[v]);
			}
		}
		fprintf(out, ": %s\n", f->message);
	}
	fputc('\n', out);
}

static void
count_conn(struct sl_report *r, const struct sl_conn *c)
{
	unsigned i;

	r->nhs++;
	r->nviews += c->nviews;
	r->shapes[c->hs->shape]++;
	for (i = 0; i < c->hs->nfind; i++)
		r->findings[c->hs->find[i].sev]++;
}

void
sl_report_conn(const struct sl_conn *c, void *report)
{
	struct sl_report *r = report;

	if (r->fmt == SL_REPORT_JSON) {
		json_handshake(r, c);
	} else if (r->fmt == SL_REPORT_BRIEF) {
		char v[512];
		sl_hs_verdict(c->hs, v, sizeof(v));
		fputs(v, r->out);
		if (c->nviews > 1)
			fprintf(r->out, " [%u views]", c->nviews);
		putc('\n', r->out);
	} else if (c->nviews > 1) {
		text_conn(r, c);
	} else {
		text_handshake(r, c->hs);
	}
	count_conn(r, c);
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

void
sl_report_finish(struct sl_report *r, const struct sl_summary *s)
{
	FILE *out = r->out;
	unsigned i;
	int k;

	if (r->fmt == SL_REPORT_JSON) {
		fputs("\n],", out);
		for (i = 0; i < r->nmembers; i++) {
			sl_json_str(out, r->members[i].key);
			fprintf(out, ":%s,", r->members[i].json);
		}
		fputs("\"problems\":[", out);
		for (i = 0; i < r->nproblems; i++) {
			if (i)
				putc(',', out);
			sl_json_str(out, r->problems[i]);
		}
		fputs("],\"summary\":{", out);
		fprintf(out, "\"handshakes\":%u,\"views\":%u,\"shapes\":{",
			r->nhs, r->nviews);
		for (k = 0; k < SL_SHAPE__COUNT; k++)
			fprintf(out, "%s\"%s\":%u", k ? "," : "",
				sl_shape_name((enum sl_shape)k), r->shapes[k]);
		fprintf(out,
			"},\"violations\":%u,\"warnings\":%u,\"notes\":%u,"
			"\"frames\":%" PRIu64 ",\"tcp_segments\":%" PRIu64
			",\"not_tcp\":%" PRIu64 ",\"fragments\":%" PRIu64
			",\"truncated\":%" PRIu64 ",\"malformed\":%" PRIu64
			",\"duplicates_ignored\":%" PRIu64
			",\"segments_outside_handshakes\":%" PRIu64
			",\"problems\":%u,\"peak_open_handshakes\":%zu}}\n",
			r->findings[SL_SEV_VIOLATION],
			r->findings[SL_SEV_WARNING], r->findings[SL_SEV_NOTE],
			s->frames, s->tcp, s->not_tcp, s->fragments,
			s->truncated, s->malformed, s->duplicates,
			s->no_handshake_segments,
			r->nproblems + r->problems_dropped, s->peak_open);
		return;
	}
	if (r->nproblems) {
		fputs("input problems:\n", out);
		for (i = 0; i < r->nproblems; i++)
			fprintf(out, "  %s\n", r->problems[i]);
		if (r->problems_dropped)
			fprintf(out, "  (%u more)\n", r->problems_dropped);
	}
	fprintf(out, "summary: %u handshake%s", r->nhs, r->nhs == 1 ? "" : "s");
	if (r->nviews > r->nhs)
		fprintf(out, " (seen from %u views)", r->nviews);
	for (k = 0; k < SL_SHAPE__COUNT; k++)
		if (r->shapes[k])
			fprintf(out, ", %u %s", r->shapes[k],
				sl_shape_name((enum sl_shape)k));
	fprintf(out, "; %u violation%s, %u warning%s, %u note%s\n",
		r->findings[SL_SEV_VIOLATION],
		r->findings[SL_SEV_VIOLATION] == 1 ? "" : "s",
		r->findings[SL_SEV_WARNING],
		r->findings[SL_SEV_WARNING] == 1 ? "" : "s",
		r->findings[SL_SEV_NOTE],
		r->findings[SL_SEV_NOTE] == 1 ? "" : "s");
	fprintf(out,
		"         %" PRIu64 " frames, %" PRIu64
		" TCP segments, %" PRIu64 " outside handshakes, %" PRIu64
		" copies ignored, %" PRIu64 " truncated, %" PRIu64
		" malformed\n",
		s->frames, s->tcp, s->no_handshake_segments, s->duplicates,
		s->truncated, s->malformed);
}

void
sl_report_free(struct sl_report *r)
{
	unsigned i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nproblems; i++)
		free(r->problems[i]);
	for (i = 0; i < r->nmembers; i++) {
		free(r->members[i].key);
		free(r->members[i].json);
	}
	free(r->members);
	free(r);
}
