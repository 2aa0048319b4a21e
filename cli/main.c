/* \summary: synlab main(): pick the subcommand */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "common.h"
#include "inject.h"

#include <pcap/pcap.h>

static void
usage(FILE *f)
{
	fputs("usage: synlab COMMAND [OPTIONS] [ARGS]\n"
	      "\n"
	      "commands:\n"
	      "  analyze FILE...   find and classify every TCP handshake in "
	      "pcap/pcapng files\n"
	      "  run SCENARIO      make a real kernel perform a scenario, "
	      "capture and analyze it\n"
	      "  inject ...        send one crafted segment (libnet) at a "
	      "chosen instant\n"
	      "  sweep SCENARIO    run a scenario across timing offsets: the "
	      "window map\n"
	      "  kernels [V...]    the scenarios on other Linux kernels in "
	      "VMs: a matrix\n"
	      "\n"
	      "  synlab COMMAND --help   options of a command\n"
	      "  synlab --version        version\n"
	      "\n"
	      "exit status: 0 ok, 1 violation found, 2 usage, 3 bad input,\n"
	      "             4 environment (not root, missing kernel feature)\n",
	      f);
}

int
main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return SL_EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("synlab %s\n%s\n%s\n", SYNLAB_VERSION,
		       pcap_lib_version(), sl_inject_libnet_version());
		return SL_EXIT_OK;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		usage(stdout);
		return SL_EXIT_OK;
	}
	if (strcmp(cmd, "analyze") == 0)
		return sl_cmd_analyze(argc - 1, argv + 1);
	if (strcmp(cmd, "run") == 0)
		return sl_cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "inject") == 0)
		return sl_cmd_inject(argc - 1, argv + 1);
	if (strcmp(cmd, "sweep") == 0)
		return sl_cmd_sweep(argc - 1, argv + 1);
	if (strcmp(cmd, "kernels") == 0)
		return sl_cmd_kernels(argc - 1, argv + 1);
	{
		static const char *const cmds[] = {"analyze", "run", "inject",
						   "sweep", "kernels"};
		const char *near = sl_closest(cmd, cmds, 5);

		fprintf(stderr, "synlab: unknown command '%s'", cmd);
		if (near != NULL)
			fprintf(stderr, "; did you mean '%s'?", near);
		fputs("\nsee 'synlab --help'\n", stderr);
	}
	return SL_EXIT_USAGE;
}
