/* \summary: test driver of capture/conntrack.c: watch, dump and leftover check of a namespace */
/*
 * usage: synlab-cttool watch NETNS HOST LABEL
 *            starts a watch of NETNS (a path such as /proc/PID/ns/net),
 *            prints "ready", waits until stdin reaches EOF, stops (reading
 *            what the kernel still queued) and prints each event as
 *            "T_NS HOST CALL DETAIL", then the timeline as text;
 *        synlab-cttool dump NETNS
 *            the table now, one entry a line (sl_ct_entry_str);
 *        synlab-cttool leftovers NETNS
 *            what a lab would have left behind; exit 0 when clean, 1 not;
 *        synlab-cttool lab
 *            synlab's own NAT lab (capture/nat.h: two keep-port NATs that
 *            drop unsolicited SYNs, 20 ms public wire), a watch on each
 *            router through the sandbox's namespace fds, A and B
 *            connecting to each other's public address at one instant;
 *            prints "connect A|B: ERRNO", then every event as in watch.
 * Exit 4 when the kernel or the privileges do not allow it (the message
 * says why), 2 on a usage error.
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conntrack.h"
#include "lab.h"
#include "nat.h"

static int
usage(void)
{
	fputs("usage: synlab-cttool watch NETNS HOST LABEL | dump NETNS | "
	      "leftovers NETNS | lab\n",
	      stderr);
	return 2;
}

static void
print_events(const struct sl_events *ev)
{
	for (size_t i = 0; i < sl_events_count(ev); i++) {
		const struct sl_event *e = sl_events_get(ev, i);

		printf("%lld %c %s %s\n", (long long)e->ts_ns, e->host, e->call,
		       e->detail);
	}
	printf("timeline:\n");
	sl_events_write(stdout, ev, NULL, 0, -1, "  ");
}

/* The lab's hosts connect to each other's public address, port 4000. */
static int
lab_connect(struct sl_lab *lab, struct sl_simopen_run *r, char *err)
{
	struct sockaddr_storage peer[2];
	socklen_t alen;
	int fd[2];
	int64_t t[2];

	memset(r, 0, sizeof *r);
	r->err[0] = r->err[1] = -1;
	alen = sl_nat_pair_open(sl_lab_sandbox(lab), 4000, fd, peer, err);
	if (alen == 0)
		return 4;
	t[0] = t[1] = sl_now_mono_ns() + 1000000;
	sl_simopen_connect(fd, peer, alen, t, sl_lab_events(lab), r);
	(void)sl_simopen_wait(fd, t[0] + 3000000000LL, sl_lab_events(lab), r,
			      NULL);
	sl_nat_pair_close(fd);
	return 0;
}

static int
do_lab(void)
{
	const struct sl_nat_cfg cfg[2] = {{SL_NAT_KEEP_PORT, SL_NAT_DROP, 0},
					  {SL_NAT_KEEP_PORT, SL_NAT_DROP, 0}};
	char err[SL_ERRBUF_SIZE] = "";
	struct sl_ct_watch *w[2] = {NULL, NULL};
	struct sl_events *ev = NULL;
	struct sl_simopen_run r;
	struct sl_lab *lab;
	int rc = 4;

	if ((lab = sl_lab_open_nat(cfg, err, NULL)) == NULL) {
		fprintf(stderr, "synlab-cttool: NAT lab: %s\n", err);
		return 4;
	}
	sl_lab_set_delay(lab, 20000000);
	for (unsigned h = 0; h < 2; h++) {
		unsigned router = SL_NAT_ROUTER(h);

		w[h] = sl_ct_watch_start(
		    sl_sandbox_ns_fd(sl_lab_sandbox(lab), router),
		    sl_sandbox_host_name(router), h ? "NAT B" : "NAT A",
		    sl_lab_events(lab), err);
		if (w[h] == NULL) {
			fprintf(stderr, "synlab-cttool: %s\n", err);
			goto out;
		}
	}
	if ((rc = lab_connect(lab, &r, err)) != 0) {
		fprintf(stderr, "synlab-cttool: %s\n", err);
		goto out;
	}
	for (unsigned h = 0; h < 2; h++)
		printf("connect %c: %s\n", 'A' + h, sl_errno_name(r.err[h]));
	/* The FIN exchange, then every message of it. */
	sl_lab_finish(lab, 200000000, NULL);
out:
	for (unsigned h = 0; h < 2; h++)
		if (sl_ct_watch_stop(w[h], 50000000) != 0)
			rc = 1;
	sl_lab_free_keep(lab, NULL, &ev);
	if (rc == 0)
		print_events(ev);
	sl_events_free(ev);
	return rc;
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
	print_events(ev);
	sl_events_free(ev);
	return lost ? 1 : 0;
}

int
main(int argc, char **argv)
{
	char err[SL_ERRBUF_SIZE] = "", what[512];
	int nsfd, rc = 0;

	if (argc == 2 && strcmp(argv[1], "lab") == 0)
		return do_lab();
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
