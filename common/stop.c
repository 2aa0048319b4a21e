/* \summary: the one stop flag: SIGINT and SIGTERM ask a run to stop */
#include "stop.h"

#include <signal.h>
#include <stdbool.h>
#include <string.h>

static volatile sig_atomic_t g_stop;
static struct sigaction g_old_int, g_old_term;
static bool g_caught;

static void
on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

volatile const int *
sl_stop_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &g_old_int);
	sigaction(SIGTERM, &sa, &g_old_term);
	g_caught = true;
	return (volatile const int *)&g_stop;
}

void
sl_stop_hold_on(void)
{
	signal(SIGINT, SIG_IGN);
}

void
sl_stop_release(void)
{
	if (!g_caught)
		return;
	sigaction(SIGINT, &g_old_int, NULL);
	sigaction(SIGTERM, &g_old_term, NULL);
	g_caught = false;
}
