/* \summary: one segment as `synlab inject` is told it: the options' values checked into a struct sl_seg, and what was sent, as text */
#include "inject.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

int
sl_seg_spec_u32(const char *s, uint32_t max, uint32_t *v)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno || x > max)
		return SL_EINVAL;
	*v = (uint32_t)x;
	return SL_OK;
}

int
sl_seg_from_spec(const struct sl_seg_spec *sp, struct sl_seg *seg, char *note,
		 size_t nlen, char *errbuf)
{
	int fam2 = 0;

	memset(seg, 0, sizeof *seg);
	if (note != NULL && nlen > 0)
		note[0] = '\0';
	if (sl_inject_parse_endpoint(sp->src, &seg->family, seg->src,
				     &seg->sport) ||
	    sl_inject_parse_endpoint(sp->dst, &fam2, seg->dst, &seg->dport) ||
	    fam2 != seg->family) {
		sl_errbuf_set(errbuf,
			      "--src/--dst want ADDR:PORT of one family, not "
			      "'%s' / '%s'",
			      sp->src, sp->dst);
		return SL_EINVAL;
	}
	if (sl_inject_parse_flags(sp->flags, &seg->flags) != SL_OK) {
		sl_errbuf_set(errbuf,
			      "--flags wants letters of SAFRP, not '%s'",
			      sp->flags);
		return SL_EINVAL;
	}
	if (sp->opts == NULL)
		seg->opts = seg->flags & SL_TH_SYN ? SL_OPT_ALL : 0;
	else if (sl_inject_parse_opts(sp->opts, &seg->opts) != SL_OK) {
		sl_errbuf_set(errbuf,
			      "--options wants mss,sack,ts,ws, all or none, "
			      "not '%s'",
			      sp->opts);
		return SL_EINVAL;
	}
	if (sp->have_ack && !(seg->flags & SL_TH_ACK) && note != NULL)
		snprintf(note, nlen,
			 "--ack given without the A flag; the field is sent "
			 "anyway");
	seg->seq = sp->seq;
	seg->ack = sp->ack;
	seg->win = (uint16_t)(sp->have_win	       ? sp->win
			      : seg->flags & SL_TH_RST ? 0
						       : sp->win);
	seg->mss = (uint16_t)sp->mss;
	seg->wscale = (uint8_t)sp->ws;
	seg->ttl = (uint8_t)sp->ttl;
	seg->tsval = (uint32_t)(sl_now_mono_ns() / 1000000);
	return SL_OK;
}

void
sl_seg_spec_print_sent(FILE *f, const struct sl_seg_spec *sp,
		       const char *ifname, const struct sl_seg *seg,
		       const struct sl_seg_bytes *b,
		       const struct sl_inject_stamp *st)
{
	char ob[48];

	fprintf(f,
		"sent %s %s > %s seq %u ack %u win %u options %s (%zu bytes) "
		"on %s\n",
		sp->flags, sp->src, sp->dst, seg->seq, seg->ack, seg->win,
		sl_inject_opts_str(seg->opts, ob, sizeof ob), b->len, ifname);
	if (sp->at > 0)
		fprintf(f,
			"scheduled %lld.%09lld, sent %lld.%09lld (%.1f us "
			"late), send call %.1f us\n",
			(long long)(sp->at / 1000000000),
			(long long)(sp->at % 1000000000),
			(long long)(st->before / 1000000000),
			(long long)(st->before % 1000000000),
			(double)(st->before - sp->at) / 1e3,
			(double)(st->after - st->before) / 1e3);
	else
		fprintf(f, "sent %lld.%09lld, send call %.1f us\n",
			(long long)(st->before / 1000000000),
			(long long)(st->before % 1000000000),
			(double)(st->after - st->before) / 1e3);
}
