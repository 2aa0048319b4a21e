/* \summary: the analyzer's internal records: handshake, endpoint, flow table */
/*
 * Shared by the files of analyze/ only (flow.c, expire.c, endpoint.c,
 * role.c, rules.c, classify.c, copies.c, analyze.c); nothing outside
 * analyze/ includes it.  The
 * public interface is analyze.h.
 */
#ifndef SL_CONN_H
#define SL_CONN_H

#include <string.h>

#include "analyze.h"
#include "rules.h"

#define SEQ_LT(a, b)  ((int32_t)((a) - (b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b)  ((int32_t)((a) - (b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((a) - (b)) >= 0)

#define PEND_MAX	32
#define PEND_BLOCK	2    /* pending segments in a block of the pool */
#define FRAMES_INLINE	3    /* an open handshake records two or three frames */
#define XO_INLINE	2    /* option records: a SYN and a SYN-ACK */
#define REORDER_MAX	4096 /* finished handshakes held for ordering */
#define COPY_MAX	64   /* packets kept per handshake for copies */
#define COPY_ORIGINS	4    /* places one packet is seen at */
#define COPY_WINDOW_NS	2000000000LL /* a copy within 2 s (copies.c) */
#define LINGER_NS	50000000LL   /* keep a closed tuple 50 ms for copies */
#define IDLE_DEFAULT_NS 300000000000LL
/*
 * A SYN nobody answered is finished after a silence three times its last
 * retransmission interval plus a second (at least 4 s): Linux retransmits
 * after 1, 2, 4 ... 64 s, Windows after 3 s.  A copy that still comes
 * later is recognized by its tombstone and not taken for a new handshake.
 */
#define WAIT_MIN_NS 4000000000LL
#define TOMB_NS	    180000000000LL
#define SWEEP_NS    10000000LL
#define TICK_SHIFT  23	  /* a timer tick: 2^23 ns, 8.4 ms */
#define WHEEL_SIZE  65536 /* ticks on the wheel: 550 s */
#define NO_FI	    (-1)
#define TS_JUMP_NS  86400000000000LL /* a day: a clock step, not a pause */

/*
 * A segment from the peer that this side has not processed yet.  A side
 * holds its pending segments while it has any: in a block of PEND_BLOCK
 * from the analyzer's pool (most sides never hold more), or allocated
 * when that is full; given back when the last one is processed.  A
 * handshake that waits holds none, or its unanswered SYN (and a
 * retransmission), never delivered: a block of two, not four, for each.
 */
struct pend {
	uint32_t seq, ack, end; /* end: seq + len + SYN + FIN */
	uint8_t flags;
	int8_t fi;  /* index in the handshake's frames, or NO_FI */
	int64_t ts; /* when it was captured (its frame's time) */
};

/*
 * A handshake frame as kept while the handshake is open: the public
 * struct sl_hs_frame carries every option byte and a fixed note buffer
 * (232 bytes); this keeps the same facts in 56, and the public array is
 * filled only when the handshake is reported.  Timestamps, which most
 * segments carry, are in the frame; the other options (those of SYNs and
 * SYN-ACKs, SACK blocks) in the handshake's option records.
 */
struct copts {
	uint8_t has; /* COPT_* bits */
	uint8_t ws, nsack, tfo_len, nunknown;
	uint16_t mss;
	uint8_t unk_kind[SL_UNKOPT_MAX], unk_len[SL_UNKOPT_MAX];
	uint32_t ts_val, ts_ecr;
	uint32_t sack[SL_SACK_MAX][2];
	uint8_t tfo_cookie[SL_TFO_MAX];
};
#define COPT_MSS    0x01
#define COPT_WS	    0x02
#define COPT_SACKOK 0x04
#define COPT_TS	    0x08
#define COPT_SACK   0x10
#define COPT_TFO    0x20
#define COPT_TRUNC  0x40
/* Options that need an option record; timestamps and truncation do not. */
#define COPT_FULL (COPT_MSS | COPT_WS | COPT_SACKOK | COPT_SACK | COPT_TFO)

struct cframe {
	uint64_t frame;
	int64_t ts_ns;
	uint32_t seq, ack, len;
	uint16_t win;
	uint8_t from, flags, role;
	bool ae;
	uint8_t st[2][2];
	uint8_t has;		 /* COPT_* bits */
	uint8_t xo;		 /* 1 + its option record (xo0, xov), or 0 */
	uint32_t ts_val, ts_ecr; /* its timestamps option */
	char *note; /* NULL, or a string in the analyzer's pool of notes */
};

/*
 * One endpoint's state.  Frame indices (the *_fi) are below
 * SL_HS_MAXFRAMES, or NO_FI.  What only the report reads of a side is
 * in its cold record (struct cold_side).
 */
struct side {
	uint8_t st; /* enum sl_state */
	int8_t syn_fi;
	int8_t synack_fi;
	int8_t bad_synack_fi; /* its first SYN-ACK missed the SYN, or NO_FI */
	int8_t bad_rst_fi;    /* its RST to a SYN lacked or missed the ACK, */
	int8_t ack_fi;	      /* the first frame that acknowledged beyond */
	uint8_t npend, pcap;
	bool isn_known : 1;
	bool sent_bare_syn : 1;
	bool sent_synack : 1;
	bool sent_any : 1; /* anything at all in this handshake */
	bool snd_valid : 1;
	bool fin_sent : 1;
	bool fin_acked : 1;
	bool challenge_due : 1; /* processed a SYN while synchronized */
	bool
	    synack_dup_due : 1; /* processed an old SYN-ACK while synchronized */
	bool stale : 1;		/* was synchronized on an older connection */
	bool time_wait : 1; /* TIME-WAIT of the tuple's previous handshake */
	bool bad_ack_valid : 1; /* in SYN-SENT, took an unacceptable ACK */
	bool good_synack : 1;	/* some SYN-ACK of it acknowledged the SYN */
	bool bad_rst_noack : 1; /* (bad_rst_fi: decided at the end, a port */
	bool dup_acked : 1;	/* that answers later sent no such RST) */
	bool passive : 1;	/* came from LISTEN (a passive OPEN) */
	bool snd_unknown : 1;	/* a fragment hid how much it sent */
	bool rcv_valid : 1;	/* rcv_hi: highest sequence end processed */
	bool took_synack : 1;	/* a SYN-ACK just synchronized this side */
	bool ws_checked : 1;
	bool sent_ack : 1;   /* some segment with the ACK bit */
	bool ack_beyond : 1; /* acknowledged more than the peer had sent */
	uint16_t syn_win;    /* window in its SYN or SYN-ACK (never scaled) */
	uint32_t isn;
	uint32_t synack_seq;
	uint32_t snd_max; /* highest sequence end sent */
	uint32_t fin_end;
	uint32_t bad_ack; /* its SEG.ACK (a RST answer has SEQ=SEG.ACK) */
	uint32_t rcv_wnd; /* the last window it advertised, in bytes */
	uint32_t rcv_hi;
	uint32_t ack_hi; /* the highest ACK beyond */
	int64_t t_syn_prev;
	uint64_t syn_frame; /* the frame number of syn_fi */
	struct pend *pend;  /* NULL when npend is 0 (az->pblocks) */
};

/* What the report reads of a side (struct side has the rest). */
struct cold_side {
	int64_t t_syn, t_synack;
	int mss; /* in its SYN (or SYN-ACK), -1: absent */
	uint32_t bad_synack_ack;
	uint32_t bad_rst_ack, bad_rst_want;
};

/*
 * What a tracked handshake waits for, which decides its deadline: an
 * answer to its SYN, the idle timeout, or the end of its lingering.
 */
enum az_wait { AZ_WAITING, AZ_OPEN, AZ_LINGERING };

/*
 * A SYN with a new ISN on an established connection, kept in case it is
 * the first SYN of the next one (RFC 9293 Figure 9; see take_late_syn in
 * analyze.c).
 */
struct late_syn {
	struct sl_pkt p;
	uint64_t frame;
	int64_t ts;
	int fi;
	int from; /* the side that sent it */
};

/* A packet of an `any` capture and the places it was seen at (copies.c). */
struct copy_ent {
	uint64_t h;
	int64_t t;
	int64_t org[COPY_ORIGINS];
	unsigned norg;
};

/*
 * What only the report of a handshake reads: its public attributes, its
 * frames and their options, its findings.  Nothing that decides how a
 * later segment is taken lives here: once a handshake was reported early
 * (az_emit_ready) and is only still tracked, its cold record goes back to
 * the pool and it writes into the analyzer's sink (az->sink) instead.
 */
struct cold {
	struct sl_handshake hs; /* hs.frames is filled when reported */
	/* frames past fr0: an array of ovcap from az->frames, or NULL */
	struct cframe *ov;
	unsigned ovcap;
	/* option records of frames (SYN, SYN-ACK, SACK), past xo0 */
	struct copts *xov;
	unsigned nxo, xovcap;
	unsigned findcap;
	struct cold_side cs[2];
	uint32_t raised[2];	/* rules raised, by side: 1 << sl_rule_id */
	struct sl_analyzer *az; /* its analyzer (pools of pending blocks) */
	bool sink;		/* az->sink: written, never read */
	/*
	 * Keeps no option records and no notes: the sink, and every record
	 * when no output reads frames (cfg.frames_unread).  Such a record
	 * is allocated without xo0.
	 */
	bool bare;
	struct cframe fr0[FRAMES_INLINE];
	struct copts xo0[]; /* XO_INLINE of them, unless bare */
};

/* Frame i of cold record k (az_frame(k, i) for i below c->nframes). */
static inline struct cframe *
az_frame(struct cold *k, unsigned i)
{
	return i < FRAMES_INLINE ? &k->fr0[i] : &k->ov[i - FRAMES_INLINE];
}

/* What a side's SYN (or SYN-ACK) offered; its MSS is in cold_side. */
struct synopt {
	int16_t wscale; /* -1: absent */
	bool seen : 1;
	bool sack_ok : 1;
	bool ts : 1;
	bool tfo : 1;
};

/*
 * What the flow table and the timer wheel read of a tracked handshake:
 * the first member of its record, full (struct conn) or compact (struct
 * ice), so that both are reached through a pointer to it.
 */
struct conn_head {
	int64_t dl; /* its deadline (see deadline in flow.c) */
	/* in its timer bucket's list: the next, and what points at it
	 * (NULL: not on the wheel) */
	struct conn_head *tnext, **tprev;
	struct sl_endpoint lo, hi; /* key: the two endpoints, ordered, */
	int iface;		   /* and the interface (vantage) */
	uint8_t wait;		   /* enum az_wait */
	bool compact;		   /* the record is a struct ice */
	uint64_t stamp;		   /* order of the last segment among all */
};

struct conn {
	struct conn_head h;
	uint64_t khash;
	int64_t t_ended;
	int64_t t_last;	 /* its last segment (hs.t_last_ns) */
	int64_t last_iv; /* A's last SYN retransmission interval, µs */
	struct cold *k;	 /* its cold record, or az->sink once reported */
	/* an older handshake it hides (az_park) */
	struct conn *parked;
	struct late_syn *late; /* its last late SYN with a new ISN */
	struct copy_ent *cq;   /* packets seen, for copies (copies.c) */
	uint8_t ncq, cqcap;    /* (COPY_MAX at most) */
	bool done : 1;	       /* finished, waiting for its turn */
	bool reported : 1;     /* reported early, still tracked */
	bool ended : 1;	       /* closed: lingers for copies only */
	bool established : 1;  /* some side reached ESTABLISHED */
	bool started_with_synack : 1;
	bool refused : 1;
	bool rst_seen : 1;
	bool simopen_path : 1; /* a side in SYN-SENT took a bare SYN */
	bool self : 1;	       /* one socket plays both roles (lo == hi) */
	bool a_hi : 1;	       /* endpoint A (hs.ep[0]) is hi, not lo */
	bool parked_now : 1;   /* out of the table, hidden by a newer one */
	uint8_t end;	       /* enum sl_end, copied to hs.end when reported */
	uint8_t nframes;       /* frames recorded (hs.nframes when reported) */
	uint8_t nretx[2];      /* SYN retransmission intervals recorded */
	struct synopt syn[2];
	struct side s[2];
};

/*
 * A handshake reported early that only waits out its timer (most of
 * those open at once: refused and unanswered SYNs) is kept compact: its
 * head, and of the rest of its record (but the tuple's hash, which its
 * key gives) only the 4-byte words that differ from a new record's
 * (az->blank), at most ICE_WORDS of them: 168 bytes, not 304.  The first
 * segment that finds it, or its deadline, makes it full again (az_thaw),
 * byte for byte as it was.
 */
#define ICE_WORDS 20
struct ice {
	struct conn_head h;
	uint64_t diff; /* bit i: word i of the rest is in w */
	uint32_t w[ICE_WORDS];
};

/*
 * Records of one size, taken and given back as handshakes come and go:
 * they are allocated `per` at once (one allocation, no allocator header
 * on each, freed with the analyzer), and one given back is linked
 * through its first bytes into the free list, for the next one taken.
 * A pool holds at most as many records as were in use at once.
 */
struct az_pool {
	void *free;
	size_t size; /* of a record: at least a pointer */
	unsigned per;
};

/*
 * Arrays of a cold record's frames or option records past its inline
 * ones: pool i holds inl << i entries, at most max (SL_HS_MAXFRAMES in
 * all with the inline ones).
 */
#define OV_POOLS 6
struct az_ovpools {
	struct az_pool p[OV_POOLS];
	unsigned inl, max;
};

struct sl_analyzer {
	struct sl_analyzer_cfg cfg;
	/*
	 * Flow table: open addressing with linear probing, load at most
	 * 3/4 (tab_room in flow.c).  A slot holds the tuple's 64-bit hash
	 * and the handshake: four to a cache line, so a probe that misses
	 * stays in the table, and a hit is confirmed on the handshake's key,
	 * which its segment reads next anyway.
	 */
	struct slot {
		uint64_t h;
		struct conn_head *c;
	} * tab;
	size_t tabsize, nconn;
	/*
	 * Timers: a hashed wheel of buckets of 2^TICK_SHIFT ns keyed by
	 * capture time.  A handshake is filed under a tick no later than its
	 * deadline and is not moved when a segment postpones it: when its
	 * bucket comes due, it is finished or filed again under its new
	 * deadline; when a segment brings its deadline closer, it is filed
	 * again at once.  A bucket is a list of the handshakes filed under
	 * its ticks, of this turn of the wheel or a later one (a sweep
	 * finishes only those whose deadline passed), linked through their
	 * heads: a timer costs its record 16 bytes and nothing else.
	 */
	struct conn_head **wheel;
	int64_t wheel_tick; /* lowest tick not yet fully swept */
	uint64_t stamps;
	struct conn_head **due; /* due in a sweep, or all at the end */
	size_t dcap;
	struct az_pool conns;	  /* handshake records (struct conn) */
	struct az_pool colds;	  /* cold records */
	struct az_pool ices;	  /* compact records */
	struct az_pool pblocks;	  /* blocks of PEND_BLOCK pending segments */
	struct az_pool notes;	  /* frame notes of SL_NOTE_LEN bytes */
	struct az_ovpools frames; /* past a cold record's fr0 */
	struct az_ovpools xos;	  /* past a cold record's xo0 */
	void **slabs;		  /* where the pools' records come from */
	size_t nslabs;
	struct conn *thawed; /* made full by az_thaw, still tracked */
	/*
	 * A new record as az_conn_new makes it, before its key, with the
	 * sink for its cold record: what a compact record leaves out.
	 */
	struct conn blank;
	/* az_finish_all holds the tracked ones in due: none is compacted */
	bool finishing;
	/*
	 * Where a handshake reported early writes what only a report
	 * reads: room for SL_HS_MAXFRAMES frames, no option records.
	 */
	struct cold *sink;
	struct tomb {
		uint64_t key;
		int64_t expires;
	} * tombs;
	size_t ntombs, tcap;
	/*
	 * Handshakes not yet reported, by id: win[(head + id - next_emit) %
	 * wcap].  Reports go out in id order (order of first frames).
	 */
	struct conn **win;
	size_t wcap, whead;
	struct sl_hs_frame *scratch; /* public frames of the one reported */
	size_t scap;
	unsigned next_id, next_emit;
	size_t nopen;
	char **files;
	int nfiles;
	int cur_file;
	int cur_iface;
	const char *cur_iface_name;
	char **ifnames; /* interned interface names */
	size_t nifnames;
	int64_t now;
	int64_t last_sweep;
	/* capture clock: the previous frame's time and the shift that
	 * keeps time continuous across a jump (clock_step in analyze.c) */
	bool ts_seen;
	int64_t ts_prev, ts_shift;
	struct sl_summary sum;
};

/* What happens to a RST (RFC 9293 §3.10.7.3-4, RFC 5961 §3). */
enum az_rst_fate {
	AZ_RST_ACCEPT,	   /* its receiver takes it and closes */
	AZ_RST_SYN_SENT,   /* SYN-SENT drops it: its ACK misses the SYN */
	AZ_RST_ANSWER,	   /* sent from SYN-SENT to an unacceptable ACK */
	AZ_RST_OUT_OF_WIN, /* outside the receiver's window: dropped */
	AZ_RST_CHALLENGE   /* in the window, not at RCV.NXT: challenge ACK */
};

/* ---- flow.c: table, timers, frames, lifetime; expire.c: expiry -------- */

/* The timer tick of capture time t. */
static inline int64_t
az_tick(int64_t t)
{
	return t >> TICK_SHIFT;
}

/* File h under its deadline's tick, or the wheel's, if that is later. */
void az_timer_file(struct sl_analyzer *az, struct conn_head *h);
/* Take h off the wheel, if it is on it. */
void az_timer_unfile(struct conn_head *h);

/* The full record whose head is h (h->compact is false). */
static inline struct conn *
az_conn_of(struct conn_head *h)
{
	return (struct conn *)(void *)h; /* its first member */
}

/* The full record of h: h itself, or made from h's compact record. */
struct conn *az_thaw(struct sl_analyzer *az, struct conn_head *h);
/* c, reported early and only waiting, in a compact record if it fits. */
void az_compact(struct sl_analyzer *az, struct conn *c);

uint64_t az_flow_hash(const struct sl_endpoint *a, const struct sl_endpoint *b,
		      int iface);
void az_tab_grow(struct sl_analyzer *az);
struct conn *az_tab_find(struct sl_analyzer *az, const struct sl_endpoint *lo,
			 const struct sl_endpoint *hi, int iface, uint64_t h);
/* Record p as a frame of c's handshake; its index, or NO_FI when full. */
int az_add_frame(struct conn *c, int from, const struct sl_pkt *p,
		 uint64_t frame, int64_t ts, enum sl_role role);
void az_set_note(struct conn *c, int fi, const char *note);
/* Room for one more pending segment of side s of c. */
void az_pend_grow(struct conn *c, struct side *s);
/* Side s of c holds no pending segment any more: its memory goes. */
void az_pend_release(struct conn *c, struct side *s);
/* Back to the analyzer's pool of handshake records. */
void az_conn_free(struct sl_analyzer *az, struct conn *c);
size_t az_win_len(const struct sl_analyzer *az);
void az_emit_ready(struct sl_analyzer *az);
/* Take c out of the table unfinished, for a newer handshake to hide. */
void az_park(struct sl_analyzer *az, struct conn *c);
/* Finish c: classify, take it out of the table, queue it for reporting. */
void az_finalize(struct sl_analyzer *az, struct conn *c, enum sl_end why);
struct conn *az_conn_new(struct sl_analyzer *az, const struct sl_endpoint *lo,
			 const struct sl_endpoint *hi, uint64_t h, int file);
/* The tombstone of a SYN with this ISN on the tuple of hash khash. */
uint64_t az_tomb_key(uint64_t khash, uint32_t isn);
bool az_tomb_find(const struct sl_analyzer *az, uint64_t key, int64_t now);
/*
 * After a segment of c: refile its timer; once ended, it lingers, or,
 * awaits_syn, waits as an unanswered SYN does.
 */
void az_touch(struct sl_analyzer *az, struct conn *c, int64_t ts,
	      bool awaits_syn);
void az_sweep(struct sl_analyzer *az, int64_t now);
/* The analyzer's pools, empty; the sink and the blank record. */
void az_flow_init(struct sl_analyzer *az);
/* A record from pool p, its contents undefined; never NULL. */
void *az_pool_get(struct sl_analyzer *az, struct az_pool *p);
/* r, from pool p, back to it. */
static inline void
az_pool_put(struct az_pool *p, void *r)
{
	memcpy(r, &p->free, sizeof(p->free));
	p->free = r;
}
/* The timers and the pools of records (the table: sl_analyzer_free). */
void az_flow_free(struct sl_analyzer *az);
void az_finish_all(struct sl_analyzer *az);

/* ---- endpoint.c: each endpoint's RFC 9293 state machine ---------------- */

uint32_t az_seg_end(const struct sl_pkt *p);
bool az_synchronized(enum sl_state s);
void az_set_frame_states(struct conn *c, int fi, int slot, enum sl_state before,
			 enum sl_state after);
bool az_acks_syn(const struct side *me, uint32_t ack);
bool az_in_window(uint32_t seq, uint32_t len, uint32_t nxt, uint32_t wnd);
void az_deliver(struct conn *c, int y, const struct pend *p, uint8_t reply,
		int64_t ts);
void az_catch_up(struct conn *c, int x, const struct sl_pkt *p, int64_t ts);
void az_flush_pending(struct conn *c, int64_t ts);
/* x's pending segment of frame fi went to another handshake of the tuple. */
void az_pend_forget(struct conn *c, int x, int fi);
/* Every bare SYN queued for x was lost (note: "not received by X before why"). */
void az_pend_lose_syns(struct conn *c, int x, const char *why);
void az_enqueue(struct conn *c, int y, const struct sl_pkt *p, int fi,
		int64_t ts);
void az_ep_send(struct conn *c, int x, const struct sl_pkt *p,
		enum sl_state st0, int fi, enum az_rst_fate fate);
enum az_rst_fate az_rst_fate(struct conn *c, int x, const struct sl_pkt *p,
			     enum sl_state st0);

/* ---- role.c: what each segment means to its handshake ------------------ */

/* What segment p means to the handshake when it is the role analysis. */
struct seg {
	struct conn *c;
	int x, y;
	const struct sl_pkt *p;
	int64_t ts;
	enum sl_state st0; /* x's state when it sent p */
	bool first_from_x;
	bool record; /* p is a frame of the handshake */
	enum sl_role role;
	char note[SL_NOTE_LEN];
};

/* Sets g->role, g->record and g->note; updates both sides and the handshake. */
void az_segment_role(struct seg *g);

/* ---- rules.c: findings ------------------------------------------------- */

struct sl_finding *az_raise(struct conn *c, enum sl_rule_id id, int fi1,
			    int fi2, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void az_finding_frame(struct conn *c, struct sl_finding *f, int fi);
void az_check_segment(struct conn *c, int x, const struct sl_pkt *p,
		      enum sl_role role, bool first_from_x, int *fi,
		      uint64_t frame, int64_t ts);
bool az_synrcvd_acceptable(struct conn *c, int y, const struct pend *pd);
void az_check_end(struct conn *c);

/* ---- copies.c: one packet seen at several places of an `any` capture -- */

bool az_copy_seen_cooked(struct conn *c, const struct sl_pkt *p, int64_t ts);
/*
 * Is p a copy of a packet c has seen?  Records p if it is not.  Only a
 * cooked (`any`) capture's packets can be: the others return at once,
 * without a call on every segment.
 */
static inline bool
az_copy_seen(struct conn *c, const struct sl_pkt *p, int64_t ts)
{
	return p->sll_pkttype >= 0 && az_copy_seen_cooked(c, p, ts);
}

/* ---- classify.c: shape, vantage, negotiated options --------------------- */

void az_classify(struct conn *c);

#endif
