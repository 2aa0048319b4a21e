/* \summary: test driver of capture/conntrack.c: watch, dump and leftover check of a namespace */
/*
 * usage: synlab-cttool watch NETNS HOST LABEL
 *            starts a watch of NETNS (a path such as /proc/PID/ns/net),
 *            prints "ready", waits until stdin reaches EOF, stops (reading
 *            what the kernel still queued) and prints each event as
 *            "T_NS CALL DETAIL", then the timeline as text;
 *        synlab-cttool dump NETNS
 *            the table now, one entry a line (sl_ct_entry_str);
 *        synlab-cttool leftovers NETNS
 *            what a lab would have left behind; exit 0 when clean, 1 not.
 * Exit 4 when the kernel or the privileges do not allow it (the message
 * says why), 2 on a usage error.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conntrack.h"

static int
usage(void)
{
	fputs("usage: synlab-cttool watch NETNS HOST LABEL | dump NETNS | "
	      "leftovers NETNS\n",
	      stderr);
	return 2;
}

static int
do_watch(int nsfd, char host, const char *label)
{
	struct sl_events *ev = sl_events_new();
	char err[SL_ERRBUF_SIZE] = "", buf[256];
	struct sl_ct_watch *w = sl_ct_watch_start(nsfd, host, label, ev, err);
	unsigned lost;

	if (w == NULL) {
		fprintf(stderr, "synlab-cttool: %s\n", err);
		sl_events_free(ev);
		return 4;
	}
	printf("ready\n");
	fflush(stdout);
	while (fgets(buf, sizeof buf, stdin) != NULL)
		;
	/* The kernel sends from the packet path: 100 ms is plenty. */
	lost = sl_ct_watch_stop(w, 100000000);
	for (size_t i = 0; i < sl_events_count(ev); i++) {
		const struct sl_event *e = sl_events_get(ev, i);

		printf("%lld %s %s\n", (long long)e->ts_ns, e->call, e->detail);
	}
	printf("timeline:\n");
	sl_events_write(stdout, ev, NULL, 0, -1, "  ");
	sl_events_free(ev);
	return lost ? 1 : 0;
}

int
main(int argc, char **argv)
{
	char err[SL_ERRBUF_SIZE] = "", what[512];
	int nsfd, rc = 0;

	if (argc < 3)
		return usage();
	nsfd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (nsfd < 0) {
		perror(argv[2]);
		return 4;
	}
	if (strcmp(argv[1], "watch") == 0 && argc == 5) {
		rc = do_watch(nsfd, argv[3][0], argv[4]);
	} else if (strcmp(argv[1], "dump") == 0 && argc == 3) {
		struct sl_ct_entry *v;
		size_t n;

		if (sl_ct_dump(nsfd, &v, &n, err) != SL_OK) {
			fprintf(stderr, "synlab-cttool: %s\n", err);
			rc = 4;
		}
		for (size_t i = 0; rc == 0 && i < n; i++) {
			char line[256];

			sl_ct_entry_str(&v[i], line, sizeof line);
			printf("%s timeout %u\n", line, v[i].timeout_s);
		}
		if (rc == 0)
			free(v);
	} else if (strcmp(argv[1], "leftovers") == 0 && argc == 3) {
		int k = sl_ct_leftovers(nsfd, what, sizeof what, err);

		if (k < 0) {
			fprintf(stderr, "synlab-cttool: %s\n", err);
			rc = 4;
		} else {
			printf("%d: %s\n", k, what);
			rc = k > 0;
		}
	} else {
		rc = usage();
	}
	close(nsfd);
	return rc;
}
