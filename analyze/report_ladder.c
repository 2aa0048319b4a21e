/* \summary: the text ladders: one row a segment, A left and B right (RFC 9293 §3.5 figures) */
#include "report_int.h"
#include "merge.h"

#include <stdio.h>
#include <string.h>

/* The frame's flag letters, with "e" for the AccECN AE bit. */
void
sl_rep_frame_flags(const struct sl_hs_frame *f, char *b)
{
	sl_tcp_flags_str(f->flags, b);
	if (f->ae)
		strcat(b, "e");
}

/* SEQ relative to the sender's ISN, ACK to the receiver's, where known. */
int64_t
sl_rep_rel_seq(const struct sl_handshake *hs, const struct sl_hs_frame *f)
{
	int e = f->from;

	if ((f->flags & SL_TH_RST) && f->seq == 0)
		return 0;
	return hs->has_isn[e] ? (int64_t)(uint32_t)(f->seq - hs->isn[e])
			      : (int64_t)f->seq;
}

int64_t
sl_rep_rel_ack(const struct sl_handshake *hs, const struct sl_hs_frame *f)
{
	int e = hs->self ? 0 : 1 - f->from;

	return hs->has_isn[e] ? (int64_t)(uint32_t)(f->ack - hs->isn[e])
			      : (int64_t)f->ack;
}

/* "[S.] 0 ack 1 len 5": at most 50 bytes, and b holds 64. */
#define LABEL_LEN 64

static void
seg_label(const struct sl_handshake *hs, const struct sl_hs_frame *f,
	  char b[LABEL_LEN])
{
	char fl[SL_FLAGS_STRLEN];
	struct sl_ob o;

	sl_ob_init(&o, NULL, b, LABEL_LEN - 1);
	sl_rep_frame_flags(f, fl);
	sl_ob_putc(&o, '[');
	sl_ob_puts(&o, fl);
	sl_ob_puts(&o, "] ");
	sl_ob_i64(&o, sl_rep_rel_seq(hs, f));
	if (f->flags & SL_TH_ACK) {
		sl_ob_puts(&o, " ack ");
		sl_ob_i64(&o, sl_rep_rel_ack(hs, f));
	}
	if (f->len > 0) {
		sl_ob_puts(&o, " len ");
		sl_ob_u64(&o, f->len);
	}
	b[o.n] = '\0';
}

static const char *
state_after(const struct sl_hs_frame *f, int e)
{
	if (f->st[e][1] == SL_ST_NONE)
		return "";
	if (f->st[e][0] == f->st[e][1] && e != f->from)
		return "";
	return sl_state_name(f->st[e][1]);
}

#define ARROW_W 32

/* n dashes (n < ARROW_W), written at once. */
static void
put_dashes(struct sl_ob *o, bool ascii, size_t n)
{
	static const char ascii_d[] = "--------------------------------";
	static const char uni_d[] =
	    "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500"
	    "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500"
	    "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500"
	    "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500";

	if (ascii)
		sl_ob_write(o, ascii_d, n);
	else
		sl_ob_write(o, uni_d, n * 3); /* U+2500 is 3 bytes in UTF-8 */
}

/* An arrow of ARROW_W columns carrying label, pointing right or left. */
static void
put_arrow(struct sl_ob *o, bool ascii, bool right, const char *label)
{
	size_t ll = strlen(label), pad;

	if (ll > ARROW_W - 6)
		ll = ARROW_W - 6;
	pad = ARROW_W - 4 - ll;
	if (right) {
		put_dashes(o, ascii, 1);
		sl_ob_putc(o, ' ');
		sl_ob_write(o, label, ll);
		sl_ob_putc(o, ' ');
		put_dashes(o, ascii, pad - 1);
		sl_ob_puts(o, ascii ? ">" : "\u25b6");
	} else {
		sl_ob_puts(o, ascii ? "<" : "\u25c0");
		put_dashes(o, ascii, pad - 1);
		sl_ob_putc(o, ' ');
		sl_ob_write(o, label, ll);
		sl_ob_putc(o, ' ');
		put_dashes(o, ascii, 1);
	}
}

/* The note of a ladder row, or its role when that says more. */
static void
ladder_note(struct sl_ob *o, const struct sl_hs_frame *f)
{
	if (f->note[0]) {
		sl_ob_puts(o, "  ");
		sl_ob_puts(o, f->note);
	} else if (f->role != SL_ROLE_SYN && f->role != SL_ROLE_SYNACK &&
		   f->role != SL_ROLE_ACK) {
		sl_ob_puts(o, "  ");
		sl_ob_puts(o, sl_role_name(f->role));
	}
}

/* A's state, the arrow, B's state and the note of one ladder row. */
static void
ladder_row(struct sl_ob *o, bool ascii, const struct sl_hs_frame *f,
	   const char *lab)
{

	sl_ob_pad(o, state_after(f, 0), 13, true);
	sl_ob_putc(o, ' ');
	put_arrow(o, ascii, f->from == 0, lab);
	sl_ob_putc(o, ' ');
	sl_ob_pad(o, state_after(f, 1), 13, true);
	ladder_note(o, f);
}

static void
omitted(struct sl_ob *o, const struct sl_handshake *hs)
{
	if (hs->frames_omitted) {
		sl_ob_puts(o, "    (");
		sl_ob_u64(o, hs->frames_omitted);
		sl_ob_puts(o, " more frames not shown)\n");
	}
}

void
sl_rep_ladder(struct sl_ob *o, bool ascii, const struct sl_handshake *hs)
{
	char lab[LABEL_LEN];
	unsigned i;

	if (hs->self)
		sl_ob_puts(o, "     frame         ms  A           "
			      "  (one socket, both roles)\n");
	else
		sl_ob_puts(o, "     frame         ms  A           "
			      "                                   B\n");
	for (i = 0; i < hs->nframes; i++) {
		const struct sl_hs_frame *f = &hs->frames[i];

		seg_label(hs, f, lab);
		sl_ob_puts(o, "    ");
		sl_ob_u64w(o, f->frame, 6);
		sl_ob_putc(o, ' ');
		sl_ob_fixed(o, f->ts_ns - hs->t_first_ns, 6, 3, 10, false);
		sl_ob_puts(o, "  ");
		if (hs->self) {
			const char *s1 = f->st[1][1]
					     ? sl_state_name(f->st[1][1])
					     : sl_state_name(f->st[0][1]);
			sl_ob_pad(o, s1, 13, true);
			sl_ob_putc(o, ' ');
			sl_ob_puts(o, ascii ? "<-'" : "\u21ba");
			sl_ob_putc(o, ' ');
			sl_ob_puts(o, lab);
			ladder_note(o, f);
		} else {
			ladder_row(o, ascii, f, lab);
		}
		sl_ob_putc(o, '\n');
	}
	omitted(o, hs);
}

/*
 * The ladder of the merged timeline: a frame column per view, when the
 * segment left and arrived (on view 1's clock) where two views saw it, and
 * where it was seen only once.
 */
void
sl_rep_conn_ladder(struct sl_ob *out, bool ascii, const struct sl_conn *c)
{
	const struct sl_handshake *hs = c->hs;
	char lab[LABEL_LEN], col[16];
	unsigned i, v;
	int64_t t0 = hs->nframes ? hs->frames[0].ts_ns : 0;

	sl_ob_puts(out, "   ");
	for (v = 0; v < c->nviews; v++) {
		snprintf(col, sizeof(col), "@%u", v + 1);
		sl_ob_putc(out, ' ');
		sl_ob_pad(out, col, 6, false);
	}
	sl_ob_puts(out, "  leaves ms    arrives  A             ");
	sl_ob_fill(out, ' ', ARROW_W);
	sl_ob_puts(out, " B\n");
	for (i = 0; i < hs->nframes; i++) {
		const struct sl_hs_frame *f = &hs->frames[i];
		const struct sl_conn_seg *sg = &c->seg[i];
		unsigned only = 0, nseen = 0;

		sl_ob_puts(out, "   ");
		for (v = 0; v < c->nviews; v++) {
			if (sg->frame[v] == 0) {
				sl_ob_puts(out, "      -");
				continue;
			}
			sl_ob_putc(out, ' ');
			sl_ob_u64w(out, sg->frame[v], 6);
			only = v;
			nseen++;
		}
		sl_ob_putc(out, ' ');
		if (sg->timed) {
			sl_ob_fixed(out, sg->dep_ns - t0, 6, 3, 10, false);
			sl_ob_putc(out, ' ');
			sl_ob_fixed(out, sg->arr_ns - t0, 6, 3, 10, false);
		} else {
			sl_ob_fixed(out, f->ts_ns - t0, 6, 3, 10, false);
			sl_ob_fill(out, ' ', 11);
		}
		sl_ob_puts(out, "  ");
		seg_label(hs, f, lab);
		ladder_row(out, ascii, f, lab);
		if (nseen == 1) {
			sl_ob_puts(out, "  (");
			if (sl_rep_lost_on_path(c, i, only))
				sl_ob_puts(out, "lost on the path: ");
			str_u(out, "seen only at view ", only + 1);
			sl_ob_putc(out, ')');
		}
		sl_ob_putc(out, '\n');
	}
	omitted(out, hs);
}
