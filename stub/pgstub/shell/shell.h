/*
 * `pgstub shell`: the interactive console on the monitor commands (shell.c),
 * its own commands (shell_cmds.c) and disassembly (disas.c); the image
 * options it shares with the other subcommands are in serving/cli.h.
 */
#ifndef PGSTUB_SHELL_H
#define PGSTUB_SHELL_H

#include <getopt.h>
#include <stdio.h>

#include "serving/cli.h"
#include "disas.h"
#include "serving/session.h"

/* `pgstub shell …`; argv[0] is "shell". @return the exit status. */
int shell_main(int argc, char **argv);

/* Colours of the shell's output; all "" when plain. */
struct shell_style {
	const char *addr, *bytes, *insn, *err, *prompt, *dim, *reset;
};

/* Shell state shared by shell.c and shell_cmds.c. */
struct shell {
	struct session s;
	gdbr_out *out;                 /* sink to stdout */
	const struct shell_style *st;
	enum disas_mode disas_mode;    /* DISAS_AUTO: from the vCPU */
	int quit;
};

/*
 * shell_cmds.c: run one line. Shell commands (disas, x /Ni, xp /Ni,
 * set disassembler, help, quit) are handled here, the rest goes to
 * monitor_run(). @return 0, or nonzero when the command failed.
 */
int shell_exec(struct shell *sh, const char *line);

/* The shell's own commands for help and completion: name, args, help. */
struct shell_cmd_doc {
	const char *name, *args, *help;
};
extern const struct shell_cmd_doc shell_cmd_docs[];
extern const size_t shell_ncmd_docs;

#endif
