/* \summary: the synlab subcommands; each parses its arguments and returns an exit code */
#ifndef SL_CLI_H
#define SL_CLI_H

int sl_cmd_analyze(int argc, char **argv);
int sl_cmd_run(int argc, char **argv);
int sl_cmd_inject(int argc, char **argv);
int sl_cmd_sweep(int argc, char **argv);
int sl_cmd_kernels(int argc, char **argv);
/* `synlab run ... --kernel V` (argv[at]): the run inside a VM of kernel V
 * (cli/cmd_kernels.c). */
int sl_cmd_run_kernel(int argc, char **argv, int at);
/* `synlab run inject ...`: sl_cmd_run hands it over (cli/cmd_inject.c). */
int sl_cmd_run_inject(int argc, char **argv);
/* `synlab run holepunch ...` (cli/cmd_holepunch.c). */
int sl_cmd_run_holepunch(int argc, char **argv);
/* `synlab sweep holepunch ...`: the NAT-pair success matrix (the same). */
int sl_cmd_sweep_holepunch(int argc, char **argv);

#endif /* SL_CLI_H */
