/*
 * `info tlb` (QEMU 7.2 target/i386/monitor.c print_pte format) built on the
 * range walk: one line per present leaf, "%016llx: %016llx FLAGS", the
 * flag letters the arch writes (x86: "XGPDACTUW"), then the arch's
 * protection columns where it has them (arm64: docs/info-mem-arm64.md).
 */
#include "view_priv.h"

#include <string.h>

/*
 * Where this view departs from QEMU 7.2 on purpose:
 *  - physical column = the leaf's real page frame (pgw__leaf_base): QEMU
 *    masks 4M pages with ~((1<<21)-1) (shows reserved bit 21, drops PSE-36
 *    bits 39:32), PAE 2M pages with ~0xfffff (bit 20 and NX leak in) and PAE
 *    4K pages with ~0xfff (NX leaks in), and IA-32e pages with bits 49:12
 *    only (52-bit physical addresses lose bits 51:50);
 *  - 5-level guests print correctly (QEMU's walk is the same there);
 *  - entries with reserved bits set are not listed: the CPU faults on them
 *    (#PF with RSVD) and never caches a translation, so they are not TLB
 *    entries. Tables outside physical memory likewise contribute nothing
 *    (QEMU would read them as zeros or 0xff). Both are visible in vtop.
 * On a normal 4-level guest (no reserved bits, PA < 2^50) every line is
 * byte-identical to QEMU's. Nested contexts list the guest stage with
 * guest-physical frames; a guest page whose GPA the nested stage does not
 * map cannot be used by the CPU and is left out like a reserved entry.
 */

/* "00".."ff": two digits per table load, so that a line costs 16 loads
 * and stores for its two numbers instead of 32 shifts and lookups. */
static const char hex_pairs[513] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

/* @v as 16 lower-case hex digits ("%016llx"). */
static inline char *put_hex16(char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		memcpy(p + 2 * i, hex_pairs + 2 * (v & 0xff), 2);
		v >>= 8;
	}
	return p + 16;
}

struct tlb_state {
	struct pgw_out *o;
	pgw_ctx *c;
	uint64_t last_entry_va;   /* nested walks split leaves: print once */
};

static int tlb_leaf(const struct pgw_leaf *l, void *payload)
{
	struct tlb_state *s = payload;
	const struct pgw_level *lv = &s->c->fmt->lv[l->level];
	uint64_t span = 1ULL << lv->shift;
	uint64_t eva = l->va & ~(span - 1);
	char *p;

	if (eva == s->last_entry_va)
		return 0;
	s->last_entry_va = eva;
	p = pgw__out_reserve(s->o, 64 + PGW_PROT_COLS);
	p = put_hex16(p, eva);
	*p++ = ':';
	*p++ = ' ';
	p = put_hex16(p, pgw__leaf_base(s->c, l->level, l->entry, l->va));
	*p++ = ' ';
	p = s->c->arch->tlb_flags(lv, l->entry, p);
	if (s->c->arch->prot_key) {  /* arm64: what the flags mean, as
				      * info mem says it (table bits too) */
		*p++ = ' ';
		p = s->c->arch->prot_cols(s->c, s->c->arch->prot_key(s->c, l),
					  p);
	}
	*p++ = '\n';
	pgw__out_commit(s->o, p);
	return s->o->err;
}

int pgw_view_tlb(pgw_ctx *c, pgw_write_fn write, void *payload)
{
	struct pgw_walk_ops ops = { .leaf = tlb_leaf };
	struct tlb_state s = { .c = c, .last_entry_va = 1 };
	int rc;

	if (!c)
		return PGW_EINVAL;
	if (c->arch->view_tlb)  /* ppc64 hash: QEMU's dump_slb() */
		return c->arch->view_tlb(c, write, payload);
	s.o = pgw__out_new(write, payload);
	if (!s.o)
		return write ? PGW_ENOMEM : PGW_EINVAL;
	if (!c->fmt) {
		pgw__out_printf(s.o, "PG disabled\n");
		return pgw__out_done(s.o, 0);
	}
	if (!c->arch->tlb_flags) {
		pgw__out_printf(s.o, "info tlb: not available for %s\n",
				pgw_mode_name(pgw_ctx_mode(c)));
		return pgw__out_done(s.o, PGW_EINVAL);
	}
	/* Region by region: a leaf's level names a row of its own format. */
	rc = 0;
	for (pgw_ctx *r = c; r && rc == 0; r = r->upper) {
		static const struct pgw_walk_filter all = PGW_WALK_FILTER_INIT;

		s.c = r;
		rc = pgw__walk_region(r, &all, &ops, &s);
	}
	return pgw__out_done(s.o, rc);
}
