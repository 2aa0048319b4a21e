/* \summary: event timeline of socket calls, text and JSON forms */
#include "events.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct sl_events {
	size_t n, cap;
	struct sl_event *v;
};

struct sl_events *
sl_events_new(void)
{
	return sl_xcalloc(1, sizeof(struct sl_events));
}

void
sl_events_free(struct sl_events *ev)
{
	if (ev == NULL)
		return;
	free(ev->v);
	free(ev);
}

static const struct sl_event *add_v(struct sl_events *ev, int64_t ts, char host,
				    const char *sock, const char *call, int ret,
				    int err, const char *fmt, va_list ap)
    __attribute__((format(printf, 8, 0)));

static const struct sl_event *
add_v(struct sl_events *ev, int64_t ts, char host, const char *sock,
      const char *call, int ret, int err, const char *fmt, va_list ap)
{
	struct sl_event *e;

	if (ev->n == ev->cap) {
		ev->cap = ev->cap ? ev->cap * 2 : 32;
		ev->v = sl_xrealloc(ev->v, ev->cap, sizeof *ev->v);
	}
	e = &ev->v[ev->n++];
	memset(e, 0, sizeof *e);
	e->ts_ns = ts;
	e->host = host;
	snprintf(e->sock, sizeof e->sock, "%s", sock ? sock : "");
	snprintf(e->call, sizeof e->call, "%s", call);
	e->ret = ret;
	e->err = err;
	if (fmt != NULL)
		vsnprintf(e->detail, sizeof e->detail, fmt, ap);
	return e;
}

const struct sl_event *
sl_events_add(struct sl_events *ev, char host, const char *sock,
	      const char *call, int ret, int err, const char *fmt, ...)
{
	const struct sl_event *e;
	int64_t now = sl_now_real_ns();
	va_list ap;

	va_start(ap, fmt);
	e = add_v(ev, now, host, sock, call, ret, err, fmt, ap);
	va_end(ap);
	return e;
}

const struct sl_event *
sl_events_add_at(struct sl_events *ev, int64_t ts_ns, char host,
		 const char *sock, const char *call, int ret, int err,
		 const char *fmt, ...)
{
	const struct sl_event *e;
	va_list ap;

	va_start(ap, fmt);
	e = add_v(ev, ts_ns, host, sock, call, ret, err, fmt, ap);
	va_end(ap);
	return e;
}

size_t
sl_events_count(const struct sl_events *ev)
{
	return ev->n;
}

const struct sl_event *
sl_events_get(const struct sl_events *ev, size_t i)
{
	return i < ev->n ? &ev->v[i] : NULL;
}

void
sl_events_sort(struct sl_events *ev)
{
	struct sl_ts_pos *o; /* each event: its time, then its arrival */
	struct sl_event *v;
	size_t i;

	for (i = 1; i < ev->n && ev->v[i - 1].ts_ns <= ev->v[i].ts_ns; i++)
		;
	if (i >= ev->n)
		return;
	o = sl_xcalloc(ev->n, sizeof *o);
	for (i = 0; i < ev->n; i++) {
		o[i].ts_ns = ev->v[i].ts_ns;
		o[i].pos = i;
	}
	qsort(o, ev->n, sizeof *o, sl_ts_pos_cmp);
	v = sl_xcalloc(ev->n, sizeof *v);
	for (i = 0; i < ev->n; i++)
		v[i] = ev->v[o[i].pos];
	free(ev->v);
	free(o);
	ev->v = v;
	ev->cap = ev->n;
}

const char *
sl_errno_name(int err)
{
	static const struct {
		int e;
		const char *name;
	} t[] = {
	    {0, "0"},
	    {EINPROGRESS, "EINPROGRESS"},
	    {ECONNREFUSED, "ECONNREFUSED"},
	    {ECONNRESET, "ECONNRESET"},
	    {ETIMEDOUT, "ETIMEDOUT"},
	    {EADDRINUSE, "EADDRINUSE"},
	    {EADDRNOTAVAIL, "EADDRNOTAVAIL"},
	    {EISCONN, "EISCONN"},
	    {EALREADY, "EALREADY"},
	    {EAGAIN, "EAGAIN"},
	    {EINTR, "EINTR"},
	    {EINVAL, "EINVAL"},
	    {ENETUNREACH, "ENETUNREACH"},
	    {EHOSTUNREACH, "EHOSTUNREACH"},
	    {EPERM, "EPERM"},
	    {EACCES, "EACCES"},
	    {ENOTCONN, "ENOTCONN"},
	    {EPIPE, "EPIPE"},
	    {EBADF, "EBADF"},
	};
	static _Thread_local char num[16];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].e == err)
			return t[i].name;
	snprintf(num, sizeof num, "%d", err);
	return num;
}

/* "12.0 ms", "850 us", "1.204 s" */
static void
fmt_dur(int64_t ns, char *buf, size_t len)
{
	int64_t a = ns < 0 ? -ns : ns;

	if (a < 1000000)
		snprintf(buf, len, "%.0f us", (double)a / 1e3);
	else if (a < 1000000000)
		snprintf(buf, len, "%.1f ms", (double)a / 1e6);
	else
		snprintf(buf, len, "%.3f s", (double)a / 1e9);
}

/* Appends to buf[0..len) at *off, never past the end. */
static void app(char *buf, size_t len, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
app(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off + 1 >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n < len - *off ? (size_t)n : len - *off - 1;
}

size_t
sl_event_text(const struct sl_event *e, const struct sl_evref *refs,
	      size_t nrefs, int64_t t0_ns, char *buf, size_t len)
{
	const struct sl_evref *best = NULL;
	bool is_note = strcmp(e->call, "note") == 0;
	bool is_ct = strncmp(e->call, "ct-", 3) == 0;
	size_t off = 0;
	char dur[32];

	if (len == 0)
		return 0;
	buf[0] = '\0';
	/* The latest reference at or before the event, else the first after. */
	for (size_t i = 0; i < nrefs; i++) {
		const struct sl_evref *r = &refs[i];
		bool before = r->ts_ns <= e->ts_ns;

		if (best == NULL)
			best = r;
		else if (before &&
			 (best->ts_ns > e->ts_ns || r->ts_ns > best->ts_ns))
			best = r;
		else if (!before && best->ts_ns > e->ts_ns &&
			 r->ts_ns < best->ts_ns)
			best = r;
	}
	if (t0_ns != 0)
		app(buf, len, &off, "%+9.3f ms  ",
		    (double)(e->ts_ns - t0_ns) / 1e6);
	app(buf, len, &off, "%c ", e->host);
	if (e->sock[0])
		app(buf, len, &off, "%s ", e->sock);
	if (is_note)
		app(buf, len, &off, "%s", e->detail);
	else if (strcmp(e->call, "connect") == 0)
		app(buf, len, &off, "connect() called");
	else if (strcmp(e->call, "connect-done") == 0)
		app(buf, len, &off, "connect() returned");
	else if (is_ct)
		app(buf, len, &off, "conntrack %s", e->call + 3);
	else
		app(buf, len, &off, "%s()", e->call);
	if (best != NULL) {
		fmt_dur(e->ts_ns - best->ts_ns, dur, sizeof dur);
		app(buf, len, &off, " %s %s %s", dur,
		    e->ts_ns >= best->ts_ns ? "after" : "before", best->what);
	}
	if (is_ct)
		app(buf, len, &off, ": %s", e->detail);
	else if (!is_note) {
		if (e->err != 0)
			app(buf, len, &off, ": %s", sl_errno_name(e->err));
		else if (e->ret < 0)
			app(buf, len, &off, ": %d", e->ret);
		else if (e->ret > 0 && strcmp(e->call, "socket") != 0 &&
			 strcmp(e->call, "accept") != 0)
			app(buf, len, &off, ": %d", e->ret);
		else
			app(buf, len, &off, ": ok");
		if (e->detail[0])
			app(buf, len, &off, " (%s)", e->detail);
	}
	return off;
}

char *
sl_events_json(const struct sl_events *ev, int64_t t0_ns)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char host[2] = {0, 0};
	struct sl_json j;

	if (f == NULL)
		return sl_xstrdup("[]");
	if (t0_ns == 0 && ev->n > 0)
		t0_ns = ev->v[0].ts_ns;
	sl_json_init(&j, f);
	sl_json_begin_arr(&j);
	for (size_t i = 0; i < ev->n; i++) {
		const struct sl_event *e = &ev->v[i];

		host[0] = e->host;
		sl_json_begin_obj(&j);
		sl_json_key(&j, "t_ns");
		sl_json_int(&j, e->ts_ns);
		sl_json_key(&j, "t_rel_ms");
		sl_json_printf(&j, "%.6f", (double)(e->ts_ns - t0_ns) / 1e6);
		sl_json_key(&j, "host");
		sl_json_string(&j, host);
		sl_json_key(&j, "socket");
		sl_json_string(&j, e->sock);
		sl_json_key(&j, "call");
		sl_json_string(&j, e->call);
		sl_json_key(&j, "ret");
		sl_json_int(&j, e->ret);
		sl_json_key(&j, "errno");
		sl_json_string(&j, e->err ? sl_errno_name(e->err) : NULL);
		sl_json_key(&j, "detail");
		sl_json_string(&j, e->detail);
		sl_json_end(&j);
	}
	sl_json_end(&j);
	if (fclose(f) != 0) {
		free(buf);
		return sl_xstrdup("[]");
	}
	return buf;
}

void
sl_events_write(FILE *f, const struct sl_events *ev,
		const struct sl_evref *refs, size_t nrefs, int64_t t0_ns,
		const char *prefix)
{
	char line[512];

	if (t0_ns < 0)
		t0_ns = sl_events_count(ev) ? sl_events_get(ev, 0)->ts_ns : 0;
	for (size_t i = 0; i < sl_events_count(ev); i++) {
		sl_event_text(sl_events_get(ev, i), refs, nrefs, t0_ns, line,
			      sizeof line);
		fprintf(f, "%s%s\n", prefix, line);
	}
}
