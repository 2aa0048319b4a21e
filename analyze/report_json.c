/* \summary: the JSON report of docs/design.md, one object a connection */
#include "report_int.h"
#include "merge.h"

#include <stdbool.h>
#include <stdint.h>

static char *
put_bool(char *p, bool v)
{
	return v ? SL_PUT(p, "true") : SL_PUT(p, "false");
}

/* A member at p: the literal lit (its key), then the value v. */
#define PUT_U(p, lit, v) sl_put_u64(SL_PUT(p, lit), v)
#define PUT_I(p, lit, v) sl_put_i64(SL_PUT(p, lit), v)
#define PUT_B(p, lit, v) put_bool(SL_PUT(p, lit), v)

/* An endpoint's text as a JSON string: it has nothing JSON escapes. */
static char *
put_ep(char *p, const char *ep)
{
	*p++ = '"';
	p = sl_puts(p, ep);
	*p++ = '"';
	return p;
}

/* A side's SYN options at p, or null (< 100 bytes). */
static char *
put_opts(char *p, const struct sl_synopts *o)
{
	if (!o->seen)
		return SL_PUT(p, "null");
	p = SL_PUT(p, "{\"mss\":");
	p = o->mss >= 0 ? sl_put_i64(p, o->mss) : SL_PUT(p, "null");
	p = SL_PUT(p, ",\"wscale\":");
	p = o->wscale >= 0 ? sl_put_i64(p, o->wscale) : SL_PUT(p, "null");
	p = PUT_B(p, ",\"sack_permitted\":", o->sack_ok);
	p = PUT_B(p, ",\"timestamps\":", o->ts);
	p = PUT_B(p, ",\"fastopen\":", o->tfo);
	return SL_PUT(p, "}");
}

/* A pair [x,y] at p (at most 43 bytes). */
static char *
put_pair(char *p, uint64_t x, uint64_t y)
{
	p = PUT_U(p, "[", x);
	p = PUT_U(p, ",", y);
	return SL_PUT(p, "]");
}

/* A comma at p unless first. */
static char *
put_comma(char *p, int n)
{
	if (n)
		*p++ = ',';
	return p;
}

/* Member i of a list of numbers: the comma unless first, then v. */
static void
list_u64(struct sl_ob *out, unsigned i, uint64_t v)
{
	char *p = sl_ob_room(out, 21);

	sl_ob_commit(out, sl_put_u64(put_comma(p, (int)i), v));
}

/*
 * A segment's options at p: at most 530 bytes (every option at once:
 * SL_SACK_MAX blocks, a cookie of SL_TFO_MAX bytes, SL_UNKOPT_MAX
 * unknown kinds).
 */
static char *
put_segopts(char *p, const struct sl_tcpopts *o)
{
	unsigned i;
	int n = 0;

	*p++ = '{';
	if (o->has_mss) {
		p = PUT_U(p, "\"mss\":", o->mss);
		n++;
	}
	if (o->has_ws) {
		p = put_comma(p, n++);
		p = PUT_U(p, "\"wscale\":", o->ws);
	}
	if (o->sack_ok) {
		p = put_comma(p, n++);
		p = SL_PUT(p, "\"sack_permitted\":true");
	}
	if (o->has_ts) {
		p = put_comma(p, n++);
		p = SL_PUT(p, "\"ts\":");
		p = put_pair(p, o->ts_val, o->ts_ecr);
	}
	if (o->has_sack) {
		p = put_comma(p, n++);
		p = SL_PUT(p, "\"sack\":[");
		for (i = 0; i < o->nsack && i < SL_SACK_MAX; i++) {
			p = put_comma(p, (int)i);
			p = put_pair(p, o->sack[i][0], o->sack[i][1]);
		}
		*p++ = ']';
	}
	if (o->has_tfo) {
		static const char hex[] = "0123456789abcdef";

		p = put_comma(p, n++);
		p = SL_PUT(p, "\"fastopen_cookie\":\"");
		for (i = 0; i < o->tfo_len && i < SL_TFO_MAX; i++) {
			*p++ = hex[o->tfo_cookie[i] >> 4];
			*p++ = hex[o->tfo_cookie[i] & 15];
		}
		*p++ = '"';
	}
	if (o->nunknown) {
		p = put_comma(p, n++);
		p = SL_PUT(p, "\"unknown\":[");
		for (i = 0; i < o->nunknown && i < SL_UNKOPT_MAX; i++) {
			p = put_comma(p, (int)i);
			p = PUT_U(p, "{\"kind\":", o->unknown[i].kind);
			p = PUT_U(p, ",\"len\":", o->unknown[i].len);
			*p++ = '}';
		}
		*p++ = ']';
	}
	if (o->trunc) {
		p = put_comma(p, n);
		p = SL_PUT(p, "\"truncated\":true");
	}
	*p++ = '}';
	return p;
}

/* An endpoint's states before and after a frame, or null (< 40 bytes). */
static char *
put_state_pair(char *p, const struct sl_hs_frame *f, int e)
{
	if (f->st[e][0] == SL_ST_NONE && f->st[e][1] == SL_ST_NONE)
		return SL_PUT(p, "null");
	p = SL_PUT(p, "[\"");
	p = sl_puts(p, sl_state_name(f->st[e][0]));
	p = SL_PUT(p, "\",\"");
	p = sl_puts(p, sl_state_name(f->st[e][1]));
	return SL_PUT(p, "\"]");
}

/* A string member's value, or null. */
static void
str_or_null(struct sl_ob *o, const char *s)
{
	if (s)
		sl_ob_json_str(o, s);
	else
		sl_ob_puts(o, "null");
}

/*
 * "views": where the connection was seen, and each view's clock; ab:
 * the text of the connection's endpoints A and B (a view of the
 * connection's own handshake shows them).
 */
static void
json_views(struct sl_ob *out, const struct sl_conn *c, char ab[2][SL_EP_STRLEN])
{
	char ep[SL_EP_STRLEN];
	unsigned v, i, n;
	int e;

	sl_ob_puts(out, ",\"views\":[");
	for (v = 0; v < c->nviews; v++) {
		const struct sl_view *w = &c->views[v];
		comma(out, v);
		str_u(out, "{\"view\":", v + 1);
		sl_ob_puts(out, ",\"name\":");
		sl_ob_json_str(out, w->name);
		sl_ob_puts(out, ",\"file\":");
		sl_ob_json_str(out, w->hs->file_name ? w->hs->file_name : "");
		sl_ob_puts(out, ",\"interface\":");
		sl_ob_i64(out, w->hs->iface);
		sl_ob_puts(out, ",\"interface_name\":");
		str_or_null(out, w->hs->iface_name);
		/* A and B as this view saw them (a NAT rewrites them) */
		for (e = 0; e < 2; e++) {
			int k = w->swap ? 1 - e : e;
			const char *t = w->hs == c->hs
					    ? ab[k]
					    : sl_endpoint_str(&w->hs->ep[k], ep,
							      sizeof(ep));

			char *p = sl_ob_room(out, SL_EP_STRLEN + 16);

			p = e ? SL_PUT(p, ",") : SL_PUT(p, ",\"endpoints\":[");
			sl_ob_commit(out, put_ep(p, t));
		}
		sl_ob_puts(out, "],\"vantage\":\"");
		sl_ob_puts(out, sl_vantage_name(w->vantage));
		sl_ob_puts(out, "\",\"frames\":[");
		for (i = 0, n = 0; i < c->hs->nframes; i++)
			if (c->seg[i].frame[v]) {
				list_u64(out, n++, c->seg[i].frame[v]);
			}
		sl_ob_puts(out, "],\"clock_offset_us\":");
		if (w->has_offset) {
			sl_ob_i64(out, w->offset_ns / 1000);
			sl_ob_puts(out, ",\"uncertainty_us\":");
			sl_ob_i64(out, w->unc_ns / 1000);
		} else {
			sl_ob_puts(out, "null,\"uncertainty_us\":null");
		}
		sl_ob_putc(out, '}');
	}
	sl_ob_putc(out, ']');
}

/* "nat": each host's mapping seen across the views (docs/nat.md). */
static void
json_nat(struct sl_ob *out, const struct sl_conn *c)
{
	char ep[SL_EP_STRLEN];
	unsigned i;

	sl_ob_puts(out, ",\"nat\":[");
	for (i = 0; i < c->nnat; i++) {
		const struct sl_nat_map *n = &c->nat[i];
		comma(out, i);
		sl_ob_puts(out,
			   n->host ? "{\"host\":\"b\"" : "{\"host\":\"a\"");
		sl_ob_puts(out, ",\"inside\":");
		sl_ob_json_str(out, sl_endpoint_str(&n->in, ep, sizeof(ep)));
		sl_ob_puts(out, ",\"public\":");
		sl_ob_json_str(out, sl_endpoint_str(&n->pub, ep, sizeof(ep)));
		str_u(out, ",\"inside_view\":", n->vin + 1u);
		str_u(out, ",\"public_view\":", n->vpub + 1u);
		sl_ob_puts(out, ",\"port_kept\":");
		sl_ob_puts(out, n->in.port == n->pub.port ? "true" : "false");
		sl_ob_putc(out, '}');
	}
	sl_ob_putc(out, ']');
}

/*
 * The interval in which both bare SYNs were in flight, from departures and
 * arrivals measured at two vantages; false if not known or none.
 */
bool
sl_rep_syns_in_flight(const struct sl_conn *c, int64_t *from, int64_t *to)
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
json_finding_views(struct sl_ob *out, const struct sl_conn *c, unsigned i)
{
	const struct sl_finding *fd = &c->hs->find[i];
	unsigned v, j, k;

	str_u(out, ",\"found_in_view\":", c->find_view[i] + 1);
	sl_ob_puts(out, ",\"view_frames\":[");
	for (v = 0; v < c->nviews; v++) {
		comma(out, v);
		sl_ob_putc(out, '[');
		for (j = 0, k = 0; j < fd->nframes; j++) {
			int sg =
			    sl_conn_seg_of(c, c->find_view[i], fd->frames[j]);
			if (sg >= 0 && c->seg[sg].frame[v]) {
				list_u64(out, k++, c->seg[sg].frame[v]);
			}
		}
		sl_ob_putc(out, ']');
	}
	sl_ob_putc(out, ']');
}

/*
 * Segment i, seen only at view `only`, left its sender (that view is
 * beside it) and never reached a view beside the receiver.
 */
bool
sl_rep_lost_on_path(const struct sl_conn *c, unsigned i, unsigned only)
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
json_seg_views(struct sl_ob *out, const struct sl_conn *c, unsigned i)
{
	const struct sl_conn_seg *sg = &c->seg[i];
	unsigned v, n = 0, only = 0;

	sl_ob_puts(out, ",\"view_frames\":[");
	for (v = 0; v < c->nviews; v++) {
		comma(out, v);
		if (sg->frame[v]) {
			sl_ob_u64(out, sg->frame[v]);
			n++;
			only = v;
		} else {
			sl_ob_puts(out, "null");
		}
	}
	sl_ob_putc(out, ']');
	if (sg->timed) {
		sl_ob_puts(out, ",\"depart_ns\":");
		sl_ob_i64(out, sg->dep_ns);
		sl_ob_puts(out, ",\"arrive_ns\":");
		sl_ob_i64(out, sg->arr_ns);
		sl_ob_puts(out, ",\"one_way_us\":");
		sl_ob_i64(out, (sg->arr_ns - sg->dep_ns) / 1000);
	}
	if (n == 1) {
		str_u(out, ",\"seen_only_at\":", only + 1);
		sl_ob_puts(out, ",\"lost_on_path\":");
		sl_ob_puts(out,
			   sl_rep_lost_on_path(c, i, only) ? "true" : "false");
	}
}

/* v, or null when not known (at most 20 bytes). */
static char *
put_i64_or_null(char *p, int64_t v, bool known)
{
	return known ? sl_put_i64(p, v) : SL_PUT(p, "null");
}

/*
 * More than a segment's object takes up to its options: the fixed
 * members with their numbers and names (< 460 bytes) and the options
 * (< 530).
 */
#define SEG_ROOM 1536

static void
json_segment(struct sl_ob *out, const struct sl_conn *c, unsigned i)
{
	const struct sl_handshake *hs = c->hs;
	const struct sl_hs_frame *f = &hs->frames[i];
	char fl[SL_FLAGS_STRLEN], *p = sl_ob_room(out, SEG_ROOM);

	sl_rep_frame_flags(f, fl);
	p = i ? SL_PUT(p, ",\n {\"frame\":") : SL_PUT(p, "\n {\"frame\":");
	p = sl_put_u64(p, f->frame);
	p = PUT_I(p, ",\"t_us\":", (f->ts_ns - hs->t_first_ns) / 1000);
	p = f->from ? SL_PUT(p, ",\"from\":\"b\",\"flags\":\"")
		    : SL_PUT(p, ",\"from\":\"a\",\"flags\":\"");
	p = sl_puts(p, fl);
	p = SL_PUT(p, "\",\"role\":\"");
	p = sl_puts(p, sl_role_name(f->role));
	p = PUT_I(p, "\",\"seq\":", sl_rep_rel_seq(hs, f));
	p = PUT_I(
	    p, ",\"ack\":", (f->flags & SL_TH_ACK) ? sl_rep_rel_ack(hs, f) : 0);
	p = PUT_U(p, ",\"seq_abs\":", f->seq);
	p = PUT_U(p, ",\"ack_abs\":", f->ack);
	p = PUT_U(p, ",\"len\":", f->len);
	p = PUT_U(p, ",\"win\":", f->win);
	p = SL_PUT(p, ",\"states\":{\"a\":");
	p = put_state_pair(p, f, 0);
	p = SL_PUT(p, ",\"b\":");
	p = put_state_pair(p, f, 1);
	p = SL_PUT(p, "},\"options\":");
	p = put_segopts(p, &f->opts);
	sl_ob_commit(out, p);
	if (f->note[0]) {
		sl_ob_puts(out, ",\"note\":");
		sl_ob_json_str(out, f->note);
	}
	if (c->nviews > 1)
		json_seg_views(out, c, i);
	sl_ob_putc(out, '}');
}

/*
 * The members of "attributes" from "start_ns" on, at p: fixed names, at
 * most 26 numbers of at most 20 bytes and 2 * SL_HS_MAXRETX intervals
 * (< 1536 bytes).
 */
#define ATTR_ROOM 1536

static char *
put_attrs(char *p, const struct sl_handshake *hs)
{
	unsigned j;
	int e;

	p = PUT_I(p, ",\"start_ns\":", hs->t_first_ns);
	p = SL_PUT(p, ",\"isn\":{\"a\":");
	p = put_i64_or_null(p, hs->isn[0], hs->has_isn[0]);
	p = SL_PUT(p, ",\"b\":");
	p = put_i64_or_null(p, hs->isn[1], hs->has_isn[1]);
	p = SL_PUT(p, "},\"established_us\":");
	p = put_i64_or_null(p, (hs->t_est_ns - hs->t_first_ns) / 1000,
			    hs->t_est_ns != 0);
	p = SL_PUT(p, ",\"crossing_interval_us\":");
	p = put_i64_or_null(p, hs->crossing_us, hs->crossing_us >= 0);
	p = SL_PUT(p, ",\"rtt_us\":");
	p = put_i64_or_null(p, hs->rtt_us, hs->rtt_us >= 0);
	p = PUT_U(p, ",\"syn_retransmissions\":{\"a\":", hs->syn_retx[0]);
	p = PUT_U(p, ",\"b\":", hs->syn_retx[1]);
	p = SL_PUT(p, "},\"syn_retransmission_intervals_us\":{");
	for (e = 0; e < 2; e++) {
		p = e ? SL_PUT(p, ",\"b\":[") : SL_PUT(p, "\"a\":[");
		for (j = 0; j < hs->nretx_iv[e] && j < SL_HS_MAXRETX; j++) {
			p = put_comma(p, (int)j);
			p = sl_put_i64(p, hs->retx_iv_us[e][j]);
		}
		*p++ = ']';
	}
	p = SL_PUT(p, "},\"options\":{\"a\":");
	p = put_opts(p, &hs->syn[0]);
	p = SL_PUT(p, ",\"b\":");
	p = put_opts(p, &hs->syn[1]);
	p = PUT_B(p, ",\"negotiated\":{\"window_scaling\":", hs->ws_in_effect);
	p = PUT_B(p, ",\"sack_permitted\":", hs->sack_in_effect);
	p = PUT_B(p, ",\"timestamps\":", hs->ts_in_effect);
	p = PUT_U(p, "}},\"late_syns\":", hs->late_syns);
	p = PUT_U(p, ",\"challenge_acks\":", hs->challenge_acks);
	p = PUT_U(p, ",\"duplicates_ignored\":", hs->duplicates);
	p = PUT_U(p, ",\"truncated_frames\":", hs->truncated);
	p = PUT_U(p, ",\"frames_omitted\":", hs->frames_omitted);
	p = PUT_U(p, ",\"data_bytes\":{\"a\":", hs->data_bytes[0]);
	p = PUT_U(p, ",\"b\":", hs->data_bytes[1]);
	return SL_PUT(p, "}},\"segments\":[");
}

void
sl_rep_json_conn(struct sl_ob *out, unsigned index, const struct sl_conn *c)
{
	const struct sl_handshake *hs = c->hs;
	char ab[2][SL_EP_STRLEN], *p;
	unsigned i, j;

	sl_endpoint_str(&hs->ep[0], ab[0], sizeof(ab[0]));
	sl_endpoint_str(&hs->ep[1], ab[1], sizeof(ab[1]));
	p = sl_ob_room(out, 2 * SL_EP_STRLEN + 128);
	p = index ? SL_PUT(p, ",\n{\"id\":") : SL_PUT(p, "\n{\"id\":");
	p = sl_put_u64(p, hs->id);
	p = SL_PUT(p, ",\"shape\":\"");
	p = sl_puts(p, sl_shape_name(hs->shape));
	p = SL_PUT(p, "\",\"endpoints\":[");
	p = put_ep(p, ab[0]);
	*p++ = ',';
	p = put_ep(p, ab[1]);
	p = SL_PUT(p, "],\"file\":");
	sl_ob_commit(out, p);
	sl_ob_json_str(out, hs->file_name ? hs->file_name : "");
	sl_ob_puts(out, ",\"interface\":");
	sl_ob_i64(out, hs->iface);
	sl_ob_puts(out, ",\"interface_name\":");
	str_or_null(out, hs->iface_name);
	sl_ob_puts(out, ",\"frames\":[");
	for (i = 0; i < hs->nframes; i++) {
		list_u64(out, i, hs->frames[i].frame);
	}
	sl_ob_putc(out, ']');
	json_views(out, c, ab);
	if (c->nviews > 1) {
		int64_t t_from, t_to;
		bool known = sl_rep_syns_in_flight(c, &t_from, &t_to);

		p = sl_ob_room(out, 64);
		p = SL_PUT(p, ",\"syns_in_flight_us\":");
		sl_ob_commit(
		    out, put_i64_or_null(p, known ? (t_to - t_from) / 1000 : 0,
					 known));
		json_nat(out, c);
	}
	p = sl_ob_room(out, 128);
	p = PUT_B(p, ",\"attributes\":{\"self_connect\":", hs->self);
	p = SL_PUT(p, ",\"vantage\":\"");
	p = sl_puts(p, sl_vantage_name(hs->vantage));
	p = SL_PUT(p, "\",\"end\":\"");
	p = sl_puts(p, sl_rep_end_name(hs->end));
	*p++ = '"';
	sl_ob_commit(out, p);
	if (hs->encap[0]) {
		sl_ob_puts(out, ",\"encap\":");
		sl_ob_json_str(out, hs->encap);
	}
	sl_ob_commit(out, put_attrs(sl_ob_room(out, ATTR_ROOM), hs));
	for (i = 0; i < hs->nframes; i++)
		json_segment(out, c, i);
	sl_ob_puts(out, "],\"findings\":[");
	for (i = 0; i < hs->nfind; i++) {
		const struct sl_finding *f = &hs->find[i];
		comma(out, i);
		sl_ob_puts(out, "{\"severity\":\"");
		sl_ob_puts(out, sl_severity_name(f->sev));
		sl_ob_puts(out, "\",\"rule\":\"");
		sl_ob_puts(out, f->rule);
		sl_ob_puts(out, "\",\"rfc\":");
		sl_ob_json_str(out, f->rfc);
		sl_ob_puts(out, ",\"frames\":[");
		for (j = 0; j < f->nframes; j++) {
			list_u64(out, j, f->frames[j]);
		}
		sl_ob_putc(out, ']');
		if (c->nviews > 1)
			json_finding_views(out, c, i);
		sl_ob_puts(out, ",\"message\":");
		sl_ob_json_str(out, f->message);
		sl_ob_putc(out, '}');
	}
	sl_ob_puts(out, "]}");
}
