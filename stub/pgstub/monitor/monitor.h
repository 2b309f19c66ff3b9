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

#endif
