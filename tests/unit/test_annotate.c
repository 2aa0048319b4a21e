/* \summary: unit tests of the annotated pcapng: bit-exact copy, comments, corrupt inputs */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "annotate.h"
#include "merge.h"
#include "pcapng.h"
#include "rd.h"

#ifndef SL_TEST_TMPDIR
#define SL_TEST_TMPDIR "."
#endif

/*
 * Stand-in for the analyzer's sl_hs_frame_comment (analyze/analyze.c),
 * used only when the real one is not linked: this test does not link
 * synlab_analyze, so it neither waits for nor depends on the analyzer.
 * Expected comments are computed by calling whichever one is linked.
 */
__attribute__((weak)) size_t
sl_hs_frame_comment(const struct sl_handshake *hs, unsigned i, char *buf,
		    size_t len)
{
	int n = snprintf(buf, len, "synlab: %s #%u frame %u, %s",
			 hs->frames[i].from ? "B" : "A", hs->id, i,
			 hs->frames[i].note);

	if (n < 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

/* Stand-ins likewise for the view helpers of analyze/merge.c. */
__attribute__((weak)) void
sl_conn_view_hs(const struct sl_conn *c, unsigned v, struct sl_handshake *out,
		void **storage)
{
	(void)v;
	*out = *c->hs;
	*storage = NULL;
}

__attribute__((weak)) size_t
sl_conn_frame_comment(const struct sl_conn *c, unsigned v,
		      const struct sl_handshake *vhs, unsigned i, char *buf,
		      size_t len)
{
	(void)c;
	(void)v;
	return sl_hs_frame_comment(vhs, i, buf, len);
}

/* ---- a small builder of pcap and pcapng files in either byte order ---- */

struct bld {
	uint8_t b[65536];
	size_t len;
	bool be;
};

static void
b_bytes(struct bld *b, const void *p, size_t n)
{
	assert_true(b->len + n <= sizeof(b->b));
	if (n == 0)
		return;
	memcpy(b->b + b->len, p, n);
	b->len += n;
}

static void
b16(struct bld *b, uint16_t v)
{
	uint8_t x[2];

	if (b->be) {
		x[0] = (uint8_t)(v >> 8);
		x[1] = (uint8_t)v;
	} else {
		x[0] = (uint8_t)v;
		x[1] = (uint8_t)(v >> 8);
	}
	b_bytes(b, x, 2);
}

static void
b32(struct bld *b, uint32_t v)
{
	if (b->be) {
		b16(b, (uint16_t)(v >> 16));
		b16(b, (uint16_t)v);
	} else {
		b16(b, (uint16_t)v);
		b16(b, (uint16_t)(v >> 16));
	}
}

static void
b64(struct bld *b, uint64_t v)
{
	if (b->be) {
		b32(b, (uint32_t)(v >> 32));
		b32(b, (uint32_t)v);
	} else {
		b32(b, (uint32_t)v);
		b32(b, (uint32_t)(v >> 32));
	}
}

static void
bpad(struct bld *b)
{
	static const uint8_t z[4];

	b_bytes(b, z, (4 - b->len % 4) % 4);
}

static void
bopt(struct bld *b, uint16_t code, const void *v, uint16_t len)
{
	b16(b, code);
	b16(b, len);
	b_bytes(b, v, len);
	bpad(b);
}

static void
bopt_str(struct bld *b, uint16_t code, const char *s)
{
	bopt(b, code, s, (uint16_t)strlen(s));
}

/* Starts a block; returns its offset for bend. */
static size_t
bbegin(struct bld *b, uint32_t type)
{
	size_t at = b->len;

	b32(b, type);
	b32(b, 0);
	return at;
}

static void
bend(struct bld *b, size_t at)
{
	uint32_t total = (uint32_t)(b->len - at + 4);
	size_t save;

	b32(b, total);
	save = b->len;
	b->len = at + 4;
	b32(b, total);
	b->len = save;
}

static void
bshb(struct bld *b, const char *comment)
{
	size_t at = bbegin(b, SL_PCAPNG_BT_SHB);

	b32(b, SL_PCAPNG_BOM);
	b16(b, 1);
	b16(b, 0);
	b64(b, UINT64_MAX);
	if (comment != NULL) {
		bopt_str(b, 1, comment);
		bopt_str(b, 4, "hand-built test");
		bopt(b, 0, NULL, 0);
	}
	bend(b, at);
}

static void
bidb(struct bld *b, uint16_t lt, uint32_t snaplen, int tsresol,
     const char *name, bool tsoffset)
{
	size_t at = bbegin(b, SL_PCAPNG_BT_IDB);
	uint8_t r = (uint8_t)tsresol;

	b16(b, lt);
	b16(b, 0);
	b32(b, snaplen);
	if (name != NULL)
		bopt_str(b, 2, name);
	if (tsresol >= 0)
		bopt(b, 9, &r, 1);
	if (tsoffset) {
		b16(b, 14);
		b16(b, 8);
		b64(b, 5);
	}
	if (name != NULL || tsresol >= 0 || tsoffset)
		bopt(b, 0, NULL, 0);
	bend(b, at);
}

static void
fill(uint8_t *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 13 + i);
}

/* EPB with optional comment and epb_flags. */
static void
bepb(struct bld *b, uint32_t ifid, uint64_t ts, uint32_t caplen,
     uint32_t wirelen, unsigned seed, const char *comment, bool flags)
{
	size_t at = bbegin(b, SL_PCAPNG_BT_EPB);
	uint8_t d[2048];

	fill(d, caplen, seed);
	b32(b, ifid);
	b32(b, (uint32_t)(ts >> 32));
	b32(b, (uint32_t)ts);
	b32(b, caplen);
	b32(b, wirelen);
	b_bytes(b, d, caplen);
	bpad(b);
	if (comment != NULL)
		bopt_str(b, 1, comment);
	if (flags) {
		b16(b, 2);
		b16(b, 4);
		b32(b, 0x00000001); /* inbound */
	}
	if (comment != NULL || flags)
		bopt(b, 0, NULL, 0);
	bend(b, at);
}

static void
bspb(struct bld *b, uint32_t wirelen, uint32_t stored, unsigned seed)
{
	size_t at = bbegin(b, SL_PCAPNG_BT_SPB);
	uint8_t d[2048];

	fill(d, stored, seed);
	b32(b, wirelen);
	b_bytes(b, d, stored);
	bpad(b);
	bend(b, at);
}

static void
bpb(struct bld *b, uint16_t ifid, uint64_t ts, uint32_t caplen, unsigned seed)
{
	size_t at = bbegin(b, SL_PCAPNG_BT_PB);
	uint8_t d[2048];

	fill(d, caplen, seed);
	b16(b, ifid);
	b16(b, 3); /* drops */
	b32(b, (uint32_t)(ts >> 32));
	b32(b, (uint32_t)ts);
	b32(b, caplen);
	b32(b, caplen);
	b_bytes(b, d, caplen);
	bpad(b);
	bend(b, at);
}

static void
bisb(struct bld *b)
{
	size_t at = bbegin(b, 5);

	b32(b, 0);
	b32(b, 0);
	b32(b, 0);
	bend(b, at);
}

static void
save(const struct bld *b, const char *path)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b->b, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
}

static void
tmp(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/annot-%s", SL_TEST_TMPDIR, name);
}

/* Classic pcap: ns or us, either byte order, n Ethernet-sized records. */
static void
make_pcap(const char *path, bool be, bool ns, uint32_t linktype,
	  uint32_t snaplen, unsigned n)
{
	struct bld *b = calloc(1, sizeof(*b));
	uint8_t d[2048];
	unsigned i;

	assert_non_null(b);
	b->be = be;
	b32(b, ns ? 0xa1b23c4du : 0xa1b2c3d4u);
	b16(b, 2);
	b16(b, 4);
	b32(b, 0);
	b32(b, 0);
	b32(b, snaplen);
	b32(b, linktype);
	for (i = 0; i < n; i++) {
		uint32_t cap = 40 + i * 3;

		fill(d, cap, i);
		b32(b, 1700000000 + i);
		b32(b, ns ? 123456789u + i : 123456u + i);
		b32(b, cap);
		b32(b, cap + 100);
		b_bytes(b, d, cap);
	}
	save(b, path);
	free(b);
}

/*
 * pcapng with two sections: section 1 has a us interface (with if_tsoffset)
 * and a ns interface, an ISB to skip, EPBs with and without comments and
 * flags, an SPB and an obsolete PB; section 2 a ms interface and two
 * EPBs.  7 packets.
 */
static void
make_pcapng(const char *path, bool be)
{
	struct bld *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	b->be = be;
	bshb(b, "input section one");
	bidb(b, 1, 1500, -1, "eth0", true);
	bidb(b, 1, 65535, 9, "eth1", false);
	bepb(b, 0, 1700000000123456ull, 60, 60, 1, "kept comment", true);
	bisb(b);
	bepb(b, 1, 1700000000123456789ull, 55, 70, 2, NULL, false);
	bspb(b, 1600, 1500, 3); /* caplen: eth0's snaplen 1500 */
	bpb(b, 1, 1700000000999999999ull, 33, 4);
	bepb(b, 0, 1700000001000000ull, 0, 0, 5, NULL, true);
	bshb(b, NULL);
	bidb(b, 1, 262144, 3, NULL, false);
	bepb(b, 0, 1700000002003ull, 42, 42, 6, "section two", false);
	bepb(b, 0, 1700000002004ull, 43, 43, 7, NULL, false);
	save(b, path);
	free(b);
}

/* ---- reading the output back ---- */

struct outpkt {
	uint32_t ifid, caplen, wirelen;
	uint64_t ts;
	uint8_t data[2048];
	unsigned ncomments;
	char comments[4][512];
	bool has_flags;
	uint32_t flags;
};

struct outif {
	uint16_t linktype;
	uint32_t snaplen;
	int tsresol;
	bool has_tsoffset;
	uint64_t tsoffset;
	char comment[1024];
	char name[64];
};

struct out {
	unsigned nsections, nif, npkt;
	struct outif ifs[16];
	struct outpkt pkts[32];
};

static void
read_opts(struct sl_rd rd, struct outif *ifp, struct outpkt *pk)
{
	while (rd.left >= 4) {
		uint16_t code = 0, len = 0;

		assert_int_equal(sl_rd_le16(&rd, &code), 0);
		assert_int_equal(sl_rd_le16(&rd, &len), 0);
		if (code == 0) {
			assert_int_equal(len, 0);
			assert_int_equal(rd.left, 0);
			return;
		}
		assert_true(rd.left >= ((len + 3u) & ~3u));
		if (ifp != NULL) {
			if (code == 1 && ifp->comment[0] == '\0')
				snprintf(ifp->comment, sizeof(ifp->comment),
					 "%.*s", (int)len, (const char *)rd.p);
			if (code == 2)
				snprintf(ifp->name, sizeof(ifp->name), "%.*s",
					 (int)len, (const char *)rd.p);
			if (code == 9)
				ifp->tsresol = rd.p[0];
			if (code == 14) {
				struct sl_rd v = sl_rd_make(rd.p, 8);
				uint32_t lo = 0, hi = 0;

				sl_rd_le32(&v, &lo);
				sl_rd_le32(&v, &hi);
				ifp->has_tsoffset = true;
				ifp->tsoffset = (uint64_t)hi << 32 | lo;
			}
		}
		if (pk != NULL) {
			if (code == 1) {
				assert_true(pk->ncomments < 4);
				snprintf(pk->comments[pk->ncomments++], 512,
					 "%.*s", (int)len, (const char *)rd.p);
			}
			if (code == 2 && len == 4) {
				struct sl_rd v = sl_rd_make(rd.p, 4);

				sl_rd_le32(&v, &pk->flags);
				pk->has_flags = true;
			}
		}
		sl_rd_skip(&rd, (len + 3u) & ~3u);
	}
	assert_int_equal(rd.left, 0);
}

static void
read_out(const char *path, struct out *o)
{
	FILE *f = fopen(path, "rb");
	static uint8_t buf[1 << 20];
	size_t len, off = 0;

	assert_non_null(f);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	memset(o, 0, sizeof(*o));
	while (off < len) {
		struct sl_rd rd = sl_rd_make(buf + off, len - off), body;
		uint32_t type = 0, total = 0, trailer = 0;

		assert_int_equal(sl_rd_le32(&rd, &type), 0);
		assert_int_equal(sl_rd_le32(&rd, &total), 0);
		assert_true(total >= 12 && total % 4 == 0 &&
			    total <= len - off);
		rd = sl_rd_make(buf + off + total - 4, 4);
		sl_rd_le32(&rd, &trailer);
		assert_int_equal(trailer, total);
		body = sl_rd_make(buf + off + 8, total - 12);
		if (type == SL_PCAPNG_BT_SHB) {
			o->nsections++;
			assert_int_equal(off, 0);
		} else if (type == SL_PCAPNG_BT_IDB) {
			struct outif *ifp = &o->ifs[o->nif++];

			ifp->tsresol = 6;
			sl_rd_le16(&body, &ifp->linktype);
			sl_rd_skip(&body, 2);
			sl_rd_le32(&body, &ifp->snaplen);
			read_opts(body, ifp, NULL);
		} else {
			struct outpkt *pk = &o->pkts[o->npkt++];
			uint32_t hi = 0, lo = 0;

			assert_int_equal(type, SL_PCAPNG_BT_EPB);
			sl_rd_le32(&body, &pk->ifid);
			sl_rd_le32(&body, &hi);
			sl_rd_le32(&body, &lo);
			pk->ts = (uint64_t)hi << 32 | lo;
			sl_rd_le32(&body, &pk->caplen);
			sl_rd_le32(&body, &pk->wirelen);
			assert_true(pk->caplen <= sizeof(pk->data));
			assert_int_equal(
			    sl_rd_bytes(&body, pk->data, pk->caplen), 0);
			assert_int_equal(
			    sl_rd_skip(&body, (4 - pk->caplen % 4) % 4), 0);
			read_opts(body, NULL, pk);
			assert_true(pk->ifid < o->nif);
		}
		off += total;
	}
	assert_int_equal(off, len);
	assert_int_equal(o->nsections, 1);
}

/* ---- a handshake built by hand ---- */

static struct sl_hs_frame hs_frames[4];

static void
fake_hs(struct sl_handshake *hs, unsigned id, int file, const uint64_t *frames,
	unsigned n)
{
	unsigned i;

	memset(hs, 0, sizeof(*hs));
	memset(hs_frames, 0, sizeof(hs_frames));
	hs->id = id;
	hs->file = file;
	hs->file_name = "x";
	hs->shape = SL_SHAPE_SIMOPEN;
	hs->nframes = n;
	hs->frames = hs_frames;
	for (i = 0; i < n; i++) {
		hs_frames[i].frame = frames[i];
		hs_frames[i].from = (uint8_t)(i % 2);
		hs_frames[i].flags = SL_TH_SYN;
		snprintf(hs_frames[i].note, SL_NOTE_LEN, "note %u", i);
	}
}

static void
expect_comment(const struct sl_handshake *hs, unsigned i, char *buf, size_t len)
{
	sl_hs_frame_comment(hs, i, buf, len);
}

/* The main case: three inputs of three kinds, every packet, our comments. */
static void
test_three_inputs(void **state)
{
	char p0[512], p1[512], p2[512], out[512], errbuf[SL_ERRBUF_SIZE];
	const char *inputs[3] = {p0, p1, p2};
	struct sl_annotate *a = sl_annotate_new();
	struct sl_handshake hs;
	static struct out o;
	char c0[512], c1[512], c2[512], c3[512], want[1200];
	uint8_t d[2048];
	unsigned i;

	(void)state;
	tmp(p0, sizeof(p0), "in0.pcap");
	tmp(p1, sizeof(p1), "in1-be-ns.pcap");
	tmp(p2, sizeof(p2), "in2.pcapng");
	tmp(out, sizeof(out), "out3.pcapng");
	make_pcap(p0, false, false, 1, 65535, 3);
	make_pcap(p1, true, true, 101, 262144, 2);
	make_pcapng(p2, false);

	/* Handshake #1 in file 0, frames 1 and 3; #2 in file 2. */
	fake_hs(&hs, 1, 0, (const uint64_t[]){1, 3}, 2);
	expect_comment(&hs, 0, c0, sizeof(c0));
	expect_comment(&hs, 1, c1, sizeof(c1));
	sl_annotate_handshake(&hs, a);
	fake_hs(&hs, 2, 2, (const uint64_t[]){1, 7}, 2);
	expect_comment(&hs, 0, c2, sizeof(c2));
	expect_comment(&hs, 1, c3, sizeof(c3));
	sl_annotate_handshake(&hs, a);
	sl_annotate_handshake(&hs, a); /* the same again: no duplicate */
	sl_annotate_add_comment(a, 2, 7, "socket: connect() returned");
	sl_annotate_add_comment(a, 1, 2, "event only");
	sl_annotate_add_comment(a, 1, 99, "no such frame: ignored");

	assert_int_equal(
	    sl_annotate_write(a, inputs, 3, out, "verdict: ok", errbuf), 0);
	sl_annotate_free(a);
	read_out(out, &o);

	/* Interfaces: 1 per pcap, 3 from the pcapng (two sections). */
	assert_int_equal(o.nif, 5);
	assert_int_equal(o.ifs[0].linktype, 1);
	assert_int_equal(o.ifs[0].snaplen, 65535);
	assert_int_equal(o.ifs[0].tsresol, 6);
	assert_non_null(strstr(o.ifs[0].comment, p0));
	assert_int_equal(o.ifs[1].linktype, 101);
	assert_int_equal(o.ifs[1].snaplen, 262144);
	assert_int_equal(o.ifs[1].tsresol, 9);
	assert_int_equal(o.ifs[2].snaplen, 1500);
	assert_int_equal(o.ifs[2].tsresol, 6);
	assert_string_equal(o.ifs[2].name, "eth0");
	assert_true(o.ifs[2].has_tsoffset);
	assert_int_equal(o.ifs[2].tsoffset, 5);
	assert_non_null(strstr(o.ifs[2].comment, "input section one"));
	assert_int_equal(o.ifs[3].tsresol, 9);
	assert_int_equal(o.ifs[4].tsresol, 3);
	assert_non_null(strstr(o.ifs[4].comment, "section 2"));

	assert_int_equal(o.npkt, 3 + 2 + 7);
	/* File 0: us pcap, little-endian. */
	for (i = 0; i < 3; i++) {
		assert_int_equal(o.pkts[i].ifid, 0);
		assert_int_equal(o.pkts[i].ts,
				 (1700000000ull + i) * 1000000 + 123456 + i);
		assert_int_equal(o.pkts[i].caplen, 40 + i * 3);
		assert_int_equal(o.pkts[i].wirelen, 140 + i * 3);
		fill(d, 40 + i * 3, i);
		assert_memory_equal(o.pkts[i].data, d, 40 + i * 3);
	}
	assert_int_equal(o.pkts[0].ncomments, 1);
	assert_string_equal(o.pkts[0].comments[0], c0);
	assert_int_equal(o.pkts[1].ncomments, 0);
	assert_string_equal(o.pkts[2].comments[0], c1);
	/* File 1: ns pcap, big-endian. */
	for (i = 0; i < 2; i++) {
		assert_int_equal(o.pkts[3 + i].ifid, 1);
		assert_int_equal(o.pkts[3 + i].ts,
				 (1700000000ull + i) * 1000000000 + 123456789 +
				     i);
	}
	assert_int_equal(o.pkts[3].ncomments, 0);
	assert_string_equal(o.pkts[4].comments[0], "event only");
	/* File 2: pcapng. */
	assert_int_equal(o.pkts[5].ifid, 2);
	assert_int_equal(o.pkts[5].ts, 1700000000123456ull);
	assert_int_equal(o.pkts[5].ncomments, 2);
	assert_string_equal(o.pkts[5].comments[0], "kept comment");
	assert_string_equal(o.pkts[5].comments[1], c2);
	assert_true(o.pkts[5].has_flags);
	assert_int_equal(o.pkts[5].flags, 1);
	assert_int_equal(o.pkts[6].ifid, 3);
	assert_int_equal(o.pkts[6].ts, 1700000000123456789ull);
	assert_int_equal(o.pkts[6].caplen, 55);
	assert_int_equal(o.pkts[6].wirelen, 70);
	/* SPB: interface 0 of its section, no timestamp, snaplen-cut. */
	assert_int_equal(o.pkts[7].ifid, 2);
	assert_int_equal(o.pkts[7].ts, 0);
	assert_int_equal(o.pkts[7].caplen, 1500);
	assert_int_equal(o.pkts[7].wirelen, 1600);
	fill(d, 1500, 3);
	assert_memory_equal(o.pkts[7].data, d, 1500);
	/* PB */
	assert_int_equal(o.pkts[8].ifid, 3);
	assert_int_equal(o.pkts[8].ts, 1700000000999999999ull);
	assert_int_equal(o.pkts[9].caplen, 0);
	/* Section two. */
	assert_int_equal(o.pkts[10].ifid, 4);
	assert_int_equal(o.pkts[10].ts, 1700000002003ull);
	assert_int_equal(o.pkts[10].ncomments, 1);
	assert_string_equal(o.pkts[10].comments[0], "section two");
	/* Frame 7 of file 2: ours and the event, joined. */
	assert_int_equal(o.pkts[11].ifid, 4);
	snprintf(want, sizeof(want), "%s | socket: connect() returned", c3);
	assert_int_equal(o.pkts[11].ncomments, 1);
	assert_string_equal(o.pkts[11].comments[0], want);
	fill(d, 42, 6);
	assert_memory_equal(o.pkts[10].data, d, 42);
}

/*
 * With one input, the output reads back through libpcap packet for packet
 * like the input: same count, bytes and timestamps to the nanosecond.
 */
static void
compare_with_libpcap(const char *in, const char *out)
{
	char e1[PCAP_ERRBUF_SIZE], e2[PCAP_ERRBUF_SIZE];
	pcap_t *a, *b;
	struct pcap_pkthdr *ha, *hb;
	const u_char *da, *db;
	int ra, rb;
	unsigned n = 0;

	a = pcap_open_offline_with_tstamp_precision(
	    in, PCAP_TSTAMP_PRECISION_NANO, e1);
	b = pcap_open_offline_with_tstamp_precision(
	    out, PCAP_TSTAMP_PRECISION_NANO, e2);
	if (a == NULL)
		fail_msg("%s", e1);
	if (b == NULL)
		fail_msg("%s", e2);
	assert_int_equal(pcap_datalink(a), pcap_datalink(b));
	for (;;) {
		ra = pcap_next_ex(a, &ha, &da);
		rb = pcap_next_ex(b, &hb, &db);
		assert_int_equal(ra, rb);
		if (ra != 1)
			break;
		assert_int_equal(ha->ts.tv_sec, hb->ts.tv_sec);
		assert_int_equal(ha->ts.tv_usec, hb->ts.tv_usec);
		assert_int_equal(ha->caplen, hb->caplen);
		assert_int_equal(ha->len, hb->len);
		assert_memory_equal(da, db, ha->caplen);
		n++;
	}
	assert_true(n > 0);
	pcap_close(a);
	pcap_close(b);
}

static void
annotate_one(const char *in, const char *out)
{
	char errbuf[SL_ERRBUF_SIZE];
	struct sl_annotate *a = sl_annotate_new();
	const char *inputs[1] = {in};

	assert_int_equal(sl_annotate_write(a, inputs, 1, out, NULL, errbuf), 0);
	sl_annotate_free(a);
}

static void
test_libpcap_equivalence(void **state)
{
	char in[512], out[512];
	struct bld *b = calloc(1, sizeof(*b));
	int be;

	(void)state;
	assert_non_null(b);
	for (be = 0; be < 2; be++) {
		/* pcapng, one section, us and ns interfaces, same link. */
		memset(b, 0, sizeof(*b));
		b->be = be;
		bshb(b, "x");
		bidb(b, 1, 262144, -1, NULL, false);
		bidb(b, 1, 262144, 9, NULL, false);
		bepb(b, 0, 1700000000123456ull, 60, 60, 1, "c", true);
		bepb(b, 1, 1700000000123456789ull, 61, 61, 2, NULL, false);
		bpb(b, 1, 1700000000999999999ull, 33, 4);
		tmp(in, sizeof(in), be ? "eq-be.pcapng" : "eq-le.pcapng");
		tmp(out, sizeof(out), "eq-out.pcapng");
		save(b, in);
		annotate_one(in, out);
		compare_with_libpcap(in, out);

		tmp(in, sizeof(in), be ? "eq-be.pcap" : "eq-le.pcap");
		make_pcap(in, be, be, 1, 65535, 4);
		annotate_one(in, out);
		compare_with_libpcap(in, out);
		make_pcap(in, be, !be, 1, 65535, 4);
		annotate_one(in, out);
		compare_with_libpcap(in, out);
	}
	free(b);
}

/* Writes bytes, annotates them, expects SL_EMALFORM naming file and frame. */
static void
expect_malformed(const struct bld *b, const char *frame_no, const char *what)
{
	char in[512], out[512], errbuf[SL_ERRBUF_SIZE] = "", want[600];
	struct sl_annotate *a = sl_annotate_new();
	const char *inputs[1] = {in};

	tmp(in, sizeof(in), "bad.pcapng");
	tmp(out, sizeof(out), "bad-out.pcapng");
	save(b, in);
	assert_int_equal(sl_annotate_write(a, inputs, 1, out, NULL, errbuf),
			 SL_EMALFORM);
	snprintf(want, sizeof(want), "%s: frame %s: ", in, frame_no);
	if (strncmp(errbuf, want, strlen(want)) != 0 ||
	    strstr(errbuf, what) == NULL)
		fail_msg("errbuf \"%s\", wanted \"%s...%s\"", errbuf, want,
			 what);
	sl_annotate_free(a);
}

static void
good_prefix(struct bld *b)
{
	memset(b, 0, sizeof(*b));
	bshb(b, NULL);
	bidb(b, 1, 262144, -1, NULL, false);
	bepb(b, 0, 1, 60, 60, 1, NULL, false);
}

static void
test_corrupt_inputs(void **state)
{
	struct bld *b = calloc(1, sizeof(*b));
	size_t at;

	(void)state;
	assert_non_null(b);

	/* Trailer that disagrees with the header. */
	good_prefix(b);
	bepb(b, 0, 2, 10, 10, 2, NULL, false);
	b->b[b->len - 4] ^= 0x10;
	expect_malformed(b, "2", "in trailer");

	/* Header length that runs past the end of the file. */
	good_prefix(b);
	bepb(b, 0, 2, 10, 10, 2, NULL, false);
	b->len -= 8;
	expect_malformed(b, "2", "the file ends after");

	/* Length not a multiple of 4. */
	good_prefix(b);
	at = b->len;
	bepb(b, 0, 2, 10, 10, 2, NULL, false);
	b->b[at + 4] += 1;
	expect_malformed(b, "2", "multiple of 4");

	/* Block header cut short at the end of the file. */
	good_prefix(b);
	b32(b, 6);
	expect_malformed(b, "2", "inside a block header");

	/* Captured length larger than the block. */
	good_prefix(b);
	at = b->len;
	bepb(b, 0, 2, 10, 10, 2, NULL, false);
	b->b[at + 20] = 200;
	expect_malformed(b, "2", "overruns the block");

	/* Packet on an interface the section does not have. */
	good_prefix(b);
	bepb(b, 0, 2, 10, 10, 2, NULL, false);
	bepb(b, 3, 2, 10, 10, 2, NULL, false);
	expect_malformed(b, "3", "interface 3");

	/* Option whose length runs past the block. */
	good_prefix(b);
	at = b->len;
	bepb(b, 0, 2, 8, 8, 2, "abcd", false);
	b->b[at + 8 + 20 + 8 + 2] = 60;
	expect_malformed(b, "2", "overruns the block");

	/* Interface before any packet: frame 1 named. */
	memset(b, 0, sizeof(*b));
	bshb(b, NULL);
	bidb(b, 1, 262144, 99, NULL, false);
	expect_malformed(b, "1", "if_tsresol");

	/* Classic pcap record cut short. */
	memset(b, 0, sizeof(*b));
	b32(b, 0xa1b2c3d4u);
	b16(b, 2);
	b16(b, 4);
	b32(b, 0);
	b32(b, 0);
	b32(b, 65535);
	b32(b, 1);
	b32(b, 1);
	b32(b, 2);
	b32(b, 10);
	b32(b, 10);
	b32(b, 0);
	expect_malformed(b, "1", "captured bytes");

	/* Neither pcap nor pcapng. */
	{
		char in[512], out[512], errbuf[SL_ERRBUF_SIZE];
		struct sl_annotate *a = sl_annotate_new();
		const char *inputs[1] = {in};

		memset(b, 0, sizeof(*b));
		b_bytes(b, "hello, world\n", 13);
		tmp(in, sizeof(in), "text.pcap");
		tmp(out, sizeof(out), "text-out.pcapng");
		save(b, in);
		assert_int_equal(
		    sl_annotate_write(a, inputs, 1, out, NULL, errbuf),
		    SL_EMALFORM);
		assert_non_null(strstr(errbuf, "not a pcap or pcapng"));
		/* And the output may not be one of the inputs. */
		inputs[0] = out;
		assert_int_equal(
		    sl_annotate_write(a, inputs, 1, out, NULL, errbuf),
		    SL_EINVAL);
		sl_annotate_free(a);
	}
	free(b);
}

/*
 * Every truncation and many byte flips of valid inputs (two-section
 * pcapng in both byte orders, classic pcap in both): the result is success
 * or SL_EMALFORM, never a crash (the suite runs under ASan once).
 */
static void
mutate_file(const char *good, struct sl_annotate *a)
{
	char in[512], out[512], errbuf[SL_ERRBUF_SIZE];
	struct bld *b = calloc(1, sizeof(*b)), *m = calloc(1, sizeof(*m));
	const char *inputs[1] = {in};
	uint32_t seed = 12345;
	size_t cut;
	unsigned i;
	FILE *f;

	assert_non_null(b);
	assert_non_null(m);
	tmp(in, sizeof(in), "mut.bin");
	tmp(out, sizeof(out), "mut-out.pcapng");
	f = fopen(good, "rb");
	assert_non_null(f);
	b->len = fread(b->b, 1, sizeof(b->b), f);
	fclose(f);

	for (cut = 0; cut < b->len; cut += 1) {
		int rc;

		*m = *b;
		m->len = cut;
		save(m, in);
		rc = sl_annotate_write(a, inputs, 1, out, NULL, errbuf);
		assert_true(rc == SL_EMALFORM || rc == SL_OK);
		if (rc == SL_EMALFORM)
			assert_non_null(strstr(errbuf, in));
	}
	for (i = 0; i < 2000; i++) {
		int rc;
		unsigned k;

		*m = *b;
		for (k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			m->b[(seed >> 8) % m->len] ^=
			    (uint8_t)(1u << ((seed >> 4) % 8));
		}
		save(m, in);
		rc = sl_annotate_write(a, inputs, 1, out, NULL, errbuf);
		assert_true(rc == SL_OK || rc == SL_EMALFORM);
	}
	free(b);
	free(m);
}

static void
test_mutations(void **state)
{
	char p[512];
	struct sl_annotate *a = sl_annotate_new();

	(void)state;
	sl_annotate_add_comment(a, 0, 2, "x");
	tmp(p, sizeof(p), "mut-be.pcapng");
	make_pcapng(p, true);
	mutate_file(p, a);
	tmp(p, sizeof(p), "mut-le.pcapng");
	make_pcapng(p, false);
	mutate_file(p, a);
	tmp(p, sizeof(p), "mut-be.pcap");
	make_pcap(p, true, true, 1, 65535, 5);
	mutate_file(p, a);
	tmp(p, sizeof(p), "mut-le.pcap");
	make_pcap(p, false, false, 1, 65535, 5);
	mutate_file(p, a);
	sl_annotate_free(a);
}

/* "test_annotate write OUT": an annotated file for tshark_roundtrip.sh. */
static int
write_for_tshark(const char *out)
{
	char p0[512], p1[512], errbuf[SL_ERRBUF_SIZE];
	const char *inputs[2] = {p0, p1};
	struct sl_annotate *a = sl_annotate_new();
	struct sl_handshake hs;
	int rc;

	snprintf(p0, sizeof(p0), "%s.in0.pcapng", out);
	snprintf(p1, sizeof(p1), "%s.in1.pcap", out);
	make_pcapng(p0, true);
	make_pcap(p1, false, true, 101, 262144, 2);
	fake_hs(&hs, 1, 0, (const uint64_t[]){1, 2}, 2);
	snprintf(hs_frames[0].note, SL_NOTE_LEN, "crossing SYN");
	sl_annotate_handshake(&hs, a);
	sl_annotate_add_comment(a, 1, 2, "synlab: event");
	rc =
	    sl_annotate_write(a, inputs, 2, out, "synlab tshark check", errbuf);
	if (rc != 0)
		fprintf(stderr, "%s\n", errbuf);
	sl_annotate_free(a);
	return rc != 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_three_inputs),
	    cmocka_unit_test(test_libpcap_equivalence),
	    cmocka_unit_test(test_corrupt_inputs),
	    cmocka_unit_test(test_mutations),
	};

	if (argc == 3 && strcmp(argv[1], "write") == 0)
		return write_for_tshark(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
