/* \summary: copies of one packet on a Linux `any` capture, told apart from retransmissions */
/*
 * A capture on `any` (SLL, SLL2) sees a forwarded packet once where it
 * comes in and once where it goes out, and a router may hold the outgoing
 * copy in a queue for a long time while other packets pass.  The cooked
 * header says where each was seen: SLL2 the interface index, both the
 * direction (packet type: to us, outgoing, ...).  So a packet is a copy
 * when headers identical to an earlier packet's (TTL, hop limit and
 * checksum left out: decode.c) come from a place that packet has not been
 * seen at yet.  The same headers again from the same place are a new
 * transmission by their sender, however soon: a listener repeats its
 * SYN-ACK byte for byte (IP ID 0, the same TSval) when the SYN comes
 * again.  A capture without that header (one interface, one place) shows
 * each packet once, so nothing in it is a copy.
 *
 * Each handshake keeps the packets seen, oldest first, with the places
 * each was seen at; a copy matches the oldest packet not yet seen at its
 * place, so two transmissions of the same bytes pair with their two
 * copies in order.  The list is bounded by count (COPY_MAX; the oldest
 * packet already seen at two places goes first) and by capture time
 * (COPY_WINDOW_NS: longer than any queue a router holds a packet in).
 * docs/real-captures.md (router-any) shows a FIN whose outgoing copy
 * comes 27 ms later, eleven frames after the original.
 */
#include "conn.h"

#include <stdlib.h>
#include <string.h>

/*
 * Where a cooked capture saw a frame: its interface (SLL2 only) and
 * direction.  Only a cooked capture's frames are asked (az_copy_seen).
 */
static int64_t
frame_origin(const struct sl_pkt *p)
{
	return (p->ifindex + 1) * 256 + (p->sll_pkttype & 0xff);
}

static bool
seen_at(const struct copy_ent *e, int64_t o)
{
	unsigned i;

	for (i = 0; i < e->norg; i++)
		if (e->org[i] == o)
			return true;
	return false;
}

static void
ent_del(struct conn *c, unsigned i)
{
	memmove(&c->cq[i], &c->cq[i + 1], (c->ncq - i - 1) * sizeof(c->cq[0]));
	c->ncq--;
}

bool
az_copy_seen_cooked(struct conn *c, const struct sl_pkt *p, int64_t ts)
{
	int64_t o = frame_origin(p);
	struct copy_ent *e;
	unsigned i;

	while (c->ncq > 0 && ts - c->cq[0].t > COPY_WINDOW_NS)
		ent_del(c, 0);
	for (i = 0; i < c->ncq; i++) {
		e = &c->cq[i];
		if (e->h != p->hash || seen_at(e, o))
			continue;
		if (e->norg < COPY_ORIGINS)
			e->org[e->norg++] = o;
		return true;
	}
	if (c->ncq == COPY_MAX) {
		for (i = 0; i < c->ncq && c->cq[i].norg < 2; i++)
			;
		ent_del(c, i < c->ncq ? i : 0);
	}
	if (c->ncq == c->cqcap) {
		c->cqcap = c->cqcap ? c->cqcap * 2 : 4;
		c->cq = sl_xrealloc(c->cq, c->cqcap, sizeof(*c->cq));
	}
	e = &c->cq[c->ncq++];
	memset(e, 0, sizeof(*e));
	e->h = p->hash;
	e->t = ts;
	e->org[e->norg++] = o;
	return false;
}
