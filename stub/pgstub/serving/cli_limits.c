/*
 * Limits shared by the snapshot server and the live proxy: their usage
 * lines, parsing their options (table in cli_tables.c), defaults, and
 * handing them to the session and the engine.
 */
#include "cli_limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int pgstub_limit_option(int ch, const char *arg, struct pgstub_limits *l)
{
	switch (ch) {
	case PGSTUB_O_MAX_OUTPUT:
		return pgstub_parse_bytes("--max-output", arg, &l->max_output);
	case PGSTUB_O_WALK_BUDGET:
		return pgstub_parse_num("--walk-budget", arg, &l->walk_budget);
	case PGSTUB_O_MAX_MAP_REGIONS:
		if (pgstub_parse_num("--max-map-regions", arg, &l->max_regions) ||
		    l->max_regions == 0 || l->max_regions > (1u << 24)) {
			fprintf(stderr, "pgstub: --max-map-regions: 1 to "
				"16777216\n");
			return -1;
		}
		return 0;
	case PGSTUB_O_IDLE_TIMEOUT:
		return pgstub_parse_secs("--idle-timeout", arg, &l->idle_s);
	case PGSTUB_O_WRITE_TIMEOUT:
		return pgstub_parse_secs("--write-timeout", arg, &l->write_s);
	case PGSTUB_O_LOG:
		l->log = arg;
		return 0;
	case PGSTUB_O_MEMORY_MAP:
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
