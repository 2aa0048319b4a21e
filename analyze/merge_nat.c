/* \summary: what NATs did to a connection seen across them: mappings, punched SYNs, a NAT's RST, port changes (docs/nat.md) */
#include "merge_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define MAX_NATMAP 100000 /* mappings kept for the other connections */
/* A vantage captured from a little before its first handshake's first
 * frame to a little after its last one's last. */
#define NAT_SPAN_NS 5000000000LL

/* RFC 1918, RFC 6598 (shared address space, CGN) and RFC 4193 (ULA). */
static bool
private_addr(const struct sl_addr *a)
{
	const uint8_t *b = a->b;

	if (a->family == 4)
		return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		       (b[0] == 192 && b[1] == 168) ||
		       (b[0] == 100 && (b[1] & 0xc0) == 64);
	return (b[0] & 0xfe) == 0xfc;
}

/* The host on view 0's side s, as view v saw it. */
static const struct sl_endpoint *
view_ep(const struct sl_merge *m, const struct build *b, unsigned v, int s)
{
	return &m->h[b->hv[v]].hs.ep[b->map[v][0] == s ? 0 : 1];
}

/*
 * The distinct endpoints of the host on view 0's side s, each with the
 * first view that saw it; returns their number, *inside the index of the
 * inside one: the only private address, else the one seen beside the host,
 * else the first view's.
 */
static unsigned
host_eps(const struct sl_merge *m, const struct build *b, int s,
	 struct sl_endpoint *ep, unsigned *view, unsigned *inside)
{
	unsigned v, k, n = 0, npriv = 0;
	enum sl_vantage me = s == 0 ? SL_VANT_A : SL_VANT_B;

	*inside = 0;
	for (v = 0; v < b->nv; v++) {
		const struct sl_endpoint *e = view_ep(m, b, v, s);
		for (k = 0; k < n && sl_endpoint_cmp(&ep[k], e) != 0; k++)
			;
		if (k < n)
			continue;
		ep[n] = *e;
		view[n++] = v;
	}
	if (n < 2)
		return n;
	for (k = 0; k < n; k++)
		if (private_addr(&ep[k].addr)) {
			npriv++;
			*inside = k;
		}
	if (npriv == 1)
		return n;
	*inside = 0;
	for (k = 0; k < n; k++) {
		const struct mhs *mv = &m->h[b->hv[view[k]]];
		enum sl_vantage g = mv->hs.vantage;
		if (b->map[view[k]][0] != 0)
			g = g == SL_VANT_A   ? SL_VANT_B
			    : g == SL_VANT_B ? SL_VANT_A
					     : g;
		if (mg_measured_vantage(m, b, view[k], 0, g) == me) {
			*inside = k;
			break;
		}
	}
	return n;
}

void
mg_nat_scan(struct sl_merge *m, const struct build *b)
{
	struct sl_endpoint ep[SL_CONN_MAXVIEWS];
	unsigned view[SL_CONN_MAXVIEWS], in, n, k;
	int s;

	for (s = 0; s < 2 && b->nv > 1; s++) {
		n = host_eps(m, b, s, ep, view, &in);
		for (k = 0; k < n && n > 1; k++) {
			struct natmap *t;
			if (k == in || m->nnat >= MAX_NATMAP)
				continue;
			if (m->nnat == m->natcap) {
				m->natcap = m->natcap ? m->natcap * 2 : 16;
				m->nat = sl_xrealloc(m->nat, m->natcap,
						     sizeof(*m->nat));
			}
			t = &m->nat[m->nnat++];
			t->in = ep[in];
			t->pub = ep[k];
			t->vin = m->h[b->hv[view[in]]].vant;
			t->vpub = m->h[b->hv[view[k]]].vant;
		}
	}
}

/* t's key against (a, port): public address, then the inside port
 * (by_in) or the public port. */
static int
cmp_key(const struct natmap *t, const struct sl_addr *a, uint16_t port,
	bool by_in)
{
	uint16_t p = by_in ? t->in.port : t->pub.port;
	int c;

	if (t->pub.addr.family != a->family)
		return t->pub.addr.family < a->family ? -1 : 1;
	c = memcmp(t->pub.addr.b, a->b, sizeof(a->b));
	if (c != 0)
		return c;
	return p < port ? -1 : p > port;
}

/* Ties broken by everything else, so that lookups do not depend on the
 * order connections came in. */
static int
cmp_rest(const struct natmap *x, const struct natmap *y)
{
	int c = sl_endpoint_cmp(&x->in, &y->in);

	if (c == 0)
		c = sl_endpoint_cmp(&x->pub, &y->pub);
	if (c == 0)
		c = x->vin != y->vin ? (x->vin < y->vin ? -1 : 1) : 0;
	return c;
}

static int
cmp_by_pub(const void *x, const void *y)
{
	const struct natmap *a = x, *b = y;
	int c = cmp_key(a, &b->pub.addr, b->pub.port, false);

	return c ? c : cmp_rest(a, b);
}

static int
cmp_by_in(const void *x, const void *y)
{
	const struct natmap *a = *(const struct natmap *const *)x;
	const struct natmap *b = *(const struct natmap *const *)y;
	int c = cmp_key(a, &b->pub.addr, b->in.port, true);

	return c ? c : cmp_rest(a, b);
}

void
mg_nat_index(struct sl_merge *m)
{
	unsigned i;

	if (m->nnat == 0)
		return;
	qsort(m->nat, m->nnat, sizeof(*m->nat), cmp_by_pub);
	m->natin = sl_xcalloc(m->nnat, sizeof(*m->natin));
	for (i = 0; i < m->nnat; i++)
		m->natin[i] = &m->nat[i];
	qsort(m->natin, m->nnat, sizeof(*m->natin), cmp_by_in);
}

/* The first mapping whose key is (a, port), by public or inside port. */
static const struct natmap *
lookup(const struct sl_merge *m, const struct sl_addr *a, uint16_t port,
       bool by_in)
{
	size_t lo = 0, hi = m->nnat;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct natmap *t = by_in ? m->natin[mid] : &m->nat[mid];
		if (cmp_key(t, a, port, by_in) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == m->nnat)
		return NULL;
	if (by_in)
		return cmp_key(m->natin[lo], a, port, true) == 0 ? m->natin[lo]
								 : NULL;
	return cmp_key(&m->nat[lo], a, port, false) == 0 ? &m->nat[lo] : NULL;
}

/*
 * A mapping of another connection for the public endpoint e: the one
 * whose public endpoint is e, else (*predicted) one on e's address whose
 * inside port is e's port: where a peer predicting the port aimed.
 */
static const struct natmap *
find_map(const struct sl_merge *m, const struct sl_endpoint *e, bool *predicted)
{
	const struct natmap *t = lookup(m, &e->addr, e->port, false);

	*predicted = false;
	if (t != NULL)
		return t;
	t = lookup(m, &e->addr, e->port, true);
	*predicted = t != NULL;
	return t;
}

/* What the connection knows of each host's NAT. */
struct hostnat {
	unsigned n;				 /* distinct endpoints */
	struct sl_endpoint ep[SL_CONN_MAXVIEWS]; /* [inside] is inside */
	unsigned view[SL_CONN_MAXVIEWS];	 /* connection's views */
	unsigned inside;
	const struct natmap *far; /* n == 1: its mapping elsewhere */
	bool predicted;		  /* far found by the inside port */
	bool absent;		  /* far's inside vantage is no view here */
};

struct natctx {
	const struct sl_merge *m;
	const struct build *b;
	struct sl_conn *c;
	struct sl_handshake *hs;
	unsigned char *find_view;
	struct hostnat h[2];
};

/* Segment i never reached (or never left) host k's inside. */
static bool
not_inside(const struct natctx *x, int k, unsigned i)
{
	const struct hostnat *h = &x->h[k];
	const struct vant *far, *v0;
	int64_t t;

	if (h->n > 1)
		return x->c->seg[i].frame[h->view[h->inside]] == 0;
	if (!h->absent)
		return false;
	/*
	 * The far inside vantage lacks the segment: it proves something only
	 * if that vantage was capturing then, which its own handshakes
	 * bound (within NAT_SPAN_NS).
	 */
	far = &x->m->v[h->far->vin];
	v0 = &x->m->v[x->m->h[x->b->hv[0]].vant];
	t = x->hs->frames[i].ts_ns;
	if (far->has_offset && v0->has_offset)
		t += far->offset - v0->offset;
	return far->has_span && t >= far->t_min - NAT_SPAN_NS &&
	       t <= far->t_max + NAT_SPAN_NS;
}

/* The first view that saw segment i, preferring one where k is public. */
static unsigned
pub_view(const struct natctx *x, int k, unsigned i)
{
	const struct hostnat *h = &x->h[k];
	unsigned j, v;

	for (j = 0; j < h->n; j++)
		if (j != h->inside && x->c->seg[i].frame[h->view[j]] != 0)
			return h->view[j];
	for (v = 0; v < x->c->nviews; v++)
		if (x->c->seg[i].frame[v] != 0)
			return v;
	return 0;
}

static void raise_at(struct natctx *x, enum sl_rule_id id, unsigned i,
		     unsigned v, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
raise_at(struct natctx *x, enum sl_rule_id id, unsigned i, unsigned v,
	 const char *fmt, ...)
{
	const struct sl_rule *r = sl_rule_get(id);
	struct sl_finding *f;
	va_list ap;

	if (x->hs->nfind >= SL_HS_MAXFINDINGS)
		return;
	f = &x->hs->find[x->hs->nfind];
	memset(f, 0, sizeof(*f));
	f->sev = r->sev;
	f->rule = r->id;
	f->rfc = r->rfc;
	f->frames[f->nframes++] = x->c->seg[i].frame[v];
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	x->find_view[x->hs->nfind++] = (unsigned char)v;
}

/* The first segment from k with exactly these of SYN, ACK, RST; -1. */
static int
first_from(const struct natctx *x, int k, uint8_t flags)
{
	unsigned i;
	uint8_t mask = SL_TH_SYN | SL_TH_ACK | SL_TH_RST;

	for (i = 0; i < x->hs->nframes; i++)
		if (x->hs->frames[i].from == k &&
		    (x->hs->frames[i].flags & mask) == flags)
			return (int)i;
	return -1;
}

/* The host's mappings seen in this connection, and their port changes. */
static void
mappings(struct natctx *x, int k, struct sl_nat_map *nat)
{
	const struct hostnat *h = &x->h[k];
	char a[SL_EP_STRLEN], p[SL_EP_STRLEN];
	unsigned j;

	for (j = 0; j < h->n && h->n > 1; j++) {
		struct sl_nat_map *t;
		int i;
		if (j == h->inside || x->c->nnat >= SL_CONN_MAXNAT)
			continue;
		t = &nat[x->c->nnat++];
		t->host = (uint8_t)k;
		t->in = h->ep[h->inside];
		t->pub = h->ep[j];
		t->vin = (unsigned char)h->view[h->inside];
		t->vpub = (unsigned char)h->view[j];
		if (t->in.port == t->pub.port)
			continue;
		for (i = 0; i < (int)x->hs->nframes; i++)
			if (x->hs->frames[i].from == k &&
			    x->c->seg[i].frame[t->vpub] != 0)
				break;
		if (i < (int)x->hs->nframes)
			raise_at(x, SL_RULE_NAT_PORT_CHANGED, (unsigned)i,
				 t->vpub,
				 "%c's NAT maps %s to %s: the port changed",
				 'A' + k, sl_endpoint_str(&t->in, a, sizeof(a)),
				 sl_endpoint_str(&t->pub, p, sizeof(p)));
	}
}

/* Host k as the connection's view v saw it. */
static const struct sl_endpoint *
conn_ep(const struct natctx *x, int k, unsigned v)
{
	const struct sl_view *w = &x->c->views[v];

	return &w->hs->ep[w->swap ? 1 - k : k];
}

/* A RST from k's public address that never left k: its NAT's. */
static bool
nat_rst(struct natctx *x, int k)
{
	char e[SL_EP_STRLEN];
	unsigned i;

	for (i = 0; i < x->hs->nframes; i++) {
		const struct sl_hs_frame *f = &x->hs->frames[i];
		if (f->from != k || !(f->flags & SL_TH_RST) ||
		    !not_inside(x, k, i))
			continue;
		unsigned v = pub_view(x, k, i);
		raise_at(x, SL_RULE_NAT_RST, i, v,
			 "%c's NAT (%s) sent this RST: %c never did (not seen "
			 "at %c's inside view)",
			 'A' + k,
			 sl_endpoint_str(conn_ep(x, k, v), e, sizeof(e)),
			 'A' + k, 'A' + k);
		return true;
	}
	return false;
}

/* j's first SYN crossed j's NAT and never reached k's inside. */
static void
punched(struct natctx *x, int j)
{
	const struct hostnat *hj = &x->h[j];
	int k = 1 - j, i = first_from(x, j, SL_TH_SYN);
	char e[SL_EP_STRLEN];
	unsigned v;

	if (i < 0 || hj->n < 2 || (x->h[k].n < 2 && !x->h[k].absent) ||
	    !not_inside(x, k, (unsigned)i))
		return;
	v = pub_view(x, j, (unsigned)i);
	if (v == hj->view[hj->inside])
		return; /* never seen beyond j's NAT */
	raise_at(x, SL_RULE_NAT_PUNCHED, (unsigned)i, v,
		 "%c's SYN left %c's NAT as %s, opening its mapping, and "
		 "never reached %c: %c's NAT dropped it",
		 'A' + j, 'A' + j,
		 sl_endpoint_str(conn_ep(x, j, v), e, sizeof(e)), 'A' + k,
		 'A' + k);
}

void
mg_nat_conn(const struct sl_merge *m, const struct build *b, int aref,
	    struct sl_conn *c, struct sl_handshake *hs,
	    unsigned char *find_view, struct sl_nat_map *nat)
{
	struct natctx x = {
	    .m = m, .b = b, .c = c, .hs = hs, .find_view = find_view};
	bool rst[2];
	int k;

	c->nnat = 0;
	c->nat = nat;
	for (k = 0; k < 2; k++) {
		struct hostnat *h = &x.h[k];
		unsigned v;
		h->n = host_eps(m, b, k ^ aref, h->ep, h->view, &h->inside);
		if (h->n != 1)
			continue;
		h->far = find_map(m, &h->ep[0], &h->predicted);
		h->absent = h->far != NULL;
		for (v = 0; h->far && v < b->nv; v++)
			if (m->h[b->hv[v]].vant == h->far->vin)
				h->absent = false;
	}
	for (k = 0; k < 2; k++)
		mappings(&x, k, nat);
	for (k = 0; k < 2; k++)
		rst[k] = nat_rst(&x, k);
	for (k = 0; k < 2; k++)
		if (!rst[1 - k])
			punched(&x, k);
	for (k = 0; k < 2; k++) {
		const struct hostnat *h = &x.h[k];
		char a[SL_EP_STRLEN], i[SL_EP_STRLEN], p[SL_EP_STRLEN];
		int s = first_from(&x, 1 - k, SL_TH_SYN);
		if (!h->predicted || s < 0)
			continue;
		raise_at(&x, SL_RULE_NAT_MISMATCH, (unsigned)s,
			 pub_view(&x, 1 - k, (unsigned)s),
			 "%c's SYN aimed at %s, but %c's NAT maps %s to %s "
			 "(at %s): no SYN of %c can meet it",
			 'B' - k, sl_endpoint_str(&h->ep[0], a, sizeof(a)),
			 'A' + k, sl_endpoint_str(&h->far->in, i, sizeof(i)),
			 sl_endpoint_str(&h->far->pub, p, sizeof(p)),
			 m->v[h->far->vpub].name, 'A' + k);
	}
}
