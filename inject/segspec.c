/* \summary: one segment as `synlab inject` is told it: the options' values checked into a struct sl_seg, and what was sent, as text */
#include "inject.h"

#include <errno.h>
#include <net/if.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "timearg.h"

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

void
sl_seg_spec_init(struct sl_seg_spec *sp)
{
	*sp =
	    (struct sl_seg_spec){.win = 64240, .mss = 1460, .ws = 7, .ttl = 64};
}

/* The options that take a number: name, field, largest value. */
static uint32_t *
number_opt(struct sl_seg_spec *sp, const char *name, uint32_t *max)
{
	static const struct {
		const char *name;
		size_t off;
		uint32_t max;
	} nums[] = {
	    {"seq", offsetof(struct sl_seg_spec, seq), 0xffffffff},
	    {"ack", offsetof(struct sl_seg_spec, ack), 0xffffffff},
	    {"win", offsetof(struct sl_seg_spec, win), 65535},
	    {"mss", offsetof(struct sl_seg_spec, mss), 65535},
	    {"wscale", offsetof(struct sl_seg_spec, ws), 14},
	    {"ttl", offsetof(struct sl_seg_spec, ttl), 255},
	};

	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
		if (strcmp(name, nums[i].name) == 0) {
			*max = nums[i].max;
			return (uint32_t *)(void *)((char *)sp + nums[i].off);
		}
	return NULL;
}

int
sl_seg_spec_take(struct sl_seg_spec *sp, const char *name, const char *arg,
		 char *errbuf)
{
	const char **str = strcmp(name, "src") == 0	  ? &sp->src
			   : strcmp(name, "dst") == 0	  ? &sp->dst
			   : strcmp(name, "flags") == 0	  ? &sp->flags
			   : strcmp(name, "options") == 0 ? &sp->opts
							  : NULL;
	uint32_t max, *v;
	char why[SL_ERRBUF_SIZE];

	if (str != NULL) {
		*str = arg;
		return 1;
	}
	if (strcmp(name, "at") == 0) {
		if (sl_parse_instant(arg, sl_now_real_ns(), &sp->at, why) ==
		    SL_OK)
			return 1;
		sl_errbuf_set(errbuf, "--at %s", why);
		return SL_EINVAL;
	}
	if ((v = number_opt(sp, name, &max)) == NULL)
		return 0;
	if (sl_seg_spec_u32(arg, max, v) != SL_OK ||
	    (strcmp(name, "ttl") == 0 && *v == 0)) {
		sl_errbuf_set(errbuf, "--%s wants a number %u..%u, not '%s'",
			      name, strcmp(name, "ttl") == 0 ? 1u : 0u, max,
			      arg);
		return SL_EINVAL;
	}
	sp->have_seq |= strcmp(name, "seq") == 0;
	sp->have_ack |= strcmp(name, "ack") == 0;
	sp->have_win |= strcmp(name, "win") == 0;
	return 1;
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

int
sl_seg_spec_send(const struct sl_seg_spec *sp, const char *ifname, FILE *out,
		 char *note, size_t nlen, char *errbuf)
{
	struct sl_seg seg;
	struct sl_seg_bytes b;
	struct sl_inject_stamp st;
	struct sl_injector *ij;
	char why[SL_ERRBUF_SIZE];
	int rc;

	if (sl_seg_from_spec(sp, &seg, note, nlen, errbuf) != SL_OK)
		return SL_EINVAL;
	if (if_nametoindex(ifname) == 0) {
		sl_errbuf_set(errbuf, "%s: no such interface", ifname);
		return SL_ENV;
	}
	if ((ij = sl_injector_open(seg.family, ifname, why)) == NULL) {
		sl_errbuf_set(errbuf, "%s%s", why,
			      geteuid() ? " (needs root: CAP_NET_RAW)" : "");
		return SL_ENV;
	}
	if ((rc = sl_injector_build(ij, &seg, &b, errbuf)) != SL_OK)
		rc = SL_EINVAL;
	else if (sl_injector_send_at(ij, &b, sp->at, &st, errbuf) != SL_OK)
		rc = SL_ENV;
	sl_injector_close(ij);
	if (rc == SL_OK)
		sl_seg_spec_print_sent(out, sp, ifname, &seg, &b, &st);
	return rc;
}
