/* \summary: a reader thread that reads and decodes a capture file ahead of the analysis */
/*
 * Reading a capture (libpcap or the pcapng reader, the BPF filter) and
 * decoding its frames need nothing of the analyzer's state, so on two
 * processors they run on a thread of their own.  The reader decodes each
 * frame straight into a slot of a ring of fixed-size records, and the
 * analysis, on the caller's thread, takes the records in order: the
 * analyzer sees exactly the calls, in exactly the order, that one thread
 * makes, and every callback (handshakes, problems, progress) runs on the
 * caller's thread.
 *
 * The ring has one producer and one consumer.  Each side owns a counter
 * of the records it has written (head) or taken (tail), and publishes it
 * only every RING_BATCH records, so the two cores do not pass a cache line
 * to and fro on every frame.  A side that finds the ring full (reader) or
 * empty (analysis) sleeps on a condition variable until the other side's
 * counter reaches what it waits for: the reader, which is the faster,
 * waits for half the ring to be free, not for one slot, and sleeps at
 * once; the analysis spins a moment first, since the reader publishes
 * every few microseconds.
 *
 * With the flow hashes computed a few records ahead, the analysis fetches
 * their flow table slots and handshakes before it needs them.
 *
 * One thread when only one processor is online (sysconf) or allowed
 * (sched_getaffinity), or when the environment sets SYNLAB_THREADS=1:
 * then the reader decodes a batch of RING_BATCH records into a small ring
 * and analyzes it itself, which keeps the fetching ahead.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feed.h"

#define RING_SLOTS 1024u /* a power of two */
#define RING_BATCH 64u	 /* records per publication of a counter */
#define RING_SPIN  200	 /* polls before the analysis sleeps */

enum rec_kind { REC_FRAME, REC_IFACE, REC_PROGRESS };

/* One record of the ring: a frame decoded, or an event between frames. */
struct rec {
	uint8_t kind;	   /* enum rec_kind */
	uint8_t st;	   /* REC_FRAME: enum sl_dec_status */
	int iface;	   /* REC_IFACE */
	uint64_t n;	   /* REC_FRAME: frame number; REC_PROGRESS: frames */
	int64_t ts;	   /* REC_FRAME: capture time; REC_PROGRESS: bytes */
	char *text;	   /* decode message or interface name, or NULL;
			      the analysis frees it */
	struct az_key key; /* REC_FRAME with st SL_DEC_TCP */
	struct sl_pkt pkt;
};

/* A counter one side publishes and the other may sleep on. */
struct ring_side {
	alignas(64) atomic_size_t pos;
	atomic_size_t wake_at; /* the sleeper waits for pos >= wake_at */
	atomic_int asleep;
	pthread_cond_t cv;
};

struct ring {
	struct ring_side head;	     /* records written by the reader */
	struct ring_side tail;	     /* records taken by the analysis */
	alignas(64) atomic_int done; /* the reader has returned */
	pthread_mutex_t mu;
	bool threaded; /* else the reader takes each batch itself */
	size_t mask;   /* slots - 1 */
	struct rec *slot;
};

struct az_sink {
	struct sl_analyzer *az;
	int file;
	int iface; /* the reader's: the interface of the frames it reads */
	void (*on_progress)(uint64_t bytes, uint64_t frames, void *arg);
	void *arg;
	/* two threads: the reader's side of the ring */
	struct ring *ring;
	size_t w, head_pub, tail_seen; /* one thread: tail_seen is taken */
	int (*read)(struct az_sink *s, void *arg);
	void *read_arg;
	int ret;
};

static void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

/*
 * Wait until the other side's counter s->pos reaches target, or the
 * reader is done.  The sleeper stores wake_at and asleep before it looks
 * at pos again, and the publisher stores pos before it looks at asleep
 * (all sequentially consistent), so one of them sees the other's store:
 * no wake-up is lost.
 */
static void
ring_wait(struct ring *g, struct ring_side *s, size_t target, int spin)
{
	int i;

	for (i = 0; i < spin; i++) {
		if (atomic_load_explicit(&s->pos, memory_order_acquire) >=
			target ||
		    atomic_load_explicit(&g->done, memory_order_acquire))
			return;
		cpu_relax();
	}
	pthread_mutex_lock(&g->mu);
	atomic_store(&s->wake_at, target);
	for (;;) {
		/* again after each wake-up: the waker cleared it */
		atomic_store(&s->asleep, 1);
		if (atomic_load(&s->pos) >= target || atomic_load(&g->done))
			break;
		pthread_cond_wait(&s->cv, &g->mu);
	}
	atomic_store(&s->asleep, 0);
	pthread_mutex_unlock(&g->mu);
}

static void
ring_wake(struct ring *g, struct ring_side *s)
{
	pthread_mutex_lock(&g->mu);
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&g->mu);
}

/*
 * Publish pos, and wake the other side if it sleeps until pos.  Whoever
 * clears asleep wakes it, once: the publisher does not wake it again on
 * every batch until the sleeper has run (on a busy machine, a while).
 */
static void
ring_publish(struct ring *g, struct ring_side *s, size_t pos)
{
	atomic_store(&s->pos, pos);
	if (atomic_load(&s->asleep) && pos >= atomic_load(&s->wake_at) &&
	    atomic_exchange(&s->asleep, 0))
		ring_wake(g, s);
}

/* ---- the reader's side --------------------------------------------- */

/* The next free slot, once the analysis has made room. */
static void take_range(const struct az_sink *s, size_t from, size_t to,
		       size_t seen);

static struct rec *
sink_slot(struct az_sink *s)
{
	struct ring *g = s->ring;

	if (!g->threaded) {
		if (s->w - s->tail_seen > g->mask) {
			take_range(s, s->tail_seen, s->w, s->w);
			s->tail_seen = s->w;
		}
		return &g->slot[s->w & g->mask];
	}
	if (s->w - s->tail_seen >= RING_SLOTS) {
		s->tail_seen =
		    atomic_load_explicit(&g->tail.pos, memory_order_acquire);
		if (s->w - s->tail_seen >= RING_SLOTS) {
			/* all written is published before the wait */
			s->head_pub = s->w;
			ring_publish(g, &g->head, s->w);
			ring_wait(g, &g->tail, s->w - RING_SLOTS / 2, 0);
			s->tail_seen = atomic_load_explicit(
			    &g->tail.pos, memory_order_acquire);
		}
	}
	return &g->slot[s->w & g->mask];
}

static void
sink_put(struct az_sink *s)
{
	s->w++;
	if (s->ring->threaded && s->w - s->head_pub >= RING_BATCH) {
		s->head_pub = s->w;
		ring_publish(s->ring, &s->ring->head, s->w);
	}
}

void
az_sink_iface(struct az_sink *s, int iface, const char *name)
{
	struct rec *r;

	s->iface = iface;
	r = sink_slot(s);
	r->kind = REC_IFACE;
	r->iface = iface;
	r->text = name ? sl_xstrdup(name) : NULL;
	sink_put(s);
}

void
az_sink_frame(struct az_sink *s, uint64_t frame, int64_t ts_ns, int dlt,
	      const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	char err[SL_ERRBUF_SIZE];
	struct rec *r;

	r = sink_slot(s);
	err[0] = '\0';
	r->kind = REC_FRAME;
	r->n = frame;
	r->ts = ts_ns;
	r->st = (uint8_t)sl_decode(dlt, data, caplen, wirelen, &r->pkt, err);
	r->text = err[0] != '\0' ? sl_xstrdup(err) : NULL;
	if (r->st == SL_DEC_TCP)
		az_flow_key(&r->pkt, s->iface, &r->key);
	sink_put(s);
}

void
az_sink_progress(struct az_sink *s, uint64_t bytes, uint64_t frames)
{
	struct rec *r;

	if (s->on_progress == NULL)
		return;
	r = sink_slot(s);
	r->kind = REC_PROGRESS;
	r->n = frames;
	r->ts = (int64_t)bytes;
	r->text = NULL;
	sink_put(s);
}

static void *
reader_main(void *arg)
{
	struct az_sink *s = arg;
	struct ring *g = s->ring;

	(void)pthread_setname_np(pthread_self(), "synlab-reader");
	s->ret = s->read(s, s->read_arg);
	atomic_store(&g->head.pos, s->w);
	atomic_store(&g->done, 1);
	if (atomic_exchange(&g->head.asleep, 0))
		ring_wake(g, &g->head);
	return NULL;
}

/* ---- the analysis' side --------------------------------------------- */

static void
take(const struct az_sink *s, struct rec *r)
{
	switch ((enum rec_kind)r->kind) {
	case REC_FRAME:
		(void)az_feed_decoded(s->az, s->file, r->n, r->ts,
				      (enum sl_dec_status)r->st, &r->pkt,
				      &r->key, r->text ? r->text : "");
		break;
	case REC_IFACE:
		sl_analyzer_set_iface(s->az, r->iface, r->text);
		break;
	case REC_PROGRESS:
		s->on_progress((uint64_t)r->ts, r->n, s->arg);
		break;
	}
	if (r->text != NULL) /* seldom: no call for the others */
		free(r->text);
}

/*
 * The flow table slot of the frame AHEAD_SLOT records on, and the
 * handshake of the one AHEAD_CONN on, fetched while this one is analyzed:
 * the reader computed their hashes, and by then the slot is in the cache.
 */
#define AHEAD_SLOT 8
#define AHEAD_CONN 4

static void
ahead(const struct az_sink *s, size_t seen, size_t r, bool conn)
{
	const struct rec *x = &s->ring->slot[r & s->ring->mask];

	if (r >= seen || x->kind != REC_FRAME || x->st != SL_DEC_TCP)
		return;
	if (conn)
		az_prefetch_conn(s->az, x->key.h);
	else
		az_prefetch_slot(s->az, x->key.h, &x->pkt);
}

/* Take records [from, to) in order; those up to seen are written. */
static void
take_range(const struct az_sink *s, size_t from, size_t to, size_t seen)
{
	size_t r;

	for (r = from; r < to; r++) {
		ahead(s, seen, r + AHEAD_SLOT, false);
		ahead(s, seen, r + AHEAD_CONN, true);
		take(s, &s->ring->slot[r & s->ring->mask]);
	}
}

/* Take every record the reader writes, until it is done. */
static void
drain(struct az_sink *s)
{
	struct ring *g = s->ring;
	size_t r = 0, head = 0, next;

	for (;;) {
		if (r == head) {
			head = atomic_load_explicit(&g->head.pos,
						    memory_order_acquire);
			if (r == head) {
				if (atomic_load(&g->done)) {
					head = atomic_load(&g->head.pos);
					if (r == head)
						return;
					continue;
				}
				ring_wait(g, &g->head, r + 1, RING_SPIN);
				continue;
			}
		}
		next = head - r < RING_BATCH ? head : r + RING_BATCH;
		take_range(s, r, next, head);
		r = next;
		ring_publish(g, &g->tail, r);
	}
}

int
az_sink_run(struct sl_analyzer *az, int file,
	    int (*read)(struct az_sink *s, void *arg), void *arg)
{
	const struct sl_analyzer_cfg *cfg = sl_analyzer_get_cfg(az);
	struct az_sink s = {.az = az,
			    .file = file,
			    .on_progress = cfg->on_progress,
			    .arg = cfg->arg,
			    .read = read,
			    .read_arg = arg};
	struct az_sink an;
	struct ring *g = sl_xcalloc(1, sizeof(*g));
	pthread_t t;

	g->threaded = sl_two_threads();
	g->mask = (g->threaded ? RING_SLOTS : RING_BATCH) - 1;
	g->slot = sl_xcalloc(g->mask + 1, sizeof(*g->slot));
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->head.cv, NULL);
	pthread_cond_init(&g->tail.cv, NULL);
	s.ring = g;
	/* the analysis' own copy: no cache line shared with the reader's w */
	an = s;
	if (g->threaded && pthread_create(&t, NULL, reader_main, &s) == 0) {
		drain(&an);
		pthread_join(t, NULL);
	} else {
		/* one thread: the reader takes each batch once it is read */
		g->threaded = false;
		g->mask = RING_BATCH - 1;
		s.ret = read(&s, arg);
		take_range(&s, s.tail_seen, s.w, s.w);
	}
	pthread_cond_destroy(&g->head.cv);
	pthread_cond_destroy(&g->tail.cv);
	pthread_mutex_destroy(&g->mu);
	free(g->slot);
	free(g);
	return s.ret;
}
