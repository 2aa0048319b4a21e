/* \summary: fuzz harness: one frame of any link type through sl_decode and the analyzer */
/*
 * Input: byte 0 picks the link type (sl_fuzz_dlts), byte 1 how the wire
 * length relates to the captured length (equal, longer, shorter: the
 * "caplen greater than len" lie), the rest is the frame.  The frame is
 * copied to a buffer of exactly its size so that any read past it is an
 * ASan report.
 */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "fuzz.h"

static unsigned last_id;

static void
on_hs(const struct sl_handshake *hs, void *arg)
{
	(void)arg;
	sl_fuzz_check_hs(hs, &last_id);
}

static void
check_pkt(const struct sl_pkt *p)
{
	char a[SL_EP_STRLEN];

	if (p->src.addr.family != 4 && p->src.addr.family != 6)
		sl_fuzz_fail("decoded family %u", p->src.addr.family);
	if (p->dst.addr.family != p->src.addr.family)
		sl_fuzz_fail("families differ");
	if (p->opts.nsack > SL_SACK_MAX || p->opts.tfo_len > SL_TFO_MAX ||
	    p->opts.nunknown > SL_UNKOPT_MAX)
		sl_fuzz_fail("option counts past arrays: sack %u tfo %u unk %u",
			     p->opts.nsack, p->opts.tfo_len, p->opts.nunknown);
	sl_endpoint_str(&p->src, a, sizeof(a));
	if (strlen(a) >= sizeof(a))
		sl_fuzz_fail("endpoint string");
	sl_endpoint_str(&p->dst, a, 8); /* truncating call stays in bounds */
	(void)sl_endpoint_cmp(&p->src, &p->dst);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_analyzer_cfg cfg = {0};
	struct sl_analyzer *az;
	struct sl_pkt pkt;
	char err[SL_ERRBUF_SIZE];
	enum sl_dec_status st;
	uint8_t *frame;
	size_t caplen, wirelen;
	int dlt;

	if (size < 2)
		return 0;
	dlt = sl_fuzz_dlts[data[0] % sl_fuzz_ndlts];
	caplen = size - 2;
	switch (data[1] & 3) {
	case 0:
	case 1:
		wirelen = caplen;
		break;
	case 2: /* snaplen cut the packet */
		wirelen = caplen + (data[1] >> 2) * 37u;
		break;
	default: /* a record claiming more captured than on the wire */
		wirelen = caplen > (size_t)(data[1] >> 2)
			      ? caplen - (data[1] >> 2)
			      : 0;
		break;
	}
	frame = malloc(caplen ? caplen : 1);
	if (frame == NULL)
		return 0;
	memcpy(frame, data + 2, caplen);

	memset(&pkt, 0xA5, sizeof(pkt));
	err[0] = '\0';
	st = sl_decode(dlt, frame, caplen, wirelen, &pkt, err);
	switch (st) {
	case SL_DEC_TCP:
		check_pkt(&pkt);
		if (pkt.opts_malformed && err[0] == '\0')
			sl_fuzz_fail("opts_malformed without a reason");
		break;
	case SL_DEC_MALFORMED:
	case SL_DEC_LINKTYPE:
		if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
			sl_fuzz_fail("status %d without a reason", (int)st);
		break;
	case SL_DEC_NOT_TCP:
	case SL_DEC_FRAGMENT:
	case SL_DEC_TRUNC:
		break;
	default:
		sl_fuzz_fail("sl_decode returned %d", (int)st);
	}
	if (sl_decode_dlt_supported(dlt) != (st != SL_DEC_LINKTYPE))
		sl_fuzz_fail("dlt %d: supported %d but status %d", dlt,
			     (int)sl_decode_dlt_supported(dlt), (int)st);

	/* The same frame, then its copy, through the whole analyzer. */
	last_id = 0;
	cfg.on_handshake = on_hs;
	cfg.on_problem = sl_fuzz_on_problem;
	az = sl_analyzer_new(&cfg);
	sl_analyzer_set_file(az, 0, "fuzz");
	(void)sl_analyzer_feed(az, 0, 1, 1000000000, dlt, frame, caplen,
			       wirelen);
	(void)sl_analyzer_feed(az, 0, 2, 1000001000, dlt, frame, caplen,
			       wirelen);
	sl_analyzer_finish(az);
	if (sl_analyzer_summary(az)->frames != 2)
		sl_fuzz_fail(
		    "summary counts %llu frames, fed 2",
		    (unsigned long long)sl_analyzer_summary(az)->frames);
	sl_analyzer_free(az);
	free(frame);
	return 0;
}
