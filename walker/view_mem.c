/*
 * `info mem` (QEMU 7.2 target/i386/monitor.c mem_print format) built on the
 * range walk: runs of pages with equal user/write protection, or with equal
 * columns where the arch has its own (arm64: docs/info-mem-arm64.md), or
 * the arch's whole view where QEMU's layout differs (RISC-V).
 */
#include "view_priv.h"

/*
 * QEMU walks the linear-index space (no sign extension), starts or ends a
 * run whenever (U & W & P, AND-ed across levels) changes, a non-present
 * entry having protection 0, and prints addr_canonical() of the start, the
 * end and even of the size. We keep the run in that index space too and
 * apply the same sign extension, so that:
 *  - a run across the canonical hole stays one run (PML4[255] and [256]
 *    are adjacent indexes): "00007fffffe00000-ffff800000200000 ...";
 *  - a run reaching the top ends at 1 << va_bits, printed as is
 *    (0001000000000000 in 4-level: bit 47 of that value is clear);
 *  - a size >= 2^47 is printed sign-extended, as QEMU does.
 * Gaps end a run exactly as QEMU's protection-0 entries do; entries with
 * reserved bits set are gaps here (QEMU would count them). Under LA57 QEMU
 * 7.2 prints nothing (an inverted present test); we print the runs, with
 * sign extension from bit 56. For 32-bit and PAE guests addresses are below
 * 2^32 and hwaddr is 64-bit in both qemu-system-i386 and -x86_64, hence 16
 * digits; the top is 0000000100000000.
 */

struct mem_state {
	struct pgw_out *o;
	const pgw_ctx *c;         /* the context asked; its arch's columns */
	unsigned va_bits;
	uint64_t mask;
	bool open;
	uint64_t start, end;      /* index space, [start, end) */
	uint64_t prot;            /* U|W, or the arch's prot_key */
};

static void mem_print(struct mem_state *s)
{
	char *p = pgw__out_reserve(s->o, 56 + PGW_PROT_COLS);
	uint64_t start = pgw__qemu_canon(s->va_bits, s->start);
	uint64_t end = pgw__qemu_canon(s->va_bits, s->end);
	uint64_t size = pgw__qemu_canon(s->va_bits, s->end - s->start);

	p = pgw__put_hex_fixed(p, start, 16);
	*p++ = '-';
	p = pgw__put_hex_fixed(p, end, 16);
	*p++ = ' ';
	p = pgw__put_hex_fixed(p, size, 16);
	*p++ = ' ';
	if (s->c->arch->prot_cols) {
		p = s->c->arch->prot_cols(s->c, s->prot, p);
	} else {
		*p++ = (s->prot & PGW_PERM_U) ? 'u' : '-';
		*p++ = 'r';
		*p++ = (s->prot & PGW_PERM_W) ? 'w' : '-';
	}
	*p++ = '\n';
	pgw__out_commit(s->o, p);
}

static int mem_leaf(const struct pgw_leaf *l, void *payload)
{
	struct mem_state *s = payload;
	uint64_t idx = l->va & s->mask;
	uint64_t prot = s->c->arch->prot_key ? s->c->arch->prot_key(s->c, l) :
			l->perms & (PGW_PERM_U | PGW_PERM_W);

	if (s->open && idx == s->end && prot == s->prot) {
		s->end = idx + l->size;
		return 0;
	}
	if (s->open)
		mem_print(s);
	s->open = true;
	s->start = idx;
	s->end = idx + l->size;
	s->prot = prot;
	return s->o->err;
}

int pgw_view_mem(pgw_ctx *c, pgw_write_fn write, void *payload)
{
	struct pgw_walk_ops ops = { .leaf = mem_leaf };
	struct mem_state s = { .c = c };
	int rc;

	if (!c)
		return PGW_EINVAL;
	if (c->arch->view_mem)  /* RISC-V: QEMU's riscv layout */
		return c->arch->view_mem(c, write, payload);
	s.o = pgw__out_new(write, payload);
	if (!s.o)
		return write ? PGW_ENOMEM : PGW_EINVAL;
	if (!c->fmt) {
		pgw__out_printf(s.o, "PG disabled\n");
		return pgw__out_done(s.o, 0);
	}
	s.va_bits = c->fmt->va_bits;
	s.mask = pgw__index_mask(c->fmt);
	if (c->region) {
		/* Regions (arm64) have no QEMU layout to mimic: whole VAs. */
		s.va_bits = 64;
		s.mask = ~0ULL;
	}
	rc = pgw_walk(c, NULL, &ops, &s);
	if (s.open)  /* also after a walk error: what was seen */
		mem_print(&s);
	return pgw__out_done(s.o, rc);
}
