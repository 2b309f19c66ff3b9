/*
 * ppc64 radix contexts: the partition table (PTCR, PATE[LPID]), the
 * process table (PATE doubleword 1, or what a pseries guest registered)
 * and its PRTEs, one region context per quadrant (0: PIDR, 3: PID 0), the
 * partition-scoped tree of an LPID as a stage-2 context, and composing a
 * guest partition's trees through it.
 */
#include "radix_priv.h"

#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tables the page-size probe may read (4K chunks), per tree. */
#define PROBE_BUDGET 64u

/* What doubleword 0 of a PRTE or PATE says of its tree. */
struct tree {
	uint64_t root;
	unsigned ea_bits, rpds;
};

/* RTS = RTS1 || RTS2: an EA space of 2^(RTS+31) bytes; the root of 2^RPDS
 * entries at RPDB, aligned to its size. False if it names no tree. */
static bool tree_of(uint64_t d0, struct tree *t)
{
	unsigned rts = RX_RTS1(d0) << 3 | RX_RTS2(d0);

	t->ea_bits = rts + 31;
	t->rpds = RX_RPDS(d0);
	t->root = d0 & RX_RPDB;
	if (!t->rpds || t->ea_bits > 63)
		return false;
	return !(t->root & ((8ULL << t->rpds) - 1));
}

/* Read @len bytes at real address @addr of @c's input space: guest real
 * through the partition-scoped context when there is one. */
static int read_real(pgw_ctx *c, uint64_t addr, void *buf, size_t len)
{
	uint64_t pa = addr;

	if (c->nested) {
		struct pgw_result r;
		struct pgw_fault f;

		if (pgw__nested_gpa(c, addr, &r, &f) < 0)
			return -1;
		pa = r.out_pa;
	}
	return c->mem->read(pa, buf, len, c->mem_payload);
}

/* The big-endian doubleword at @addr. */
static bool read_dword(pgw_ctx *c, uint64_t addr, uint64_t *e)
{
	uint64_t be;

	if (read_real(c, addr, &be, 8) < 0)
		return false;
	*e = be64toh(be);
	return true;
}

/*
 * The NLS of the first PDE that points to a last-level table, looking
 * depth first from the table at @level (of 2^@bits entries) of a tree
 * whose last level is @last; 0 if none is found within the budget. The
 * ISA takes each table's size from its PDE; pgstub's formats fix one
 * per level, so a tree is read with the size its first page table has.
 */
static unsigned probe_nls(pgw_ctx *c, uint64_t table, unsigned bits,
			  unsigned level, unsigned last, unsigned *budget)
{
	uint64_t n = 1ULL << bits, chunk[512];

	for (uint64_t base = 0; base < n; base += 512) {
		unsigned m = n - base < 512 ? (unsigned)(n - base) : 512;

		if (!*budget)
			return 0;
		(*budget)--;
		if (read_real(c, table + base * 8, chunk, m * 8ULL) < 0)
			return 0;
		for (unsigned i = 0; i < m; i++) {
			uint64_t e = be64toh(chunk[i]);
			unsigned nls;

			if (!(e & RX_V) || (e & RX_L))
				continue;
			if (level + 1 == last)
				return (unsigned)(e & RX_NLS);
			if ((e & RX_NLS) != 9)
				continue;
			nls = probe_nls(c, e & RX_NLB, 9, level + 1, last,
					budget);
			if (nls)
				return nls;
		}
	}
	return 0;
}

/* The last level's NLS of tree @t: from the page size asked for, else
 * from its first page table, else 9 (no page table to read yet). */
static unsigned last_nls(pgw_ctx *c, const struct tree *t,
			 unsigned page_shift)
{
	unsigned budget = PROBE_BUDGET, nls, above;

	if (page_shift)
		return RX_LAST_SPAN_SHIFT - page_shift;
	if (t->ea_bits < t->rpds + RX_LAST_SPAN_SHIFT)
		return 9;
	above = (t->ea_bits - t->rpds - RX_LAST_SPAN_SHIFT) / 9;
	nls = probe_nls(c, t->root, t->rpds, 0, above + 1, &budget);
	return nls == 5 || nls == 9 ? nls : 9;
}

static int new_state(pgw_ctx *c, bool part)
{
	struct pgw_radix_state *st = calloc(1, sizeof(*st));

	if (!st)
		return PGW_ENOMEM;
	st->part = part;
	c->priv = st;
	return 0;
}

/* Give @c the tree of doubleword 0 @d0 (with @proto's level names);
 * false if no supported tree has its shape. */
static bool set_tree(pgw_ctx *c, const struct pgw_format *proto, uint64_t d0,
		     unsigned page_shift)
{
	struct pgw_radix_state *st = c->priv;
	struct tree t;

	if (!tree_of(d0, &t))
		return false;
	if (!pgw__radix_geometry(st, proto, t.ea_bits, t.rpds,
				 last_nls(c, &t, page_shift)))
		return false;
	c->fmt = &st->fmt;
	c->root = t.root;
	return true;
}

static int stage2_init(pgw_ctx *c, uint64_t pate0, unsigned page_shift,
		       char *err, size_t errlen)
{
	int rc = new_state(c, true);

	if (rc < 0)
		return rc;
	if (!set_tree(c, &pgw__radix_fmt_part, pate0, page_shift))
		return pgw__fail(err, errlen, "PATE doubleword 0 0x%llx names "
				 "no supported radix tree (RTS %u, RPDS %u)",
				 (unsigned long long)pate0,
				 RX_RTS1(pate0) << 3 | RX_RTS2(pate0),
				 RX_RPDS(pate0));
	return 0;
}

int pgw__radix_new_stage2(pgw_ctx *c, uint64_t root, int nxe, char *err,
			  size_t errlen)
{
	(void)nxe;  /* EAA execute is explicit in every PTE */
	return stage2_init(c, root, 0, err, errlen);
}

static bool page_shift_ok(unsigned s)
{
	return s == 0 || s == 12 || s == 16;
}

/* PATE[@lpid] from PTCR, in host real memory. */
static int read_pate(const struct pgw_mem_ops *mem, void *payload,
		     uint64_t ptcr, uint64_t lpid, uint64_t pate[2],
		     char *err, size_t errlen)
{
	uint64_t size = 1ULL << (12 + RX_TABLE_SIZE(ptcr)), be[2];

	if (lpid >= size / 16)
		return pgw__fail(err, errlen, "LPID %llu is beyond the partition "
				 "table (PTCR 0x%llx: %llu entries)",
				 (unsigned long long)lpid,
				 (unsigned long long)ptcr,
				 (unsigned long long)(size / 16));
	if (mem->read((ptcr & RX_TABLE_BASE) + lpid * 16, be, 16, payload) < 0)
		return pgw__fail(err, errlen, "cannot read PATE[%llu] at 0x%llx",
				 (unsigned long long)lpid,
				 (unsigned long long)((ptcr & RX_TABLE_BASE) +
						      lpid * 16));
	pate[0] = be64toh(be[0]);
	pate[1] = be64toh(be[1]);
	if (!(pate[0] & PGW_PPC64_PATE_HR))
		return pgw__fail(err, errlen, "PATE[%llu] 0x%016llx has HR = 0: "
				 "the partition uses the hashed page table",
				 (unsigned long long)lpid,
				 (unsigned long long)pate[0]);
	return 0;
}

int pgw_ctx_new_ppc64_radix_part(pgw_ctx **out, uint64_t ptcr, uint64_t lpid,
				 unsigned page_shift,
				 const struct pgw_mem_ops *mem,
				 void *mem_payload, char *err, size_t errlen)
{
	uint64_t pate[2];
	pgw_ctx *c;
	int rc;

	if (!out || !mem || !mem->read || !page_shift_ok(page_shift))
		return pgw__fail(err, errlen, "bad arguments");
	*out = NULL;
	rc = read_pate(mem, mem_payload, ptcr, lpid, pate, err, errlen);
	if (rc < 0)
		return rc;
	rc = pgw__ctx_alloc(&c, &pgw__arch_ppc64_radix, mem, mem_payload, 0,
			    err, errlen);
	if (rc < 0)
		return rc;
	rc = stage2_init(c, pate[0], page_shift, err, errlen);
	if (rc < 0) {
		pgw_ctx_free(c);
		return rc;
	}
	pgw__derive(c);
	*out = c;
	return 0;
}

/* What a quadrant's region is built from. */
struct quadrant {
	unsigned q;               /* 0 or 3 */
	uint64_t pid;
	uint64_t prtb, prt_size;  /* process table (input-space real) */
	unsigned page_shift;
	bool problem;
	bool twin;                /* serves quadrant q ^ 1 too (bit 62) */
	pgw_ctx *host;            /* partition-scoped tree, or NULL */
};

static int new_region(pgw_ctx **out, const struct quadrant *q,
		      const struct pgw_mem_ops *mem, void *payload, char *err,
		      size_t errlen)
{
	uint64_t prte = 0, at = q->prtb + q->pid * 16;
	struct pgw_radix_state *st;
	bool ok = false;
	pgw_ctx *c;
	int rc;

	rc = pgw__ctx_alloc(&c, &pgw__arch_ppc64_radix, mem, payload, 0, err,
			    errlen);
	if (rc < 0)
		return rc;
	rc = new_state(c, false);
	if (rc < 0) {
		pgw_ctx_free(c);
		return rc;
	}
	st = c->priv;
	st->problem = q->problem;
	c->nested = q->host;  /* the PRTE and the probe read guest real */
	if (q->pid < q->prt_size / 16 && read_dword(c, at, &prte))
		ok = set_tree(c, &pgw__radix_fmt_proc, prte, q->page_shift);
	if (!ok) {
		/* No tree: every address of the quadrant faults so. The
		 * format only names the levels. */
		pgw__radix_geometry(st, &pgw__radix_fmt_proc, 52, 13, 9);
		c->fmt = &st->fmt;
		c->root = at;
		c->off_reason = PGW_FAULT_BAD_PRTE;
	}
	c->region = true;
	/* EA bits 63:62 are the quadrant; the bits between them and the
	 * tree's size must be 0. */
	c->va_fill = (uint64_t)q->q << 62;
	c->va_ignore = q->twin ? 1ULL << 62 : 0;
	c->region_name = q->q ? "quadrant 3" : "quadrant 0";
	if (ok)
		snprintf(c->region_desc, sizeof(c->region_desc),
			 "PID %llu, %u-bit, %uK pages%s",
			 (unsigned long long)q->pid, c->fmt->va_bits,
			 1u << (c->fmt->lv[c->fmt->nlevels - 1].shift - 10),
			 !q->twin ? "" : q->q ? "; and quadrant 2" :
						"; and quadrant 1");
	else
		snprintf(c->region_desc, sizeof(c->region_desc),
			 "PID %llu, PRTE 0x%016llx", (unsigned long long)q->pid,
			 (unsigned long long)prte);
	pgw__derive(c);
	*out = c;
	return 0;
}

static int build(pgw_ctx **out, const struct pgw_ppc64_radix_regs *r,
		 pgw_ctx *host, const struct pgw_mem_ops *mem, void *payload,
		 char *err, size_t errlen)
{
	struct quadrant q0, q3;
	uint64_t lpid, pate[2];
	pgw_ctx *lo, *hi;
	int rc;

	if (!out || !r || r->version != PGW_PPC64_RADIX_REGS_VERSION ||
	    (r->flags & ~PGW_PPC64_RADIX_PATE1) || !mem || !mem->read ||
	    !page_shift_ok(r->page_shift))
		return pgw__fail(err, errlen, "bad arguments");
	*out = NULL;
	if (r->lpcr && !(r->lpcr & PGW_PPC64_LPCR_HR))
		return pgw__fail(err, errlen, "LPCR 0x%llx has HR = 0: the "
				 "partition uses the hashed page table",
				 (unsigned long long)r->lpcr);
	/* With MSR[HV] = 1, quadrants 0 and 3 are the hypervisor's:
	 * LPID 0, whatever LPIDR holds. */
	lpid = (r->msr & PGW_PPC64_MSR_HV) ? 0 : r->lpidr;
	if (r->flags & PGW_PPC64_RADIX_PATE1) {
		if (!(r->pate1 & PGW_PPC64_PATE_GR))
			return pgw__fail(err, errlen, "process table 0x%llx has "
					 "GR = 0: the guest registered a hash "
					 "process table",
					 (unsigned long long)r->pate1);
		pate[1] = r->pate1;
	} else {
		rc = read_pate(mem, payload, r->ptcr, lpid, pate, err, errlen);
		if (rc < 0)
			return rc;
		if (lpid && !host)
			return pgw__fail(err, errlen, "LPID %llu is a guest "
					 "partition: its process table is at "
					 "guest real addresses (nested radix)",
					 (unsigned long long)lpid);
	}
	q0 = (struct quadrant){
		.q = 0, .pid = r->pidr & 0xfffff,
		.prtb = pate[1] & RX_TABLE_BASE,
		.prt_size = 1ULL << (12 + RX_TABLE_SIZE(pate[1])),
		.page_shift = r->page_shift,
		.problem = r->msr & PGW_PPC64_MSR_PR, .host = host,
	};
	/* Power ISA 3.0 Book III 6.7.10.1 (and QEMU's walk): in hypervisor
	 * state quadrants 1 and 2 are LPIDR's partition, with PIDR and PID
	 * 0. LPIDR 0 is the hypervisor itself, with no partition-scoped
	 * step: quadrant 1 is quadrant 0's tree, 2 is 3's. Another LPIDR's
	 * are a guest's (nested radix), and fault here. */
	q0.twin = (r->msr & PGW_PPC64_MSR_HV) && !r->lpidr && !host;
	q3 = q0;
	q3.q = 3;
	q3.pid = 0;
	rc = new_region(&lo, &q0, mem, payload, err, errlen);
	if (rc < 0)
		return rc;
	rc = new_region(&hi, &q3, mem, payload, err, errlen);
	if (rc < 0) {
		pgw_ctx_free(lo);
		return rc;
	}
	/* EA bit 0 (value bit 63) set: quadrants 2 and 3; quadrant 2
	 * is no region's but in hypervisor state (above), and faults as an
	 * address outside them. */
	lo->upper = hi;
	lo->upper_sel = 1ULL << 63;
	*out = lo;
	return 0;
}

int pgw_ctx_new_ppc64_radix(pgw_ctx **out,
			    const struct pgw_ppc64_radix_regs *regs,
			    const struct pgw_mem_ops *mem, void *mem_payload,
			    char *err, size_t errlen)
{
	return build(out, regs, NULL, mem, mem_payload, err, errlen);
}

int pgw_ctx_new_ppc64_radix_nested(pgw_ctx **out,
				   const struct pgw_ppc64_radix_regs *regs,
				   pgw_ctx *partition,
				   const struct pgw_mem_ops *mem,
				   void *mem_payload, char *err, size_t errlen)
{
	int rc;

	if (!partition || partition->arch != &pgw__arch_ppc64_radix ||
	    !partition->fmt || !partition->fmt->stage2)
		return pgw__fail(err, errlen, "not a partition-scoped radix "
				 "context");
	rc = build(out, regs, partition, mem, mem_payload, err, errlen);
	if (rc < 0)
		return rc;
	rc = pgw_ctx_set_nested(*out, partition);
	if (rc < 0) {
		pgw_ctx_free(*out);
		*out = NULL;
		return pgw__fail(err, errlen, "cannot nest in that context");
	}
	return 0;
}
