/* \summary: which pcapng interface each packet came from, through common/pcapng_rd */
#include "ngindex.h"

#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "pcapng_rd.h"

struct sl_ngindex {
	FILE *f;
	struct sl_ngrd *r;
	int dead;
};

static size_t
file_read(void *src, void *buf, size_t n)
{
	return fread(buf, 1, n, (FILE *)src);
}

struct sl_ngindex *
sl_ngindex_open(const char *path)
{
	struct sl_ngindex *ix;
	uint8_t m[4];
	FILE *f;

	/* A pipe read here would be gone for the analysis. */
	if (!sl_input_rereadable(path, NULL) || (f = fopen(path, "rb")) == NULL)
		return NULL;
	(void)setvbuf(f, NULL, _IOFBF, 1 << 16); /* before any read */
	if (fread(m, 1, 4, f) != 4 || !sl_ngrd_magic(m)) {
		fclose(f);
		return NULL;
	}
	rewind(f);
	ix = sl_xcalloc(1, sizeof(*ix));
	ix->f = f;
	ix->r = sl_ngrd_new(file_read, f);
	return ix;
}

int
sl_ngindex_next(struct sl_ngindex *ix)
{
	struct sl_ngpkt p;
	char err[SL_ERRBUF_SIZE];

	if (ix == NULL || ix->dead)
		return -1;
	if (sl_ngrd_next(ix->r, &p, err) == 1)
		return p.iface;
	ix->dead = 1;
	return -1;
}

const char *
sl_ngindex_name(const struct sl_ngindex *ix, int i)
{
	const struct sl_ngif *ifc = ix ? sl_ngrd_iface(ix->r, i) : NULL;

	return ifc ? ifc->name : NULL;
}

int
sl_ngindex_count(const struct sl_ngindex *ix)
{
	return ix ? sl_ngrd_nifaces(ix->r) : 0;
}

void
sl_ngindex_close(struct sl_ngindex *ix)
{
	if (ix == NULL)
		return;
	sl_ngrd_free(ix->r);
	fclose(ix->f);
	free(ix);
}
