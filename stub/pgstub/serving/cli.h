/*
 * pgstub's command-line module: every option code and option table of the
 * program (cli_tables.c), the image options all subcommands share
 * (cli_image.c), the limits (cli_limits.h), and the number parsers of
 * options and monitor commands alike (cli_parse.c). Each subcommand's
 * parser (serve.c, live_cli.c, shell.c, export.c) switches on these codes.
 */
#ifndef PGSTUB_CLI_H
#define PGSTUB_CLI_H

#include <getopt.h>
#include <stdint.h>

#include "guest.h"

/*
 * Every getopt code of the program, one enum: tables joined on one command
 * line (a subcommand's own, the image options, the limits) can never share
 * a code, whatever is added later. Codes below 256 are letters.
 */
enum pgstub_opt {
	/* Shared by several subcommands. */
	PGSTUB_O_HELP = 256, PGSTUB_O_STDIO, PGSTUB_O_LISTEN, PGSTUB_O_UNIX,
	PGSTUB_O_ONCE,
	/* How to open an image (cli_image.c). */
	PGSTUB_O_RAW, PGSTUB_O_RAW_BASE, PGSTUB_O_ARCH, PGSTUB_O_MODE,
	PGSTUB_O_CR0, PGSTUB_O_CR3, PGSTUB_O_CR4, PGSTUB_O_EFER, PGSTUB_O_REG,
	PGSTUB_O_MAXPHYADDR, PGSTUB_O_VMCOREINFO,
	/* Serving limits (cli_limits.c). */
	PGSTUB_O_MAX_OUTPUT, PGSTUB_O_WALK_BUDGET, PGSTUB_O_MAX_MAP_REGIONS,
	PGSTUB_O_IDLE_TIMEOUT, PGSTUB_O_WRITE_TIMEOUT, PGSTUB_O_LOG,
	PGSTUB_O_MEMORY_MAP,
	/* The live proxy (live/live_cli.c). */
	PGSTUB_O_QEMU, PGSTUB_O_QEMU_RAM, PGSTUB_O_QMP, PGSTUB_O_READ_ONLY,
	/* pgstub shell (shell/shell.c). */
	PGSTUB_O_COLOR,
	/* pgstub export (export/export.c). */
	PGSTUB_O_PAGING, PGSTUB_O_CPU, PGSTUB_O_PROGRESS, PGSTUB_O_NO_PROGRESS,
	/* pgstub diff (lint/diff_cli.c). */
	PGSTUB_O_JSON, PGSTUB_O_RANGE, PGSTUB_O_WINDOW,
};

/*
 * The option tables each command line joins, NULL-terminated (cli_tables.c):
 * its own, where GDB connects (serve, live), the limits (serve, live) and
 * the image options (serve, shell, export).
 */
extern const struct option *const pgstub_serve_cmdline[];
extern const struct option *const pgstub_live_cmdline[];
extern const struct option *const pgstub_shell_cmdline[];
extern const struct option *const pgstub_export_cmdline[];
extern const struct option *const pgstub_diff_cmdline[];

/* One getopt_long table of @cmdline's tables; the caller frees it. NULL
 * with "pgstub: out of memory" said. */
struct option *pgstub_options(const struct option *const *cmdline);

/* Apply an image option (cli_image.c): 0, -1 (bad value, message printed),
 * 1 (not one of them). */
int pgstub_guest_option(int ch, const char *arg, struct guest_open_opts *o);

/* An unsigned number: decimal, 0x hex or 0 octal (strtoull base 0); no
 * sign, no trailing text, no overflow. 0, or -1. */
int parse_u64(const char *s, uint64_t *v);

/* A number option's value, or -1 with "pgstub: OPT: invalid number". */
int pgstub_parse_num(const char *opt, const char *arg, uint64_t *v);

/* --reg NAME=VALUE: NAME (shorter than @namelen) into @name and VALUE;
 * -1 with a message that shows @example. */
int pgstub_parse_reg(const char *arg, char *name, size_t namelen,
		     uint64_t *v, const char *example);

/* BYTES with an optional K, M or G suffix; -1 with a message. */
int pgstub_parse_bytes(const char *opt, const char *arg, uint64_t *v);

/* Seconds, fractions allowed, from 0 to a day; -1 with a message. */
int pgstub_parse_secs(const char *opt, const char *arg, double *v);

#endif
