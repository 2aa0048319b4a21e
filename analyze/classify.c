/* \summary: a handshake's shape, vantage and negotiated options */
#include "conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- classification -------------------------------------------------- */

static bool
is_loopback(const struct sl_addr *a)
{
	static const uint8_t v6lo[16] = {0, 0, 0, 0, 0, 0, 0, 0,
					 0, 0, 0, 0, 0, 0, 0, 1};
	if (a->family == 4)
		return a->b[0] == 127;
	return memcmp(a->b, v6lo, 16) == 0;
}

/* What the report reads of the hot record, into the public one. */
static void
sync_public(struct conn *c)
{
	struct sl_handshake *hs = &c->k->hs;

	hs->nframes = c->nframes;
	hs->t_last_ns = c->t_last;
	hs->end = (enum sl_end)c->end;
	hs->nretx_iv[0] = c->nretx[0];
	hs->nretx_iv[1] = c->nretx[1];
	for (int x = 0; x < 2; x++) {
		hs->syn[x].seen = c->syn[x].seen;
		hs->syn[x].mss = c->k->cs[x].mss;
		hs->syn[x].wscale = c->syn[x].wscale;
		hs->syn[x].sack_ok = c->syn[x].sack_ok;
		hs->syn[x].ts = c->syn[x].ts;
		hs->syn[x].tfo = c->syn[x].tfo;
	}
}

void
az_classify(struct conn *c)
{
	struct sl_handshake *hs = &c->k->hs;
	struct side *a = &c->s[0], *b = &c->s[1];
	int64_t d1 = -1, d2 = -1;
	int near = -1; /* the capture is near 0: A, 1: B, 2: the path */

	sync_public(c);
	if (hs->self)
		hs->shape =
		    a->sent_bare_syn ? SL_SHAPE_SELF : SL_SHAPE_INCOMPLETE;
	else if (c->started_with_synack)
		hs->shape = SL_SHAPE_INCOMPLETE;
	else if (c->simopen_path && !hs->self &&
		 (c->established || (a->sent_synack && b->sent_synack)))
		hs->shape = SL_SHAPE_SIMOPEN;
	else if (c->established)
		hs->shape = SL_SHAPE_THREE_WAY;
	else if (c->refused)
		hs->shape = SL_SHAPE_REFUSED;
	else if (c->rst_seen)
		hs->shape = SL_SHAPE_RESET;
	else if (!b->sent_any)
		hs->shape = SL_SHAPE_UNANSWERED;
	else
		hs->shape = SL_SHAPE_INCOMPLETE;

	/* Negotiated options: in effect only if both SYNs carried them. */
	hs->ws_in_effect = hs->syn[0].wscale >= 0 && hs->syn[1].wscale >= 0;
	hs->sack_in_effect = hs->syn[0].sack_ok && hs->syn[1].sack_ok;
	hs->ts_in_effect = hs->syn[0].ts && hs->syn[1].ts;
	if (hs->self) {
		hs->syn[1] = hs->syn[0];
		hs->ws_in_effect = hs->syn[0].wscale >= 0;
		hs->sack_in_effect = hs->syn[0].sack_ok;
		hs->ts_in_effect = hs->syn[0].ts;
	}

	/*
	 * Vantage and round trip.  Near A, the SYN-ACK comes a round trip
	 * after the SYN and the ACK follows at once; near B the reverse.
	 */
	if (hs->shape == SL_SHAPE_SIMOPEN && a->sent_synack && b->sent_synack) {
		const struct cold_side *ca = &c->k->cs[0], *cb = &c->k->cs[1];
		d1 = ca->t_synack - cb->t_syn; /* A answers B's SYN */
		d2 = cb->t_synack - ca->t_syn; /* B answers A's SYN */
		if (d1 >= 0 && d2 >= 0) {
			hs->rtt_us = (d1 > d2 ? d1 : d2) / 1000;
			near = d1 < d2 / 4 ? 0 : d2 < d1 / 4 ? 1 : 2;
		}
	} else if ((hs->shape == SL_SHAPE_THREE_WAY ||
		    hs->shape == SL_SHAPE_SIMOPEN) &&
		   (a->sent_synack != b->sent_synack)) {
		/* y's SYN, x's SYN-ACK, y's ACK (also a crafted peer that
		 * answers a simultaneous open's SYN-ACK with a bare ACK) */
		int x = a->sent_synack ? 0 : 1, y = 1 - x;
		unsigned fi;
		int64_t tack = 0, tsa = c->k->cs[x].t_synack;
		const struct cframe *f;
		for (fi = 0; fi < hs->nframes; fi++) {
			f = az_frame(c->k, fi);
			if (f->from == y && f->role == SL_ROLE_ACK) {
				tack = f->ts_ns;
				break;
			}
		}
		/* the SYN-ACK that ACK answers: the last one before it */
		for (fi = 0; fi < hs->nframes && tack; fi++) {
			f = az_frame(c->k, fi);
			if (f->from == x && f->ts_ns <= tack &&
			    (f->role == SL_ROLE_SYNACK ||
			     f->role == SL_ROLE_SYNACK_RETX))
				tsa = f->ts_ns;
		}
		d1 = tsa - c->s[y].t_syn_prev;
		if (d1 < 0)
			d1 = tsa - c->k->cs[y].t_syn;
		d2 = tack ? tack - tsa : -1;
		if (c->s[y].sent_bare_syn && d1 >= 0 && d2 >= 0) {
			hs->rtt_us = (d1 + d2) / 1000;
			/* near y, the ACK follows at once; near x, the SYN-ACK */
			near = d2 < d1 / 4 ? y : d1 < d2 / 4 ? x : 2;
		}
	} else if (hs->shape == SL_SHAPE_REFUSED && hs->nframes >= 2) {
		hs->rtt_us =
		    (az_frame(c->k, hs->nframes - 1)->ts_ns - a->t_syn_prev) /
		    1000;
	}
	if (hs->self ||
	    (is_loopback(&hs->ep[0].addr) && is_loopback(&hs->ep[1].addr)))
		hs->vantage = SL_VANT_LOCAL;
	else if (near == 0)
		hs->vantage = SL_VANT_A;
	else if (near == 1)
		hs->vantage = SL_VANT_B;
	else if (near == 2)
		hs->vantage = SL_VANT_PATH;

	az_check_end(c);
}
