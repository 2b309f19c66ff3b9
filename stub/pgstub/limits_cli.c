/*
 * Limits shared by the snapshot server and the live proxy: parsing the
 * options, defaults, and handing them to the session and the engine.
 */
#include "limits_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { L_MAXOUT = PGSTUB_OPT_LIMITS, L_BUDGET, L_REGIONS, L_IDLE, L_WRITE, L_LOG,
       L_MAP };

const struct option pgstub_limit_options[] = {
	{ "max-output", required_argument, NULL, L_MAXOUT },
	{ "walk-budget", required_argument, NULL, L_BUDGET },
	{ "max-map-regions", required_argument, NULL, L_REGIONS },
	{ "idle-timeout", required_argument, NULL, L_IDLE },
	{ "write-timeout", required_argument, NULL, L_WRITE },
	{ "log", required_argument, NULL, L_LOG },
	{ "memory-map", required_argument, NULL, L_MAP },
	{ NULL, 0, NULL, 0 },
};

const char pgstub_limits_usage[] =
"  --max-output BYTES    text one monitor command may print (default 16M,\n"
"                        0: none); longer output ends with a line saying so\n"
"  --walk-budget N       page tables one walk may load (default 262144):\n"
"                        bounds info pg/mem/tlb, ptov and the memory map on\n"
"                        huge or self-aliasing tables\n"
"  --memory-map canonical|mappings|none\n"
"                        what GDB's memory map (read once per connection;\n"
"                        GDB refuses addresses outside it) says: the spans\n"
"                        the vCPUs' paging modes translate (canonical, the\n"
"                        default; none where that is the whole space), a\n"
"                        snapshot's mappings at connect (mappings: GDB's\n"
"                        info mem lists them, but a later cpu/nested switch\n"
"                        can reach no address outside them), or no map\n"
"  --max-map-regions N   memory-map regions (default 65536); past it close\n"
"                        regions are joined\n"
"  --idle-timeout SECS   close a connection silent this long (default 3600\n"
"                        on TCP/Unix, 0 = never, the default on --stdio)\n"
"  --write-timeout SECS  close a connection that stopped reading (default 60,\n"
"                        0 = never)\n"
"  --log FILE            messages go to FILE (appended): on --stdio from\n"
"                        GDB's first memory read on (before it they are shown\n"
"                        by GDB, after it dropped without --log: GDB polls\n"
"                        pgstub's stderr once per byte it receives), else\n"
"                        once listening; 'stderr' keeps them there\n";

/* Seconds, fractions allowed, at most a day (poll takes milliseconds). */
static int parse_secs(const char *opt, const char *arg, double *v)
{
	char *end;

	*v = strtod(arg, &end);
	if (*arg && !*end && *v >= 0 && *v <= 86400)
		return 0;
	fprintf(stderr, "pgstub: %s: seconds from 0 to 86400, not '%s'\n",
		opt, arg);
	return -1;
}

/* BYTES with an optional K, M or G suffix. */
static int parse_bytes(const char *opt, const char *arg, uint64_t *v)
{
	char num[32];
	size_t n = strlen(arg);
	unsigned shift = 0;

	if (n > 0 && n < sizeof(num) && strchr("KkMmGg", arg[n - 1])) {
		shift = strchr("Kk", arg[n - 1]) ? 10 :
			strchr("Mm", arg[n - 1]) ? 20 : 30;
		memcpy(num, arg, n - 1);
		num[n - 1] = 0;
		arg = num;
	}
	if (pgstub_parse_num(opt, arg, v))
		return -1;
	if (*v > (UINT64_MAX >> shift)) {
		fprintf(stderr, "pgstub: %s: too large\n", opt);
		return -1;
	}
	*v <<= shift;
	return 0;
}

int pgstub_limit_option(int ch, const char *arg, struct pgstub_limits *l)
{
	switch (ch) {
	case L_MAXOUT:
		return parse_bytes("--max-output", arg, &l->max_output);
	case L_BUDGET:
		return pgstub_parse_num("--walk-budget", arg, &l->walk_budget);
	case L_REGIONS:
		if (pgstub_parse_num("--max-map-regions", arg, &l->max_regions) ||
		    l->max_regions == 0 || l->max_regions > (1u << 24)) {
			fprintf(stderr, "pgstub: --max-map-regions: 1 to "
				"16777216\n");
			return -1;
		}
		return 0;
	case L_IDLE:
		return parse_secs("--idle-timeout", arg, &l->idle_s);
	case L_WRITE:
		return parse_secs("--write-timeout", arg, &l->write_s);
	case L_LOG:
		l->log = arg;
		return 0;
	case L_MAP:
		if (!strcmp(arg, "canonical"))
			l->map_policy = SESSION_MAP_CANONICAL;
		else if (!strcmp(arg, "mappings"))
			l->map_policy = SESSION_MAP_MAPPINGS;
		else if (!strcmp(arg, "none"))
			l->map_policy = SESSION_MAP_NONE;
		else {
			fprintf(stderr, "pgstub: --memory-map: canonical, "
				"mappings or none, not '%s'\n", arg);
			return -1;
		}
		return 0;
	}
	return 1;
}

void pgstub_limits_finish(struct pgstub_limits *l, int stdio)
{
	if (l->idle_s < 0)
		l->idle_s = stdio ? 0 : PGSTUB_DEFAULT_IDLE_S;
	if (l->write_s < 0)
		l->write_s = PGSTUB_DEFAULT_WRITE_S;
}

void pgstub_limits_apply(const struct pgstub_limits *l, struct session *s,
			 gdbr_server *srv)
{
	struct gdbr_limits lim = GDBR_LIMITS_INIT;

	if (s) {
		s->walk_budget = l->walk_budget;
		s->max_regions = (size_t)l->max_regions;
		s->map_policy = l->map_policy;
	}
	if (srv) {
		lim.max_output = l->max_output;
		lim.output_hint = "raise pgstub --max-output or narrow the "
			"command, e.g. monitor info pg --range START END";
		gdbr_server_set_limits(srv, &lim);
	}
}

struct option *pgstub_options_join(const struct option *a,
				   const struct option *b)
{
	size_t na = 0, nb = 0;
	struct option *all;

	while (a[na].name)
		na++;
	while (b[nb].name)
		nb++;
	all = calloc(na + nb + 1, sizeof(*all));
	if (!all)
		return NULL;
	memcpy(all, a, na * sizeof(*all));
	memcpy(all + na, b, (nb + 1) * sizeof(*all));
	return all;
}
