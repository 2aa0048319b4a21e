/* \summary: SVG ladder diagrams with a true time axis (RFC 9293 §3.5 figures, drawn from captures) */
#include "svg.h"
#include "report.h"
#include "svg_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * One ladder a handshake, time running down (svg_axis.c places the
 * instants and estimates the end of each arrow not captured).
 */

#define W	  960
#define X_AXIS	  110 /* time labels end here */
#define X_A	  330
#define X_B	  730
#define X_SELF	  430
#define SELF_LOOP 170 /* how far a self-connect loop reaches right */
#define Y_HEAD	  96  /* title, subtitle, endpoint boxes */
#define MIN_SLOPE 10  /* px: an arrow always visibly descends */
#define LABEL_GAP 26  /* px between two labels on one side */
#define FIND_H	  16
#define PAD	  36

/* "SYN", "SYN-ACK", "RST-ACK", "FIN-ACK", "ACK", "PSH-ACK", ... */
static void
flags_str(uint8_t fl, char *buf, size_t len)
{
	const char *base;

	if (fl & SL_TH_RST)
		base = "RST";
	else if (fl & SL_TH_SYN)
		base = "SYN";
	else if (fl & SL_TH_FIN)
		base = "FIN";
	else if (fl & SL_TH_PSH)
		base = "PSH";
	else
		base = NULL;
	if (base == NULL)
		snprintf(buf, len, "%s", (fl & SL_TH_ACK) ? "ACK" : "none");
	else
		snprintf(buf, len, "%s%s", base,
			 (fl & SL_TH_ACK) ? "-ACK" : "");
}

enum kind { K_SYN, K_SYNACK, K_ACK, K_RST, K_OTHER, K__COUNT };

static const char *const kind_color[K__COUNT] = {
    "#1f5fbf", "#1b8a3a", "#333333", "#d32f2f", "#7b5aa6",
};

static enum kind
frame_kind(const struct sl_hs_frame *f)
{
	if (f->flags & SL_TH_RST)
		return K_RST;
	if ((f->flags & (SL_TH_SYN | SL_TH_ACK)) == (SL_TH_SYN | SL_TH_ACK))
		return K_SYNACK;
	if (f->flags & SL_TH_SYN)
		return K_SYN;
	if ((f->flags & SL_TH_ACK) && f->len == 0 && !(f->flags & SL_TH_FIN))
		return K_ACK;
	return K_OTHER;
}

static bool
is_retx(const struct sl_hs_frame *f)
{
	return f->role == SL_ROLE_SYN_RETX || f->role == SL_ROLE_SYNACK_RETX;
}

/* "4.100 ms", "812.0 us", "1.000040 s" (ASCII "us" keeps fonts happy). */
static void
dur_str(int64_t ns, char *buf, size_t len)
{
	const char *sign = ns < 0 ? "-" : "";

	if (ns < 0)
		ns = -ns;
	if (ns < 1000)
		snprintf(buf, len, "%s%" PRId64 " ns", sign, ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%s%.1f us", sign, (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%s%.3f ms", sign, (double)ns / 1e6);
	else
		snprintf(buf, len, "%s%.6f s", sign, (double)ns / 1e9);
}

/* Where the timestamps were taken, in words for the subtitle. */
static const char *
vantage_text(const struct sl_handshake *hs)
{
	switch (hs->self ? SL_VANT_LOCAL : hs->vantage) {
	case SL_VANT_A:
		return "captured at A: B's segments left rtt/2 earlier";
	case SL_VANT_B:
		return "captured at B: A's segments left rtt/2 earlier";
	case SL_VANT_LOCAL:
		return "captured on the host of both ends";
	case SL_VANT_PATH:
		return "captured between the ends";
	case SL_VANT_UNKNOWN:
	default:
		return "capture point unknown";
	}
}

/* Sequence number relative to the ISN of endpoint e (RFC 9293 §3.4). */
static bool
rel(const struct sl_handshake *hs, int e, uint32_t v, uint32_t *out)
{
	if (hs->self)
		e = hs->has_isn[0] ? 0 : 1;
	if (!hs->has_isn[e])
		return false;
	*out = v - hs->isn[e];
	return true;
}

/* First line of an arrow's label: "SYN-ACK seq=0 ack=1 len=12". */
static void
seg_label(const struct sl_handshake *hs, const struct sl_hs_frame *f, char *buf,
	  size_t len)
{
	char fl[16];
	uint32_t r;
	int n;

	flags_str(f->flags, fl, sizeof(fl));
	n = snprintf(buf, len, "%s", fl);
	if (n < 0 || (size_t)n >= len)
		return;
	if (rel(hs, f->from, f->seq, &r))
		n += snprintf(buf + n, len - (size_t)n, " seq=%" PRIu32, r);
	else
		n +=
		    snprintf(buf + n, len - (size_t)n, " seq=%" PRIu32, f->seq);
	if ((size_t)n >= len)
		return;
	if (f->flags & SL_TH_ACK) {
		if (rel(hs, 1 - f->from, f->ack, &r))
			n += snprintf(buf + n, len - (size_t)n, " ack=%" PRIu32,
				      r);
		else
			n += snprintf(buf + n, len - (size_t)n, " ack=%" PRIu32,
				      f->ack);
	}
	if ((size_t)n < len && f->len > 0)
		snprintf(buf + n, len - (size_t)n, " len=%" PRIu32, f->len);
}

/* Second line: the role when it says more than the flags, and the note. */
static void
seg_sublabel(const struct sl_hs_frame *f, char *buf, size_t len)
{
	const char *role = "";

	switch (f->role) {
	case SL_ROLE_SYN_RETX:
	case SL_ROLE_SYNACK_RETX:
	case SL_ROLE_DUP_ACK:
	case SL_ROLE_DSACK_ACK:
	case SL_ROLE_LATE_SYN:
	case SL_ROLE_CHALLENGE_ACK:
		role = sl_role_name((enum sl_role)f->role);
		break;
	default:
		break;
	}
	snprintf(buf, len, "%s%s%s", role, role[0] && f->note[0] ? "; " : "",
		 f->note);
}

static const char *
sev_color(enum sl_severity s)
{
	switch (s) {
	case SL_SEV_VIOLATION:
		return "#d32f2f";
	case SL_SEV_WARNING:
		return "#b26a00";
	case SL_SEV_NOTE:
	default:
		return "#555555";
	}
}

/* Is the frame named by a finding of severity sev or worse? */
static bool
frame_flagged(const struct sl_handshake *hs, uint64_t frame)
{
	unsigned k, j;

	for (k = 0; k < hs->nfind; k++)
		for (j = 0; j < hs->find[k].nframes && j < SL_FINDING_FRAMES;
		     j++)
			if (hs->find[k].frames[j] == frame &&
			    hs->find[k].sev >= SL_SEV_WARNING)
				return true;
	return false;
}

/* A state name beside a lifeline, on a white plate so arrows stay legible. */
static void
state_at(struct sl_sbuf *b, double x, double y, bool left, uint8_t st)
{
	const char *name = sl_state_name((enum sl_state)st);
	double w = 7.2 * (double)strlen(name) + 8;

	sl_sb_printf(b,
		     "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"15\" "
		     "rx=\"3\" fill=\"#fff8e1\" stroke=\"#c9a227\" "
		     "stroke-width=\"0.8\"/>\n",
		     left ? x - w - 6 : x + 6, y - 7.5, w);
	sl_svg_text_at(b, left ? x - 10 : x + 10, y + 4, left ? "end" : "start",
		       "class=\"st\"", name);
}

struct placed {
	/* y of the last label: A side, B side, time axis, A's and B's states */
	double last[5];
};

static double
place_label(struct placed *pl, int side, double y, double gap)
{
	if (y < pl->last[side] + gap)
		y = pl->last[side] + gap;
	pl->last[side] = y;
	return y;
}

/* A state to show beside a lifeline, once all are known and sorted. */
struct plate {
	double y, x;
	unsigned order;
	uint8_t e, before, after;
	bool left;
};

static void
plate_add(struct plate *v, unsigned *n, int e, const struct sl_hs_frame *f,
	  int line, double x, double y, bool left)
{
	struct plate *p = &v[*n];

	if (f->st[line][1] == SL_ST_NONE)
		return;
	p->y = y;
	p->x = x;
	p->order = *n;
	p->e = (uint8_t)e;
	p->before = f->st[line][0];
	p->after = f->st[line][1];
	p->left = left;
	(*n)++;
}

static int
cmp_plate(const void *a, const void *b)
{
	const struct plate *x = a, *y = b;

	if (x->y != y->y)
		return x->y < y->y ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/*
 * Each endpoint's state where a frame changed it (or where it is first
 * known), in time order down each lifeline, plates kept from overlapping.
 */
static void
draw_plates(struct sl_sbuf *b, struct placed *pl, struct plate *v, unsigned n)
{
	uint8_t shown[2] = {SL_ST_NONE, SL_ST_NONE};
	unsigned i;

	qsort(v, n, sizeof(*v), cmp_plate);
	for (i = 0; i < n; i++) {
		struct plate *p = &v[i];

		if (p->before == p->after && shown[p->e] != SL_ST_NONE)
			continue;
		if (p->after == shown[p->e])
			continue;
		shown[p->e] = p->after;
		state_at(b, p->x, place_label(pl, 3 + p->e, p->y, 17), p->left,
			 p->after);
	}
}

/* One ladder being drawn: the handshake, its axis and what is placed. */
struct ladder {
	struct sl_sbuf *b;
	const struct svg_hs *sh;
	const struct sl_handshake *hs;
	struct sl_svg_axis ax;
	int64_t *dep, *arr, t0; /* departures, arrivals: from t0 */
	double top, y_end;	/* first instant, end of the lifelines */
	struct placed pl;
	struct plate *plates;
	unsigned nplates;
	char ea[SL_EP_STRLEN], eb[SL_EP_STRLEN];
};

/* Departures and arrivals (measured, else estimated) and the axis. */
static void
ladder_times(struct ladder *L)
{
	const struct svg_hs *sh = L->sh;
	const struct sl_handshake *hs = L->hs;
	unsigned n = hs->nframes, i;
	int64_t *anchors = sl_xcalloc(n + 1, sizeof(*anchors));

	L->dep = sl_xcalloc(n + 1, sizeof(*L->dep));
	L->arr = sl_xcalloc(n + 1, sizeof(*L->arr));
	L->plates = sl_xcalloc(2 * n + 1, sizeof(*L->plates));
	L->t0 = 0;
	for (i = 0; i < n; i++) {
		if (sh->tdep != NULL && sh->tdep[i] != 0) {
			L->dep[i] = sh->tdep[i];
			L->arr[i] = sh->tarr[i];
		} else {
			sl_svg_frame_times(hs, &hs->frames[i], &L->dep[i],
					   &L->arr[i]);
		}
		if (i == 0 || L->dep[i] < L->t0)
			L->t0 = L->dep[i];
	}
	for (i = 0; i < n; i++) {
		L->dep[i] -= L->t0;
		L->arr[i] -= L->t0;
		anchors[i] = hs->frames[i].ts_ns - L->t0;
	}
	sl_svg_axis_build(&L->ax, L->dep, L->arr, anchors, n);
	free(anchors);
}

/* Title and subtitle: shape, endpoints, file, vantage, rtt, crossing. */
static void
draw_title(struct ladder *L, double y0)
{
	const struct sl_handshake *hs = L->hs;
	char line[512], sub[256], d1[32], d2[40];
	unsigned k;

	if (hs->self)
		snprintf(line, sizeof(line), "#%u %s  %s (connected to itself)",
			 hs->id, sl_shape_name(hs->shape), L->ea);
	else
		snprintf(line, sizeof(line), "#%u %s  %s \xe2\x86\x94 %s",
			 hs->id, sl_shape_name(hs->shape), L->ea, L->eb);
	sl_svg_text_at(L->b, 24, y0 + 26, "start", "class=\"title\"", line);
	if (hs->rtt_us >= 0)
		dur_str(hs->rtt_us * 1000, d1, sizeof(d1));
	else
		snprintf(d1, sizeof(d1), "unknown");
	k = (unsigned)snprintf(
	    sub, sizeof(sub), "%s \xc2\xb7 %s \xc2\xb7 rtt %s", hs->file_name,
	    L->sh->tdep != NULL ? "departures and arrivals measured "
				  "at both ends"
				: vantage_text(hs),
	    d1);
	if (hs->crossing_us >= 0 && k < sizeof(sub)) {
		dur_str(hs->crossing_us * 1000, d2, sizeof(d2));
		snprintf(sub + k, sizeof(sub) - k,
			 " \xc2\xb7 SYNs crossed %s apart", d2);
	}
	sl_svg_text_at(L->b, 24, y0 + 46, "start", "class=\"sub\"", sub);
	sl_svg_text_at(L->b, X_AXIS, L->top - 12, "end", "class=\"sub\"",
		       "time (capture)");
}

/* An endpoint's box with its label, centred on x. */
static void
draw_box(struct ladder *L, int x, const char *label)
{
	sl_sb_printf(L->b,
		     "<rect x=\"%d\" y=\"%.1f\" width=\"220\" "
		     "height=\"24\" rx=\"4\" class=\"box\"/>\n",
		     x - 110, L->top - 30);
	sl_svg_text_at(L->b, x, L->top - 13, "middle", "class=\"ep\"", label);
}

/* Endpoint boxes, lifelines and the time axis. */
static void
draw_lifelines(struct ladder *L)
{
	struct sl_sbuf *b = L->b;
	double top = L->top, y_end = L->y_end;
	char line[512];

	if (L->hs->self) {
		snprintf(line, sizeof(line), "A = B  %s", L->ea);
		draw_box(L, X_SELF, line);
		sl_sb_printf(
		    b,
		    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		    "class=\"life\"/>\n",
		    X_SELF, top - 6, X_SELF, y_end);
	} else {
		snprintf(line, sizeof(line), "A  %s", L->ea);
		draw_box(L, X_A, line);
		snprintf(line, sizeof(line), "B  %s", L->eb);
		draw_box(L, X_B, line);
		sl_sb_printf(
		    b,
		    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		    "class=\"life\"/>\n"
		    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		    "class=\"life\"/>\n",
		    X_A, top - 6, X_A, y_end, X_B, top - 6, X_B, y_end);
	}
	sl_sb_printf(b,
		     "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		     "class=\"axis\"/>\n",
		     X_AXIS + 8, top, X_AXIS + 8, y_end);
}

/* Axis breaks: the gap cut out, with the time that passed. */
static void
draw_breaks(struct ladder *L)
{
	const struct sl_svg_axis *ax = &L->ax;
	char line[64], d1[32];
	unsigned i;

	for (i = 1; i < ax->n; i++) {
		double ym;

		if (!ax->brk[i])
			continue;
		ym = L->top + 30 + ax->y[i] - 16; /* room above for loops */
		sl_sb_printf(L->b,
			     "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" "
			     "height=\"12\" class=\"brk\"/>\n",
			     X_AXIS + 2, ym - 6, W - X_AXIS - 40);
		sl_sb_printf(L->b,
			     "<path d=\"M%d %.1f l8 -4 M%d %.1f l8 -4\" "
			     "class=\"axis\"/>\n",
			     X_AXIS + 4, ym - 2, X_AXIS + 4, ym + 4);
		dur_str(ax->t[i] - ax->t[i - 1], d1, sizeof(d1));
		snprintf(line, sizeof(line), "%s later", d1);
		sl_svg_text_at(L->b, X_AXIS, ym + 4, "end", "class=\"brkt\"",
			       line);
	}
}

/* The capture instant of f on the axis, with its time and frame number. */
static void
draw_tick(struct ladder *L, const struct sl_hs_frame *f, double yc)
{
	const struct sl_handshake *hs = L->hs;
	char d1[32], d2[40], tl[96];
	double yt;

	if (f->ts_ns == hs->frames[0].ts_ns) {
		snprintf(d2, sizeof(d2), "0");
	} else {
		dur_str(f->ts_ns - hs->frames[0].ts_ns, d1, sizeof(d1));
		snprintf(d2, sizeof(d2), "%s%s",
			 f->ts_ns > hs->frames[0].ts_ns ? "+" : "", d1);
	}
	sl_sb_printf(L->b,
		     "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		     "class=\"axis\"/>\n",
		     X_AXIS + 4, yc, X_AXIS + 12, yc);
	yt = place_label(&L->pl, 2, yc + 4, 12);
	snprintf(tl, sizeof(tl), "%s  f%" PRIu64, d2, f->frame);
	sl_svg_text_at(L->b, X_AXIS, yt, "end", "class=\"tick\"", tl);
}

/* A self-connect's segment: a loop from the one lifeline back to it. */
static void
draw_loop(struct ladder *L, const struct sl_hs_frame *f, double yd, double ya,
	  const char *line, const char *sub)
{
	enum kind kd = frame_kind(f);
	bool flag = frame_flagged(L->hs, f->frame);
	double x = X_SELF, r = SELF_LOOP, xl, yl;

	if (ya < yd + 24)
		ya = yd + 24;
	sl_sb_printf(L->b,
		     "<path d=\"M%.1f %.1f C%.1f %.1f %.1f %.1f "
		     "%.1f %.1f\" fill=\"none\" stroke=\"%s\" "
		     "stroke-width=\"%s\"%s "
		     "marker-end=\"url(#ah%d)\"/>\n",
		     x, yd, x + r, yd - 4, x + r, ya + 4, x + 2, ya,
		     kind_color[kd], flag ? "2.6" : "1.6",
		     is_retx(f) ? " stroke-dasharray=\"6 4\"" : "", (int)kd);
	xl = x + r * 0.75 + 14;
	yl = place_label(&L->pl, 1, (yd + ya) / 2 + 4, LABEL_GAP);
	sl_svg_text_at(L->b, xl, yl, "start", "class=\"lbl\"", line);
	if (sub[0])
		sl_svg_text_at(L->b, xl, yl + 13, "start", "class=\"note\"",
			       sub);
	/* [0]: change on sending; [1]: on receiving. */
	plate_add(L->plates, &L->nplates, 0, f, 0, x, yd, true);
	plate_add(L->plates, &L->nplates, 0, f, 1, x, ya, true);
}

/* A segment between two lifelines, and the states it changed. */
static void
draw_arrow(struct ladder *L, const struct sl_hs_frame *f, double yd, double ya,
	   double yc, const char *line, const char *sub)
{
	enum kind kd = frame_kind(f);
	bool flag = frame_flagged(L->hs, f->frame);
	int to = 1 - f->from;
	double xs = f->from == 0 ? X_A : X_B;
	double xr = f->from == 0 ? X_B : X_A;
	double dir = xr > xs ? 1 : -1;
	double frac = 0.25, xl, yl, yy;

	sl_sb_printf(L->b,
		     "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		     "y2=\"%.1f\" stroke=\"%s\" "
		     "stroke-width=\"%s\"%s "
		     "marker-end=\"url(#ah%d)\"/>\n",
		     xs, yd, xr - dir * 2, ya, kind_color[kd],
		     flag ? "2.6" : "1.6",
		     is_retx(f) ? " stroke-dasharray=\"6 4\"" : "", (int)kd);
	/* Where the timestamp was taken. */
	sl_sb_printf(L->b,
		     "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" "
		     "class=\"cap\"/>\n",
		     xs + (xr - xs) * (yc - yd) / (ya - yd > 0 ? ya - yd : 1),
		     yc);
	/* Label along the sender's end, so that two crossing arrows keep
	 * theirs apart. */
	xl = xs + (xr - xs) * frac;
	yl = yd + (ya - yd) * frac - 5;
	yy = place_label(&L->pl, f->from, yl, LABEL_GAP);
	sl_svg_text_at(L->b, xl, yy, "middle", "class=\"lbl\"", line);
	if (sub[0])
		sl_svg_text_at(L->b, xl, yy + 13, "middle", "class=\"note\"",
			       sub);
	/* Each side's state after the segment, where it changed: the
	 * sender's on sending, the receiver's on arrival. */
	plate_add(L->plates, &L->nplates, f->from, f, f->from,
		  f->from == 0 ? X_A : X_B, yd, f->from == 0);
	plate_add(L->plates, &L->nplates, to, f, to, to == 0 ? X_A : X_B, ya,
		  to == 0);
}

/* Every segment: its tick on the axis, its arrow or loop, its labels. */
static void
draw_segments(struct ladder *L)
{
	const struct sl_handshake *hs = L->hs;
	char line[512], sub[256];
	unsigned i;

	for (i = 0; i < hs->nframes; i++) {
		const struct sl_hs_frame *f = &hs->frames[i];
		double yd = L->top + 30 + sl_svg_axis_y(&L->ax, L->dep[i]);
		double ya = L->top + 30 + sl_svg_axis_y(&L->ax, L->arr[i]);
		double yc =
		    L->top + 30 + sl_svg_axis_y(&L->ax, f->ts_ns - L->t0);

		if (ya < yd + MIN_SLOPE)
			ya = yd + MIN_SLOPE;
		seg_label(hs, f, line, sizeof(line));
		seg_sublabel(f, sub, sizeof(sub));
		draw_tick(L, f, yc);
		if (hs->self)
			draw_loop(L, f, yd, ya, line, sub);
		else
			draw_arrow(L, f, yd, ya, yc, line, sub);
	}
}

/* The findings below the ladder; returns the y after the last. */
static double
draw_findings(struct ladder *L)
{
	const struct sl_handshake *hs = L->hs;
	double yy = L->y_end + 22;
	unsigned k;

	if (hs->nfind == 0) {
		sl_svg_text_at(L->b, 24, yy, "start", "class=\"find\"",
			       "findings: none");
		yy += FIND_H;
	}
	for (k = 0; k < hs->nfind; k++) {
		const struct sl_finding *fd = &hs->find[k];
		char msg[400];

		snprintf(msg, sizeof(msg), "%s %s (%s): %.240s",
			 sl_severity_name(fd->sev), fd->rule ? fd->rule : "?",
			 fd->rfc ? fd->rfc : "", fd->message);
		sl_sb_printf(L->b,
			     "<text x=\"24\" y=\"%.1f\" class=\"find\" "
			     "fill=\"%s\">",
			     yy, sev_color(fd->sev));
		sl_sb_text(L->b, msg);
		sl_sb_printf(L->b, "</text>\n");
		yy += FIND_H;
	}
	return yy;
}

/* Draws one handshake at y0 into b; returns its height. */
static double
draw_hs(struct sl_sbuf *b, const struct svg_hs *sh, double y0)
{
	struct ladder L = {.b = b, .sh = sh, .hs = &sh->hs};
	const struct sl_handshake *hs = &sh->hs;
	char line[128];
	double h;

	L.pl = (struct placed){{-1e9, -1e9, -1e9, -1e9, -1e9}};
	L.top = y0 + Y_HEAD;
	ladder_times(&L);
	sl_endpoint_str(&hs->ep[0], L.ea, sizeof(L.ea));
	sl_endpoint_str(&hs->ep[1], L.eb, sizeof(L.eb));
	draw_title(&L, y0);
	L.y_end = L.top + 30 + L.ax.height + 40;
	draw_lifelines(&L);
	draw_breaks(&L);
	draw_segments(&L);
	draw_plates(b, &L.pl, L.plates, L.nplates);
	if (hs->nframes == 0)
		sl_svg_text_at(b, W / 2.0, L.top + 40, "middle",
			       "class=\"note\"", "(no frames)");
	if (hs->frames_omitted > 0) {
		snprintf(line, sizeof(line), "%u later frame%s not drawn",
			 hs->frames_omitted, hs->frames_omitted > 1 ? "s" : "");
		sl_svg_text_at(b, W / 2.0, L.y_end - 8, "middle",
			       "class=\"note\"", line);
	}
	h = draw_findings(&L) - y0 + PAD - FIND_H;
	sl_sb_printf(b,
		     "<line x1=\"12\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		     "class=\"sep\"/>\n",
		     y0 + h - 10, W - 12, y0 + h - 10);
	sl_svg_axis_free(&L.ax);
	free(L.plates);
	free(L.dep);
	free(L.arr);
	return h;
}

static const char style[] =
    "<style>\n"
    "text{font-family:'DejaVu Sans',Verdana,Helvetica,Arial,sans-serif;"
    "font-size:12px;fill:#222}\n"
    ".title{font-size:16px;font-weight:bold}\n"
    ".sub{font-size:12px;fill:#555}\n"
    ".ep{font-size:12px;font-weight:bold}\n"
    ".st{font-size:11px;fill:#6b4e00}\n"
    ".lbl,.note{paint-order:stroke;stroke:#fff;stroke-width:3px;"
    "stroke-linejoin:round}\n"
    ".lbl{font-size:12px;font-weight:bold}\n"
    ".note{font-size:11px;fill:#555;font-style:italic}\n"
    ".tick{font-size:10px;fill:#666}\n"
    ".brkt{font-size:10px;fill:#666;font-style:italic}\n"
    ".find{font-size:12px}\n"
    ".box{fill:#eef2f7;stroke:#445;stroke-width:1}\n"
    ".life{stroke:#445;stroke-width:1.5}\n"
    ".axis{stroke:#999;stroke-width:1;fill:none}\n"
    ".brk{fill:#ffffff;stroke:#bbb;stroke-dasharray:3 3}\n"
    ".cap{fill:#fff;stroke:#555;stroke-width:1}\n"
    ".sep{stroke:#ddd;stroke-width:1}\n"
    "</style>\n";

/*
 * At the top, what was left out: a line per folded shape, or the cap.
 * Returns the height used.
 */
static double
draw_folded(struct sl_sbuf *b, const struct sl_svg *s)
{
	char line[160], n[24], f[24];
	double y = 0;
	int k;

	for (k = 0; k < SL_SHAPE__COUNT; k++) {
		unsigned nf = s->f.folded[k];

		if (nf == 0)
			continue;
		if (s->f.folded_find[k] > 0)
			snprintf(line, sizeof(line),
				 "%s %s handshake%s not drawn (%s with "
				 "findings)",
				 sl_report_thousands(nf, n, sizeof(n)),
				 sl_shape_name((enum sl_shape)k),
				 nf > 1 ? "s" : "",
				 sl_report_thousands(s->f.folded_find[k], f,
						     sizeof(f)));
		else
			snprintf(
			    line, sizeof(line), "%s %s handshake%s not drawn",
			    sl_report_thousands(nf, n, sizeof(n)),
			    sl_shape_name((enum sl_shape)k), nf > 1 ? "s" : "");
		sl_svg_text_at(b, 24, y + 22, "start", "class=\"sub folded\"",
			       line);
		y += 16;
	}
	if (y > 0) {
		sl_svg_text_at(b, 24, y + 22, "start", "class=\"sub\"",
			       "--all draws every one; --shape NAME --all "
			       "every one of a shape");
		y += 16;
	}
	if (s->omitted > 0) {
		snprintf(line, sizeof(line),
			 "%u more handshake%s not drawn (at most %u are); "
			 "--all draws every one",
			 s->omitted, s->omitted > 1 ? "s" : "", s->max_hs);
		sl_svg_text_at(b, 24, y + 22, "start", "class=\"sub\"", line);
		y += 16;
	}
	return y > 0 ? y + 20 : 0;
}

int
sl_svg_write(struct sl_svg *s, const char *path, char *errbuf)
{
	struct sl_sbuf body = {NULL, 0, 0};
	double y = 0;
	unsigned i;
	int k, rc = SL_OK;
	FILE *f;

	if (s == NULL || path == NULL) {
		sl_errbuf_set(errbuf, "sl_svg_write: bad argument");
		return SL_EINVAL;
	}
	y = draw_folded(&body, s);
	sl_svg_order(s);
	for (i = 0; i < s->n; i++)
		y += draw_hs(&body, &s->v[i], y);
	if (s->n == 0) {
		sl_svg_text_at(&body, 24, y + 30, "start", "class=\"sub\"",
			       "no handshakes to draw");
		y += 50;
	}

	f = fopen(path, "w");
	if (f == NULL) {
		sl_errbuf_set(errbuf, "%s: cannot create: %s", path,
			      strerror(errno));
		free(body.p);
		return SL_EIO;
	}
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\">\n"
		"<title>synlab handshake ladders</title>\n%s"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n"
		"<defs>\n",
		W, y, W, y, style);
	for (k = 0; k < K__COUNT; k++)
		fprintf(f,
			"<marker id=\"ah%d\" viewBox=\"0 0 10 10\" refX=\"9\" "
			"refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
			"orient=\"auto\" markerUnits=\"userSpaceOnUse\">"
			"<path d=\"M0 0 L10 5 L0 10 z\" fill=\"%s\"/>"
			"</marker>\n",
			k, kind_color[k]);
	fputs("</defs>\n", f);
	if (body.len > 0)
		fwrite(body.p, 1, body.len, f);
	fputs("</svg>\n", f);
	free(body.p);
	if (ferror(f) || fflush(f) != 0)
		rc = SL_EIO;
	if (fclose(f) != 0)
		rc = SL_EIO;
	if (rc != SL_OK)
		sl_errbuf_set(errbuf, "%s: write failed: %s", path,
			      strerror(errno ? errno : EIO));
	return rc;
}
