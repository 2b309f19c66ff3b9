/*
 * The limits both serving modes share (a snapshot served by serve.c, a live
 * QEMU by live_cli.c): their command-line options, safe defaults, and
 * applying them to the session and the protocol engine; and where messages
 * go once serving (--log, serve_log.c).
 */
#ifndef PGSTUB_LIMITS_CLI_H
#define PGSTUB_LIMITS_CLI_H

#include "cli.h"
#include "session.h"

#include <getopt.h>
#include <stdint.h>

/* Safe defaults (README, "Limits"). */
#define PGSTUB_DEFAULT_MAX_OUTPUT (16ULL << 20)  /* one monitor command's text */
#define PGSTUB_DEFAULT_WALK_BUDGET (1ULL << 18)  /* tables per walk: 512 GiB of 4K */
#define PGSTUB_DEFAULT_IDLE_S 3600               /* TCP/Unix only; 0 on --stdio */
#define PGSTUB_DEFAULT_WRITE_S 60                /* peer not reading */

struct pgstub_limits {
	uint64_t max_output;      /* bytes; 0: none */
	uint64_t walk_budget;     /* tables one range walk may load */
	uint64_t max_regions;     /* memory-map regions; 0: the session's */
	double idle_s, write_s;   /* < 0: not given (see limits_finish) */
	const char *log;          /* --log: a file, "stderr", or NULL */
	enum session_map_policy map_policy;  /* --memory-map */
};

#define PGSTUB_LIMITS_INIT { PGSTUB_DEFAULT_MAX_OUTPUT, \
	PGSTUB_DEFAULT_WALK_BUDGET, 0, -1, -1, NULL, SESSION_MAP_CANONICAL }

/* The lines of --max-output, --walk-budget, --max-map-regions,
 * --idle-timeout, --write-timeout, --log and --memory-map for a usage text. */
extern const char pgstub_limits_usage[];

/* Apply one of them: 0, -1 (bad value, message printed), 1 (not ours). */
int pgstub_limit_option(int ch, const char *arg, struct pgstub_limits *l);

/* Fill what was not given: no idle timeout on --stdio (the pipe's owner
 * decides), an hour on sockets. */
void pgstub_limits_finish(struct pgstub_limits *l, int stdio);

/* The walk budget and map size for @s, the output cap for @srv. */
void pgstub_limits_apply(const struct pgstub_limits *l, struct session *s,
			 gdbr_server *srv);

/* Where messages go while serving (serve_log.c says why). At startup:
 * open --log FILE, or /dev/null when --stdio has GDB's end as stderr;
 * 0, or -1 with a message. */
int pgstub_log_prepare(const struct pgstub_limits *l, int stdio);
/* Move stderr there now: on --stdio at GDB's first memory read, else once
 * listening. Once; nothing when nothing was prepared. */
void pgstub_log_begin(void);

#endif
