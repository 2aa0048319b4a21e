/* \summary: one analyzer run and every output it feeds: report, brief, JSON, SVG ladder, annotated pcapng, merge */
#include "pipeline.h"

#include "pcapng.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "annotate.h"
#include "merge.h"
#include "ngindex.h"
#include "progress.h"
#include "svg.h"

#define SVG_MAX_HS 50

struct timed_comment {
	int in;
	int64_t ts_ns;
	char *text;
};

struct input {
	char *path;  /* file input, or /proc/self/fd/N of the tmpfile */
	char *label; /* shown name */
	bool live;
	int dlt;
	uint64_t frames;
	pcap_t *dead;	     /* live + annotate: the dumper's handle */
	pcap_dumper_t *dump; /* live + annotate: writes the tmpfile */
};

struct sl_pipeline {
	struct sl_pipeline_cfg cfg;
	FILE *out;
	struct input *in;
	int nin;
	const char **labels;
	bool started, ended;
	struct sl_analyzer *az;
	struct sl_report *report;
	struct sl_annotate *annotate;
	bool piped; /* an input was a pipe: no annotated pcapng */
	struct sl_svg *svg;
	struct sl_merge *merge;
	struct sl_tally tally;
	void (*observe)(const struct sl_handshake *hs, void *arg);
	struct sl_addr host_a;
	bool has_host_a;
	void *observe_arg;
	struct timed_comment *tc;
	size_t ntc, captc;
	char *section;
	char **mkey, **mval;
	size_t nmember;
	char **written; /* the annotated files written */
	size_t nwritten;
	struct sl_progress *progress; /* NULL: not on a terminal */
	int progress_in;	      /* the input annotated now */
	char progress_label[512];
};

/* An output can be written: checked before the work, nothing left behind. */
int
sl_pipeline_check_output(const char *path, char *errbuf)
{
	struct stat st;
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return SL_OK;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd >= 0) {
		close(fd);
		unlink(path);
		return SL_OK;
	}
	if (errno == EEXIST && stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			errno = EISDIR;
		else if (access(path, W_OK) == 0)
			return SL_OK;
	}
	sl_errbuf_set(errbuf, "%s: %s", path, strerror(errno));
	return SL_EIO;
}

static bool
is_stdout(const char *path)
{
	return path != NULL && strcmp(path, "-") == 0;
}

struct sl_pipeline *
sl_pipeline_new(const struct sl_pipeline_cfg *cfg, char *errbuf)
{
	struct sl_pipeline *p;

	if (is_stdout(cfg->annotate_path) && is_stdout(cfg->ladder_path)) {
		sl_errbuf_set(errbuf, "only one output can be '-' (stdout)");
		return NULL;
	}
	if (sl_pipeline_check_output(cfg->annotate_path, errbuf) != SL_OK ||
	    sl_pipeline_check_output(cfg->ladder_path, errbuf) != SL_OK)
		return NULL;
	p = sl_xcalloc(1, sizeof *p);
	p->cfg = *cfg;
	p->out = cfg->out ? cfg->out
		 : is_stdout(cfg->annotate_path) || is_stdout(cfg->ladder_path)
		     ? stderr
		     : stdout;
	p->tally.first_crossing_us = -1;
	p->progress = sl_progress_new(cfg->progress);
	return p;
}

FILE *
sl_pipeline_stream(const struct sl_pipeline *p)
{
	return p->out;
}

/* A new zeroed input slot (counted by the caller). */
static struct input *
grow(struct sl_pipeline *p)
{
	p->in = sl_xrealloc(p->in, (size_t)p->nin + 1, sizeof *p->in);
	memset(&p->in[p->nin], 0, sizeof *p->in);
	return &p->in[p->nin];
}

int
sl_pipeline_add_file(struct sl_pipeline *p, const char *path, const char *label)
{
	struct input *in;

	if (p->started)
		return SL_EINVAL;
	in = grow(p);
	in->path = sl_xstrdup(path);
	in->label = sl_xstrdup(label ? label : path);
	return p->nin++;
}

int
sl_pipeline_add_live(struct sl_pipeline *p, const char *label, int dlt,
		     uint32_t snaplen, bool nsec, char *errbuf)
{
	struct input *in;
	char path[64];
	FILE *tf;

	if (p->started) {
		sl_errbuf_set(errbuf, "%s: declared after feeding", label);
		return SL_EINVAL;
	}
	in = grow(p);
	in->live = true;
	in->dlt = dlt;
	in->label = sl_xstrdup(label);
	if (p->cfg.annotate_path != NULL) {
		/* Unlinked at once: nothing stays in /tmp, even on kill -9. */
		if ((tf = tmpfile()) == NULL) {
			sl_errbuf_set(errbuf, "temporary file: %s",
				      strerror(errno));
			return SL_EIO;
		}
		in->dead = pcap_open_dead_with_tstamp_precision(
		    dlt, (int)snaplen,
		    nsec ? PCAP_TSTAMP_PRECISION_NANO
			 : PCAP_TSTAMP_PRECISION_MICRO);
		in->dump = in->dead ? pcap_dump_fopen(in->dead, tf) : NULL;
		if (in->dump == NULL) {
			sl_errbuf_set(errbuf, "temporary file: %s",
				      in->dead ? pcap_geterr(in->dead)
					       : "pcap_open_dead failed");
			fclose(tf);
			if (in->dead)
				pcap_close(in->dead);
			in->dead = NULL;
			return SL_EIO;
		}
		snprintf(path, sizeof path, "/proc/self/fd/%d", fileno(tf));
		in->path = sl_xstrdup(path);
	}
	return p->nin++;
}

static void
on_handshake(const struct sl_handshake *hs, void *arg)
{
	struct sl_pipeline *p = arg;
	struct sl_tally *t = &p->tally;

	t->handshakes++;
	if (hs->shape < SL_SHAPE__COUNT) {
		t->shapes[hs->shape]++;
		if (hs->file >= 0 && hs->file < SL_PIPELINE_MAXIN)
			t->input_shapes[hs->file][hs->shape]++;
	}
	if (hs->shape == SL_SHAPE_SIMOPEN && t->first_crossing_us < 0)
		t->first_crossing_us = hs->crossing_us;
	for (unsigned i = 0; i < hs->nfind; i++)
		if (hs->find[i].sev == SL_SEV_VIOLATION)
			t->violations++;
	if (p->merge)
		sl_merge_handshake(hs, p->merge);
	if (p->cfg.on_handshake)
		p->cfg.on_handshake(hs, p->cfg.arg);
	if (p->observe)
		p->observe(hs, p->observe_arg);
}

/* Outputs that read every handshake's frames. */
static bool
frames_always(const struct sl_pipeline *p)
{
	return p->annotate || p->svg || p->observe || p->cfg.on_handshake;
}

/*
 * Whether any output reads hs's frames: the merge when it keeps hs, the
 * annotator, the ladders and the observers always, the report when it
 * prints them (a folded handshake is only counted).
 */
static bool
wants_frames(const struct sl_handshake *hs, void *arg)
{
	const struct sl_pipeline *p = arg;

	if (frames_always(p) ||
	    (p->merge && sl_merge_wants_frames(p->merge, hs)))
		return true;
	return p->report && sl_report_wants_frames(p->report, hs);
}

/* Whether no output ever reads frames: wants_frames is always false. */
static bool
frames_unread(const struct sl_pipeline *p)
{
	return !frames_always(p) &&
	       !(p->merge && sl_merge_reads_frames(p->merge)) &&
	       !(p->report && sl_report_reads_frames(p->report));
}

/* One connection (one or several views) to every output. */
static void
on_conn(const struct sl_conn *c, void *arg)
{
	struct sl_pipeline *p = arg;

	p->tally.conns++;
	if (p->report)
		sl_report_conn(c, p->report);
	if (p->annotate)
		sl_annotate_conn(c, p->annotate);
	if (p->svg)
		sl_svg_conn(c, p->svg);
}

static void
on_problem(const char *msg, void *arg)
{
	struct sl_pipeline *p = arg;

	p->tally.problems++;
	if (p->report)
		sl_report_problem(p->report, msg);
	if (p->cfg.on_problem)
		p->cfg.on_problem(msg, p->cfg.arg);
}

/*
 * Several vantage points: several inputs, or one pcapng with several
 * interfaces (as synlab run writes).  Only then are handshakes kept for
 * merging, since that costs memory per handshake.
 */
static bool
several_vantages(const struct sl_pipeline *p)
{
	struct sl_ngindex *ix;
	int nif;

	if (p->nin != 1)
		return p->nin > 1;
	if (p->in[0].live || (ix = sl_ngindex_open(p->in[0].path)) == NULL)
		return false;
	/* Interfaces may be described anywhere: walk the block headers. */
	while (sl_ngindex_count(ix) < 2 && sl_ngindex_next(ix) >= 0)
		;
	nif = sl_ngindex_count(ix);
	sl_ngindex_close(ix);
	return nif > 1;
}

static void
on_progress(uint64_t bytes, uint64_t frames, void *arg)
{
	struct sl_pipeline *p = arg;

	sl_progress_update(p->progress, bytes, frames);
}

/* The inputs are all declared: make the analyzer and the sinks. */
static void
start(struct sl_pipeline *p)
{
	struct sl_analyzer_cfg acfg = {0};
	const char **labels;

	if (p->started)
		return;
	p->started = true;
	labels = sl_xcalloc((size_t)p->nin + 1, sizeof *labels);
	for (int i = 0; i < p->nin; i++)
		labels[i] = p->in[i].label;
	/* The report borrows the names array until it is freed. */
	p->labels = labels;
	if (p->cfg.report)
		p->report = sl_report_new(p->out, p->cfg.fmt, p->cfg.ascii,
					  labels, p->nin);
	if (p->report) {
		sl_report_select(p->report, &p->cfg.sel);
		sl_report_set_progress(p->report, p->progress);
	}
	if (p->cfg.annotate_path) {
		p->annotate = sl_annotate_new();
		for (int i = 0; i < p->nin; i++)
			if (p->in[i].live ||
			    strcmp(p->in[i].label, p->in[i].path) != 0)
				sl_annotate_set_input_name(p->annotate, i,
							   p->in[i].label);
	}
	if (p->cfg.ladder_path) {
		p->svg = sl_svg_new(SVG_MAX_HS);
		sl_svg_select(p->svg, &p->cfg.sel);
	}
	/* Views of one connection are grouped before any output sees them. */
	if (p->report || p->annotate || p->svg) {
		p->merge = sl_merge_new(several_vantages(p), on_conn, p);
		if (p->has_host_a)
			sl_merge_set_host_a(p->merge, &p->host_a);
	}
	acfg.on_handshake = on_handshake;
	acfg.wants_frames = wants_frames;
	acfg.frames_unread = frames_unread(p);
	acfg.on_problem = on_problem;
	acfg.arg = p;
	acfg.idle_ns = p->cfg.idle_ns;
	acfg.filter = p->cfg.filter;
	acfg.max_packets = p->cfg.max_packets;
	if (p->progress != NULL)
		acfg.on_progress = on_progress;
	p->az = sl_analyzer_new(&acfg);
	for (int i = 0; i < p->nin; i++)
		sl_analyzer_set_file(p->az, i, p->in[i].label);
}

int
sl_pipeline_feed_file(struct sl_pipeline *p, int in, char *errbuf)
{
	uint64_t size;
	int rc;

	start(p);
	if (in < 0 || in >= p->nin || p->in[in].live || p->ended) {
		sl_errbuf_set(errbuf, "input %d is not a file", in);
		return SL_EINVAL;
	}
	/* The annotated pcapng reads its input a second time: not a pipe. */
	if (!sl_input_rereadable(p->in[in].path, &size) &&
	    p->cfg.annotate_path != NULL) {
		sl_errbuf_set(errbuf,
			      "%s: a pipe is read once, and the annotated "
			      "pcapng (-o) reads its input again: save the "
			      "capture to a file first",
			      p->in[in].label);
		p->tally.input_error = true;
		p->piped = true;
		return SL_EINVAL;
	}
	if (p->progress != NULL)
		sl_progress_file(p->progress, p->in[in].label, size);
	rc = sl_analyze_file(p->az, in, p->in[in].path, errbuf);
	sl_progress_done(p->progress);
	if (rc != SL_OK) {
		p->tally.input_error = true;
		if (p->report)
			sl_report_problem(p->report, errbuf);
	}
	return rc;
}

void
sl_pipeline_feed(struct sl_pipeline *p, int in, int64_t ts_ns,
		 const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	struct input *x;

	start(p);
	if (in < 0 || in >= p->nin || !p->in[in].live || p->ended)
		return;
	x = &p->in[in];
	x->frames++;
	if (x->dump != NULL) {
		struct pcap_pkthdr h;
		bool nsec = pcap_get_tstamp_precision(x->dead) ==
			    PCAP_TSTAMP_PRECISION_NANO;

		memset(&h, 0, sizeof h);
		h.ts.tv_sec = (time_t)(ts_ns / 1000000000);
		h.ts.tv_usec = (suseconds_t)(nsec ? ts_ns % 1000000000
						  : ts_ns % 1000000000 / 1000);
		h.caplen = caplen;
		h.len = wirelen;
		pcap_dump((u_char *)x->dump, &h, data);
	}
	(void)sl_analyzer_feed(p->az, in, x->frames, ts_ns, x->dlt, data,
			       caplen, wirelen);
}

void
sl_pipeline_comment_at(struct sl_pipeline *p, int in, int64_t ts_ns,
		       const char *text)
{
	if (p->cfg.annotate_path == NULL || in < 0 || in >= p->nin)
		return;
	if (p->ntc == p->captc) {
		p->captc = p->captc ? p->captc * 2 : 16;
		p->tc = sl_xrealloc(p->tc, p->captc, sizeof *p->tc);
	}
	p->tc[p->ntc].in = in;
	p->tc[p->ntc].ts_ns = ts_ns;
	p->tc[p->ntc++].text = sl_xstrdup(text);
}

void
sl_pipeline_observe(struct sl_pipeline *p,
		    void (*cb)(const struct sl_handshake *hs, void *arg),
		    void *arg)
{
	p->observe = cb;
	p->observe_arg = arg;
}

void
sl_pipeline_set_host_a(struct sl_pipeline *p, const struct sl_addr *a)
{
	p->host_a = *a;
	p->has_host_a = true;
}

void
sl_pipeline_set_section(struct sl_pipeline *p, const char *text)
{
	free(p->section);
	p->section = text ? sl_xstrdup(text) : NULL;
}

void
sl_pipeline_add_member(struct sl_pipeline *p, const char *key, const char *json)
{
	p->mkey = sl_xrealloc(p->mkey, p->nmember + 1, sizeof *p->mkey);
	p->mval = sl_xrealloc(p->mval, p->nmember + 1, sizeof *p->mval);
	p->mkey[p->nmember] = sl_xstrdup(key);
	p->mval[p->nmember++] = sl_xstrdup(json);
}

/*
 * The timed comments of input `in`, each put on the frame nearest its
 * instant: one pass over the input's timestamps.
 */
static void
resolve_comments(struct sl_pipeline *p, int in)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t frame = 0, *best;
	int64_t *bestd;
	size_t k;
	pcap_t *pc;
	bool nsec;

	pc = pcap_open_offline_with_tstamp_precision(
	    p->in[in].path, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (pc == NULL)
		return; /* the annotator names the unreadable file */
	nsec = pcap_get_tstamp_precision(pc) == PCAP_TSTAMP_PRECISION_NANO;
	best = sl_xcalloc(p->ntc, sizeof *best);
	bestd = sl_xcalloc(p->ntc, sizeof *bestd);
	while (pcap_next_ex(pc, &h, &data) == 1) {
		int64_t ts = (int64_t)h->ts.tv_sec * 1000000000 +
			     (int64_t)h->ts.tv_usec * (nsec ? 1 : 1000);

		frame++;
		for (k = 0; k < p->ntc; k++) {
			int64_t d = ts - p->tc[k].ts_ns;

			if (p->tc[k].in != in)
				continue;
			d = d < 0 ? -d : d;
			if (best[k] == 0 || d < bestd[k]) {
				best[k] = frame;
				bestd[k] = d;
			}
		}
	}
	pcap_close(pc);
	for (k = 0; k < p->ntc; k++)
		if (p->tc[k].in == in && best[k] != 0)
			sl_annotate_add_comment(p->annotate, in, best[k],
						p->tc[k].text);
	free(best);
	free(bestd);
}

/* Appends "; msg" (or msg) to the errors so far. */
static void
add_error(char *errbuf, bool *any, const char *msg)
{
	if (*any) {
		size_t n = strlen(errbuf);

		snprintf(errbuf + n, SL_ERRBUF_SIZE - n, "; %s", msg);
	} else {
		sl_errbuf_set(errbuf, "%s", msg);
	}
	*any = true;
}

static void
finish_report(struct sl_pipeline *p)
{
	if (p->merge)
		sl_merge_finish(p->merge);
	if (p->report) {
		for (size_t i = 0; i < p->nmember; i++)
			sl_report_add_member(p->report, p->mkey[i], p->mval[i]);
		sl_report_finish(p->report, &p->tally.sum);
	}
}

/* "out.pcapng" and label "A:tunA" -> "out.A.pcapng" (malloc'd). */
static char *
per_input_path(const char *out, const char *label)
{
	size_t n = strlen(out), h = strcspn(label, ":");
	const char *ext =
	    n > 7 && strcmp(out + n - 7, ".pcapng") == 0 ? ".pcapng" : "";
	size_t base = n - strlen(ext), len = n + h + 2;
	char *p = sl_xcalloc(1, len);

	snprintf(p, len, "%.*s.%.*s%s", (int)base, out, (int)h, label, ext);
	return p;
}

static int
write_one(struct sl_pipeline *p, const char **paths, const char *out, char *err)
{
	const char *path = is_stdout(out) ? "/dev/stdout" : out;
	int rc;

	if (is_stdout(out))
		fflush(stdout);
	rc = sl_annotate_write(p->annotate, paths, p->nin, path, p->section,
			       err);
	p->written =
	    sl_xrealloc(p->written, p->nwritten + 1, sizeof *p->written);
	p->written[p->nwritten++] = sl_xstrdup(out);
	return rc;
}

static void
on_annotate_progress(int file, uint64_t bytes, uint64_t frames, void *arg)
{
	struct sl_pipeline *p = arg;
	struct stat st;

	if (file != p->progress_in && file >= 0 && file < p->nin) {
		p->progress_in = file;
		snprintf(p->progress_label, sizeof(p->progress_label),
			 "annotating %s", p->in[file].label);
		sl_progress_file(p->progress, p->progress_label,
				 stat(p->in[file].path, &st) == 0
				     ? (uint64_t)st.st_size
				     : 0);
	}
	sl_progress_update(p->progress, bytes, frames);
}

static int
write_annotated(struct sl_pipeline *p, char *err)
{
	const char **paths = sl_xcalloc((size_t)p->nin + 1, sizeof *paths);
	const char *out = p->cfg.annotate_path;
	int rc = SL_OK;

	for (int i = 0; i < p->nin; i++) {
		if (p->in[i].dump != NULL &&
		    (pcap_dump_flush(p->in[i].dump) != 0 ||
		     ferror(pcap_dump_file(p->in[i].dump)))) {
			sl_errbuf_set(err, "temporary file of %s: %s",
				      p->in[i].label, strerror(errno));
			free(paths);
			return SL_EIO;
		}
		paths[i] = p->in[i].path;
	}
	for (int i = 0; i < p->nin && p->ntc > 0; i++)
		resolve_comments(p, i);
	if (p->progress != NULL) {
		p->progress_in = -1;
		sl_annotate_set_progress(p->annotate, on_annotate_progress, p);
	}
	if (!p->cfg.annotate_per_input || p->nin < 2 || is_stdout(out)) {
		rc = write_one(p, paths, out, err);
		/* One interface per input, written one after another. */
		if (rc == SL_OK && p->nin >= 2 && !is_stdout(out))
			rc = sl_pcapng_time_order(out, err);
		free(paths);
		return rc;
	}
	for (int i = 0; i < p->nin && rc == SL_OK; i++) {
		char *one = per_input_path(out, p->in[i].label);

		memset(paths, 0, (size_t)p->nin * sizeof *paths);
		paths[i] = p->in[i].path;
		rc = write_one(p, paths, one, err);
		free(one);
	}
	free(paths);
	return rc;
}

const char *
sl_pipeline_written(const struct sl_pipeline *p, size_t k)
{
	return k < p->nwritten ? p->written[k] : NULL;
}

int
sl_pipeline_end_input(struct sl_pipeline *p, struct sl_tally *t)
{
	start(p);
	if (!p->ended) {
		sl_analyzer_finish(p->az);
		p->tally.sum = *sl_analyzer_summary(p->az);
		p->tally.ninputs = (unsigned)p->nin;
		p->ended = true;
	}
	if (t != NULL)
		*t = p->tally;
	return SL_OK;
}

int
sl_pipeline_finish(struct sl_pipeline *p, struct sl_tally *t, char *errbuf)
{
	char err[SL_ERRBUF_SIZE];
	bool any = false;

	(void)sl_pipeline_end_input(p, NULL);
	finish_report(p);
	if (fflush(p->out) != 0 || ferror(p->out)) {
		snprintf(err, sizeof err, "%s: write error",
			 p->out == stdout   ? "stdout"
			 : p->out == stderr ? "stderr"
					    : "report");
		add_error(errbuf, &any, err);
	}
	if (p->annotate && !p->piped && write_annotated(p, err) != SL_OK)
		add_error(errbuf, &any, err);
	sl_progress_done(p->progress);
	if (p->svg) {
		const char *path = p->cfg.ladder_path;

		if (is_stdout(path)) {
			fflush(stdout);
			path = "/dev/stdout";
		}
		if (sl_svg_write(p->svg, path, err) != SL_OK)
			add_error(errbuf, &any, err);
	}
	if (t != NULL)
		*t = p->tally;
	return any ? SL_EIO : SL_OK;
}

void
sl_pipeline_free(struct sl_pipeline *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < p->nin; i++) {
		if (p->in[i].dump)
			pcap_dump_close(p->in[i].dump);
		if (p->in[i].dead)
			pcap_close(p->in[i].dead);
		free(p->in[i].path);
		free(p->in[i].label);
	}
	for (size_t k = 0; k < p->ntc; k++)
		free(p->tc[k].text);
	for (size_t k = 0; k < p->nmember; k++) {
		free(p->mkey[k]);
		free(p->mval[k]);
	}
	for (size_t k = 0; k < p->nwritten; k++)
		free(p->written[k]);
	free(p->written);
	free(p->in);
	free(p->labels);
	free(p->tc);
	free(p->mkey);
	free(p->mval);
	free(p->section);
	sl_analyzer_free(p->az);
	sl_report_free(p->report);
	sl_annotate_free(p->annotate);
	sl_svg_free(p->svg);
	sl_merge_free(p->merge);
	sl_progress_free(p->progress);
	free(p);
}
