/* \summary: whether a second thread can run beside the caller's */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

bool
sl_two_threads(void)
{
	const char *e = getenv("SYNLAB_THREADS");
	cpu_set_t set;

	if (e != NULL && strcmp(e, "1") == 0)
		return false;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return false;
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) < 2)
		return false;
	return true;
}
