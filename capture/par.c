/* \summary: run a few blocking calls side by side (capture-internal) */
#include "par.h"

#include <signal.h>
#include <stdbool.h>

#define PAR_MAX 8

struct par_job {
	void (*fn)(void *);
	void *arg;
};

static void *
par_main(void *p)
{
	struct par_job *j = p;

	j->fn(j->arg);
	return NULL;
}

int
sl_par_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

void
sl_par_run(void (*fn)(void *), void *const *args, unsigned n)
{
	struct par_job job[PAR_MAX];
	pthread_t t[PAR_MAX];
	bool started[PAR_MAX] = {false};

	while (n > PAR_MAX) {
		sl_par_run(fn, args, PAR_MAX);
		args += PAR_MAX;
		n -= PAR_MAX;
	}
	for (unsigned i = 1; i < n; i++) {
		job[i].fn = fn;
		job[i].arg = args[i];
		started[i] = sl_par_thread(&t[i], par_main, &job[i]) == 0;
		if (!started[i])
			fn(args[i]);
	}
	if (n > 0)
		fn(args[0]);
	for (unsigned i = 1; i < n; i++)
		if (started[i])
			pthread_join(t[i], NULL);
}
