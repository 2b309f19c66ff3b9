/*
 * Every option table of the program, side by side, and which ones each
 * command line joins: one place to see what each subcommand accepts, with
 * codes from the one enum in cli.h. Usage texts stay with the parsers
 * that print them.
 */
#include "cli.h"

#include <stddef.h>

#define END { NULL, 0, NULL, 0 }

/* Where GDB connects: serving a snapshot and the live proxy alike. */
static const struct option conn_options[] = {
	{ "stdio", no_argument, NULL, PGSTUB_O_STDIO },
	{ "listen", required_argument, NULL, PGSTUB_O_LISTEN },
	{ "unix", required_argument, NULL, PGSTUB_O_UNIX },
	{ "once", no_argument, NULL, PGSTUB_O_ONCE },
	END,
};

/* pgstub [OPTIONS] IMAGE (serve.c). */
static const struct option serve_options[] = {
	{ "help", no_argument, NULL, PGSTUB_O_HELP },
	END,
};

/* pgstub --qemu … (live/live_cli.c). */
static const struct option live_options[] = {
	{ "qemu", required_argument, NULL, PGSTUB_O_QEMU },
	{ "qemu-ram", required_argument, NULL, PGSTUB_O_QEMU_RAM },
	{ "qmp", required_argument, NULL, PGSTUB_O_QMP },
	{ "read-only", no_argument, NULL, PGSTUB_O_READ_ONLY },
	{ "reg", required_argument, NULL, PGSTUB_O_REG },
	{ "help", no_argument, NULL, PGSTUB_O_HELP },
	END,
};

/* pgstub shell (shell/shell.c). */
static const struct option shell_options[] = {
	{ "command", required_argument, NULL, 'c' },
	{ "color", required_argument, NULL, PGSTUB_O_COLOR },
	{ "colour", required_argument, NULL, PGSTUB_O_COLOR },
	{ "help", no_argument, NULL, PGSTUB_O_HELP },
	END,
};

/* pgstub export (export/export.c). */
static const struct option export_options[] = {
	{ "paging", no_argument, NULL, PGSTUB_O_PAGING },
	{ "cpu", required_argument, NULL, PGSTUB_O_CPU },
	{ "progress", no_argument, NULL, PGSTUB_O_PROGRESS },
	{ "no-progress", no_argument, NULL, PGSTUB_O_NO_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, PGSTUB_O_HELP },
	END,
};

/* pgstub diff (lint/diff_cli.c). */
static const struct option diff_options[] = {
	{ "cpu", required_argument, NULL, PGSTUB_O_CPU },
	{ "json", no_argument, NULL, PGSTUB_O_JSON },
	{ "range", required_argument, NULL, PGSTUB_O_RANGE },
	{ "window", required_argument, NULL, PGSTUB_O_WINDOW },
	{ "help", no_argument, NULL, PGSTUB_O_HELP },
	END,
};

/* How to open an image (cli_image.c): every subcommand but the live one. */
static const struct option image_options[] = {
	{ "raw", no_argument, NULL, PGSTUB_O_RAW },
	{ "raw-base", required_argument, NULL, PGSTUB_O_RAW_BASE },
	{ "arch", required_argument, NULL, PGSTUB_O_ARCH },
	{ "mode", required_argument, NULL, PGSTUB_O_MODE },
	{ "cr0", required_argument, NULL, PGSTUB_O_CR0 },
	{ "cr3", required_argument, NULL, PGSTUB_O_CR3 },
	{ "cr4", required_argument, NULL, PGSTUB_O_CR4 },
	{ "efer", required_argument, NULL, PGSTUB_O_EFER },
	{ "reg", required_argument, NULL, PGSTUB_O_REG },
	{ "maxphyaddr", required_argument, NULL, PGSTUB_O_MAXPHYADDR },
	{ "vmcoreinfo", required_argument, NULL, PGSTUB_O_VMCOREINFO },
	END,
};

/* Serving limits (cli_limits.c): serving a snapshot and the live proxy. */
static const struct option limit_options[] = {
	{ "max-output", required_argument, NULL, PGSTUB_O_MAX_OUTPUT },
	{ "walk-budget", required_argument, NULL, PGSTUB_O_WALK_BUDGET },
	{ "max-map-regions", required_argument, NULL, PGSTUB_O_MAX_MAP_REGIONS },
	{ "idle-timeout", required_argument, NULL, PGSTUB_O_IDLE_TIMEOUT },
	{ "write-timeout", required_argument, NULL, PGSTUB_O_WRITE_TIMEOUT },
	{ "log", required_argument, NULL, PGSTUB_O_LOG },
	{ "memory-map", required_argument, NULL, PGSTUB_O_MEMORY_MAP },
	END,
};

const struct option *const pgstub_serve_cmdline[] = {
	serve_options, conn_options, limit_options, image_options, NULL };
const struct option *const pgstub_live_cmdline[] = {
	live_options, conn_options, limit_options, NULL };
const struct option *const pgstub_shell_cmdline[] = {
	shell_options, image_options, NULL };
const struct option *const pgstub_export_cmdline[] = {
	export_options, image_options, NULL };
const struct option *const pgstub_diff_cmdline[] = {
	diff_options, image_options, NULL };
