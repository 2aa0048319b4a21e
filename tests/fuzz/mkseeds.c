/* \summary: writes the seed corpora of fuzz_decode and fuzz_stream from captures */
/*
 * usage: fuzz-mkseeds DECODE_DIR STREAM_DIR CAPTURE|DIR...
 * Each frame libpcap reads from the captures becomes a fuzz_decode seed
 * (link-type index, length mode, bytes; identical frames once), each
 * capture a fuzz_stream seed of raw records; then a few handshakes are
 * written as fuzz_stream TCP records (three-way, simultaneous open,
 * self-connect, refused, reset, FIN close, late SL_TH_SYN) so the mutator starts
 * from deep states.  File names are content hashes: rerunning adds nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "fuzz.h"
#include "pkt.h"
#include "tcp.h"

static const char *decode_dir, *stream_dir;

static void
put(const char *dir, const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	char path[4096];
	FILE *f;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	snprintf(path, sizeof(path), "%s/seed-%016llx", dir,
		 (unsigned long long)h);
	f = fopen(path, "wb");
	if (f == NULL || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static int
dlt_index(int dlt)
{
	size_t i;

	for (i = 0; i < sl_fuzz_ndlts; i++)
		if (sl_fuzz_dlts[i] == dlt)
			return (int)i;
	return (int)sl_fuzz_ndlts - 1;
}

static void
from_capture(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t *stream = NULL, one[2 + 65536];
	size_t sn = 0, scap = 0;
	pcap_t *pc = pcap_open_offline(path, err);
	int dli;

	if (pc == NULL)
		return; /* the corrupt ones: fuzz_file's business */
	while (pcap_next_ex(pc, &h, &data) == 1) {
		size_t len = h->caplen > 1500 ? 1500 : h->caplen;

		dli = dlt_index(pcap_datalink(pc));
		one[0] = (uint8_t)dli;
		one[1] = h->len > h->caplen ? 2 : 0;
		memcpy(one + 2, data, len);
		put(decode_dir, one, len + 2);
		if (sn + len + 5 + 1 > scap) {
			scap = (sn + len + 6) * 2;
			stream = realloc(stream, scap);
			if (stream == NULL)
				abort();
		}
		if (sn == 0)
			stream[sn++] = 0; /* mode: no reporters */
		stream[sn++] = 0;	  /* ctl: raw */
		stream[sn++] = 10;	  /* dt: 100 us */
		stream[sn++] = (uint8_t)dli;
		sl_tp_put16(stream + sn, (uint32_t)len);
		sn += 2;
		memcpy(stream + sn, data, len);
		sn += len;
	}
	pcap_close(pc);
	if (sn > 0)
		put(stream_dir, stream, sn);
	free(stream);
}

static void
from_path(const char *path)
{
	struct stat st;
	struct dirent *de;
	DIR *d;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		from_capture(path);
		return;
	}
	d = opendir(path);
	if (d == NULL) {
		perror(path);
		exit(1);
	}
	while ((de = readdir(d)) != NULL) {
		char full[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
			from_capture(full);
	}
	closedir(d);
}

/* fuzz_stream TCP records; see the record layout in fuzz_stream.c. */
#define SEQ_LIT	      0
#define SEQ_NXT_PLUS  1
#define SEQ_NXT_MINUS 2
#define SEQ_NXT	      3
#define ACK_LIT	      (0 << 2)
#define ACK_NXT	      (1 << 2)
#define ACK_NXT_DELTA (2 << 2)
#define ACK_ZERO      (3 << 2)

struct rec {
	int s, d;
	uint8_t flags, nums;
	uint32_t seq, ack;
	uint8_t optc, pay;
};

static void
script(uint8_t mode, const struct rec *r, size_t n)
{
	uint8_t b[4096];
	size_t k = 0, i;

	b[k++] = mode;
	for (i = 0; i < n; i++) {
		b[k++] = (uint8_t)(0x20 | r[i].d << 2 | r[i].s);
		b[k++] = 20; /* 200 us */
		b[k++] = r[i].flags;
		b[k++] = r[i].nums;
		sl_tp_put32(b + k, r[i].seq);
		sl_tp_put32(b + k + 4, r[i].ack);
		sl_tp_put16(b + k + 8, 0xfaf0); /* window */
		k += 10;
		b[k++] = r[i].optc;
		b[k++] = r[i].pay;
	}
	put(stream_dir, b, k);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
scripts(void)
{
	const uint8_t o = 0x8f; /* mss, sackOK, TS, nop, wscale 7 */
	const struct rec three[] = {
	    {0, 1, SL_TH_SYN, SEQ_LIT | ACK_ZERO, 0x11111111, 0, o, 0},
	    {1, 0, SL_TH_SYN | SL_TH_ACK, SEQ_LIT | ACK_NXT, 0x22222222, 0, o,
	     0},
	    {0, 1, SL_TH_ACK, SEQ_NXT | ACK_NXT, 0, 0, 0x84, 0},
	    {0, 1, SL_TH_ACK, SEQ_NXT | ACK_NXT, 0, 0, 0x84, 100},
	    {1, 0, SL_TH_FIN | SL_TH_ACK, SEQ_NXT | ACK_NXT, 0, 0, 0x84, 0},
	    {0, 1, SL_TH_FIN | SL_TH_ACK, SEQ_NXT | ACK_NXT, 0, 0, 0x84, 0},
	    {1, 0, SL_TH_ACK, SEQ_NXT | ACK_NXT, 0, 0, 0x84, 0},
	};
	const struct rec simopen[] = {
	    {0, 1, SL_TH_SYN, SEQ_LIT | ACK_ZERO, 0x11111111, 0, o, 0},
	    {1, 0, SL_TH_SYN, SEQ_LIT | ACK_ZERO, 0x22222222, 0, o, 0},
	    {0, 1, SL_TH_SYN | SL_TH_ACK, SEQ_NXT_MINUS | ACK_NXT, 1, 0, o, 0},
	    {1, 0, SL_TH_SYN | SL_TH_ACK, SEQ_NXT_MINUS | ACK_NXT, 1, 0, o, 0},
	    {0, 1, SL_TH_ACK, SEQ_NXT | ACK_NXT, 0, 0, 0x84, 0},
	};
	const struct rec self[] = {
	    {0, 0, SL_TH_SYN, SEQ_LIT | ACK_ZERO, 0xfffffffe, 0, o, 0},
	    {0, 0, SL_TH_SYN | SL_TH_ACK, SEQ_NXT_MINUS | ACK_NXT, 1, 0, o, 0},
	    {0, 0, SL_TH_ACK, SEQ_NXT | ACK_NXT, 0, 0, 0x84, 0},
	};
	const struct rec refused[] = {
	    {2, 3, SL_TH_SYN, SEQ_LIT | ACK_ZERO, 0x33333333, 0, o, 0},
	    {3, 2, SL_TH_RST | SL_TH_ACK, SEQ_LIT | ACK_NXT, 0, 0, 0, 0},
	    {2, 3, SL_TH_SYN, SEQ_LIT | ACK_ZERO, 0x44444444, 0, o, 0},
	};
	const struct rec late[] = {
	    {0, 1, SL_TH_SYN, SEQ_LIT | ACK_ZERO, 0xffffff00, 0, o, 0},
	    {0, 1, SL_TH_SYN, SEQ_NXT_MINUS | ACK_ZERO, 1, 0, o, 0},
	    {1, 0, SL_TH_SYN | SL_TH_ACK, SEQ_LIT | ACK_NXT, 0x7fffffff, 0, o,
	     0},
	    {0, 1, SL_TH_ACK, SEQ_NXT | ACK_NXT, 0, 0, 0x84, 200},
	    {0, 1, SL_TH_SYN, SEQ_LIT | ACK_ZERO, 0x12345678, 0, o, 0},
	    {1, 0, SL_TH_ACK, SEQ_NXT | ACK_NXT, 0, 0, 0x84, 0},
	    {1, 0, SL_TH_RST, SEQ_NXT | ACK_ZERO, 0, 0, 0, 0},
	};

	script(0, three, N(three));
	script(0x1b, three, N(three));
	script(0, simopen, N(simopen));
	script(0x0b, simopen, N(simopen));
	script(0, self, N(self));
	script(0x09, refused, N(refused));
	script(0, late, N(late));
}

int
main(int argc, char **argv)
{
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DECODE_DIR STREAM_DIR CAPTURE...\n",
			argv[0]);
		return 2;
	}
	decode_dir = argv[1];
	stream_dir = argv[2];
	if ((mkdir(decode_dir, 0777) != 0 && errno != EEXIST) ||
	    (mkdir(stream_dir, 0777) != 0 && errno != EEXIST)) {
		perror("mkdir");
		return 1;
	}
	for (i = 3; i < argc; i++)
		from_path(argv[i]);
	scripts();
	return 0;
}
