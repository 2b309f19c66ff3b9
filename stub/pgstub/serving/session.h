/*
 * The pgstub program's session: one opened guest, the vCPU monitor commands
 * act on, the nested-paging context attached to every vCPU, the walk budget
 * and the memory map kept between qXfer windows (session.c), and the
 * gdbr_target_ops that serve them to GDB (target_ops.c, memory_map.c).
 * Serving, the monitor, the live proxy, the shell and export all work on it.
 */
#ifndef PGSTUB_SESSION_H
#define PGSTUB_SESSION_H

#include "gdb-remote.h"
#include "guest.h"
#include "pgwalk.h"

#include <stdio.h>

struct diff_mark;

/* What GDB's memory map says (--memory-map; memory_map.c says why). */
enum session_map_policy {
	SESSION_MAP_CANONICAL = 0,  /* the spans the paging modes translate */
	SESSION_MAP_MAPPINGS,       /* a snapshot's mappings (fixed ones only) */
	SESSION_MAP_NONE,           /* no map: GDB asks for every address */
};

struct session {
	guest *g;
	int cpu;                 /* current vCPU, 0-based */
	pgw_ctx *nested;         /* stage 2 attached to every vCPU, or NULL */
	/* A guest partition's own view replacing every vCPU's (ppc64
	 * `nested radix`): its process-scoped context, nested in view_part
	 * (its partition-scoped tree, which must outlive it); or NULL. */
	pgw_ctx *view, *view_part;
	const gdbr_tdesc *tdesc;
	int reg_id[128];         /* tdesc register -> guest register id, -1 */
	gdbr_server *server;     /* to know GDB's memory mode; may be NULL */
	uint64_t walk_budget;    /* tables one range walk may load; 0: default */
	enum session_map_policy map_policy;
	size_t max_regions;      /* memory-map regions before coarsening; 0: 65536 */
	uint64_t (*map)[2];      /* memory map kept between qXfer windows */
	size_t map_n;
	uint64_t map_told_gap;   /* coarsening last logged (once per change) */
	unsigned map_told_limit; /* vCPUs whose map walk limit was logged */
	unsigned read_told_root; /* vCPUs whose refused reads were logged */
	unsigned read_told_nodata; /* reads of pages not in the dump logged */
	struct diff_mark *mark;  /* pg-mark's mappings, or NULL (lint/diff.h) */
	int mark_cpu;            /* the vCPU they are of */
};

int session_init(struct session *s, guest *g);
void session_fini(struct session *s);

/* The current vCPU's context, or the guest view that replaces it; NULL
 * with a message written to @out. */
pgw_ctx *session_ctx(struct session *s, gdbr_out *out);

/* Make @p view (nested in @p part) every view's context, or with NULLs go
 * back to the vCPUs' own; takes both, frees the ones it replaces. */
void session_set_view(struct session *s, pgw_ctx *view, pgw_ctx *part);

/* Why the current vCPU cannot translate @p va (a half without its root),
 * or NULL; always NULL under a guest view, which has its own roots. */
const char *session_refusal(struct session *s, uint64_t va);

/* Say on @f how each vCPU translates when its own registers do not tell
 * (a root from VMCOREINFO, or none): one line per run of vCPUs alike. */
void session_say_roots(guest *g, FILE *f);

/* Read guest memory: virtual through the current vCPU, or physical.
 * Returns the bytes read; when none, GDBR_ENODATA if the dump left the
 * first byte out (session_not_dumped), else -1. */
int session_read(struct session *s, uint64_t addr, void *buf, size_t len,
		 int physical);

/* Why the byte at @p addr cannot be read, when the dump left it out:
 * SESSION_PAGE_NOT_DUMPED (its page; @p pa gets its physical address) or
 * SESSION_TABLE_NOT_DUMPED (a page table its translation needs; @p pa gets
 * the table's). 0 otherwise: unmapped, outside RAM, or readable. */
enum { SESSION_PAGE_NOT_DUMPED = 1, SESSION_TABLE_NOT_DUMPED = 2 };
int session_not_dumped(struct session *s, uint64_t addr, int physical,
		       uint64_t *pa);
/* A sentence for a read session_not_dumped() explains, into @p buf. */
const char *session_not_dumped_text(int why, uint64_t pa, char *buf,
				    size_t len);

extern const struct gdbr_target_ops session_target_ops;

/* Whether GDB is offered a memory map: not when the policy is none or the
 * map would cover the whole address space (memory_map.c). */
int session_map_offered(struct session *s);
/* gdbr_target_ops.memory_map over a session (memory_map.c). */
int session_memory_map(gdbr_out *xml, void *payload);

#endif
