/* \summary: unit tests of the endpoint state machines, shapes and findings (packetdrill-like scripts) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyze.h"
#include "pktbuild.h"

#define MAXHS 8

struct got {
	unsigned n;
	struct sl_handshake hs[MAXHS];
	struct sl_hs_frame fr[MAXHS][SL_HS_MAXFRAMES];
	struct sl_finding fd[MAXHS][SL_HS_MAXFINDINGS];
	unsigned problems;
};

static void
on_hs(const struct sl_handshake *hs, void *arg)
{
	struct got *g = arg;

	assert_true(g->n < MAXHS);
	g->hs[g->n] = *hs;
	if (hs->nframes > 0)
		memcpy(g->fr[g->n], hs->frames,
		       hs->nframes * sizeof(*hs->frames));
	if (hs->nfind > 0)
		memcpy(g->fd[g->n], hs->find, hs->nfind * sizeof(*hs->find));
	g->hs[g->n].frames = g->fr[g->n];
	g->hs[g->n].find = g->fd[g->n];
	g->n++;
}

static void
on_problem(const char *msg, void *arg)
{
	(void)msg;
	((struct got *)arg)->problems++;
}

#define A  "10.0.0.1"
#define B  "10.0.0.2"
#define S  SL_TH_SYN
#define SA (SL_TH_SYN | SL_TH_ACK)
#define AK SL_TH_ACK
#define RA (SL_TH_RST | SL_TH_ACK)
#define FA (SL_TH_FIN | SL_TH_ACK)

/* One line of a script: time in µs, who sends, what. */
struct line {
	int64_t t_us;
	const char *src, *dst;
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t len;
	uint16_t win;
	int ws; /* -1 none, else window scale in a SYN */
};

/* Where a Linux cooked capture saw a line: its SLL packet type. */
#define SLL_IN	0 /* to this host */
#define SLL_OUT 4 /* outgoing */

/*
 * sll: NULL for raw IP, else each line's SLL packet type; t_ns: NULL, or
 * each line's time in ns after the script's start (t_us is then unused).
 */
static struct got *
run_t(const struct line *l, const int *sll, const int64_t *t_ns, size_t n)
{
	static struct got g;
	struct sl_analyzer_cfg cfg = {
	    .on_handshake = on_hs, .on_problem = on_problem, .arg = &g};
	struct sl_analyzer *az;
	uint8_t buf[256];
	size_t i, len;

	memset(&g, 0, sizeof(g));
	az = sl_analyzer_new(&cfg);
	sl_analyzer_set_file(az, 0, "script");
	for (i = 0; i < n; i++) {
		struct tb_seg s = {l[i].src,
				   l[i].dst,
				   1314,
				   1314,
				   l[i].seq,
				   l[i].ack,
				   l[i].flags,
				   l[i].win ? l[i].win : 64240,
				   l[i].len,
				   (l[i].flags & S) ? 1460 : -1,
				   (l[i].flags & S) ? l[i].ws : -1,
				   0,
				   0,
				   0,
				   0};
		if (strcmp(l[i].src, l[i].dst) == 0)
			s.dport = 1314;
		int dlt = 12; /* DLT_RAW */
		len = tb_build4_n(&s, buf + 16, sizeof(buf) - 16);
		if (sll != NULL) {
			/* SLL: type, ARPHRD_ETHER, address length 0, IPv4 */
			memset(buf, 0, 16);
			buf[1] = (uint8_t)sll[i];
			buf[3] = 1;
			buf[14] = 0x08;
			len += 16;
			dlt = 113; /* DLT_LINUX_SLL */
		}
		(void)sl_analyzer_feed(
		    az, 0, i + 1,
		    1700000000000000000LL +
			(t_ns != NULL ? t_ns[i] : l[i].t_us * 1000),
		    dlt, sll != NULL ? buf : buf + 16, len, len);
	}
	sl_analyzer_finish(az);
	sl_analyzer_free(az);
	return &g;
}

#define RUN(script)                                                            \
	run_t(script, NULL, NULL, sizeof(script) / sizeof(script[0]))
#define RUN_ANY(script, where)                                                 \
	run_t(script, where, NULL, sizeof(script) / sizeof(script[0]))

static void
assert_states(const struct sl_hs_frame *f, int e, enum sl_state before,
	      enum sl_state after)
{
	assert_int_equal(f->st[e][0], before);
	assert_int_equal(f->st[e][1], after);
}

static void
test_three_way(void **state)
{
	static const struct line sc[] = {
	    {0, A, B, S, 100, 0, 0, 0, 7},
	    {20000, B, A, SA, 300, 101, 0, 0, 7},
	    {20040, A, B, AK, 101, 301, 0, 0, 0},
	    {20100, A, B, AK | SL_TH_PSH, 101, 301, 10, 0, 0},
	    {40100, B, A, AK, 301, 111, 0, 0, 0},
	};
	struct got *g = RUN(sc);
	const struct sl_handshake *hs = &g->hs[0];

	(void)state;
	assert_int_equal(g->n, 1);
	assert_int_equal(hs->shape, SL_SHAPE_THREE_WAY);
	assert_int_equal(hs->nframes, 3);
	assert_int_equal(hs->vantage, SL_VANT_A);
	assert_int_equal(hs->rtt_us, 20040);
	/* SYN: A CLOSED -> SYN-SENT; B LISTEN -> SYN-RECEIVED */
	assert_states(&hs->frames[0], 0, SL_ST_NONE, SL_ST_SYN_SENT);
	assert_states(&hs->frames[0], 1, SL_ST_LISTEN, SL_ST_SYN_RECEIVED);
	/* SYN-ACK: A SYN-SENT -> ESTABLISHED */
	assert_states(&hs->frames[1], 0, SL_ST_SYN_SENT, SL_ST_ESTABLISHED);
	/* ACK: B SYN-RECEIVED -> ESTABLISHED */
	assert_states(&hs->frames[2], 1, SL_ST_SYN_RECEIVED, SL_ST_ESTABLISHED);
	assert_true(hs->ws_in_effect);
	assert_int_equal(hs->nfind, 0);
	assert_int_equal(g->problems, 0);
}

/* RFC 9293 Figure 7, seen from A: SYNs cross, each SYN-ACK keeps its ISN. */
static void
test_simultaneous_open(void **state)
{
	static const struct line sc[] = {
	    {0, A, B, S, 100, 0, 0, 0, 10},
	    {4100, B, A, S, 300, 0, 0, 0, 10},
	    {4140, A, B, SA, 100, 301, 0, 0, 10},
	    {10000, B, A, SA, 300, 101, 0, 0, 10},
	    {10040, A, B, AK, 101, 301, 0, 0, 0},
	    {14200, B, A, AK, 301, 101, 0, 0, 0},
	};
	struct got *g = RUN(sc);
	const struct sl_handshake *hs = &g->hs[0];

	(void)state;
	assert_int_equal(g->n, 1);
	assert_int_equal(hs->shape, SL_SHAPE_SIMOPEN);
	assert_int_equal(hs->crossing_us, 4100);
	assert_int_equal(hs->vantage, SL_VANT_A);
	assert_non_null(strstr(hs->frames[1].note, "crossing"));
	/* B's SYN finds A in SYN-SENT: A -> SYN-RECEIVED */
	assert_states(&hs->frames[1], 0, SL_ST_SYN_SENT, SL_ST_SYN_RECEIVED);
	/* A's SYN finds B in SYN-SENT too */
	assert_states(&hs->frames[0], 1, SL_ST_SYN_SENT, SL_ST_SYN_RECEIVED);
	/* each SYN-ACK moves its receiver SYN-RECEIVED -> ESTABLISHED */
	assert_states(&hs->frames[2], 1, SL_ST_SYN_RECEIVED, SL_ST_ESTABLISHED);
	assert_states(&hs->frames[3], 0, SL_ST_SYN_RECEIVED, SL_ST_ESTABLISHED);
	assert_int_equal(hs->frames[2].role, SL_ROLE_SYNACK);
	assert_int_equal(hs->frames[3].role, SL_ROLE_SYNACK);
	assert_int_equal(hs->nfind, 0);
}

/*
 * The crossing SYN's note gives the gap in ms as "%.3f" prints it,
 * rounding included: the analyzer writes the digits itself and leaves
 * only a rounding midpoint (and what is out of range) to printf.
 */
static void
test_crossing_note_rounding(void **state)
{
	static const struct line sc[] = {
	    {0, A, B, S, 100, 0, 0, 0, 10},
	    {0, B, A, S, 300, 0, 0, 0, 10},
	};
	static const int64_t gap[] = {
	    0,	   1,	      499,	 500,	    501,       1499,
	    1500,  2500,      4100000,	 1234499,   1234500,   1234501,
	    62500, 999999499, 999999500, 999999501, 1999999500};
	char want[SL_NOTE_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(gap) / sizeof(gap[0]); i++) {
		const int64_t t[] = {0, gap[i]};
		struct got *g = run_t(sc, NULL, t, 2);
		snprintf(want, sizeof(want),
			 "crossing SYN, %.3f ms after A's SYN (both in flight)",
			 (double)gap[i] / 1e6);
		assert_int_equal(g->n, 1);
		assert_int_equal(g->hs[0].nframes, 2);
		assert_string_equal(g->hs[0].frames[1].note, want);
	}
}

static void
test_simopen_new_isn(void **state)
{
	static const struct line sc[] = {
	    {0, A, B, S, 100, 0, 0, 0, 10},
	    {4100, B, A, S, 300, 0, 0, 0, 10},
	    {4140, A, B, SA, 100, 301, 0, 0, 10},
	    {10000, B, A, SA, 777, 101, 0, 0, 10},
	};
	struct got *g = RUN(sc);

	(void)state;
	assert_int_equal(g->hs[0].nfind, 1);
	assert_string_equal(g->hs[0].find[0].rule, "simopen-synack-new-isn");
	assert_int_equal(g->hs[0].find[0].sev, SL_SEV_VIOLATION);
	assert_int_equal(g->hs[0].find[0].frames[0], 2);
	assert_int_equal(g->hs[0].find[0].frames[1], 4);
}

static void
test_self_connect(void **state)
{
	static const struct line sc[] = {
	    {0, "127.0.0.1", "127.0.0.1", S, 5000, 0, 0, 0, 10},
	    {14, "127.0.0.1", "127.0.0.1", SA, 5000, 5001, 0, 0, 10},
	    {25, "127.0.0.1", "127.0.0.1", AK, 5001, 5001, 0, 0, 0},
	};
	struct got *g = RUN(sc);
	const struct sl_handshake *hs = &g->hs[0];
	char c[512];

	(void)state;
	assert_int_equal(g->n, 1);
	assert_int_equal(hs->shape, SL_SHAPE_SELF);
	assert_true(hs->self);
	assert_int_equal(hs->vantage, SL_VANT_LOCAL);
	/* one socket: sending the SYN, then taking its own SYN */
	assert_states(&hs->frames[0], 0, SL_ST_NONE, SL_ST_SYN_SENT);
	assert_states(&hs->frames[0], 1, SL_ST_SYN_SENT, SL_ST_SYN_RECEIVED);
	assert_states(&hs->frames[1], 1, SL_ST_SYN_RECEIVED, SL_ST_ESTABLISHED);
	sl_hs_frame_comment(hs, 0, c, sizeof(c));
	assert_non_null(strstr(c, "SYN-SENT -> SYN-RECEIVED"));
	assert_non_null(strstr(c, "self-connect #1"));
	assert_int_equal(hs->nfind, 0);
}

/* docs/kernel-notes.md: early or late crossing = two refused handshakes. */
static void
test_crossing_refused(void **state)
{
	static const struct line sc[] = {
	    {0, A, B, S, 100, 0, 0, 0, 7},
	    {10000, B, A, RA, 0, 101, 0, 0, 0},
	    {12000, B, A, S, 300, 0, 0, 0, 7},
	    {22000, A, B, RA, 0, 301, 0, 0, 0},
	};
	struct got *g = RUN(sc);

	(void)state;
	assert_int_equal(g->n, 2);
	assert_int_equal(g->hs[0].shape, SL_SHAPE_REFUSED);
	assert_int_equal(g->hs[1].shape, SL_SHAPE_REFUSED);
	assert_int_equal(g->hs[1].ep[0].addr.b[3], 2); /* B opened #2 */
	assert_int_equal(g->hs[0].nfind + g->hs[1].nfind, 0);
}

static void
test_rst_bad_ack_is_ignored(void **state)
{
	static const struct line sc[] = {
	    {0, A, B, S, 100, 0, 0, 0, 7},
	    {10000, B, A, RA, 0, 999, 0, 0, 0},
	    {1000000, A, B, S, 100, 0, 0, 0, 7},
	    {1010000, B, A, RA, 0, 101, 0, 0, 0},
	};
	struct got *g = RUN(sc);

	(void)state;
	assert_int_equal(g->n, 1);
	assert_int_equal(g->hs[0].shape, SL_SHAPE_REFUSED);
	assert_int_equal(g->hs[0].syn_retx[0], 1);
	assert_int_equal(g->hs[0].retx_iv_us[0][0], 1000000);
	assert_string_equal(g->hs[0].find[0].rule, "rst-to-syn-bad-ack");
}

static void
test_late_syn_challenge(void **state)
{
	static const struct line sc[] = {
	    {0, A, B, S, 100, 0, 0, 0, 7},
	    {20000, B, A, SA, 300, 101, 0, 0, 7},
	    {20040, A, B, AK, 101, 301, 0, 0, 0},
	    {500000, B, A, S, 9000, 0, 0, 0, 7},
	    {500040, A, B, AK, 101, 301, 0, 0, 0},
	};
	struct got *g = RUN(sc);
	const struct sl_handshake *hs = &g->hs[0];

	(void)state;
	assert_int_equal(g->n, 1);
	assert_int_equal(hs->shape, SL_SHAPE_THREE_WAY);
	assert_int_equal(hs->late_syns, 1);
	assert_int_equal(hs->challenge_acks, 1);
	assert_int_equal(hs->frames[3].role, SL_ROLE_LATE_SYN);
	assert_int_equal(hs->frames[4].role, SL_ROLE_CHALLENGE_ACK);
}

static void
test_unanswered_and_tuple_reuse(void **state)
{
	static const struct line sc[] = {
	    {0, A, B, S, 100, 0, 0, 0, 7},
	    {20000, B, A, SA, 300, 101, 0, 0, 7},
	    {20040, A, B, AK, 101, 301, 0, 0, 0},
	    {30000, A, B, FA, 101, 301, 0, 0, 0},
	    {50000, B, A, FA, 301, 102, 0, 0, 0},
	    {50040, A, B, AK, 102, 302, 0, 0, 0},
	    {90000, A, B, S, 70000, 0, 0, 0, 7},
	    {1090000, A, B, S, 70000, 0, 0, 0, 7},
	};
	struct got *g = RUN(sc);

	(void)state;
	assert_int_equal(g->n, 2);
	assert_int_equal(g->hs[0].shape, SL_SHAPE_THREE_WAY);
	assert_int_equal(g->hs[0].end, SL_END_FIN);
	assert_int_equal(g->hs[1].shape, SL_SHAPE_UNANSWERED);
	assert_int_equal(g->hs[1].syn_retx[0], 1);
}

/*
 * The window-scale defect of docs/kernel-notes.md: a scaled window although
 * the peer's SYN had no WS.
 */
static void
test_ws_not_negotiated(void **state)
{
	static const struct line sc[] = {
	    {0, A, B, S, 100, 0, 0, 64240, 10},
	    {100, B, A, S, 300, 0, 0, 64240, -1},
	    {140, A, B, SA, 100, 301, 0, 64240, 10},
	    {300, B, A, AK, 301, 101, 0, 64240, 0},
	    {340, A, B, AK, 101, 301, 0, 63, 0},
	};
	struct got *g = RUN(sc);
	const struct sl_handshake *hs = &g->hs[0];

	(void)state;
	assert_int_equal(hs->shape, SL_SHAPE_SIMOPEN);
	assert_false(hs->ws_in_effect);
	assert_int_equal(hs->nfind, 1);
	assert_string_equal(hs->find[0].rule, "ws-not-negotiated");
	assert_int_equal(hs->find[0].frames[0], 5);
}

/* A router on `any`: each packet where it came in and where it left. */
static void
test_duplicate_copies(void **state)
{
	static const struct line sc[] = {
	    {0, A, B, S, 100, 0, 0, 0, 7},
	    {80000, A, B, S, 100, 0, 0, 0, 7}, /* queued 80 ms */
	    {90000, B, A, SA, 300, 101, 0, 0, 7},
	    {90002, B, A, SA, 300, 101, 0, 0, 7},
	    {90040, A, B, AK, 101, 301, 0, 0, 0},
	};
	static const int where[] = {SLL_IN, SLL_OUT, SLL_IN, SLL_OUT, SLL_IN};
	struct got *g = RUN_ANY(sc, where);

	(void)state;
	assert_int_equal(g->n, 1);
	assert_int_equal(g->hs[0].duplicates, 2);
	assert_int_equal(g->hs[0].syn_retx[0], 0);
	assert_int_equal(g->hs[0].nframes, 3);
}

/*
 * Identical bytes again from the same place are a new transmission, however
 * soon: a listener's second SYN-ACK, on a plain capture and on `any`; the
 * SYN's two transmissions each pair with their own outgoing copy.
 */
static void
test_same_place_retransmits(void **state)
{
	static const struct line plain[] = {
	    {0, A, B, S, 100, 0, 0, 0, 7},
	    {20000, B, A, SA, 300, 101, 0, 0, 7},
	    {20002, B, A, SA, 300, 101, 0, 0, 7},
	    {20040, A, B, AK, 101, 301, 0, 0, 0},
	};
	static const struct line any[] = {
	    {0, A, B, S, 100, 0, 0, 0, 7},
	    {1000000, A, B, S, 100, 0, 0, 0, 7},
	    {1000005, A, B, S, 100, 0, 0, 0, 7},
	    {1000009, A, B, S, 100, 0, 0, 0, 7},
	    {1020000, B, A, SA, 300, 101, 0, 0, 7},
	    {1020002, B, A, SA, 300, 101, 0, 0, 7},
	    {1020040, A, B, AK, 101, 301, 0, 0, 0},
	    {1020045, A, B, AK, 101, 301, 0, 0, 0},
	};
	static const int where[] = {SLL_IN, SLL_IN,  SLL_OUT, SLL_OUT,
				    SLL_IN, SLL_OUT, SLL_IN,  SLL_OUT};
	struct got *g = RUN(plain);

	(void)state;
	assert_int_equal(g->hs[0].duplicates, 0);
	assert_int_equal(g->hs[0].nframes, 4);
	assert_int_equal(g->fr[0][2].role, SL_ROLE_SYNACK_RETX);
	g = RUN_ANY(any, where);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->hs[0].duplicates, 4);
	assert_int_equal(g->hs[0].syn_retx[0], 1);
	assert_int_equal(g->hs[0].nframes, 4);
}

/*
 * A handshake with 4,096 finished ones waiting behind it is reported as
 * it stands and only tracked from then on, kept compact until a segment
 * or its deadline needs it (analyze/flow.c).  Its tuple still takes its
 * SYN again as a retransmission; at its deadline it leaves a tombstone
 * that knows that SYN; another ISN is a new handshake.
 */
struct tally {
	unsigned n, first_frames;
	enum sl_shape first_shape;
};

static void
on_count(const struct sl_handshake *hs, void *arg)
{
	struct tally *t = arg;

	if (hs->id == 1) {
		t->first_frames = hs->nframes;
		t->first_shape = hs->shape;
	}
	t->n++;
}

static void
feed4(struct sl_analyzer *az, uint64_t *frame, int64_t t_us, int from_a,
      uint16_t aport, uint8_t flags, uint32_t seq, uint32_t ack)
{
	struct tb_seg s = {from_a ? A : B,
			   from_a ? B : A,
			   from_a ? aport : 80,
			   from_a ? 80 : aport,
			   seq,
			   ack,
			   flags,
			   64240,
			   0,
			   (flags & S) ? 1460 : -1,
			   -1,
			   0,
			   0,
			   0,
			   0};
	uint8_t buf[128];
	size_t len = tb_build4_n(&s, buf, sizeof(buf));

	(void)sl_analyzer_feed(az, 0, ++*frame,
			       1700000000000000000LL + t_us * 1000, 12, buf,
			       len, len);
}

static void
test_reported_early_keeps_tuple(void **state)
{
	struct tally t = {0, 0, SL_SHAPE__COUNT};
	struct sl_analyzer_cfg cfg = {.on_handshake = on_count, .arg = &t};
	struct sl_analyzer *az = sl_analyzer_new(&cfg);
	const struct sl_summary *sum;
	uint64_t fr = 0;
	uint16_t i;

	(void)state;
	sl_analyzer_set_file(az, 0, "script");
	feed4(az, &fr, 0, 1, 1000, S, 100, 0); /* never answered */
	/* 4,100 that open and reset: done once they linger 50 ms */
	for (i = 0; i < 4100; i++) {
		int64_t t0 = 1000 + (int64_t)i * 10;
		feed4(az, &fr, t0, 1, (uint16_t)(2000 + i), S, 1000, 0);
		feed4(az, &fr, t0 + 1, 0, (uint16_t)(2000 + i), SA, 5000, 1001);
		feed4(az, &fr, t0 + 2, 1, (uint16_t)(2000 + i), AK, 1001, 5001);
		feed4(az, &fr, t0 + 3, 1, (uint16_t)(2000 + i), RA, 1001, 5001);
	}
	/* the first, reported early by now: its SYN again, a second later */
	feed4(az, &fr, 1000000, 1, 1000, S, 100, 0);
	/* past its deadline (4 s after that): a copy of the SYN */
	feed4(az, &fr, 30000000, 1, 1000, S, 100, 0);
	/* and A's next connection from the same port */
	feed4(az, &fr, 31000000, 1, 1000, S, 999, 0);
	sl_analyzer_finish(az);
	sum = sl_analyzer_summary(az);
	assert_int_equal(t.n, 4102);
	assert_int_equal(t.first_shape, SL_SHAPE_UNANSWERED);
	assert_int_equal(t.first_frames, 1);
	assert_int_equal(sum->late_syn_copies, 1);
	assert_int_equal(sum->no_handshake_segments, 0);
	assert_int_equal(sum->shapes[SL_SHAPE_THREE_WAY], 4100);
	assert_int_equal(sum->shapes[SL_SHAPE_UNANSWERED], 2);
	sl_analyzer_free(az);
}

/*
 * A deadline more than one turn of the timer wheel (550 s) away: the
 * handshake waits in its bucket while the wheel passes it, is not
 * finished before its deadline, and is finished after it.
 */
static void
test_deadline_beyond_wheel_turn(void **state)
{
	struct tally t = {0, 0, SL_SHAPE__COUNT};
	struct sl_analyzer_cfg cfg = {.on_handshake = on_count,
				      .arg = &t,
				      .idle_ns = 1000000000000LL}; /* 1000 s */
	struct sl_analyzer *az = sl_analyzer_new(&cfg);
	const struct sl_summary *sum;
	uint64_t fr = 0;

	(void)state;
	sl_analyzer_set_file(az, 0, "script");
	feed4(az, &fr, 0, 1, 1000, S, 100, 0);
	feed4(az, &fr, 100, 0, 1000, SA, 300, 101);
	feed4(az, &fr, 200, 1, 1000, AK, 101, 301);
	/* other traffic every 20 s drives the sweeps for 1,900 s */
	for (int i = 1; i < 95; i++) {
		uint16_t port = (uint16_t)(2000 + i);
		int64_t t0 = (int64_t)i * 20000000;
		feed4(az, &fr, t0, 1, port, S, 1000, 0);
		feed4(az, &fr, t0 + 1, 0, port, RA, 0, 1001);
		if (i == 35) /* 700 s: still open, idle until 1,700 s */
			feed4(az, &fr, t0 + 2, 1, 1000, AK, 101, 301);
	}
	sum = sl_analyzer_summary(az);
	assert_int_equal(sum->no_handshake_segments, 0);
	assert_int_equal(t.n, 94); /* the first, finished: all reported */
	sl_analyzer_finish(az);
	assert_int_equal(t.n, 95);
	assert_int_equal(t.first_shape, SL_SHAPE_THREE_WAY);
	assert_int_equal(t.first_frames, 3);
	sl_analyzer_free(az);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_three_way),
	    cmocka_unit_test(test_simultaneous_open),
	    cmocka_unit_test(test_crossing_note_rounding),
	    cmocka_unit_test(test_simopen_new_isn),
	    cmocka_unit_test(test_self_connect),
	    cmocka_unit_test(test_crossing_refused),
	    cmocka_unit_test(test_rst_bad_ack_is_ignored),
	    cmocka_unit_test(test_late_syn_challenge),
	    cmocka_unit_test(test_unanswered_and_tuple_reuse),
	    cmocka_unit_test(test_ws_not_negotiated),
	    cmocka_unit_test(test_duplicate_copies),
	    cmocka_unit_test(test_same_place_retransmits),
	    cmocka_unit_test(test_reported_early_keeps_tuple),
	    cmocka_unit_test(test_deadline_beyond_wheel_turn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
