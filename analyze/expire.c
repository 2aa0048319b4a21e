/* \summary: expiry: tombstones of unanswered SYNs, the timer sweep, the end of input */
#include "conn.h"

#include <stdlib.h>
#include <string.h>

/* ---- tombstones of SYNs reported as unanswered ---------------------- */

uint64_t
az_tomb_key(uint64_t khash, uint32_t isn)
{
	uint64_t k = khash ^ ((uint64_t)isn * 0x9e3779b97f4a7c15ULL);

	return k ? k : 1;
}

bool
az_tomb_find(const struct sl_analyzer *az, uint64_t key, int64_t now)
{
	size_t i;

	if (az->tcap == 0)
		return false;
	for (i = key & (az->tcap - 1); az->tombs[i].key != 0;
	     i = (i + 1) & (az->tcap - 1))
		if (az->tombs[i].key == key)
			return az->tombs[i].expires >= now;
	return false;
}

static void tomb_put(struct sl_analyzer *az, uint64_t key, int64_t expires,
		     int64_t now);

static void
tomb_rehash(struct sl_analyzer *az, size_t ncap, int64_t now)
{
	struct tomb *old = az->tombs;
	size_t ocap = az->tcap, i;

	az->tombs = sl_xcalloc(ncap, sizeof(*az->tombs));
	az->tcap = ncap;
	az->ntombs = 0;
	for (i = 0; i < ocap; i++)
		if (old[i].key != 0 && old[i].expires >= now)
			tomb_put(az, old[i].key, old[i].expires, now);
	free(old);
}

static void
tomb_put(struct sl_analyzer *az, uint64_t key, int64_t expires, int64_t now)
{
	size_t i;

	/*
	 * Past a load of 3/4 (the expired count until then), the live ones
	 * move to a table as large, or twice as large if they fill more
	 * than half of this one: 16 bytes a slot, 21 to 64 a live tomb.
	 */
	if ((az->ntombs + 1) * 4 > az->tcap * 3) {
		size_t live = 0;
		for (i = 0; i < az->tcap; i++)
			live += az->tombs[i].key != 0 &&
				az->tombs[i].expires >= now;
		tomb_rehash(az,
			    (live + 1) * 2 > az->tcap && az->tcap
				? az->tcap * 2
				: (az->tcap ? az->tcap : 1024),
			    now);
	}
	for (i = key & (az->tcap - 1); az->tombs[i].key != 0;
	     i = (i + 1) & (az->tcap - 1))
		if (az->tombs[i].key == key)
			break;
	if (az->tombs[i].key == 0)
		az->ntombs++;
	az->tombs[i].key = key;
	az->tombs[i].expires = expires;
}

static void
due_push(struct sl_analyzer *az, size_t n, struct conn_head *c)
{
	if (n == az->dcap) {
		az->dcap = az->dcap ? az->dcap * 2 : 64;
		az->due = sl_xrealloc(az->due, az->dcap, sizeof(*az->due));
	}
	az->due[n] = c;
}

/*
 * The order handshakes are finished in, by what they wait for (enum
 * az_wait), each rank in the order of their last segments.  A sweep:
 * lingering ones first, then the idle, then the unanswered SYNs (a
 * tombstone each).  The end of a file: unanswered SYNs first, then
 * lingering, then open handshakes.
 */
static const uint8_t sweep_rank[3] = {
    [AZ_LINGERING] = 0, [AZ_OPEN] = 1, [AZ_WAITING] = 2};
static const uint8_t finish_rank[3] = {
    [AZ_WAITING] = 0, [AZ_LINGERING] = 1, [AZ_OPEN] = 2};

/*
 * Put the n handshakes of due in the order they are finished: by rank
 * (0 to 2, of their wait), then by stamp.  Stamps are unique, so each
 * handshake gets one number, rank * span + stamp - the lowest, and a
 * radix sort on its bytes orders them: the stamps of one sweep lie
 * within a few million (three passes), and unlike qsort it needs neither
 * a call per comparison nor the handshakes' cache lines again.
 */
struct due_key {
	uint64_t k;
	struct conn_head *c;
};

static void
sort_due(struct conn_head **due, size_t n, const uint8_t rank[3])
{
	struct due_key *two, *a, *b, *t;
	uint64_t lo = UINT64_MAX, hi = 0, span, top;
	size_t i, d, at[256];
	unsigned shift;

	if (n < 2) /* none due yet: due may still be NULL */
		return;
	two = sl_xrealloc(NULL, 2 * n, sizeof(*two));
	a = two;
	b = two + n;
	for (i = 0; i < n; i++) {
		uint64_t st = due[i]->stamp;
		lo = st < lo ? st : lo;
		hi = st > hi ? st : hi;
	}
	/* stamps count segments: far below 2^62, the product fits */
	span = hi - lo + 1;
	top = 3 * span - 1;
	for (i = 0; i < n; i++) {
		a[i].k = rank[due[i]->wait] * span + (due[i]->stamp - lo);
		a[i].c = due[i];
	}
	for (shift = 0; shift < 64 && top >> shift != 0; shift += 8) {
		memset(at, 0, sizeof(at));
		for (i = 0; i < n; i++)
			at[(a[i].k >> shift) & 255]++;
		for (d = 0, i = 0; d < 256; d++) {
			size_t c = at[d];
			at[d] = i;
			i += c;
		}
		for (i = 0; i < n; i++)
			b[at[(a[i].k >> shift) & 255]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	for (i = 0; i < n; i++)
		due[i] = a[i].c;
	free(two);
}

/*
 * Finish what the capture clock has passed.  Every bucket from the
 * wheel's tick to now's is looked at once (all of them at most once
 * after a long gap); a handshake whose deadline moved on is filed again.
 */
void
az_sweep(struct sl_analyzer *az, int64_t now)
{
	int64_t ct = az_tick(now), t, end;
	size_t n = 0, i;

	if (az->wheel == NULL || ct < az->wheel_tick)
		return;
	end = ct - az->wheel_tick >= WHEEL_SIZE
		  ? az->wheel_tick + WHEEL_SIZE - 1
		  : ct;
	for (t = az->wheel_tick; t <= end; t++) {
		size_t w = (uint64_t)t & (WHEEL_SIZE - 1);
		struct conn_head *c = az->wheel[w], *next;
		for (; c != NULL; c = next) {
			next = c->tnext;
			__builtin_prefetch(next);
			if (now > c->dl) {
				az_timer_unfile(c);
				due_push(az, n++, c);
				continue;
			}
			/* Not due: stays in this bucket if its deadline's
			 * tick is this bucket's (of a later turn, maybe),
			 * else moves on to that one. */
			if (((uint64_t)az_tick(c->dl) & (WHEEL_SIZE - 1)) !=
			    w) {
				az_timer_unfile(c);
				az_timer_file(az, c);
			}
		}
	}
	az->wheel_tick = ct;
	sort_due(az->due, n, sweep_rank);
	for (i = 0; i < n; i++) {
		struct conn *c = az_thaw(az, az->due[i]);
		if (c->h.wait == AZ_WAITING && c->s[0].sent_bare_syn)
			tomb_put(az, az_tomb_key(c->khash, c->s[0].isn),
				 now + TOMB_NS, now);
		az_finalize(az, c,
			    c->h.wait == AZ_LINGERING ? SL_END_EOF
						      : SL_END_IDLE);
	}
}

/* At the end of a file: every handshake still tracked. */
void
az_finish_all(struct sl_analyzer *az)
{
	size_t n, i;

	/* a handshake finished may hand its tuple back to a parked one */
	az->finishing = true;
	while (az->nconn > 0) {
		n = 0;
		for (i = 0; i < az->tabsize; i++)
			if (az->tab[i].c != NULL)
				due_push(az, n++, az->tab[i].c);
		sort_due(az->due, n, finish_rank);
		for (i = 0; i < n; i++)
			az_finalize(az, az_thaw(az, az->due[i]), SL_END_EOF);
	}
	az->finishing = false;
}
