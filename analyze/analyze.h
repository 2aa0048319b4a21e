/* \summary: synlab's handshake analyzer: flows, RFC 9293 state machines, shapes */
#ifndef SL_ANALYZE_H
#define SL_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "decode.h"

/* Handshake shapes; names as in docs/design.md, stable in JSON and comments. */
enum sl_shape {
	SL_SHAPE_THREE_WAY,
	SL_SHAPE_SIMOPEN,
	SL_SHAPE_SELF,
	SL_SHAPE_REFUSED,
	SL_SHAPE_UNANSWERED,
	SL_SHAPE_RESET,
	SL_SHAPE_INCOMPLETE,
	SL_SHAPE__COUNT
};
const char *sl_shape_name(enum sl_shape s);

/* RFC 9293 §3.3.2 connection states (plus NONE: not known). */
enum sl_state {
	SL_ST_NONE,
	SL_ST_CLOSED,
	SL_ST_LISTEN,
	SL_ST_SYN_SENT,
	SL_ST_SYN_RECEIVED,
	SL_ST_ESTABLISHED,
	SL_ST_FIN_WAIT_1,
	SL_ST_FIN_WAIT_2,
	SL_ST_CLOSE_WAIT,
	SL_ST_CLOSING,
	SL_ST_LAST_ACK,
	SL_ST_TIME_WAIT,
	SL_ST__COUNT
};
const char *sl_state_name(enum sl_state s); /* "SYN-SENT", ... */

/* What a frame is within its handshake. */
enum sl_role {
	SL_ROLE_SYN,
	SL_ROLE_SYN_RETX,
	SL_ROLE_SYNACK,
	SL_ROLE_SYNACK_RETX,
	SL_ROLE_ACK,	 /* the ACK that completes the handshake */
	SL_ROLE_DUP_ACK, /* a second ACK of the peer's SYN (simultaneous open) */
	SL_ROLE_RST,
	SL_ROLE_LATE_SYN,      /* SYN on an established connection */
	SL_ROLE_CHALLENGE_ACK, /* RFC 5961 §4 answer to a late SYN */
	SL_ROLE_DATA,
	SL_ROLE_FIN,
	SL_ROLE_OTHER,
	/* the ACK of the peer's SYN repeated with a D-SACK of that SYN: the
	 * crossed SYN-ACK was accepted (docs/kernels.md) */
	SL_ROLE_DSACK_ACK,
	SL_ROLE__COUNT
};
const char *
sl_role_name(enum sl_role r); /* "SYN", "SYN-ACK retransmission", ... */

enum sl_severity { SL_SEV_NOTE, SL_SEV_WARNING, SL_SEV_VIOLATION };
const char *sl_severity_name(enum sl_severity s);

/* Where the capture was taken, decided from the timing of the handshake. */
enum sl_vantage {
	SL_VANT_UNKNOWN,
	SL_VANT_A,     /* at or near endpoint A (the first SYN's sender) */
	SL_VANT_B,     /* at or near endpoint B */
	SL_VANT_LOCAL, /* both endpoints on the capturing host (loopback) */
	SL_VANT_PATH,  /* somewhere between the two */
};
const char *sl_vantage_name(enum sl_vantage v);

#define SL_HS_MAXFRAMES	  64
#define SL_HS_MAXFINDINGS 12
#define SL_HS_MAXRETX	  8
#define SL_FINDING_FRAMES 4
#define SL_NOTE_LEN	  88

struct sl_hs_frame {
	uint64_t frame;	   /* frame number in its file, from 1 */
	int64_t ts_ns;	   /* capture time, ns since the epoch */
	uint8_t from;	   /* 0: A sent it, 1: B sent it */
	uint8_t flags;	   /* SL_TH_* */
	bool ae;	   /* AccECN AE flag */
	uint8_t role;	   /* enum sl_role */
	uint8_t st[2][2];  /* [endpoint][0 before, 1 after] this frame;
				  SL_ST_NONE where the frame did not change it.
				  Self-connect (one socket): [0] is the change
				  on sending, [1] the change on receiving it */
	uint32_t seq, ack; /* absolute */
	uint32_t len;	   /* payload bytes */
	uint16_t win;
	struct sl_tcpopts opts;
	char note[SL_NOTE_LEN]; /* "crossing SYN, in flight 4.1 ms", or "" */
};

struct sl_finding {
	enum sl_severity sev;
	const char *rule; /* stable id, e.g. "synack-bad-ack" (static) */
	const char *rfc;  /* e.g. "RFC 9293 §3.5" (static) */
	uint64_t frames[SL_FINDING_FRAMES];
	unsigned nframes;
	char message[240];
};

/* Options one side put in its SYN (or SYN-ACK). */
struct sl_synopts {
	bool seen;
	int mss;    /* -1: absent */
	int wscale; /* -1: absent */
	bool sack_ok, ts, tfo;
};

enum sl_end { SL_END_OPEN, SL_END_FIN, SL_END_RST, SL_END_IDLE, SL_END_EOF };

struct sl_handshake {
	unsigned id;		/* from 1, in the order of first frames */
	int file;		/* index of the input file */
	const char *file_name;	/* borrowed: lives as long as the analyzer */
	int iface;		/* pcapng interface (vantage) in that file */
	const char *iface_name; /* its if_name, or NULL; borrowed likewise */
	char encap
	    [SL_ENCAP_LEN]; /* tunnels of its first frame ("vxlan"), or "" */
	enum sl_shape shape;
	struct sl_endpoint ep[2]; /* [0] A: sent the first SYN seen */
	bool self;		  /* A == B: one socket plays both roles */
	bool has_isn[2];
	uint32_t isn[2];
	/*
	 * frames and find are BORROWED: they live only during the
	 * on_handshake call.  A callback that keeps a handshake must copy
	 * the arrays, not just the struct.
	 */
	unsigned nframes;
	unsigned frames_omitted; /* handshake frames past SL_HS_MAXFRAMES */
	struct sl_hs_frame *frames;
	int64_t t_first_ns, t_est_ns, t_last_ns; /* t_est_ns 0: never */
	/* attributes */
	unsigned syn_retx[2];
	unsigned nretx_iv[2];
	int64_t retx_iv_us[2][SL_HS_MAXRETX]; /* intervals between SYN copies */
	int64_t crossing_us; /* -1 unless both sides sent a bare SYN */
	int64_t rtt_us;	     /* SYN to SYN-ACK (or crossing) as seen; -1 */
	enum sl_vantage vantage;
	struct sl_synopts syn[2];
	bool ws_in_effect, sack_in_effect, ts_in_effect;
	unsigned late_syns, challenge_acks;
	unsigned duplicates; /* copies of one packet ignored (capture on any) */
	unsigned truncated;  /* frames cut by snaplen */
	enum sl_end end;
	uint64_t data_bytes[2];
	unsigned nfind;
	struct sl_finding *find;
};

/* Totals over a run. */
struct sl_summary {
	uint64_t frames, tcp, not_tcp, fragments, truncated, malformed;
	uint64_t duplicates, unsupported_link, no_handshake_segments;
	uint64_t
	    late_syn_copies; /* copies of a SYN already reported unanswered */
	unsigned handshakes;
	unsigned shapes[SL_SHAPE__COUNT];
	unsigned findings[3]; /* by severity */
	size_t peak_open;     /* most handshakes open at once */
};

struct sl_analyzer;

struct sl_analyzer_cfg {
	/*
	 * Called once per handshake, in id order, when it is finished (its
	 * connection closed, went idle, or the input ended).  hs is borrowed
	 * for the duration of the call.
	 */
	void (*on_handshake)(const struct sl_handshake *hs, void *arg);
	/*
	 * Asked just before each on_handshake call, with hs complete but its
	 * frames not yet made (frames NULL): whether on_handshake will read
	 * them.  When not, it gets hs with frames NULL and nframes 0, and the
	 * frames are never copied out.  NULL: always.
	 */
	bool (*wants_frames)(const struct sl_handshake *hs, void *arg);
	/*
	 * No on_handshake call will read frames, whatever the handshake
	 * (wants_frames always says no): the analyzer then keeps none of
	 * what only frames show (their options and notes).
	 */
	bool frames_unread;
	/*
	 * Called for each input problem (malformed header, unsupported link
	 * type); msg already names file and frame.  May be NULL.
	 */
	void (*on_problem)(const char *msg, void *arg);
	void *arg;
	int64_t idle_ns; /* 0: default 300 s of capture time */
	/*
	 * Read side (analyze/capfile.c): a BPF expression in tcpdump's
	 * syntax, compiled by libpcap for each link type, that selects the
	 * frames fed (the others keep their frame numbers but are skipped);
	 * and at most max_packets selected frames of each file.  NULL, 0:
	 * every frame.
	 */
	const char *filter;
	uint64_t max_packets;
	/*
	 * Told every SL_PROGRESS_EVERY frames a file reader reads: the bytes
	 * of the file read so far (as stored: compressed for a .gz) and the
	 * frames.  May be NULL.
	 */
	void (*on_progress)(uint64_t bytes, uint64_t frames, void *arg);
};

#define SL_PROGRESS_EVERY 4096

/* New analyzer; free with sl_analyzer_free.  Never returns NULL. */
struct sl_analyzer *sl_analyzer_new(const struct sl_analyzer_cfg *cfg);

/*
 * Feed one captured frame.  file indexes the input file (names set with
 * sl_analyzer_set_file), frame counts from 1 within it.  Returns 0, or
 * SL_EMALFORM/SL_ENOTSUP when the frame was rejected (reported through
 * on_problem); the analyzer stays usable either way.
 */
int sl_analyzer_feed(struct sl_analyzer *az, int file, uint64_t frame,
		     int64_t ts_ns, int dlt, const uint8_t *data, size_t caplen,
		     size_t wirelen);

/*
 * Packets fed from now on were captured on interface iface of the current
 * file, named name (copied; may be NULL).  Interfaces are vantage points:
 * the same tuple seen on two interfaces is two handshakes.
 */
void sl_analyzer_set_iface(struct sl_analyzer *az, int iface, const char *name);

/* Name of input file `file` (copied). */
void sl_analyzer_set_file(struct sl_analyzer *az, int file, const char *name);

/*
 * The current file has ended: finish its open handshakes (a handshake
 * never spans two files).
 */
void sl_analyzer_end_file(struct sl_analyzer *az);

/*
 * Read a whole pcap or pcapng file, possibly gzip-compressed, and feed it
 * (analyze/capfile.c).  Returns 0,
 * SL_EIO when it cannot be opened, or SL_EMALFORM when reading stopped on
 * a corrupt file (errbuf: "FILE: frame N: problem"); handshakes read
 * before the problem are kept.  Per-frame problems go to on_problem and do
 * not stop the read.
 */
int sl_analyze_file(struct sl_analyzer *az, int file, const char *path,
		    char *errbuf);

/* The configuration the analyzer was made with. */
const struct sl_analyzer_cfg *sl_analyzer_get_cfg(const struct sl_analyzer *az);

/*
 * 0 when expr compiles as a BPF filter (tcpdump's syntax) for Ethernet,
 * else -1 with libpcap's message in errbuf.
 */
int sl_filter_check(const char *expr, char *errbuf);

/*
 * `synlab analyze f.pcap tcp port 80`, as tcpdump takes it: when the
 * trailing arguments that name no file (from one that begins a filter
 * on) compile together as a BPF filter, returns the index of the first
 * and puts the expression in expr (cap bytes); else -1.  Only arguments
 * that begin with a filter word are tried, and none with a dotted name:
 * libpcap resolves any other word as a host name, and a mistyped file
 * name must not become a DNS query.
 */
int sl_filter_guess(char *const *files, int n, char *expr, size_t cap);

/* Finish every open handshake (end of input); flushes on_handshake. */
void sl_analyzer_finish(struct sl_analyzer *az);

const struct sl_summary *sl_analyzer_summary(const struct sl_analyzer *az);

void sl_analyzer_free(struct sl_analyzer *az);

/*
 * The pcapng comment for frame i of hs, like
 * "synlab: A SYN-SENT -> SYN-RECEIVED | simultaneous-open #1 | crossing SYN,
 * in flight 4.1 ms", including the messages of findings naming the frame.
 * Returns the length written (truncated to len-1).
 */
size_t sl_hs_frame_comment(const struct sl_handshake *hs, unsigned i, char *buf,
			   size_t len);

/* One-line verdict: "#1 simultaneous-open 10.0.0.1:1314 <-> 10.0.0.2:1314 (ok)" */
size_t sl_hs_verdict(const struct sl_handshake *hs, char *buf, size_t len);

#endif /* SL_ANALYZE_H */
