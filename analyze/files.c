/* \summary: synlab analyze's work: capture files through one pipeline, each failure said */
#include "files.h"

#include "common.h"

int
sl_pipeline_files(struct sl_pipeline *p, char *const *files, int n, FILE *err,
		  const char *prefix, struct sl_tally *t)
{
	char errbuf[SL_ERRBUF_SIZE];
	int rc = SL_OK;

	for (int i = 0; i < n; i++)
		(void)sl_pipeline_add_file(p, files[i], NULL);
	for (int i = 0; i < n; i++)
		if (sl_pipeline_feed_file(p, i, errbuf) != SL_OK) {
			fprintf(err, "%s: %s\n", prefix, errbuf);
			rc = SL_EIO;
		}
	if (sl_pipeline_finish(p, t, errbuf) != SL_OK) {
		fprintf(err, "%s: %s\n", prefix, errbuf);
		rc = SL_EIO;
	}
	return rc;
}
