/*
 * pgstub's monitor commands on a session: GDB's `monitor …`, the live
 * proxy's own commands and the shell all run them here.
 */
#ifndef PGSTUB_MONITOR_H
#define PGSTUB_MONITOR_H

#include "serving/session.h"

/* One command line (monitor.c): 0, or an error already written to @out. */
int monitor_run(struct session *s, const char *line, gdbr_out *out);

/* QEMU's x / xp memory dump (memdump.c). */
int memdump_run(struct session *s, const char *args, int physical,
		gdbr_out *out);

/* What a dump left out (dump_notes.c). `info dump`: */
int monitor_cmd_info_dump(struct session *s, int argc, char **argv,
			  gdbr_out *out);
/* ppc64 radix tables (info_radix.c): `info patb`, `info prtb`. */
int monitor_cmd_info_patb(struct session *s, int argc, char **argv,
			  gdbr_out *out);
int monitor_cmd_info_prtb(struct session *s, int argc, char **argv,
			  gdbr_out *out);
/* A "note:" line when @p va's data, or a table its walk needs, is not in
 * the dump (after vtop and gva2gpa). */
void monitor_note_not_dumped(struct session *s, uint64_t va, gdbr_out *out);
/* A line counting the bytes the mappings @p filter selects reach that are
 * not in the dump; nothing when the dump left nothing out. */
void monitor_count_not_dumped(struct session *s, pgw_ctx *c,
			      const struct pgw_walk_filter *filter,
			      gdbr_out *out);

/* --cpu N: 0 (and *cpu set), or -1 with a message naming @cmd
 * (monitor_lint.c). */
int monitor_cpu_arg(struct session *s, const char *cmd, const char *arg,
		    int *cpu, gdbr_out *out);
/* The context of vCPU @cpu, with the session's walk budget; NULL with a
 * message. */
pgw_ctx *monitor_cpu_ctx(struct session *s, int cpu, gdbr_out *out);

/* `access ADDR r|w|x [--user|--kernel] [--cpu N]` (monitor_access.c). */
int monitor_cmd_access(struct session *s, int argc, char **argv,
		       gdbr_out *out);

#endif
