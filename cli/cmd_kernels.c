/* \summary: synlab kernels: options, usage and exit status (the runs: vm/kernelrun.c) */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "common.h"
#include "kernelrun.h"

static int
vm_exit(int rc)
{
	return rc == SL_EINTR	 ? SL_EXIT_INTR
	       : rc == SL_EINVAL ? SL_EXIT_USAGE
				 : SL_EXIT_ENV;
}

static void
kernels_usage(FILE *f)
{
	fputs("usage: synlab kernels [VERSION...] [--json] [--html OUT.html]\n"
	      "                      [--dir DIR] [--no-host]\n"
	      "       synlab kernels --list\n"
	      "\n"
	      "Runs the standard scenarios on each kernel in a small VM (QEMU, "
	      "TCG)\nand prints a matrix: one behaviour per row, one kernel "
	      "per column,\neach cell what happened and the capture that "
	      "shows it.\n"
	      "Kernels are Debian's cloud kernels, downloaded once into the "
	      "cache\n($XDG_CACHE_HOME or ~/.cache, under synlab/).  Default: "
	      "5.10, 6.1, 6.12\nand the newest the archive serves, plus this "
	      "machine's kernel (as root).\n"
	      "\n"
	      "  VERSION       a series (6.1) or an exact version (6.12.95)\n"
	      "  --list        the series the archive serves\n"
	      "  --json        the matrix as JSON on stdout\n"
	      "  --html FILE   also write the matrix as an HTML table\n"
	      "  --dir DIR     results (default: the cache's synlab/results)\n"
	      "  --no-host     skip this machine's kernel\n"
	      "\n"
	      "exit status: 0 matrix written; 2 usage; 3 output not writable;"
	      "\n             4 environment (archive unreachable, qemu or "
	      "busybox-static\n             missing); 130 interrupted\n",
	      f);
}

/* synlab kernels --list */
static int
kernels_list(void)
{
	char *list = NULL, errbuf[SL_ERRBUF_SIZE] = "";
	int rc;

	if ((rc = sl_vm_list(&list, errbuf)) != SL_OK) {
		fprintf(stderr, "synlab kernels: %s\n", errbuf);
		return vm_exit(rc);
	}
	sl_vm_list_write(list, stdout);
	free(list);
	return SL_EXIT_OK;
}

int
sl_cmd_kernels(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"list", no_argument, NULL, 'L'},
	    {"json", no_argument, NULL, 'j'},
	    {"html", required_argument, NULL, 'H'},
	    {"dir", required_argument, NULL, 'D'},
	    {"no-host", no_argument, NULL, 'N'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	static struct sl_vm_kernels k = {.host = true};
	char errbuf[SL_ERRBUF_SIZE] = "";
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'L':
			return kernels_list();
		case 'j':
			k.json = true;
			break;
		case 'H':
			k.html = optarg;
			break;
		case 'D':
			k.dir = optarg;
			break;
		case 'N':
			k.host = false;
			break;
		case 'h':
			kernels_usage(stdout);
			return SL_EXIT_OK;
		default:
			return sl_args_usage_error("synlab kernels", argv,
						   longopts);
		}
	}
	for (int i = optind; i < argc && k.nv < 24; i++)
		snprintf(k.vers[k.nv++], 32, "%s", argv[i]);
	if ((rc = sl_vm_kernels_run(&k, stdout, stderr, errbuf)) == SL_OK)
		return SL_EXIT_OK;
	if (errbuf[0])
		fprintf(stderr, "synlab kernels: %s\n", errbuf);
	return rc == SL_EIO ? SL_EXIT_INPUT : vm_exit(rc);
}
