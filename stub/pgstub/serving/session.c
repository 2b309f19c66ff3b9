/*
 * A session's life and its two ways into the guest: the current vCPU's
 * walker context (bounded for range walks) and memory reads, virtual
 * (translated page by page, as a debugger sees it) or physical.
 */
#include "session.h"
#include "lint/diff.h"

#include <inttypes.h>
#include <stdio.h>

#include <stdlib.h>
#include <string.h>

int session_init(struct session *s, guest *g)
{
	int ppc = guest_arch(g) == GUEST_ARCH_PPC64;

	memset(s, 0, sizeof(*s));
	s->g = g;
	s->tdesc = ppc ? gdbr_tdesc_ppc64() :
		   guest_arch(g) == GUEST_ARCH_AARCH64 ? gdbr_tdesc_aarch64() :
		   guest_arch(g) == GUEST_ARCH_RISCV64 ? gdbr_tdesc_riscv64() :
		   guest_arch(g) == GUEST_ARCH_RISCV32 ? gdbr_tdesc_riscv32() :
		   guest_arch(g) == GUEST_ARCH_I386 ? gdbr_tdesc_i386() :
						      gdbr_tdesc_x86_64();
	/* By name: the description and the guest's table each follow QEMU's
	 * numbering, but the name is what both promise. */
	for (int r = 0; r < 128; r++)
		s->reg_id[r] = r < gdbr_tdesc_nregs(s->tdesc) ?
			       guest_reg_id(g, gdbr_tdesc_reg_name(s->tdesc, r)) :
			       -1;
	return 0;
}

void session_fini(struct session *s)
{
	int n = guest_ncpus(s->g);

	/* Detach before freeing: the vCPU contexts belong to the guest. */
	for (int i = 0; s->nested && i < n; i++) {
		pgw_ctx *c;

		if (guest_cpu_ctx(s->g, i, &c, NULL, 0) == 0)
			pgw_ctx_set_nested(c, NULL);
	}
	pgw_ctx_free(s->nested);
	s->nested = NULL;
	session_set_view(s, NULL, NULL);
	diff_mark_free(s->mark);
	s->mark = NULL;
	free(s->map);
	s->map = NULL;
	s->map_n = 0;
}

void session_set_view(struct session *s, pgw_ctx *view, pgw_ctx *part)
{
	/* The view first: its tables are read through the partition's. */
	pgw_ctx_free(s->view);
	pgw_ctx_free(s->view_part);
	s->view = view;
	s->view_part = part;
}

const char *session_refusal(struct session *s, uint64_t va)
{
	return s->view ? NULL : guest_cpu_refusal(s->g, s->cpu, va);
}

pgw_ctx *session_ctx(struct session *s, gdbr_out *out)
{
	char err[256];
	pgw_ctx *c;

	if (s->view) {
		pgw_ctx_set_walk_budget(s->view, s->walk_budget);
		return s->view;
	}
	if (guest_cpu_ctx(s->g, s->cpu, &c, err, sizeof(err)) < 0) {
		if (out)
			gdbr_out_printf(out, "vCPU %d: %s\n", s->cpu, err);
		return NULL;
	}
	/* Bound every range walk of the views (self-aliasing tables). */
	pgw_ctx_set_walk_budget(c, s->walk_budget);
	return c;
}

void session_say_roots(guest *g, FILE *f)
{
	int n = guest_ncpus(g);

	for (int i = 0; i < n;) {
		const char *why, *next;
		int j = i + 1;

		guest_cpu_root(g, i, &why);
		while (j < n && (guest_cpu_root(g, j, &next), why && next &&
				 !strcmp(why, next)))
			j++;
		if (why && j > i + 1)
			fprintf(f, "pgstub: vCPUs %d-%d: %s\n", i, j - 1, why);
		else if (why)
			fprintf(f, "pgstub: vCPU %d: %s\n", i, why);
		i = j;
	}
	if (guest_notice(g))
		fprintf(f, "pgstub: %s\n", guest_notice(g));
}

int session_read(struct session *s, uint64_t addr, void *buf, size_t len,
		 int physical)
{
	unsigned char *p = buf;
	size_t done = 0;
	pgw_ctx *c = NULL;
	uint64_t where;

	if (!physical && !(c = session_ctx(s, NULL)))
		return -1;
	while (done < len) {
		uint64_t va = addr + done, pa = va;
		size_t chunk = len - done, got;

		if (!physical) {
			struct pgw_result r;
			uint64_t room;

			/* Debugger's view: translate, never check access. */
			if (pgw_translate(c, va, 0, &r, NULL, NULL) < 0)
				break;
			pa = r.out_pa;
			room = r.out_page_size - (pa & (r.out_page_size - 1));
			if (room > 4096 - (va & 4095))
				room = 4096 - (va & 4095);
			if (chunk > room)
				chunk = room;
		}
		got = guest_phys_read(s->g, pa, p + done, chunk);
		done += got;
		if (got < chunk)
			break;
	}
	if (done)
		return (int)done;
	return session_not_dumped(s, addr, physical, &where) ? GDBR_ENODATA
							     : -1;
}

int session_not_dumped(struct session *s, uint64_t addr, int physical,
		       uint64_t *pa)
{
	pgw_ctx *c;

	*pa = addr;
	if (!physical) {
		struct pgw_result r;
		struct pgw_fault f;

		if (!(c = session_ctx(s, NULL)))
			return 0;
		if (pgw_translate(c, addr, 0, &r, &f, NULL) < 0) {
			*pa = f.out_table;
			return f.out_reason == PGW_FAULT_NOT_DUMPED ?
			       SESSION_TABLE_NOT_DUMPED : 0;
		}
		*pa = r.out_pa;
	}
	return guest_phys_state(s->g, *pa) == GUEST_PHYS_NOT_DUMPED ?
	       SESSION_PAGE_NOT_DUMPED : 0;
}

const char *session_not_dumped_text(int why, uint64_t pa, char *buf,
				    size_t len)
{
	if (why == SESSION_TABLE_NOT_DUMPED)
		snprintf(buf, len, "not in the dump (the page table at physical "
			 "0x%" PRIx64 " was left out of it)", pa);
	else
		snprintf(buf, len, "not in the dump (physical 0x%" PRIx64 " was "
			 "left out of it)", pa);
	return buf;
}
