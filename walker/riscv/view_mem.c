/*
 * `info mem` on a RISC-V context, in QEMU 7.2's riscv layout (its
 * target/riscv/monitor.c): a two-line header, then one "vaddr paddr size
 * attr" line per run of leaves, attr being "rwxugad". Byte-identical to
 * QEMU wherever QEMU is right; docs/info-mem-riscv.md lists where not.
 */
#include "view_priv.h"
#include "riscv_priv.h"

/*
 * How QEMU 7.2 runs (measured on qemu-system-riscv64/-riscv32 7.2 with
 * hand-built tables; tests/walker/riscv/test_info_mem.c holds them): a
 * run is a sequence of leaf PTEs of ONE table at consecutive indexes with
 * equal bits 7:0 whose frames are contiguous. Its virtual-contiguity test
 * keeps the previous leaf's VA in a variable local to each table's
 * recursion, so a run never continues into the next table, nor from a
 * table into a leaf of its parent, even when VA, PA and bits all follow
 * on. We keep that rule, so that real guests print line for line what
 * QEMU prints; it says nothing false, it only says it in more lines.
 *
 * Where QEMU is wrong we print the right answer:
 *  - entries the hart would fault on (reserved encodings such as W
 *    without R, bits 60:54, PBMT 3, misaligned superpages, pointers with
 *    D/A/U) are holes here; QEMU lists them (and follows such pointers);
 *  - the frame is the PPN alone: QEMU shifts the whole PTE, so bits 60:54
 *    and PBMT land in bits 63:56 of its paddr;
 *  - a Svnapot page is its 64 KiB frame range: QEMU prints its 16 PTEs
 *    as 16 lines, each at PPN[3:0] = 1000;
 *  - pages of another Svpbmt memory type are another run, marked
 *    " pbmt=NC" or " pbmt=IO" after attr (QEMU ignores PBMT and would
 *    merge an IO page into the RAM before it);
 *  - a run ends at the hole between the halves of a 64-bit space (QEMU
 *    joins the last root entry of the lower half to the first of the
 *    upper half into one line starting below the hole);
 *  - an Sv32 run of 4 GiB prints size 100000000 (QEMU's 32-bit size
 *    wraps to 0, and QEMU prints nothing for it).
 */

struct rvmem_state {
	struct pgw_out *o;
	const pgw_ctx *c;
	bool narrow;              /* Sv32: QEMU's riscv32 widths */
	bool open;
	uint64_t va, end;         /* the run, canonical [va, end) */
	uint64_t pa, pa_end;
	uint64_t key;             /* PTE bits 7:0 and PBMT */
	int level;                /* of the run's last leaf */
	uint64_t table;           /* that leaf's table: VA >> (shift+bits) */
};

static void run_print(struct rvmem_state *s)
{
	char *p = pgw__out_reserve(s->o, 80);
	unsigned w = s->narrow ? 8 : 16;
	uint64_t pbmt = s->key & RV_PBMT;
	static const char attr[] = "rwxugad";
	static const uint64_t bit[] = { RV_R, RV_W, RV_X, RV_U, RV_G, RV_A,
					RV_D };

	p = pgw__put_hex(p, s->va, w);
	*p++ = ' ';
	p = pgw__put_hex_fixed(p, s->pa, 16);
	*p++ = ' ';
	p = pgw__put_hex(p, s->end - s->va, w);
	*p++ = ' ';
	for (unsigned i = 0; i < 7; i++)
		*p++ = (s->key & bit[i]) ? attr[i] : '-';
	if (pbmt)  /* PBMT 3 faults: never a leaf here */
		p = pgw__put_str(p, pbmt == (1ULL << RV_PBMT_SHIFT) ?
				 " pbmt=NC" : " pbmt=IO");
	*p++ = '\n';
	pgw__out_commit(s->o, p);
}

static int mem_leaf(const struct pgw_leaf *l, void *payload)
{
	struct rvmem_state *s = payload;
	const struct pgw_level *lv = &s->c->fmt->lv[l->level];
	uint64_t key = l->entry & (0xffULL | RV_PBMT);
	unsigned span = lv->shift + lv->bits;
	uint64_t table = span < 64 ? l->va >> span : 0;

	/* Composed with a G-stage that grants nothing (U clear, 8.5.1):
	 * no access can use the page; it is a gap, as in info tlb. */
	if (!(l->perms & (PGW_PERM_R | PGW_PERM_W | PGW_PERM_X)))
		return 0;
	/* A nested walk may split one guest PTE into several leaves: they
	 * share the level and table, and follow on as one entry's pages. */
	if (s->open && key == s->key && l->va == s->end &&
	    l->pa == s->pa_end && l->level == s->level && table == s->table) {
		s->end += l->size;
		s->pa_end += l->size;
		return 0;
	}
	if (s->open)
		run_print(s);
	s->open = true;
	s->va = l->va;
	s->end = l->va + l->size;
	s->pa = l->pa;
	s->pa_end = l->pa + l->size;
	s->key = key;
	s->level = l->level;
	s->table = table;
	return s->o->err;
}

int pgw__riscv_view_mem(pgw_ctx *c, pgw_write_fn write, void *payload)
{
	struct pgw_walk_ops ops = { .leaf = mem_leaf };
	struct rvmem_state s = { .c = c };
	int rc;

	s.o = pgw__out_new(write, payload);
	if (!s.o)
		return write ? PGW_ENOMEM : PGW_EINVAL;
	if (!c->fmt) {  /* satp.MODE Bare: QEMU's words */
		pgw__out_printf(s.o, "No translation or protection\n");
		return pgw__out_done(s.o, 0);
	}
	s.narrow = c->fmt->va_bits <= 32;
	if (s.narrow)
		pgw__out_printf(s.o, "vaddr    paddr            size     attr\n"
				"-------- ---------------- -------- -------\n");
	else
		pgw__out_printf(s.o, "vaddr            paddr            "
				"size             attr\n"
				"---------------- ---------------- "
				"---------------- -------\n");
	rc = pgw_walk(c, NULL, &ops, &s);
	if (s.open)  /* also after a walk error: what was seen */
		run_print(&s);
	return pgw__out_done(s.o, rc);
}
