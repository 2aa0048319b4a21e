/* \summary: human report with a compact ladder per handshake, and the JSON of docs/design.md */
#include "report.h"

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
		fputs("],\"handshakes\":[", out);
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

	sl_tcp_flags_str(f->flags, fl);
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
		} else {
			fprintf(out, "%-13s ", state_after(f, 0));
			put_arrow(out, r->ascii, f->from == 0, lab);
			fprintf(out, " %-13s", state_after(f, 1));
		}
		if (f->note[0])
			fprintf(out, "  %s", f->note);
		else if (f->role != SL_ROLE_SYN && f->role != SL_ROLE_SYNACK &&
			 f->role != SL_ROLE_ACK)
			fprintf(out, "  %s", sl_role_name(f->role));
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

static void
text_handshake(struct sl_report *r, const struct sl_handshake *hs)
{
	FILE *out = r->out;
	char a[SL_EP_STRLEN], b[SL_EP_STRLEN];
	unsigned i, j;
	int e;

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
	fprintf(out, "; vantage %s; ended by %s\n",
		sl_vantage_name(hs->vantage), end_name(hs->end));
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
	text_ladder(r, hs);
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

static void
json_handshake(struct sl_report *r, const struct sl_handshake *hs)
{
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
	fputs("],\"attributes\":{", out);
	fprintf(out, "\"self_connect\":%s,\"vantage\":\"%s\",\"end\":\"%s\"",
		hs->self ? "true" : "false", sl_vantage_name(hs->vantage),
		end_name(hs->end));
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
		sl_tcp_flags_str(f->flags, fl);
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
		fputs("],\"message\":", out);
		sl_json_str(out, f->message);
		putc('}', out);
	}
	fputs("]}", out);
}

void
sl_report_handshake(const struct sl_handshake *hs, void *report)
{
	struct sl_report *r = report;

	if (r->fmt == SL_REPORT_JSON) {
		json_handshake(r, hs);
	} else if (r->fmt == SL_REPORT_BRIEF) {
		char v[512];
		sl_hs_verdict(hs, v, sizeof(v));
		fputs(v, r->out);
		putc('\n', r->out);
	} else {
		text_handshake(r, hs);
	}
	r->nhs++;
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
		fprintf(out, "\"handshakes\":%u,\"shapes\":{", s->handshakes);
		for (k = 0; k < SL_SHAPE__COUNT; k++)
			fprintf(out, "%s\"%s\":%u", k ? "," : "",
				sl_shape_name((enum sl_shape)k), s->shapes[k]);
		fprintf(out,
			"},\"violations\":%u,\"warnings\":%u,\"notes\":%u,"
			"\"frames\":%" PRIu64 ",\"tcp_segments\":%" PRIu64
			",\"not_tcp\":%" PRIu64 ",\"fragments\":%" PRIu64
			",\"truncated\":%" PRIu64 ",\"malformed\":%" PRIu64
			",\"duplicates_ignored\":%" PRIu64
			",\"segments_outside_handshakes\":%" PRIu64
			",\"problems\":%u,\"peak_open_handshakes\":%zu}}\n",
			s->findings[SL_SEV_VIOLATION],
			s->findings[SL_SEV_WARNING], s->findings[SL_SEV_NOTE],
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
	fprintf(out, "summary: %u handshake%s", s->handshakes,
		s->handshakes == 1 ? "" : "s");
	for (k = 0; k < SL_SHAPE__COUNT; k++)
		if (s->shapes[k])
			fprintf(out, ", %u %s", s->shapes[k],
				sl_shape_name((enum sl_shape)k));
	fprintf(out, "; %u violation%s, %u warning%s, %u note%s\n",
		s->findings[SL_SEV_VIOLATION],
		s->findings[SL_SEV_VIOLATION] == 1 ? "" : "s",
		s->findings[SL_SEV_WARNING],
		s->findings[SL_SEV_WARNING] == 1 ? "" : "s",
		s->findings[SL_SEV_NOTE],
		s->findings[SL_SEV_NOTE] == 1 ? "" : "s");
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
