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

/* The commands and what runs each. */
static const char *const cmds[] = {"analyze", "run", "inject", "sweep",
				   "kernels"};
static int (*const run[])(int, char **) = {
    sl_cmd_analyze, sl_cmd_run, sl_cmd_inject, sl_cmd_sweep, sl_cmd_kernels};

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
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(cmd, cmds[i]) == 0)
			return run[i](argc - 1, argv + 1);
	return sl_args_unknown("synlab", "command", cmd, cmds,
			       sizeof cmds / sizeof cmds[0], "synlab --help");
}
