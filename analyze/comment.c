/* \summary: one-line texts about a handshake: pcapng frame comments and verdicts */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "analyze.h"
#include "merge.h"

struct sbuf {
	char *p;
	size_t len, n;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (b->len == 0 || b->n >= b->len - 1)
		return;
	va_start(ap, fmt);
	r = vsnprintf(b->p + b->n, b->len - b->n, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	b->n += (size_t)r;
	if (b->n > b->len - 1)
		b->n = b->len - 1;
}

static int
changed(const struct sl_hs_frame *f, int e)
{
	return f->st[e][0] != SL_ST_NONE && f->st[e][1] != SL_ST_NONE &&
	       f->st[e][0] != f->st[e][1];
}

/* The comment of docs/comment-format.md; view: the view's name or NULL. */
static size_t
frame_comment(const struct sl_handshake *hs, unsigned i, const char *view,
	      char *buf, size_t len)
{
	struct sbuf b = {buf, len, 0};
	const struct sl_hs_frame *f;
	unsigned k, j;
	int e, any = 0;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	if (i >= hs->nframes)
		return 0;
	f = &hs->frames[i];
	sb_printf(&b, "synlab: ");
	if (hs->self) {
		/* One socket: the change on sending, then on receiving. */
		if (changed(f, 0) && changed(f, 1) &&
		    f->st[0][1] == f->st[1][0])
			sb_printf(&b, "A %s -> %s -> %s",
				  sl_state_name(f->st[0][0]),
				  sl_state_name(f->st[0][1]),
				  sl_state_name(f->st[1][1]));
		else if (changed(f, 0) || changed(f, 1))
			sb_printf(
			    &b, "A %s -> %s",
			    sl_state_name(f->st[changed(f, 0) ? 0 : 1][0]),
			    sl_state_name(f->st[changed(f, 1) ? 1 : 0][1]));
		else
			sb_printf(&b, "A %s", sl_state_name(f->st[0][1]));
	} else {
		/* The sender first, always; then the receiver if it changed. */
		for (k = 0; k < 2; k++) {
			e = k == 0 ? f->from : 1 - f->from;
			if (changed(f, e))
				sb_printf(&b, "%s%c %s -> %s", any ? ", " : "",
					  'A' + e, sl_state_name(f->st[e][0]),
					  sl_state_name(f->st[e][1]));
			else if (k == 0)
				sb_printf(&b, "%c %s", 'A' + e,
					  sl_state_name(f->st[e][1]));
			any = 1;
		}
	}
	sb_printf(&b, " | %s #%u", sl_shape_name(hs->shape), hs->id);
	if (view != NULL)
		sb_printf(&b, " view %s", view);
	sb_printf(&b, " | %s", f->note[0] ? f->note : sl_role_name(f->role));
	for (k = 0; k < hs->nfind; k++) {
		const struct sl_finding *fd = &hs->find[k];
		for (j = 0; j < fd->nframes; j++)
			if (fd->frames[j] == f->frame)
				break;
		if (j == fd->nframes)
			continue;
		sb_printf(&b, " | %s %s (%s): %s", sl_severity_name(fd->sev),
			  fd->rule, fd->rfc, fd->message);
	}
	return b.n;
}

size_t
sl_hs_frame_comment(const struct sl_handshake *hs, unsigned i, char *buf,
		    size_t len)
{
	return frame_comment(hs, i, NULL, buf, len);
}

size_t
sl_conn_frame_comment(const struct sl_conn *c, unsigned v,
		      const struct sl_handshake *vhs, unsigned i, char *buf,
		      size_t len)
{
	char view[48];

	if (c->nviews < 2 || v >= c->nviews)
		return frame_comment(vhs, i, NULL, buf, len);
	/* The vantage in the connection's names: "A", "B", "path", ... */
	snprintf(view, sizeof(view), "%u/%u at %s", v + 1, c->nviews,
		 sl_vantage_name(c->views[v].vantage));
	return frame_comment(vhs, i, view, buf, len);
}

size_t
sl_hs_verdict(const struct sl_handshake *hs, char *buf, size_t len)
{
	struct sbuf b = {buf, len, 0};
	char a[SL_EP_STRLEN], c[SL_EP_STRLEN];
	unsigned n[3] = {0, 0, 0}, k;
	int sev;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	for (k = 0; k < hs->nfind; k++)
		n[hs->find[k].sev]++;
	sb_printf(&b, "#%u %s %s", hs->id, sl_shape_name(hs->shape),
		  sl_endpoint_str(&hs->ep[0], a, sizeof(a)));
	if (!hs->self)
		sb_printf(&b, " <-> %s",
			  sl_endpoint_str(&hs->ep[1], c, sizeof(c)));
	/*
	 * The gravest severity present names its rules; a handshake with only
	 * notes is ok (a note is what a correct stack may do).
	 */
	for (sev = SL_SEV_VIOLATION; sev >= SL_SEV_WARNING; sev--) {
		if (n[sev] == 0)
			continue;
		sb_printf(&b, ": %u %s%s (", n[sev],
			  sl_severity_name((enum sl_severity)sev),
			  n[sev] > 1 ? "s" : "");
		for (k = 0; k < hs->nfind; k++)
			if ((int)hs->find[k].sev == sev)
				sb_printf(&b, "%s%s",
					  b.p[b.n - 1] == '(' ? "" : ", ",
					  hs->find[k].rule);
		sb_printf(&b, ")");
		return b.n;
	}
	sb_printf(&b, ": ok");
	return b.n;
}
