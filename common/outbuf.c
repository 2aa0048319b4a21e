/* \summary: the output buffer's writes: at once, or by a writer thread while the caller formats the next buffer */
#define _GNU_SOURCE /* pthread_setname_np */
#include "json.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "common.h"

/*
 * Buffers in turn: one being formatted, the others written or waiting.
 * Three would do when the writer keeps up; the fourth absorbs a write
 * that stalls (the page cache flushing) without stopping the caller.
 */
#define OB_NBUF 4

/*
 * The caller fills buf[sent % OB_NBUF]; the buffers sent and not yet
 * written are the writer's.  Both counters only grow, under mu.
 */
struct sl_obq {
	pthread_mutex_t mu;
	pthread_cond_t work; /* the writer waits for sent > written */
	pthread_cond_t done; /* the caller waits for written to grow */
	FILE *f;
	char *buf[OB_NBUF];
	size_t len[OB_NBUF];
	size_t sent, written;
	bool started, quit;
	bool idle;   /* the writer waits on work */
	bool failed; /* a write failed: the rest is not tried */
	pthread_t t;
};

/* Writes buf[0..n) to f: 0, or -1 with the FILE's error set. */
static int
put(FILE *f, const char *buf, size_t n)
{
	if (n > 0 && fwrite(buf, 1, n, f) != n)
		return -1;
	return ferror(f) ? -1 : 0;
}

static void *
writer(void *arg)
{
	struct sl_obq *q = arg;

	(void)pthread_setname_np(pthread_self(), "synlab-writer");
	pthread_mutex_lock(&q->mu);
	for (;;) {
		size_t i = q->written % OB_NBUF;
		bool failed;

		while (q->written == q->sent && !q->quit) {
			q->idle = true;
			pthread_cond_wait(&q->work, &q->mu);
			q->idle = false;
		}
		if (q->written == q->sent)
			break;
		failed = q->failed;
		pthread_mutex_unlock(&q->mu);
		if (!failed)
			failed = put(q->f, q->buf[i], q->len[i]) != 0;
		pthread_mutex_lock(&q->mu);
		q->failed = failed;
		q->written++;
		pthread_cond_signal(&q->done);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* The thread and its buffers; false (and no thread) if it cannot start. */
static bool
start(struct sl_obq *q, size_t cap)
{
	sigset_t stop, old;
	int rc;

	for (int i = 1; i < OB_NBUF; i++)
		q->buf[i] = sl_xcalloc(1, cap);
	/*
	 * SIGINT and SIGTERM go to the threads that wrote before, never
	 * into a write() to a pipe, which they would end as an error.
	 * SIGPIPE stays: a reader that goes away ends the process as
	 * before.
	 */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	rc = pthread_create(&q->t, NULL, writer, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		for (int i = 1; i < OB_NBUF; i++) {
			free(q->buf[i]);
			q->buf[i] = NULL;
		}
		return false;
	}
	q->started = true;
	return true;
}

/* Hands the caller's buffer to the writer and takes the next free one. */
static void
hand_off(struct sl_ob *ob)
{
	struct sl_obq *q = ob->q;

	pthread_mutex_lock(&q->mu);
	q->len[q->sent % OB_NBUF] = ob->n;
	q->sent++;
	/*
	 * An idle writer is woken for two buffers, not one: the wake-up is
	 * a system call on this thread, and it halves them.
	 */
	if (q->idle && q->sent - q->written >= 2)
		pthread_cond_signal(&q->work);
	while (q->sent - q->written == OB_NBUF)
		pthread_cond_wait(&q->done, &q->mu);
	pthread_mutex_unlock(&q->mu);
	ob->buf = q->buf[q->sent % OB_NBUF];
	ob->n = 0;
}

/* Waits until every buffer sent is written: whether one failed. */
static bool
drain(struct sl_obq *q)
{
	bool failed;

	pthread_mutex_lock(&q->mu);
	if (q->idle && q->written != q->sent)
		pthread_cond_signal(&q->work);
	while (q->written != q->sent)
		pthread_cond_wait(&q->done, &q->mu);
	failed = q->failed;
	pthread_mutex_unlock(&q->mu);
	return failed;
}

int
sl_ob_flush(struct sl_ob *ob)
{
	size_t n = ob->n;

	if (ob->f == NULL) {
		ob->n = 0;
		return -1;
	}
	if (ob->q == NULL || !ob->q->started) {
		ob->n = 0;
		return put(ob->f, ob->buf, n);
	}
	if (n > 0)
		hand_off(ob);
	return drain(ob->q) || ferror(ob->f) ? -1 : 0;
}

void
sl_ob_spill(struct sl_ob *ob)
{
	struct sl_obq *q = ob->q;

	if (q != NULL && ob->f != NULL && (q->started || start(q, ob->cap))) {
		hand_off(ob);
		return;
	}
	(void)sl_ob_flush(ob);
}

void
sl_ob_open(struct sl_ob *ob, FILE *f, size_t cap, bool thread)
{
	sl_ob_init(ob, f, sl_xcalloc(1, cap), cap);
	if (!thread)
		return;
	ob->q = sl_xcalloc(1, sizeof(*ob->q));
	pthread_mutex_init(&ob->q->mu, NULL);
	pthread_cond_init(&ob->q->work, NULL);
	pthread_cond_init(&ob->q->done, NULL);
	ob->q->f = f;
	ob->q->buf[0] = ob->buf;
}

int
sl_ob_close(struct sl_ob *ob)
{
	struct sl_obq *q = ob->q;
	int rc = sl_ob_flush(ob);

	if (q == NULL) {
		free(ob->buf);
		ob->buf = NULL;
		return rc;
	}
	if (q->started) {
		pthread_mutex_lock(&q->mu);
		q->quit = true;
		pthread_cond_signal(&q->work);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->t, NULL);
	}
	for (int i = 0; i < OB_NBUF; i++)
		free(q->buf[i]);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->done);
	pthread_mutex_destroy(&q->mu);
	free(q);
	ob->q = NULL;
	ob->buf = NULL;
	return rc;
}
