/* commands.h -- the driver's subcommands, one function each (git's
 * cmd_struct pattern): argc/argv start at the subcommand's own arguments;
 * the return value is the process exit code. */
#ifndef LINDYN_COMMANDS_H
#define LINDYN_COMMANDS_H

int cmd_list(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_tangle(int argc, char **argv);
int cmd_aggregate(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_weave(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_check_plugin(int argc, char **argv);
int cmd_new_plugin(int argc, char **argv);
int cmd_progress(int argc, char **argv);

#endif
