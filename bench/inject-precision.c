/* \summary: benchmark: scheduled send time vs time on the wire, synlab's injector and scapy's send() */
/*
 * Builds one lab (two fd-held namespaces, the TUN wire, a capture on both
 * TUN devices), then sends N bare SYNs from the spoofed peer in host A at
 * start + k * interval (CLOCK_REALTIME) with synlab's injector, and N more
 * with scapy's send() from a child process that entered host A, on the
 * same raw-socket path.  The time on the wire is the capture's kernel time
 * stamp of each SYN leaving tunA; the error is wire - scheduled.  Prints a
 * markdown table (p50, p99, max, and the send call itself).
 *
 * usage: synlab-bench-inject [N [INTERVAL_US [PYTHON]]]   (root)
 * Not a timed test: numbers depend on the machine.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inject_scenario.h"
#include "lab.h"
#include "peek.h"
#include "recorder.h"

#ifndef SL_BENCH_PY
#define SL_BENCH_PY "inject-precision.py"
#endif

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

struct stats {
	size_t n;
	double p50, p99, max, min;
};

static struct stats
summarize(int64_t *v, size_t n)
{
	struct stats s = {n, 0, 0, 0, 0};

	if (n == 0)
		return s;
	qsort(v, n, sizeof *v, cmp64);
	s.p50 = (double)v[n / 2] / 1e3;
	s.p99 = (double)v[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] / 1e3;
	s.max = (double)v[n - 1] / 1e3;
	s.min = (double)v[0] / 1e3;
	return s;
}

int
main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 1000;
	int64_t iv = (argc > 2 ? atoll(argv[2]) : 2000) * 1000;
	const char *py = argc > 3 ? argv[3] : "/usr/bin/python3";
	char errbuf[SL_ERRBUF_SIZE] = "", script[1024];
	struct sl_lab *lab;
	struct sl_inj_peer *peer;
	struct sl_inject_stamp *st;
	int64_t start_c, start_py, *wire_c, *wire_py, *call, *late;
	size_t nc = 0, npy = 0;
	const struct sl_capture *cap;
	struct stats sc, spy, scall, slate;
	struct utsname u;
	pid_t pid;
	int status = -1, rc;

	if (n == 0 || iv <= 0)
		return 2;
	if (geteuid() != 0) {
		fputs("synlab-bench-inject: needs root (namespaces, raw "
		      "sockets)\n",
		      stderr);
		return 4;
	}
	snprintf(script, sizeof script, "%s/%s", SL_BENCH_DIR, SL_BENCH_PY);
	lab = sl_lab_new(4, errbuf, &rc);
	if (lab == NULL || (peer = sl_inj_peer_open(lab, errbuf)) == NULL) {
		fprintf(stderr, "synlab-bench-inject: %s\n", errbuf);
		return 4;
	}
	st = calloc(n, sizeof *st);
	wire_c = calloc(n, sizeof *wire_c);
	wire_py = calloc(n, sizeof *wire_py);
	call = calloc(n, sizeof *call);
	late = calloc(n, sizeof *late);
	if (!st || !wire_c || !wire_py || !call || !late)
		return 4;
	for (unsigned k = 0; k < n; k++)
		wire_c[k] = wire_py[k] = -1;

	/* synlab's injector. */
	start_c = sl_now_real_ns() + 20000000;
	if (sl_inj_precision(peer, n, start_c, iv, 30000, st, errbuf) !=
	    SL_OK) {
		fprintf(stderr, "synlab-bench-inject: %s\n", errbuf);
		return 4;
	}
	/* scapy's send(), from a child inside host A. */
	start_py = sl_now_real_ns() + 3000000000LL; /* python + scapy import */
	pid = fork();
	if (pid == 0) {
		char a1[32], a2[32], a3[32];

		if (sl_sandbox_enter(sl_lab_sandbox(lab), 0) != SL_OK)
			_exit(127);
		snprintf(a1, sizeof a1, "%u", n);
		snprintf(a2, sizeof a2, "%lld", (long long)start_py);
		snprintf(a3, sizeof a3, "%lld", (long long)iv);
		execl(py, py, script, a1, a2, a3, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	sl_lab_finish(lab, 5000000, NULL);

	/* The wire: every SYN leaving tunA from the spoofed peer. */
	cap = sl_recorder_capture(sl_lab_recorder(lab), 0);
	for (size_t i = 0; i < cap->npkts; i++) {
		struct sl_peek pk;

		if (sl_peek_frame(cap->dlt, cap->pkts[i].data,
				  cap->pkts[i].caplen, &pk) != SL_OK ||
		    !sl_peek_is_bare_syn(&pk) || pk.src[3] != SL_LAB_SPOOF ||
		    pk.seq >= n)
			continue;
		if (pk.dport == 9)
			wire_c[pk.seq] = cap->pkts[i].ts_ns;
		else if (pk.dport == 10)
			wire_py[pk.seq] = cap->pkts[i].ts_ns;
	}
	for (unsigned k = 0; k < n; k++) {
		int64_t sched = start_c + (int64_t)k * iv;

		if (wire_c[k] >= 0)
			wire_c[nc++] = wire_c[k] - sched;
		call[k] = st[k].after - st[k].before;
		late[k] = st[k].before - st[k].scheduled;
	}
	for (unsigned k = 0; k < n; k++)
		if (wire_py[k] >= 0)
			wire_py[npy++] =
			    wire_py[k] - (start_py + (int64_t)k * iv);
	sc = summarize(wire_c, nc);
	spy = summarize(wire_py, npy);
	scall = summarize(call, n);
	slate = summarize(late, n);
	if (uname(&u) != 0)
		snprintf(u.release, sizeof u.release, "?");
	printf("Injection precision: %u bare SYNs each, one every %.1f ms, "
	       "scheduled on CLOCK_REALTIME; wire time = libpcap kernel "
	       "time stamp of the SYN leaving tunA (Linux %s, %ld CPUs)\n\n",
	       n, (double)iv / 1e6, u.release, sysconf(_SC_NPROCESSORS_ONLN));
	puts("| sender | captured | wire − scheduled p50 | p99 | max | min |");
	puts("|---|---|---|---|---|---|");
	printf("| synlab (libnet-built, raw socket, sleep + spin) | %zu/%u | "
	       "%.1f µs | %.1f µs | %.1f µs | %.1f µs |\n",
	       sc.n, n, sc.p50, sc.p99, sc.max, sc.min);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		printf("| scapy 2.5 `send()` (L3RawSocket, same path, sleep + "
		       "spin) | %zu/%u | %.1f µs | %.1f µs | %.1f µs | %.1f µs "
		       "|\n",
		       spy.n, n, spy.p50, spy.p99, spy.max, spy.min);
	else
		printf("| scapy `send()` | failed (exit status %d: is "
		       "python3-scapy installed for %s?) | | | | |\n",
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1, py);
	printf("\nsynlab detail: send call started %.2f µs (p50) / %.2f µs "
	       "(p99) / %.2f µs (max) after the scheduled instant; sendto() "
	       "took %.1f / %.1f / %.1f µs\n",
	       slate.p50, slate.p99, slate.max, scall.p50, scall.p99,
	       scall.max);
	sl_inj_peer_close(peer);
	sl_lab_free(lab);
	free(st);
	free(wire_c);
	free(wire_py);
	free(call);
	free(late);
	return 0;
}
