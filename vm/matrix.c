/* \summary: the cross-kernel matrix: the standard scenarios per kernel, one behaviour per row */
#include "matrix.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "jsonq.h"
#include "json.h"

#define MX_MAXK 24
#define MX_CELL 160

/*
 * The standard set.  Timing-sensitive runs use a 20 ms one-way delay:
 * under TCG a zero-delay SYN gate does not always cross (docs/kernels.md).
 */
#define J(...) ((const char *const[]){__VA_ARGS__, NULL})
/* Two-host jobs ask for --combined: one pcapng per job, linked below. */
static const struct sl_vm_job jobs[] = {
    {"self-connect",
     J("run", "self-connect", "--json", "-o", "self-connect.pcapng")},
    {"simultaneous-open",
     J("run", "simultaneous-open", "--delay", "20ms", "--count", "5", "--json",
       "--combined", "-o", "simultaneous-open.pcapng")},
    {"simultaneous-open-6",
     J("run", "simultaneous-open", "-6", "--delay", "20ms", "--count", "3",
       "--json", "--combined", "-o", "simultaneous-open-6.pcapng")},
    {"self-connect-race",
     J("run", "self-connect-race", "--json", "-o", "self-connect-race.pcapng")},
    {"reuseport", J("run", "reuseport", "--json", "-o", "reuseport.pcapng")},
    {"inject-closed", J("run", "inject", "--state", "closed", "--json",
			"--combined", "-o", "inject-closed.pcapng")},
    {"inject-bound", J("run", "inject", "--state", "bound", "--json",
		       "--combined", "-o", "inject-bound.pcapng")},
    {"inject-syn-sent", J("run", "inject", "--state", "syn-sent", "--json",
			  "--combined", "-o", "inject-syn-sent.pcapng")},
    {"inject-established",
     J("run", "inject", "--state", "established", "--json", "--combined", "-o",
       "inject-established.pcapng")},
    {"wscale-defect",
     J("run", "inject", "--state", "syn-sent", "--options", "mss", "--json",
       "--combined", "-o", "wscale-defect.pcapng")},
    {"window", J("sweep", "simultaneous-open", "--delay", "20ms", "--offset",
		 "-60ms:60ms:20ms", "--json", "-o", "window.pcapng")},
};
#undef J

const struct sl_vm_job *
sl_matrix_jobs(size_t *n)
{
	*n = sizeof jobs / sizeof jobs[0];
	return jobs;
}

struct mx_cell {
	char text[MX_CELL];
	char link[512]; /* "" when no capture */
	bool bad;	/* the run failed or missed what it expects */
};

struct mx_col {
	char label[32], release[128], version[64];
	double seconds;
};

/* One row: its title, the job it reads and how it turns that into text. */
struct mx_row {
	const char *title;
	const char *job;
	void (*cell)(const struct sl_jv *doc, struct mx_cell *c);
};

struct sl_matrix {
	struct mx_col col[MX_MAXK];
	size_t ncol;
	struct mx_cell *cells; /* [row][col] */
};

static void cell_set(struct mx_cell *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
cell_set(struct mx_cell *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->text, sizeof c->text, fmt, ap);
	va_end(ap);
}

/* The first handshake of DOC with SHAPE, or NULL. */
static const struct sl_jv *
find_shape(const struct sl_jv *doc, const char *shape)
{
	const struct sl_jv *hs = sl_jv_get(doc, "handshakes");

	for (size_t i = 0; i < sl_jv_len(hs); i++) {
		const char *s = sl_jv_str(sl_jv_get(sl_jv_at(hs, i), "shape"));

		if (s != NULL && strcmp(s, shape) == 0)
			return sl_jv_at(hs, i);
	}
	return NULL;
}

static bool
flags_is(const struct sl_jv *seg, const char *flags)
{
	const char *f = sl_jv_str(sl_jv_get(seg, "flags"));

	return f != NULL && strcmp(f, flags) == 0;
}

static bool
from_is(const struct sl_jv *seg, const char *who)
{
	const char *f = sl_jv_str(sl_jv_get(seg, "from"));

	return f != NULL && strcmp(f, who) == 0;
}

/*
 * How each crossed SYN-ACK was answered, as the analyzer named it (the
 * segment roles "duplicate ACK with D-SACK of the SYN" and "challenge
 * ACK"; docs/kernels.md).
 */
static void
crossed_answer(const struct sl_jv *hs, struct mx_cell *c)
{
	const struct sl_jv *segs = sl_jv_get(hs, "segments");
	unsigned dsack = 0, chal = 0;

	for (size_t i = 0; i < sl_jv_len(segs); i++) {
		const char *r = sl_jv_str(sl_jv_get(sl_jv_at(segs, i), "role"));

		if (r == NULL)
			continue;
		dsack += strcmp(r, "duplicate ACK with D-SACK of the SYN") == 0;
		chal += strcmp(r, "challenge ACK") == 0;
	}
	if (dsack && chal)
		cell_set(c, "both: D-SACK ACK %u, challenge ACK %u", dsack,
			 chal);
	else if (dsack)
		cell_set(c, "ACK with D-SACK of the SYN");
	else if (chal)
		cell_set(c, "challenge ACK (no D-SACK)");
	else
		cell_set(c, "neither (no SACK negotiated?)");
}

static void
row_simopen(const struct sl_jv *doc, struct mx_cell *c)
{
	double runs = sl_jv_num(sl_jv_get(doc, "scenario.runs"), 0);
	double ok = sl_jv_num(sl_jv_get(doc, "scenario.matched"), 0);

	cell_set(c, "%.0f/%.0f crossed", ok, runs);
	c->bad = ok < runs || runs == 0;
}

/* The crossed SYN-ACK's answer in the run's first handshake of SHAPE. */
static void
row_answer(const struct sl_jv *doc, const char *shape, struct mx_cell *c)
{
	const struct sl_jv *hs = find_shape(doc, shape);

	if (hs == NULL) {
		cell_set(c, "no %s", shape);
		c->bad = true;
		return;
	}
	crossed_answer(hs, c);
}

static void
row_simopen_answer(const struct sl_jv *doc, struct mx_cell *c)
{
	row_answer(doc, "simultaneous-open", c);
}

static void
row_self_answer(const struct sl_jv *doc, struct mx_cell *c)
{
	row_answer(doc, "self-connect", c);
}

static void
row_self(const struct sl_jv *doc, struct mx_cell *c)
{
	const struct sl_jv *hs = find_shape(doc, "self-connect");
	const char *v = sl_jv_str(sl_jv_get(doc, "scenario.verdict"));

	if (hs == NULL) {
		cell_set(c, "no self-connect (verdict %s)", v ? v : "?");
		c->bad = true;
		return;
	}
	cell_set(c, "connected, %zu segments",
		 sl_jv_len(sl_jv_get(hs, "segments")));
}

/* "attempts: 21 (refused 20, ...)" among the scenario's facts. */
static void
row_race(const struct sl_jv *doc, struct mx_cell *c)
{
	const struct sl_jv *facts = sl_jv_get(doc, "scenario.facts");

	cell_set(c, "no self-connect");
	c->bad = true;
	for (size_t i = 0; i < sl_jv_len(facts); i++) {
		const char *f = sl_jv_str(sl_jv_at(facts, i));
		unsigned long n;

		if (f != NULL && sscanf(f, "attempts: %lu", &n) == 1 &&
		    find_shape(doc, "self-connect") != NULL) {
			cell_set(c, "after %lu attempts", n);
			c->bad = false;
		}
	}
}

/* The errnos of the refused socket calls, and the connections made. */
static void
row_reuseport(const struct sl_jv *doc, struct mx_cell *c)
{
	const struct sl_jv *ev = sl_jv_get(doc, "events");
	size_t o = 0;
	unsigned three = 0;

	c->text[0] = '\0';
	for (size_t i = 0; i < sl_jv_len(ev); i++) {
		const struct sl_jv *e = sl_jv_at(ev, i);
		const char *err = sl_jv_str(sl_jv_get(e, "errno"));
		const char *call = sl_jv_str(sl_jv_get(e, "call"));

		if (err == NULL || call == NULL || o >= sizeof c->text)
			continue;
		o += (size_t)snprintf(c->text + o, sizeof c->text - o, "%s%s",
				      o ? ", " : "", err);
	}
	for (size_t i = 0; i < sl_jv_len(sl_jv_get(doc, "handshakes")); i++) {
		const char *sh = sl_jv_str(sl_jv_get(
		    sl_jv_at(sl_jv_get(doc, "handshakes"), i), "shape"));

		three += sh != NULL && strcmp(sh, "three-way") == 0;
	}
	if (o < sizeof c->text)
		snprintf(c->text + o, sizeof c->text - o, "%s%u connected",
			 o ? "; " : "", three);
	c->bad = three < 2;
}

/*
 * The target's answer to the injected SYN: the late SYN of an established
 * connection, else the SYN carrying the injector's ISN (inject.peer_isn);
 * the answer is the target's next segment other than its own bare SYN.
 */
static void
row_inject(const struct sl_jv *doc, struct mx_cell *c)
{
	const char *out = sl_jv_str(sl_jv_get(doc, "inject.outcome"));
	double peer = sl_jv_num(sl_jv_get(doc, "inject.peer_isn"), -1);
	const struct sl_jv *hs = sl_jv_at(sl_jv_get(doc, "handshakes"), 0);
	const struct sl_jv *segs = sl_jv_get(hs, "segments");
	const char *ans = "no answer", *who = NULL;
	size_t syn = 0;

	for (size_t i = 0; i < sl_jv_len(segs) && who == NULL; i++) {
		const struct sl_jv *s = sl_jv_at(segs, i);
		const char *role = sl_jv_str(sl_jv_get(s, "role"));

		if ((role != NULL && strcmp(role, "late SYN") == 0) ||
		    (flags_is(s, "S") &&
		     sl_jv_num(sl_jv_get(s, "seq_abs"), -2) == peer)) {
			syn = i;
			who = sl_jv_str(sl_jv_get(s, "from"));
		}
	}
	for (size_t i = syn + 1; who != NULL && i < sl_jv_len(segs); i++) {
		const struct sl_jv *s = sl_jv_at(segs, i);
		const char *role = sl_jv_str(sl_jv_get(s, "role"));

		if (from_is(s, who) || flags_is(s, "S"))
			continue;
		if (flags_is(s, "R."))
			ans = "[R.] seq 0";
		else if (flags_is(s, "S."))
			ans = "[S.] (simultaneous open)";
		else if (role != NULL)
			ans = role;
		break;
	}
	cell_set(c, "%s; %s", ans, out ? out : "?");
	c->bad = !sl_jv_true(sl_jv_get(doc, "inject.expected"));
}

/* An established socket answers 3 SYNs sent at 0, +100 ms, +700 ms. */
static void
row_ratelimit(const struct sl_jv *doc, struct mx_cell *c)
{
	const struct sl_jv *a = sl_jv_get(doc, "inject.answers");

	if (sl_jv_len(a) != 3) {
		cell_set(c, "not measured");
		c->bad = true;
		return;
	}
	cell_set(c, "SYNs at 0, 100, 700 ms: %.0f, %.0f, %.0f answers",
		 sl_jv_num(sl_jv_at(a, 0), -1), sl_jv_num(sl_jv_at(a, 1), -1),
		 sl_jv_num(sl_jv_at(a, 2), -1));
	c->bad = !sl_jv_true(sl_jv_get(doc, "inject.expected"));
}

static void
row_wscale(const struct sl_jv *doc, struct mx_cell *c)
{
	double win = sl_jv_num(sl_jv_get(doc, "inject.target_data_window"), -1);
	bool flagged = false;
	const struct sl_jv *hs = sl_jv_get(doc, "handshakes");

	for (size_t i = 0; i < sl_jv_len(hs); i++) {
		const struct sl_jv *f = sl_jv_get(sl_jv_at(hs, i), "findings");

		for (size_t k = 0; k < sl_jv_len(f); k++) {
			const char *r =
			    sl_jv_str(sl_jv_get(sl_jv_at(f, k), "rule"));

			if (r != NULL && strcmp(r, "ws-not-negotiated") == 0)
				flagged = true;
		}
	}
	if (win < 0)
		cell_set(c, "not measured");
	else if (flagged)
		cell_set(c, "present: win %.0f still scaled", win);
	else
		cell_set(c, "absent: win %.0f", win);
}

/*
 * The sweep's measured edges.  Under TCG a run's SYNs may cross late (the
 * sweep's timing_slip_max_us): the cell gives that too, since an edge is
 * only as sharp as the crossing's timing.
 */
static void
row_window(const struct sl_jv *doc, struct mx_cell *c)
{
	const struct sl_jv *m = sl_jv_get(doc, "measured");
	const struct sl_jv *lo = sl_jv_get(m, "edge_low_us");
	const struct sl_jv *hi = sl_jv_get(m, "edge_high_us");
	double err = sl_jv_num(sl_jv_get(m, "timing_slip_max_us"), 0);
	char l[32] = "none", h[32] = "none";

	if (sl_jv_type(lo) == SL_JV_NUM)
		snprintf(l, sizeof l, "%+.2f", sl_jv_num(lo, 0) / 1000.0);
	if (sl_jv_type(hi) == SL_JV_NUM)
		snprintf(h, sizeof h, "%+.2f", sl_jv_num(hi, 0) / 1000.0);
	cell_set(c, "%s / %s ms (timing off by <= %.1f ms)", l, h,
		 err / 1000.0);
	c->bad = sl_jv_type(lo) != SL_JV_NUM && sl_jv_type(hi) != SL_JV_NUM;
}

static const struct mx_row rows[] = {
    {"simultaneous open, gate, 20 ms wire", "simultaneous-open", row_simopen},
    {"crossed SYN-ACK answered by (sim. open)", "simultaneous-open",
     row_simopen_answer},
    {"simultaneous open over IPv6", "simultaneous-open-6", row_simopen},
    {"self-connect", "self-connect", row_self},
    {"crossed SYN-ACK answered by (self-connect)", "self-connect",
     row_self_answer},
    {"self-connect race", "self-connect-race", row_race},
    {"SO_REUSEPORT (3rd, 2nd connect, no option)", "reuseport", row_reuseport},
    {"injected SYN at a closed port", "inject-closed", row_inject},
    {"injected SYN at a bound socket", "inject-bound", row_inject},
    {"injected SYN at SYN-SENT", "inject-syn-sent", row_inject},
    {"injected SYN at ESTABLISHED", "inject-established", row_inject},
    {"challenge-ACK rate limit", "inject-established", row_ratelimit},
    {"wscale defect (SYN-SENT, SYN without wscale)", "wscale-defect",
     row_wscale},
    {"timing window edges (20 ms wire, model 20)", "window", row_window},
};
#define NROWS (sizeof rows / sizeof rows[0])

struct sl_matrix *
sl_matrix_new(void)
{
	struct sl_matrix *m = sl_xcalloc(1, sizeof *m);

	m->cells = sl_xcalloc(NROWS * MX_MAXK, sizeof *m->cells);
	return m;
}

void
sl_matrix_free(struct sl_matrix *m)
{
	if (m == NULL)
		return;
	free(m->cells);
	free(m);
}

/* The first line of a small file into buf ("" if none). */
static void
first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(buf, (int)len, f) != NULL)
		buf[strcspn(buf, "\r\n")] = '\0';
	fclose(f);
}

void
sl_matrix_add(struct sl_matrix *m, const char *label, const char *release,
	      const char *version, const char *dir, const char *linkdir,
	      double seconds)
{
	struct mx_col *col;
	size_t k;

	if (m->ncol >= MX_MAXK)
		return;
	k = m->ncol++;
	col = &m->col[k];
	snprintf(col->label, sizeof col->label, "%s", label);
	snprintf(col->release, sizeof col->release, "%s", release);
	snprintf(col->version, sizeof col->version, "%s", version);
	col->seconds = seconds;
	for (size_t r = 0; r < NROWS; r++) {
		struct mx_cell *c = &m->cells[r * MX_MAXK + k];
		char path[1200], rc[32], err[200], eb[SL_ERRBUF_SIZE];
		struct sl_jv *doc;

		snprintf(path, sizeof path, "%s/%s.rc", dir, rows[r].job);
		first_line(path, rc, sizeof rc);
		snprintf(path, sizeof path, "%s/%s.out", dir, rows[r].job);
		doc = sl_jv_load(path, eb);
		if (doc == NULL) {
			snprintf(path, sizeof path, "%s/%s.err", dir,
				 rows[r].job);
			first_line(path, err, sizeof err);
			cell_set(c, "failed (exit %s): %s", rc[0] ? rc : "?",
				 err[0] ? err : eb);
			c->bad = true;
			continue;
		}
		rows[r].cell(doc, c);
		sl_jv_free(doc);
		snprintf(c->link, sizeof c->link, "%s/%s/%s.pcapng", linkdir,
			 rows[r].job, rows[r].job);
	}
}

/* A Markdown table: pastes into a report and reads as text. */
int
sl_matrix_write_text(const struct sl_matrix *m, FILE *f)
{
	int w0 = 9, w[MX_MAXK];

	for (size_t r = 0; r < NROWS; r++)
		if ((int)strlen(rows[r].title) > w0)
			w0 = (int)strlen(rows[r].title);
	for (size_t k = 0; k < m->ncol; k++) {
		w[k] = (int)strlen(m->col[k].label);
		for (size_t r = 0; r < NROWS; r++) {
			const struct mx_cell *c = &m->cells[r * MX_MAXK + k];
			int l = (int)strlen(c->text) + (c->bad ? 2 : 0);

			if (l > w[k])
				w[k] = l;
		}
	}
	fprintf(f, "| %-*s |", w0, "behaviour");
	for (size_t k = 0; k < m->ncol; k++)
		fprintf(f, " %-*s |", w[k], m->col[k].label);
	fprintf(f, "\n|%.*s|", w0 + 2,
		"-----------------------------------------------------------"
		"-----------------------------------------------------------");
	for (size_t k = 0; k < m->ncol; k++) {
		fputc('-', f);
		for (int i = 0; i <= w[k]; i++)
			fputc('-', f);
		fputc('|', f);
	}
	fputc('\n', f);
	for (size_t r = 0; r < NROWS; r++) {
		fprintf(f, "| %-*s |", w0, rows[r].title);
		for (size_t k = 0; k < m->ncol; k++) {
			const struct mx_cell *c = &m->cells[r * MX_MAXK + k];

			fprintf(f, " %s%-*s |", c->bad ? "! " : "",
				w[k] - (c->bad ? 2 : 0), c->text);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
	for (size_t k = 0; k < m->ncol; k++)
		fprintf(f, "%s: Linux %s%s%s, %.1f s for all runs\n",
			m->col[k].label, m->col[k].release,
			m->col[k].version[0] ? ", Debian " : "",
			m->col[k].version, m->col[k].seconds);
	if (m->ncol > 0 && m->cells[0].link[0])
		fputs("(! marks a run that failed or missed its expected "
		      "outcome; matrix.html links every capture)\n",
		      f);
	return ferror(f) ? SL_EIO : SL_OK;
}

int
sl_matrix_write_json(const struct sl_matrix *m, FILE *f)
{
	struct sl_json j;

	sl_json_init(&j, f);
	sl_json_begin_obj(&j);
	sl_json_key(&j, "kernels");
	sl_json_begin_arr(&j);
	for (size_t k = 0; k < m->ncol; k++) {
		sl_json_begin_obj(&j);
		sl_json_key(&j, "label");
		sl_json_string(&j, m->col[k].label);
		sl_json_key(&j, "release");
		sl_json_string(&j, m->col[k].release);
		sl_json_key(&j, "debian_version");
		sl_json_string(&j, m->col[k].version);
		sl_json_key(&j, "seconds");
		sl_json_printf(&j, "%.1f", m->col[k].seconds);
		sl_json_end(&j);
	}
	sl_json_end(&j);
	sl_json_key(&j, "rows");
	sl_json_begin_arr(&j);
	for (size_t r = 0; r < NROWS; r++) {
		sl_json_begin_obj(&j);
		sl_json_key(&j, "behaviour");
		sl_json_string(&j, rows[r].title);
		sl_json_key(&j, "job");
		sl_json_string(&j, rows[r].job);
		sl_json_key(&j, "cells");
		sl_json_begin_arr(&j);
		for (size_t k = 0; k < m->ncol; k++) {
			const struct mx_cell *c = &m->cells[r * MX_MAXK + k];

			sl_json_begin_obj(&j);
			sl_json_key(&j, "text");
			sl_json_string(&j, c->text);
			sl_json_key(&j, "capture");
			sl_json_string(&j, c->link[0] ? c->link : NULL);
			sl_json_key(&j, "ok");
			sl_json_bool(&j, !c->bad);
			sl_json_end(&j);
		}
		sl_json_end(&j);
		sl_json_end(&j);
	}
	sl_json_end(&j);
	sl_json_end(&j);
	fputc('\n', f);
	return ferror(f) ? SL_EIO : SL_OK;
}

static void
html_esc(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
}

int
sl_matrix_write_html(const struct sl_matrix *m, FILE *f)
{
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	      "<title>synlab kernels</title>\n<style>"
	      "table{border-collapse:collapse;font:13px sans-serif}"
	      "td,th{border:1px solid #999;padding:4px 6px;vertical-align:top}"
	      "th{background:#eee}td.bad{background:#fdd}"
	      "</style></head><body>\n<table>\n<tr><th>behaviour</th>",
	      f);
	for (size_t k = 0; k < m->ncol; k++) {
		fputs("<th>", f);
		html_esc(f, m->col[k].label);
		fputs("<br><small>", f);
		html_esc(f, m->col[k].release);
		if (m->col[k].version[0]) {
			fputs("<br>Debian ", f);
			html_esc(f, m->col[k].version);
		}
		fprintf(f, "<br>%.1f s</small></th>", m->col[k].seconds);
	}
	fputs("</tr>\n", f);
	for (size_t r = 0; r < NROWS; r++) {
		fputs("<tr><th style=\"text-align:left\">", f);
		html_esc(f, rows[r].title);
		fputs("</th>", f);
		for (size_t k = 0; k < m->ncol; k++) {
			const struct mx_cell *c = &m->cells[r * MX_MAXK + k];

			fputs(c->bad ? "<td class=\"bad\">" : "<td>", f);
			html_esc(f, c->text);
			if (c->link[0]) {
				fputs(" <a href=\"", f);
				html_esc(f, c->link);
				fputs("\">pcapng</a>", f);
			}
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n</body></html>\n", f);
	return ferror(f) ? SL_EIO : SL_OK;
}
