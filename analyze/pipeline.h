/* \summary: one analyzer run and every output it feeds: report, brief, JSON, SVG ladder, annotated pcapng, merge */
#ifndef SL_PIPELINE_H
#define SL_PIPELINE_H

/*
 * Every command that analyzes packets (analyze, run, run inject, run
 * --peer, sweep) builds one pipeline, declares its inputs, feeds them and
 * calls sl_pipeline_finish once.  The pipeline owns the analyzer and the
 * sinks (report, annotator, SVG ladder); its merge groups the views of one
 * connection (several inputs, or a pcapng of several interfaces) before a
 * sink sees it.  It keeps the tally the command's verdict is made of; so every output
 * option works for every command.
 *
 * Inputs are files (read through the analyzer's file reader) or live
 * packets fed one by one.  When an annotated pcapng is asked for, live
 * packets are also written to an unlinked tmpfile() per input (nothing is
 * left in /tmp whatever ends the process), which the annotator reads again
 * at the end.
 *
 * Outputs: a path, or "-" for standard output; then the report goes to
 * standard error, so two documents never share one stream.  Output paths
 * are checked when the pipeline is made, before any work.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze.h"
#include "report.h"

/* Inputs told apart in the tally (any number can be fed). */
#define SL_PIPELINE_MAXIN 8

struct sl_pipeline_cfg {
	bool report;		   /* write the report (fmt) */
	enum sl_report_fmt fmt;	   /* text, brief or JSON */
	bool ascii;		   /* ASCII ladders */
	FILE *out;		   /* report stream; NULL: stdout (or stderr) */
	const char *annotate_path; /* annotated pcapng; NULL: none */
	/*
	 * Several inputs: one annotated pcapng per input (per host), named
	 * after the part of its label before ':' ("out.pcapng" gives
	 * "out.A.pcapng", "out.B.pcapng"), instead of one file with an
	 * interface per input.  Wireshark's TCP analysis keys on addresses
	 * and ports, not interfaces: two vantages of one connection in one
	 * file read as retransmissions.
	 */
	bool annotate_per_input;
	const char *ladder_path; /* SVG ladder; NULL: none */
	int64_t idle_ns;	 /* 0: the analyzer's default */
	const char *filter;   /* BPF expression on the files read; NULL: all */
	uint64_t max_packets; /* selected frames read of each file; 0: all */
	struct sl_report_sel sel; /* what the report shows (report.h) */
	/*
	 * Where to show the progress of reading files (common/progress.h):
	 * only a terminal shows it; NULL: none.
	 */
	FILE *progress;
	/* Told every input problem (already counted and reported); may be NULL. */
	void (*on_problem)(const char *msg, void *arg);
	/* Sees every handshake after the sinks; may be NULL. */
	void (*on_handshake)(const struct sl_handshake *hs, void *arg);
	void *arg;
};

/* What the command's verdict is made of. */
struct sl_tally {
	unsigned ninputs;
	unsigned handshakes; /* as each vantage saw them (views) */
	unsigned conns;	     /* connections: the views grouped */
	unsigned violations, problems;
	unsigned shapes[SL_SHAPE__COUNT];
	unsigned input_shapes[SL_PIPELINE_MAXIN][SL_SHAPE__COUNT];
	int64_t first_crossing_us; /* first simultaneous open's; -1: none */
	bool input_error;	   /* an input could not be read to its end */
	struct sl_summary sum;	   /* the analyzer's totals */
};

struct sl_pipeline;

/*
 * A new pipeline, or NULL with errbuf naming the output that cannot be
 * written (the check creates nothing that is left behind).  cfg is
 * copied; its strings are borrowed until sl_pipeline_free.
 */
struct sl_pipeline *sl_pipeline_new(const struct sl_pipeline_cfg *cfg,
				    char *errbuf);

/*
 * Whether path ("-": stdout) can be written, for an output the command
 * writes itself; nothing is left behind.  0 or SL_EIO with errbuf.
 */
int sl_pipeline_check_output(const char *path, char *errbuf);

/*
 * Declare an input file (read by sl_pipeline_feed_file), shown as label
 * (NULL: the path).  Returns its index, or SL_EINVAL when feeding has
 * begun.  path and label are copied.
 */
int sl_pipeline_add_file(struct sl_pipeline *p, const char *path,
			 const char *label);

/*
 * Declare a live input: packets of link type dlt fed by sl_pipeline_feed,
 * nsec: their timestamps have nanosecond precision.  Returns its index, or
 * a negative SL_E* code with errbuf (SL_EIO: the temporary file).
 */
int sl_pipeline_add_live(struct sl_pipeline *p, const char *label, int dlt,
			 uint32_t snaplen, bool nsec, char *errbuf);

/* The stream the report goes to (for a heading before it); never NULL. */
FILE *sl_pipeline_stream(const struct sl_pipeline *p);

/* Reads the whole input file `in`; 0, or SL_E* with errbuf (also reported). */
int sl_pipeline_feed_file(struct sl_pipeline *p, int in, char *errbuf);

/* One live packet of input `in`, frames numbered from 1 in feeding order. */
void sl_pipeline_feed(struct sl_pipeline *p, int in, int64_t ts_ns,
		      const uint8_t *data, uint32_t caplen, uint32_t wirelen);

/*
 * A comment at instant ts_ns of input `in` (text copied): the annotated
 * pcapng carries it on the frame of that input nearest in time.
 */
void sl_pipeline_comment_at(struct sl_pipeline *p, int in, int64_t ts_ns,
			    const char *text);

/* One more observer of every handshake (after the sinks; cb may be NULL). */
void sl_pipeline_observe(struct sl_pipeline *p,
			 void (*cb)(const struct sl_handshake *hs, void *arg),
			 void *arg);

/*
 * The host every output calls A wherever a connection has it (a run: the
 * scenario's host A, 10.0.0.1); otherwise the host whose SYN left first.
 * Before feeding.
 */
void sl_pipeline_set_host_a(struct sl_pipeline *p, const struct sl_addr *a);

/* The annotated pcapng's section comment (copied; may be NULL). */
void sl_pipeline_set_section(struct sl_pipeline *p, const char *text);

/*
 * The k-th file the annotator wrote (after sl_pipeline_finish), NULL past
 * the last; borrowed until sl_pipeline_free.
 */
const char *sl_pipeline_written(const struct sl_pipeline *p, size_t k);

/* JSON report: an extra top-level member (key and json copied). */
void sl_pipeline_add_member(struct sl_pipeline *p, const char *key,
			    const char *json);

/*
 * No more input: the analysis ends and t gets the tally, while outputs
 * are not written yet (a command may add a member made from the tally).
 * Returns 0.  sl_pipeline_finish calls it when the command did not.
 */
int sl_pipeline_end_input(struct sl_pipeline *p, struct sl_tally *t);

/*
 * Ends the analysis and writes every output.  t (may be NULL) gets the
 * tally.  Returns 0, or SL_EIO with errbuf naming every output that
 * failed ("stdout" for the report stream), in which case the command
 * exits 3.
 */
int sl_pipeline_finish(struct sl_pipeline *p, struct sl_tally *t, char *errbuf);

void sl_pipeline_free(struct sl_pipeline *p);

#endif /* SL_PIPELINE_H */
