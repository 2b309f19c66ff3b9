/*
 * pgstub's command-line module: the blocks of getopt codes every option
 * table draws from (so one table's codes never collide with another's it
 * is joined with), the image options all subcommands share, and the
 * number parsers of options and monitor commands alike (cli_parse.c).
 */
#ifndef PGSTUB_CLI_H
#define PGSTUB_CLI_H

#include <getopt.h>
#include <stdint.h>

#include "guest.h"

/* First getopt code of each option table; codes below 256 are letters. */
enum pgstub_opt_block {
	PGSTUB_OPT_OWN = 256,     /* a subcommand's own options */
	PGSTUB_OPT_IMAGE = 300,   /* how to open an image (main.c) */
	PGSTUB_OPT_LIMITS = 350,  /* serving limits (limits_cli.c) */
	PGSTUB_OPT_LIVE = 400     /* the live proxy's own (live_cli.c) */
};

/* main.c: the options that say how to open an image (--raw, --cr3 …),
 * codes from PGSTUB_OPT_IMAGE. */
extern const struct option pgstub_guest_options[];
/* Apply one of them: 0, -1 (bad value, message printed), 1 (not ours). */
int pgstub_guest_option(int ch, const char *arg, struct guest_open_opts *o);
/* @own followed by the image options; caller frees; NULL on ENOMEM. */
struct option *pgstub_options_merge(const struct option *own);

/* An unsigned number: decimal, 0x hex or 0 octal (strtoull base 0); no
 * sign, no trailing text, no overflow. 0, or -1. */
int parse_u64(const char *s, uint64_t *v);

/* A number option's value, or -1 with "pgstub: OPT: invalid number". */
int pgstub_parse_num(const char *opt, const char *arg, uint64_t *v);

#endif
