/*
 * `vtop ADDR` (every entry of one translation, then the result or the
 * fault) and QEMU's `gva2gpa ADDR`, both from pgw_translate() with a trace.
 */
#include "view_priv.h"

#include <inttypes.h>
#include <stdlib.h>

/* The context of a step: the guest itself or its nested (host) stage. */
static const pgw_ctx *stage_ctx(const pgw_ctx *c, enum pgw_stage st)
{
	return st == PGW_STAGE_NESTED && c->nested ? c->nested : c;
}

static void print_step(struct pgw_out *o, const pgw_ctx *c,
		       const struct pgw_step *s)
{
	const pgw_ctx *sc = stage_ctx(c, s->stage);
	const struct pgw_level *lv = &sc->fmt->lv[s->level];
	char flags[11];
	char sz[24], *end;

	pgw__flag_letters(sc, s->level, s->entry, flags);
	for (int i = 9; i > 0 && flags[i] == ' '; i--)
		flags[i] = 0;  /* EPT letters are padded for info pg */
	sz[0] = 0;
	if (s->leaf) {
		end = pgw__put_str(sz, " ");
		end = pgw__put_size(end, 1ULL << lv->shift);
		end = pgw__put_str(end, " page");
		*end = 0;
	}
	pgw__out_printf(o, "  %-6s %8s[%03x] @ 0x%016" PRIx64 " = 0x%0*" PRIx64
			" %s%s\n",
			s->stage == PGW_STAGE_NESTED ? "nested" : "guest",
			lv->name, s->index, s->entry_addr,
			(int)sc->fmt->entry_size * 2, s->entry, flags, sz);
	if (s->load_rsvd)
		pgw__out_printf(o, "         note: reserved bits 0x%" PRIx64
				" set; the CPU checks them only when %s is "
				"loaded\n", s->load_rsvd, sc->arch->root_reg);
}

static void print_fault(struct pgw_out *o, const pgw_ctx *c,
			const struct pgw_fault *f)
{
	const char *stage = f->out_stage == PGW_STAGE_NESTED ?
			    "nested fault" : "fault";

	if (f->out_reason == PGW_FAULT_NONCANONICAL) {
		pgw__out_printf(o, "%s: 0x%016" PRIx64 " is a non-canonical "
				"address for %s paging\n", stage, f->out_addr,
				pgw_mode_name(pgw_ctx_mode(stage_ctx(c,
							f->out_stage))));
		return;
	}
	if (f->out_level < 0) {
		/* Before any table: the address's region has no root. */
		pgw__out_printf(o, "%s translating 0x%016" PRIx64 ": %s\n",
				stage, f->out_addr,
				pgw_fault_reason_name(f->out_reason));
		return;
	}
	pgw__out_printf(o, "%s at %s[%03x] (table 0x%" PRIx64 ") translating "
			"0x%016" PRIx64 ": %s", stage,
			f->out_level_name ? f->out_level_name : "?",
			f->out_index, f->out_table, f->out_addr,
			pgw_fault_reason_name(f->out_reason));
	if (f->out_reason == PGW_FAULT_RESERVED)
		pgw__out_printf(o, " = 0x%" PRIx64 " (entry 0x%016" PRIx64 ")",
				f->out_rsvd, f->out_entry);
	else if (f->out_reason == PGW_FAULT_NOT_PRESENT)
		pgw__out_printf(o, " (entry 0x%016" PRIx64 ")", f->out_entry);
	pgw__out_printf(o, "\n");
}

int pgw_view_vtop(pgw_ctx *c, uint64_t va, pgw_write_fn write, void *payload)
{
	struct pgw_trace *t;
	struct pgw_result r;
	struct pgw_fault f;
	struct pgw_out *o;
	char perms[6], size[24];
	int rc;

	if (!c)
		return PGW_EINVAL;
	if (c->arch->view_vtop)
		return c->arch->view_vtop(c, va, write, payload);
	c = pgw__region(c, va);  /* steps name levels of its format */
	o = pgw__out_new(write, payload);
	if (!o)
		return write ? PGW_ENOMEM : PGW_EINVAL;
	if (!c->fmt) {
		rc = pgw_translate(c, va, 0, &r, NULL, NULL);
		pgw__out_printf(o, "paging disabled: 0x%016" PRIx64
				" -> 0x%016" PRIx64 "\n", va, r.out_pa);
		return pgw__out_done(o, rc);
	}
	t = malloc(sizeof(*t));
	if (!t)
		return pgw__out_done(o, PGW_ENOMEM);
	rc = pgw_translate(c, va, 0, &r, &f, t);
	pgw__out_printf(o, "vtop 0x%016" PRIx64 " (%s%s%s)\n", va,
			pgw_mode_name(pgw_ctx_mode(c)),
			c->nested ? ", nested " : "",
			c->nested ? pgw_mode_name(pgw_ctx_mode(c->nested)) : "");
	if (c->region_name)
		/* Which of the context's regions translates it (arm64
		 * TTBR0/1, ppc64 radix quadrant and PID). */
		pgw__out_printf(o, "  region %s (%s)\n", c->region_name,
				c->region_desc);
	for (unsigned i = 0; i < t->n; i++)
		print_step(o, c, &t->step[i]);
	if (rc < 0) {
		print_fault(o, c, &f);
	} else {
		pgw__perm_letters(perms, r.out_perms);
		*pgw__put_size(size, r.out_page_size) = 0;
		if (c->nested)
			pgw__out_printf(o, "0x%016" PRIx64 " -> gpa 0x%016" PRIx64
					" -> 0x%016" PRIx64 " size %s perms %s\n",
					va, r.out_gpa, r.out_pa, size, perms);
		else
			pgw__out_printf(o, "0x%016" PRIx64 " -> 0x%016" PRIx64
					" size %s perms %s\n", va, r.out_pa,
					size, perms);
	}
	free(t);
	return pgw__out_done(o, 0);
}

int pgw_view_gva2gpa(pgw_ctx *c, uint64_t va, pgw_write_fn write,
		     void *payload)
{
	struct pgw_result r;
	struct pgw_out *o;

	if (!c)
		return PGW_EINVAL;
	o = pgw__out_new(write, payload);
	if (!o)
		return write ? PGW_ENOMEM : PGW_EINVAL;
	/* QEMU 7.2 monitor/misc.c: translate the page, add the offset, and
	 * print with "%#" (so a result of 0 prints as "gpa: 0"). */
	if (pgw_translate(c, va & ~0xfffULL, 0, &r, NULL, NULL) < 0)
		pgw__out_printf(o, "Unmapped\n");
	else
		pgw__out_printf(o, "gpa: %#" PRIx64 "\n",
				r.out_gpa + (va & 0xfff));
	return pgw__out_done(o, 0);
}
