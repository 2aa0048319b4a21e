/* \summary: subcommands not built yet: they say so and exit 4 */
#include <stdio.h>

#include "cli.h"
#include "common.h"

/* Weak so that cli/cmd_run.c replaces it as soon as it exists. */
__attribute__((weak)) int
sl_cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("synlab run: not available in this build\n", stderr);
	return SL_EXIT_ENV;
}
