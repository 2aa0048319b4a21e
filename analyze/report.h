/* \summary: reporters: human text with a compact ladder, and the JSON contract */
#ifndef SL_REPORT_H
#define SL_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "analyze.h"
#include "json.h" /* sl_json_str, for the reporters and their callers */
#include "merge.h"

/*
 * Version of the JSON report ("schema"): 2 since a handshake is a
 * connection with its "views" (README: JSON report).
 */
#define SL_REPORT_SCHEMA 2

/* TEXT: full report with ladders; BRIEF: one line a handshake; JSON. */
enum sl_report_fmt { SL_REPORT_TEXT, SL_REPORT_JSON, SL_REPORT_BRIEF };

struct sl_report;

/*
 * A streaming reporter writing to out (borrowed; the caller closes it).
 * files[0..nfiles) are the input names (borrowed until sl_report_free).
 * ascii: plain ASCII ladders instead of UTF-8 box drawing.
 */
struct sl_report *sl_report_new(FILE *out, enum sl_report_fmt fmt, bool ascii,
				const char *const *files, int nfiles);

/*
 * Which handshakes are reported (every format), and how the text and
 * brief reports fold the ordinary ones.  By default a text report shows in
 * full the handshakes a person came for, a rare shape (simultaneous open,
 * self-connect) or any with findings, up to SL_REPORT_FULL of each shape,
 * plus the first SL_REPORT_SAMPLE clean ones of each ordinary shape, and
 * counts the rest in lines before the summary; brief gives a line to up
 * to SL_REPORT_BRIEF_FULL rare or flagged handshakes of each shape.  all (or an id) shows everything selected.
 */
#define SL_REPORT_FULL	     20
#define SL_REPORT_SAMPLE     5
#define SL_REPORT_BRIEF_FULL 100

struct sl_report_sel {
	unsigned shapes; /* mask of 1u << enum sl_shape; 0: every shape */
	bool findings;	 /* only handshakes with a finding */
	unsigned id;	 /* only this handshake id; 0: every id */
	bool all;	 /* no folding */
};

void sl_report_select(struct sl_report *r, const struct sl_report_sel *sel);

/* Whether sel selects hs (its shape, findings and id). */
bool sl_report_sel_match(const struct sl_report_sel *sel,
			 const struct sl_handshake *hs);

/*
 * The folding of a selected handshake, shared by the text report and the
 * SVG ladders: true to show it in full, false to count it in folded
 * (folded_find: those of them with findings).  Handshakes with findings
 * are shown up to nfull a shape, clean ones of a rare shape up to nfull a
 * shape too (so clean ones never crowd out a finding), clean ones of the
 * other shapes up to nsample a shape; sel->all or sel->id shows every one.
 */
struct sl_fold {
	unsigned full[SL_SHAPE__COUNT], full_find[SL_SHAPE__COUNT];
	unsigned sample[SL_SHAPE__COUNT];
	unsigned folded[SL_SHAPE__COUNT], folded_find[SL_SHAPE__COUNT];
};
bool sl_fold_show(struct sl_fold *f, const struct sl_report_sel *sel,
		  const struct sl_handshake *hs, unsigned nfull,
		  unsigned nsample);
/* What sl_fold_show would answer now, counting nothing. */
bool sl_fold_peek(const struct sl_fold *f, const struct sl_report_sel *sel,
		  const struct sl_handshake *hs, unsigned nfull,
		  unsigned nsample);

/* "199,812": v with a comma every three digits, into b; returns b. */
const char *sl_report_thousands(unsigned v, char *b, size_t len);

/*
 * A progress line on the terminal the report may share (NULL: none,
 * borrowed): the report erases it before it writes there.
 */
struct sl_progress;
void sl_report_set_progress(struct sl_report *r, struct sl_progress *pr);

/*
 * Whether the report will print frames of hs, which comes next as a
 * connection of one view: JSON does for every selected handshake, text
 * for one it shows in full, brief never (its line has none).  Counts
 * nothing: the folding is only peeked.
 */
bool sl_report_wants_frames(const struct sl_report *r,
			    const struct sl_handshake *hs);
/* Whether the report prints frames of any handshake (brief: never). */
bool sl_report_reads_frames(const struct sl_report *r);

/* Writes one connection (sl_conn_fn-compatible: pass the report as arg). */
void sl_report_conn(const struct sl_conn *c, void *report);

/* Writes one handshake as a connection of one view (on_handshake-compatible). */
void sl_report_handshake(const struct sl_handshake *hs, void *report);

/* Records an input problem to show in the report (text: at the end; JSON: "problems"). */
void sl_report_problem(struct sl_report *r, const char *msg);

/*
 * JSON only: an extra top-level member written verbatim before "summary"
 * (e.g. "events":[...] from a live run).  key and json are copied.
 */
void sl_report_add_member(struct sl_report *r, const char *key,
			  const char *json);

/*
 * Writes the summary and closes the document.  Handshakes, shapes and
 * findings are counted from what was reported (connections); the frame
 * counts come from sum.
 */
void sl_report_finish(struct sl_report *r, const struct sl_summary *sum);

void sl_report_free(struct sl_report *r);

/*
 * tcpdump's flag letters for a TCP flags octet, "S", "S.", "FP.", ...
 * (S F R P U E W, then "." for ACK; "-" for none) into b, which holds
 * SL_FLAGS_STRLEN bytes.
 */
#define SL_FLAGS_STRLEN 12
void sl_tcp_flags_str(uint8_t flags, char *b);

#endif /* SL_REPORT_H */
