/* \summary: shared helpers of the fuzz harnesses: contract checks, temp files */
#include "fuzz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* pcap/dlt.h values; the first nine are the ones sl_decode knows. */
const int sl_fuzz_dlts[] = {
    0,	 /* DLT_NULL */
    1,	 /* DLT_EN10MB */
    12,	 /* DLT_RAW */
    14,	 /* DLT_RAW (OpenBSD) */
    108, /* DLT_LOOP */
    113, /* DLT_LINUX_SLL */
    228, /* DLT_IPV4 */
    229, /* DLT_IPV6 */
    276, /* DLT_LINUX_SLL2 */
    105, /* DLT_IEEE802_11: not supported */
    -1,	 /* nonsense */
};
const size_t sl_fuzz_ndlts = sizeof(sl_fuzz_dlts) / sizeof(sl_fuzz_dlts[0]);

void
sl_fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("synlab fuzz: contract broken: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

static void
check_str(const char *what, const char *s, size_t cap)
{
	if (s == NULL)
		sl_fuzz_fail("%s is NULL", what);
	if (memchr(s, '\0', cap) == NULL)
		sl_fuzz_fail("%s is not terminated within %zu bytes", what,
			     cap);
}

/* Renders with a large and a tiny buffer: both must stay in bounds. */
static void
check_render(const struct sl_handshake *hs, int i)
{
	char big[4096], tiny[13];
	size_t n;

	if (i < 0)
		n = sl_hs_verdict(hs, big, sizeof(big));
	else
		n = sl_hs_frame_comment(hs, (unsigned)i, big, sizeof(big));
	if (n >= sizeof(big) || strlen(big) != n)
		sl_fuzz_fail("hs #%u frame %d: rendering returned %zu for "
			     "a string of %zu",
			     hs->id, i, n, strlen(big));
	if (i < 0)
		n = sl_hs_verdict(hs, tiny, sizeof(tiny));
	else
		n = sl_hs_frame_comment(hs, (unsigned)i, tiny, sizeof(tiny));
	if (n >= sizeof(tiny) || strlen(tiny) != n)
		sl_fuzz_fail("hs #%u frame %d: rendering into 13 bytes "
			     "returned %zu",
			     hs->id, i, n);
}

void
sl_fuzz_on_problem(const char *msg, void *arg)
{
	(void)arg;
	if (msg == NULL || msg[0] == '\0')
		sl_fuzz_fail("empty problem message");
}

void
sl_fuzz_check_hs(const struct sl_handshake *hs, unsigned *last_id)
{
	unsigned i, k;

	if (hs == NULL)
		sl_fuzz_fail("on_handshake got NULL");
	if (hs->id <= *last_id)
		sl_fuzz_fail("handshake ids out of order: %u after %u", hs->id,
			     *last_id);
	*last_id = hs->id;
	if ((unsigned)hs->shape >= SL_SHAPE__COUNT)
		sl_fuzz_fail("hs #%u: shape %d", hs->id, (int)hs->shape);
	if (hs->nframes > SL_HS_MAXFRAMES || (hs->nframes && !hs->frames))
		sl_fuzz_fail("hs #%u: nframes %u", hs->id, hs->nframes);
	if (hs->nfind > SL_HS_MAXFINDINGS || (hs->nfind && !hs->find))
		sl_fuzz_fail("hs #%u: nfind %u", hs->id, hs->nfind);
	for (k = 0; k < 2; k++)
		if (hs->nretx_iv[k] > SL_HS_MAXRETX)
			sl_fuzz_fail("hs #%u: nretx_iv[%u] %u", hs->id, k,
				     hs->nretx_iv[k]);
	for (i = 0; i < hs->nframes; i++) {
		const struct sl_hs_frame *f = &hs->frames[i];

		if (f->from > 1 || f->role >= SL_ROLE__COUNT)
			sl_fuzz_fail("hs #%u frame %u: from %u role %u", hs->id,
				     i, f->from, f->role);
		for (k = 0; k < 4; k++)
			if (f->st[k / 2][k % 2] >= SL_ST__COUNT)
				sl_fuzz_fail("hs #%u frame %u: state %u",
					     hs->id, i, f->st[k / 2][k % 2]);
		if (f->frame == 0)
			sl_fuzz_fail("hs #%u frame %u: frame number 0", hs->id,
				     i);
		check_str("frame note", f->note, sizeof(f->note));
		check_render(hs, (int)i);
	}
	for (i = 0; i < hs->nfind; i++) {
		const struct sl_finding *fd = &hs->find[i];

		if ((unsigned)fd->sev > SL_SEV_VIOLATION ||
		    fd->nframes > SL_FINDING_FRAMES)
			sl_fuzz_fail("hs #%u finding %u: sev %d nframes %u",
				     hs->id, i, (int)fd->sev, fd->nframes);
		check_str("finding rule", fd->rule, 64);
		check_str("finding rfc", fd->rfc, 64);
		check_str("finding message", fd->message, sizeof(fd->message));
	}
	check_render(hs, -1);
}

static char tmp_paths[4][64];

static void
tmp_cleanup(void)
{
	int i;

	for (i = 0; i < 4; i++)
		if (tmp_paths[i][0] != '\0')
			unlink(tmp_paths[i]);
}

const char *
sl_fuzz_tmpfile(int which)
{
	static int registered;
	char *p = tmp_paths[which & 3];
	const char *dir;
	int fd;

	if (p[0] != '\0')
		return p;
	dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(p, sizeof(tmp_paths[0]), "%s/synlab-fuzz-%d-XXXXXX", dir,
		 which & 3);
	fd = mkstemp(p);
	if (fd < 0) {
		perror("synlab fuzz: mkstemp");
		abort();
	}
	close(fd);
	if (!registered) {
		atexit(tmp_cleanup);
		registered = 1;
	}
	return p;
}

void
sl_fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || (size && fwrite(data, 1, size, f) != size) ||
	    fclose(f) != 0) {
		perror(path);
		abort();
	}
}
