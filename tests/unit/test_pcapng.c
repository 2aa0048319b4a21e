/* \summary: unit tests of the pcapng writer: block layout, libpcap read-back, failures */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "pcapng.h"
#include "rd.h"

#ifndef SL_TEST_TMPDIR
#define SL_TEST_TMPDIR "."
#endif

/* 2023-11-14 22:13:20.123456789 UTC */
#define TS0 INT64_C(1700000000123456789)

struct pkt {
	int ifid;
	int64_t ts_ns;
	uint32_t caplen, wirelen;
	const char *comment;
};

static const struct pkt sample[] = {
    {0, TS0, 60, 60, "synlab: A SYN-SENT -> SYN-RECEIVED | crossing SYN"},
    {1, TS0 + 1, 54, 54, NULL},
    {1, TS0 + 4100000, 5, 1514, "odd length, <xml> & \"quotes\" \xc2\xb5s"},
    {0, TS0 + 999, 62, 62, ""},
};
#define NSAMPLE (sizeof(sample) / sizeof(sample[0]))

static void
fill(uint8_t *b, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(seed * 31 + i * 7);
}

/* Writes the sample file: two Ethernet interfaces, microsecond and ns. */
static int
write_sample(const char *path, char *errbuf)
{
	struct sl_pcapng_writer *w;
	uint8_t data[2048];
	size_t i;
	int rc;

	w = sl_pcapng_open(path, "scenario: simultaneous-open; verdict ok",
			   errbuf);
	if (w == NULL)
		return SL_EIO;
	if (sl_pcapng_add_interface(w, DLT_EN10MB, 262144, 0, "veth-a",
				    "microseconds") != 0 ||
	    sl_pcapng_add_interface(w, DLT_EN10MB, 262144, 1, "veth-b", NULL) !=
		1) {
		sl_pcapng_close(w, errbuf);
		return SL_EIO;
	}
	for (i = 0; i < NSAMPLE; i++) {
		fill(data, sample[i].caplen, (unsigned)i);
		rc = sl_pcapng_write_packet(
		    w, sample[i].ifid, sample[i].ts_ns, data, sample[i].caplen,
		    sample[i].wirelen, sample[i].comment);
		if (rc != 0) {
			sl_pcapng_close(w, errbuf);
			return rc;
		}
	}
	return sl_pcapng_close(w, errbuf);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* Every block: length >= 12, multiple of 4, repeated in the trailer. */
static void
test_block_layout(void **state)
{
	char path[512], errbuf[SL_ERRBUF_SIZE];
	size_t len, off = 0;
	uint8_t *b;
	unsigned nblk = 0, nepb = 0, ncomment = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/layout.pcapng", SL_TEST_TMPDIR);
	assert_int_equal(write_sample(path, errbuf), 0);
	b = slurp(path, &len);

	while (off < len) {
		struct sl_rd rd = sl_rd_make(b + off, len - off), body;
		uint32_t type = 0, total = 0, trailer = 0;

		assert_int_equal(sl_rd_le32(&rd, &type), 0);
		assert_int_equal(sl_rd_le32(&rd, &total), 0);
		assert_true(total >= 12 && total % 4 == 0);
		assert_true(total <= len - off);
		rd = sl_rd_make(b + off + total - 4, 4);
		assert_int_equal(sl_rd_le32(&rd, &trailer), 0);
		assert_int_equal(trailer, total);
		if (nblk == 0) {
			uint32_t bom;

			assert_int_equal(type, SL_PCAPNG_BT_SHB);
			rd = sl_rd_make(b + off + 8, total - 12);
			assert_int_equal(sl_rd_le32(&rd, &bom), 0);
			assert_int_equal(bom, SL_PCAPNG_BOM);
		}
		if (type == SL_PCAPNG_BT_EPB) {
			uint32_t caplen = 0, ifid = 0;
			uint16_t code = 0, olen = 0;
			const struct pkt *p = &sample[nepb];

			body = sl_rd_make(b + off + 8, total - 12);
			assert_int_equal(sl_rd_le32(&body, &ifid), 0);
			assert_int_equal(ifid, (uint32_t)p->ifid);
			assert_int_equal(sl_rd_skip(&body, 8), 0);
			assert_int_equal(sl_rd_le32(&body, &caplen), 0);
			assert_int_equal(caplen, p->caplen);
			assert_int_equal(sl_rd_skip(&body, 4), 0);
			assert_int_equal(sl_rd_skip(&body, (caplen + 3) & ~3u),
					 0);
			/* Options: our comment, then opt_endofopt. */
			if (p->comment != NULL && p->comment[0] != '\0') {
				assert_int_equal(sl_rd_le16(&body, &code), 0);
				assert_int_equal(sl_rd_le16(&body, &olen), 0);
				assert_int_equal(code, SL_PCAPNG_OPT_COMMENT);
				assert_int_equal(olen, strlen(p->comment));
				assert_memory_equal(body.p, p->comment, olen);
				assert_int_equal(
				    sl_rd_skip(&body, (olen + 3u) & ~3u), 0);
				assert_int_equal(sl_rd_le32(&body, &trailer),
						 0);
				assert_int_equal(trailer, 0);
				ncomment++;
			}
			assert_int_equal(body.left, 0);
			nepb++;
		}
		off += total;
		nblk++;
	}
	assert_int_equal(off, len);
	assert_int_equal(nblk, 1 + 2 + NSAMPLE);
	assert_int_equal(nepb, NSAMPLE);
	assert_int_equal(ncomment, 2);
	free(b);
}

/* libpcap reads back every byte and timestamp, in nanoseconds. */
static void
test_libpcap_readback(void **state)
{
	char path[512], errbuf[SL_ERRBUF_SIZE], perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	uint8_t want[2048];
	pcap_t *p;
	size_t i = 0;
	int rc;

	(void)state;
	snprintf(path, sizeof(path), "%s/readback.pcapng", SL_TEST_TMPDIR);
	assert_int_equal(write_sample(path, errbuf), 0);
	p = pcap_open_offline_with_tstamp_precision(
	    path, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (p == NULL)
		fail_msg("pcap_open_offline: %s", perr);
	assert_int_equal(pcap_datalink(p), DLT_EN10MB);
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		int64_t ts, want_ts;

		assert_true(i < NSAMPLE);
		want_ts = sample[i].ts_ns;
		if (sample[i].ifid == 0) /* microsecond interface */
			want_ts -= want_ts % 1000;
		ts = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;
		assert_int_equal(ts, want_ts);
		assert_int_equal(h->caplen, sample[i].caplen);
		assert_int_equal(h->len, sample[i].wirelen);
		fill(want, sample[i].caplen, (unsigned)i);
		assert_memory_equal(d, want, h->caplen);
		i++;
	}
	assert_int_equal(rc, PCAP_ERROR_BREAK);
	assert_int_equal(i, NSAMPLE);
	pcap_close(p);
}

/* sl_pcapng_time_order puts the sample's packets in time order across its
 * microsecond and nanosecond interfaces, bytes unchanged, and leaves an
 * ordered file as it is. */
static void
test_time_order(void **state)
{
	static const size_t order[NSAMPLE] = {0, 1, 3, 2};
	char path[512], errbuf[SL_ERRBUF_SIZE], perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	uint8_t want[2048];
	int64_t last = 0;
	pcap_t *p;
	size_t i = 0;
	FILE *f;
	long size;

	(void)state;
	snprintf(path, sizeof(path), "%s/ordered.pcapng", SL_TEST_TMPDIR);
	assert_int_equal(write_sample(path, errbuf), 0);
	assert_int_equal(sl_pcapng_time_order(path, errbuf), 0);
	p = pcap_open_offline_with_tstamp_precision(
	    path, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (p == NULL)
		fail_msg("pcap_open_offline: %s", perr);
	while (pcap_next_ex(p, &h, &d) == 1) {
		int64_t ts = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;

		assert_true(i < NSAMPLE);
		assert_true(ts >= last);
		last = ts;
		assert_int_equal(h->caplen, sample[order[i]].caplen);
		fill(want, h->caplen, (unsigned)order[i]);
		assert_memory_equal(d, want, h->caplen);
		i++;
	}
	assert_int_equal(i, NSAMPLE);
	pcap_close(p);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	fclose(f);
	assert_int_equal(sl_pcapng_time_order(path, errbuf), 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_int_equal(ftell(f), size);
	fclose(f);
}

/* DLT_RAW is written as LINKTYPE_RAW (101) and reads back as DLT_RAW. */
static void
test_dlt_mapping(void **state)
{
	char path[512], errbuf[SL_ERRBUF_SIZE], perr[PCAP_ERRBUF_SIZE];
	struct sl_pcapng_writer *w;
	uint8_t ip[20] = {0x45};
	pcap_t *p;

	(void)state;
	snprintf(path, sizeof(path), "%s/raw.pcapng", SL_TEST_TMPDIR);
	w = sl_pcapng_open(path, NULL, errbuf);
	assert_non_null(w);
	assert_int_equal(
	    sl_pcapng_add_interface(w, DLT_RAW, 65535, 1, NULL, NULL), 0);
	assert_int_equal(
	    sl_pcapng_write_packet(w, 0, 0, ip, sizeof(ip), sizeof(ip), NULL),
	    0);
	assert_int_equal(sl_pcapng_close(w, errbuf), 0);
	p = pcap_open_offline(path, perr);
	if (p == NULL)
		fail_msg("pcap_open_offline: %s", perr);
	assert_int_equal(pcap_datalink(p), DLT_RAW);
	pcap_close(p);
}

/* The raw calls copy timestamps and options verbatim. */
static void
test_raw_copy(void **state)
{
	char path[512], errbuf[SL_ERRBUF_SIZE], perr[PCAP_ERRBUF_SIZE];
	struct sl_pcapng_writer *w;
	struct sl_pcapng_opts ifo = {0}, po = {0};
	const char *comments[] = {"first", NULL, "second"};
	struct pcap_pkthdr *h;
	const u_char *d;
	uint8_t res = 3, data[3] = {1, 2, 3};
	uint32_t flags = 1;
	pcap_t *p;

	(void)state;
	snprintf(path, sizeof(path), "%s/rawcopy.pcapng", SL_TEST_TMPDIR);
	w = sl_pcapng_open(path, NULL, errbuf);
	assert_non_null(w);
	sl_pcapng_opts_add(&ifo, SL_PCAPNG_IF_TSRESOL, &res, 1); /* ms */
	assert_int_equal(sl_pcapng_add_interface_raw(w, 1, 0, &ifo), 0);
	sl_pcapng_opts_add(&po, 2, &flags, 4); /* epb_flags: inbound */
	assert_int_equal(sl_pcapng_write_packet_raw(w, 0, 1700000000123ull,
						    data, 3, 3, &po, comments,
						    3),
			 0);
	/* ns API on a millisecond interface: truncated to the ms. */
	assert_int_equal(sl_pcapng_write_packet(w, 0, TS0, data, 3, 3, NULL),
			 0);
	assert_int_equal(sl_pcapng_write_packet(w, 1, TS0, data, 3, 3, NULL),
			 SL_EINVAL);
	assert_int_equal(sl_pcapng_write_packet(w, 0, -1, data, 3, 3, NULL),
			 SL_EINVAL);
	assert_int_equal(sl_pcapng_close(w, errbuf), 0);
	sl_pcapng_opts_free(&ifo);
	sl_pcapng_opts_free(&po);

	p = pcap_open_offline_with_tstamp_precision(
	    path, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (p == NULL)
		fail_msg("pcap_open_offline: %s", perr);
	assert_int_equal(pcap_next_ex(p, &h, &d), 1);
	assert_int_equal(h->ts.tv_sec, 1700000000);
	assert_int_equal(h->ts.tv_usec, 123000000);
	assert_int_equal(pcap_next_ex(p, &h, &d), 1);
	assert_int_equal(h->ts.tv_sec, 1700000000);
	assert_int_equal(h->ts.tv_usec, 123000000);
	assert_memory_equal(d, data, 3);
	pcap_close(p);
}

static void
test_failures(void **state)
{
	char errbuf[SL_ERRBUF_SIZE] = "";
	struct sl_pcapng_writer *w;
	uint8_t data[1500] = {0};
	int i, rc = 0;

	(void)state;
	w = sl_pcapng_open("/nonexistent-dir/x.pcapng", NULL, errbuf);
	assert_null(w);
	assert_non_null(strstr(errbuf, "/nonexistent-dir/x.pcapng"));

	/* /dev/full accepts the open and fails the writes. */
	w = sl_pcapng_open("/dev/full", NULL, errbuf);
	if (w == NULL)
		skip();
	assert_int_equal(sl_pcapng_add_interface(w, 1, 1500, 0, NULL, NULL), 0);
	for (i = 0; i < 1000 && rc == 0; i++)
		rc = sl_pcapng_write_packet(w, 0, 0, data, sizeof(data),
					    sizeof(data), NULL);
	assert_int_equal(sl_pcapng_close(w, errbuf), SL_EIO);
	assert_non_null(strstr(errbuf, "/dev/full"));
	assert_int_equal(sl_pcapng_close(NULL, errbuf), 0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_block_layout),
	    cmocka_unit_test(test_libpcap_readback),
	    cmocka_unit_test(test_time_order),
	    cmocka_unit_test(test_dlt_mapping),
	    cmocka_unit_test(test_raw_copy),
	    cmocka_unit_test(test_failures),
	};

	/* "test_pcapng write FILE": the sample file, for tshark_roundtrip.sh. */
	if (argc == 3 && strcmp(argv[1], "write") == 0) {
		char errbuf[SL_ERRBUF_SIZE];

		if (write_sample(argv[2], errbuf) != 0) {
			fprintf(stderr, "%s\n", errbuf);
			return 1;
		}
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
