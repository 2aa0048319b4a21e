/* \summary: the synlab subcommands; each parses its arguments and returns an exit code */
#ifndef SL_CLI_H
#define SL_CLI_H

int sl_cmd_analyze(int argc, char **argv);
int sl_cmd_run(int argc, char **argv);
int sl_cmd_inject(int argc, char **argv);
int sl_cmd_sweep(int argc, char **argv);
int sl_cmd_kernels(int argc, char **argv);

#endif /* SL_CLI_H */
