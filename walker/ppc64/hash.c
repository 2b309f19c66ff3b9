/*
 * The ppc64 hashed page table method (Power ISA 3.0B Book III 5.7.7): SLB
 * lookup, the primary and secondary PTEG search, page sizes from L||LP,
 * pp/key/N/G and AMR/IAMR protection, and the reverse walk that maps every
 * valid HPTE back to its effective addresses, in EA order.
 */
#include "ppc64_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEG_SHIFT_256M 28
#define SEG_SHIFT_1T   40
/* pte0 bits compared against the search key: B, AVPN, H, V (ISA 5.7.7.2). */
#define HPTE0_CMP      0xffffffffffffff83ULL
/* ISA 3.0 HPTE format: B moved to pte1 bits 59:58, pte0 keeps 51:0. */
#define HPTE1_V3_B     0x0c00000000000000ULL
#define HPTE0_V3_KEEP  0x000fffffffffffffULL

/* Page sizes a segment of each base size may hold, with the L||LP value
 * pte1 carries in the bits between 12 and the page size (POWER7..9, as
 * QEMU and Linux encode them). */
struct pgw_psize_enc {
	unsigned base, actual;
	uint64_t enc;
};
static const struct pgw_psize_enc psize_enc[] = {
	{ 12, 16, 0x7 }, { 12, 24, 0x38 },
	{ 16, 16, 0x1 }, { 16, 24, 0x8 },
	{ 24, 24, 0x0 },
	{ 34, 34, 0x3 },
};

unsigned pgw__slb_base_shift(uint64_t vsid, unsigned *seg_shift)
{
	unsigned seg, base;

	switch (vsid & PGW_SLB_VSID_B) {
	case PGW_SLB_VSID_B_256M: seg = SEG_SHIFT_256M; break;
	case PGW_SLB_VSID_B_1T: seg = SEG_SHIFT_1T; break;
	default: return 0;  /* B = 0b1x is reserved */
	}
	switch (vsid & (PGW_SLB_VSID_L | PGW_SLB_VSID_LP)) {
	case PGW_SLB_VSID_4K: base = 12; break;
	case PGW_SLB_VSID_64K: base = 16; break;
	case PGW_SLB_VSID_16M: base = 24; break;
	case PGW_SLB_VSID_16G: base = 34; break;
	default: return 0;
	}
	/* A base page larger than its segment cannot be mapped. */
	if (base >= seg)
		return 0;
	if (seg_shift)
		*seg_shift = seg;
	return base;
}

uint64_t pgw_ppc64_slb_base_size(uint64_t vsid_word)
{
	unsigned b = pgw__slb_base_shift(vsid_word, NULL);

	return b ? 1ULL << b : 0;
}

unsigned pgw__hpte_page_shift(unsigned base, uint64_t pte0, uint64_t pte1)
{
	if (!(pte0 & PGW_HPTE0_L))
		return base == 12 ? 12 : 0;  /* 4K page only in a 4K segment */
	for (size_t i = 0; i < sizeof(psize_enc) / sizeof(psize_enc[0]); i++) {
		const struct pgw_psize_enc *e = &psize_enc[i];
		uint64_t mask = ((1ULL << e->actual) - 1) & PGW_HPTE1_RPN;

		if (e->base == base && (pte1 & mask) == e->enc << 12)
			return e->actual;
	}
	return 0;
}

int pgw_ctx_new_ppc64_hash(pgw_ctx **out, const struct pgw_ppc64_regs *r,
			   const struct pgw_hpte_ops *hpte, void *hpte_payload,
			   const struct pgw_mem_ops *mem, void *mem_payload,
			   char *err, size_t errlen)
{
	struct pgw_hash *h;
	unsigned shift;
	pgw_ctx *c;

	if (!out)
		return pgw__fail(err, errlen, "bad arguments");
	*out = NULL;
	if (!r || r->version != PGW_PPC64_REGS_VERSION)
		return pgw__fail(err, errlen, "bad ppc64 register block version");
	if (r->nslb > PGW_PPC64_SLB_MAX || (r->nslb && !r->slb))
		return pgw__fail(err, errlen, "SLB of %u entries (at most %u)",
				 r->nslb, PGW_PPC64_SLB_MAX);
	if (hpte && !hpte->read)
		return pgw__fail(err, errlen, "HPTE ops without a read callback");
	if (!hpte && (!mem || !mem->read))
		return pgw__fail(err, errlen, "no HPTE source: neither HPTE ops nor "
				 "physical memory");
	shift = r->htab_shift ? r->htab_shift : (unsigned)(r->sdr1 & 0x1f) + 18;
	/* ISA 3.0B III 5.7.7.1: HTABSIZE is at most 28 (2^46 bytes). */
	if (shift < 18 || shift > 46)
		return pgw__fail(err, errlen, "HTAB size 2^%u bytes out of range "
				 "(2^18..2^46)%s", shift,
				 r->htab_shift ? "" : " (from SDR1 HTABSIZE)");
	c = calloc(1, sizeof(*c));
	h = calloc(1, sizeof(*h) + (size_t)r->nslb * sizeof(h->slb[0]));
	if (!c || !h) {
		free(c);
		free(h);
		return PGW_ENOMEM;
	}
	h->ops = hpte;
	h->ops_payload = hpte_payload;
	h->htab_base = r->sdr1 & 0x0ffffffffffc0000ULL;
	h->htab_shift = shift;
	h->nhpte = 1ULL << (shift - 4);
	h->pteg_mask = (1ULL << (shift - 7)) - 1;
	h->msr = r->msr;
	h->amr = r->amr;
	h->iamr = r->iamr;
	h->lpcr = r->lpcr;
	h->flags = r->flags;
	h->nslb = r->nslb;
	if (r->nslb)
		memcpy(h->slb, r->slb, (size_t)r->nslb * sizeof(h->slb[0]));
	c->fmt = pgw__format(PGW_MODE_PPC64_HASH);
	c->mem = mem;
	c->mem_payload = mem_payload;
	c->maxphyaddr = 60;
	c->pkey_shift = -1;
	c->walk_budget = PGW_DEFAULT_WALK_BUDGET;
	c->arch = &pgw__arch_ppc64;
	c->priv = h;
	*out = c;
	return 0;
}

const unsigned char *pgw__hash_read(pgw_ctx *c, uint64_t index, unsigned n,
				    void *buf)
{
	struct pgw_hash *h = pgw__hash(c);
	size_t len = (size_t)n * PGW_HPTE_SIZE;
	uint64_t pa;

	if (index >= h->nhpte || n > h->nhpte - index)
		return NULL;
	if (h->ops)
		return h->ops->read(index, n, buf, h->ops_payload) == 0 ?
		       buf : NULL;
	/* QEMU adds the offset to HTABORG (no OR), so do we. */
	pa = h->htab_base + index * PGW_HPTE_SIZE;
	if (c->mem->map) {
		const void *p = c->mem->map(pa, len, c->mem_payload);

		if (p)
			return p;
	}
	return c->mem->read(pa, buf, len, c->mem_payload) == 0 ? buf : NULL;
}

static uint64_t be64_at(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

void pgw__hpte_decode(const pgw_ctx *c, const unsigned char *raw,
		      uint64_t *pte0, uint64_t *pte1)
{
	uint64_t v = be64_at(raw), r = be64_at(raw + 8);

	if (pgw__hash(c)->flags & PGW_PPC64_HPTE_V3) {
		v = (v & HPTE0_V3_KEEP) | ((r & HPTE1_V3_B) << 4);
		r &= ~HPTE1_V3_B;
	}
	*pte0 = v;
	*pte1 = r;
}

/* ISA 3.0B III 5.7.13.1, table 21 (as QEMU: undefined pp gives nothing). */
static unsigned pp_prot(uint64_t pte1, bool key)
{
	unsigned pp = (unsigned)((pte1 & PGW_HPTE1_PP) |
				 ((pte1 & PGW_HPTE1_PP0) >> 61));
	const unsigned rw = PGW_PERM_R | PGW_PERM_W | PGW_PERM_X;
	const unsigned ro = PGW_PERM_R | PGW_PERM_X;

	if (!key) {
		switch (pp) {
		case 0: case 1: case 2: return rw;
		case 3: case 6: return ro;
		default: return 0;
		}
	}
	switch (pp) {
	case 1: case 3: return ro;
	case 2: return rw;
	default: return 0;
	}
}

/* Permissions of a page for problem state @pr. */
static unsigned hpte_perms(const struct pgw_hash *h, uint64_t slbv,
			   uint64_t pte1, bool pr)
{
	bool key = (slbv & (pr ? PGW_SLB_VSID_KP : PGW_SLB_VSID_KS)) != 0;
	unsigned p = pp_prot(pte1, key);

	/* 5.7.13: no execute from N or G pages, or an N segment. */
	if ((pte1 & (PGW_HPTE1_N | PGW_HPTE1_G)) || (slbv & PGW_SLB_VSID_N))
		p &= ~PGW_PERM_X;
	if (h->flags & PGW_PPC64_AMR) {
		/* 5.7.13.3: AMR bit pairs, key 0 leftmost; IAMR likewise. */
		unsigned k = (unsigned)pgw__hpte_key(pte1);
		unsigned amr = (h->amr >> (2 * (31 - k))) & 3;
		unsigned iamr = (h->iamr >> (2 * (31 - k))) & 3;

		if (amr & 2)
			p &= ~PGW_PERM_W;
		if (amr & 1)
			p &= ~PGW_PERM_R;
		if (iamr & 1)
			p &= ~PGW_PERM_X;
	}
	return p;
}

static void trace_add(struct pgw_trace *t, const char *name, unsigned index,
		      uint64_t table, uint64_t addr, uint64_t e, uint64_t e2,
		      uint64_t hash, int leaf)
{
	struct pgw_step *s;

	if (!t || t->n >= PGW_TRACE_MAX)
		return;
	s = &t->step[t->n++];
	memset(s, 0, sizeof(*s));
	s->stage = PGW_STAGE_GUEST;
	s->level = 0;
	s->level_name = name;
	s->index = index;
	s->table = table;
	s->entry_addr = addr;
	s->entry = e;
	s->entry2 = e2;
	s->hash = hash;
	s->leaf = leaf;
}

static void fault_set(struct pgw_fault *f, enum pgw_fault_reason why,
		      const char *name, unsigned index, uint64_t table,
		      uint64_t entry, uint64_t ea)
{
	f->out_reason = why;
	f->out_stage = PGW_STAGE_GUEST;
	f->out_level = 0;
	f->out_level_name = name;
	f->out_index = index;
	f->out_table = table;
	f->out_entry = entry;
	f->out_rsvd = 0;
	f->out_addr = ea;
}

/* QEMU's slb_lookup(): the first valid entry whose ESID matches at its
 * segment size. Entries with reserved encodings are skipped. */
static int slb_find(const struct pgw_hash *h, uint64_t ea, unsigned *slot,
		    unsigned *base, unsigned *seg, int *bad)
{
	*bad = -1;
	for (unsigned i = 0; i < h->nslb; i++) {
		uint64_t e = h->slb[i].esid, v = h->slb[i].vsid;
		unsigned sseg = (v & PGW_SLB_VSID_B) == PGW_SLB_VSID_B_1T ?
				SEG_SHIFT_1T : SEG_SHIFT_256M;
		uint64_t segmask = ~((1ULL << sseg) - 1);
		unsigned b;

		if (!(e & PGW_SLB_ESID_V))
			continue;
		if ((e & (PGW_SLB_ESID_ESID | PGW_SLB_ESID_V)) !=
		    ((ea & segmask) | PGW_SLB_ESID_V))
			continue;
		b = pgw__slb_base_shift(v, seg);
		if (!b) {
			if (*bad < 0)
				*bad = (int)i;
			continue;
		}
		*slot = i;
		*base = b;
		return 0;
	}
	return -1;
}

int pgw__hash_lookup(pgw_ctx *c, uint64_t ea, struct pgw_hash_hit *hit,
		     struct pgw_fault *f, struct pgw_trace *t)
{
	struct pgw_hash *h = pgw__hash(c);
	unsigned char buf[PGW_HPTES_PER_GROUP * PGW_HPTE_SIZE];
	uint64_t slbv, vsid, epn, hash, ptem;
	unsigned slot, base, seg;
	int bad;

	if (slb_find(h, ea, &slot, &base, &seg, &bad) < 0) {
		if (bad >= 0) {
			trace_add(t, "SLB", (unsigned)bad, 0, 0,
				  h->slb[bad].esid, h->slb[bad].vsid, 0, 0);
			fault_set(f, PGW_FAULT_BAD_SLB, "SLB", (unsigned)bad,
				  0, h->slb[bad].vsid, ea);
			return PGW_ENOTMAPPED;
		}
		fault_set(f, PGW_FAULT_NO_SLB, "SLB", 0, 0, 0, ea);
		f->out_level = -1;
		return PGW_ENOTMAPPED;
	}
	slbv = h->slb[slot].vsid;
	trace_add(t, "SLB", slot, 0, 0, h->slb[slot].esid, slbv, 0, 0);
	/* QEMU clamps to 4K pages under LPCR[ISL]. */
	if (h->lpcr & PGW_LPCR_ISL)
		base = 12;
	/* ISA 5.7.7.3 hash functions, over the EA's page at base size. */
	epn = ea & ((1ULL << seg) - 1) & ~((1ULL << base) - 1);
	if (seg == SEG_SHIFT_1T) {
		vsid = (slbv & PGW_SLB_VSID_VSID) >> PGW_SLB_VSID_SHIFT_1T;
		hash = vsid ^ (vsid << 25) ^ (epn >> base);
	} else {
		vsid = (slbv & PGW_SLB_VSID_VSID) >> PGW_SLB_VSID_SHIFT;
		hash = vsid ^ (epn >> base);
	}
	ptem = (slbv & (PGW_SLB_VSID_B | PGW_SLB_VSID_VSID)) |
	       ((epn >> 16) & PGW_HPTE0_AVPN) | PGW_HPTE0_V;
	for (int sec = 0; sec < 2; sec++) {
		uint64_t grp = (sec ? ~hash : hash) & h->pteg_mask;
		uint64_t first = grp * PGW_HPTES_PER_GROUP;
		const unsigned char *raw;

		if (sec)
			ptem |= PGW_HPTE0_H;
		trace_add(t, sec ? "PTEG2" : "PTEG", (unsigned)grp, first,
			  h->ops ? first * PGW_HPTE_SIZE :
			  h->htab_base + first * PGW_HPTE_SIZE, 0, 0, hash, 0);
		raw = pgw__hash_read(c, first, PGW_HPTES_PER_GROUP, buf);
		if (!raw) {
			fault_set(f, PGW_FAULT_BAD_TABLE, "PTEG", (unsigned)grp,
				  first, 0, ea);
			return PGW_EIO;
		}
		for (unsigned i = 0; i < PGW_HPTES_PER_GROUP; i++) {
			uint64_t pte0, pte1, idx = first + i;
			unsigned ps;

			pgw__hpte_decode(c, raw + i * PGW_HPTE_SIZE, &pte0,
					 &pte1);
			if ((pte0 ^ ptem) & HPTE0_CMP)
				continue;
			/* A size encoding foreign to this segment's base
			 * size does not match (ISA 5.7.7.2; QEMU skips it). */
			ps = pgw__hpte_page_shift(base, pte0, pte1);
			if (!ps)
				continue;
			trace_add(t, "HPTE", i, grp,
				  h->ops ? idx * PGW_HPTE_SIZE :
				  h->htab_base + idx * PGW_HPTE_SIZE,
				  pte0, pte1, 0, 1);
			hit->slot = slot;
			hit->base_shift = base;
			hit->page_shift = ps;
			hit->hash = hash;
			hit->pteg = grp;
			hit->index = idx;
			hit->pte0 = pte0;
			hit->pte1 = pte1;
			hit->ra = (pte1 & PGW_HPTE1_RPN &
				   ~((1ULL << ps) - 1)) |
				  (ea & ((1ULL << ps) - 1));
			hit->perms = hpte_perms(h, slbv, pte1,
						(h->msr & PGW_MSR_PR) != 0);
			if (hpte_perms(h, slbv, pte1, true) & PGW_PERM_R)
				hit->perms |= PGW_PERM_U;
			hit->key = pgw__hpte_key(pte1);
			return 0;
		}
	}
	fault_set(f, PGW_FAULT_NO_HPTE, "PTEG", (unsigned)(hash & h->pteg_mask),
		  (hash & h->pteg_mask) * PGW_HPTES_PER_GROUP,
		  ptem & ~PGW_HPTE0_H, ea);
	return PGW_ENOTMAPPED;
}

int pgw__hash_translate(pgw_ctx *c, uint64_t va, unsigned access,
			struct pgw_result *out, struct pgw_fault *fault,
			struct pgw_trace *trace)
{
	struct pgw_fault scratch;
	struct pgw_hash_hit hit;
	int rc;

	if (!out)
		return PGW_EINVAL;
	if (!fault)
		fault = &scratch;
	memset(fault, 0, sizeof(*fault));
	fault->out_level = -1;
	if (trace)
		trace->n = 0;
	rc = pgw__hash_lookup(c, va, &hit, fault, trace);
	if (rc < 0)
		return rc;
	if (access) {
		const struct pgw_hash *h = pgw__hash(c);
		bool pr = (access & PGW_ACC_USER) || (h->msr & PGW_MSR_PR);
		unsigned p = hpte_perms(h, h->slb[hit.slot].vsid, hit.pte1,
					pr);
		unsigned need = ((access & PGW_ACC_READ) ? PGW_PERM_R : 0) |
				((access & PGW_ACC_WRITE) ? PGW_PERM_W : 0) |
				((access & PGW_ACC_EXEC) ? PGW_PERM_X : 0);

		if ((p & need) != need) {
			fault_set(fault, PGW_FAULT_ACCESS, "HPTE",
				  (unsigned)(hit.index % PGW_HPTES_PER_GROUP),
				  hit.pteg, hit.pte1, va);
			return PGW_EACCES;
		}
	}
	memset(out, 0, sizeof(*out));
	out->out_pa = hit.ra;
	out->out_gpa = hit.ra;
	out->out_page_size = 1ULL << hit.page_shift;
	out->out_perms = hit.perms;
	out->out_entry = hit.pte1;
	out->out_level = 0;
	out->out_pkey = hit.key;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reverse walk                                                          */

struct rleaves {
	struct pgw_leaf *v;
	size_t n, cap;
};

static int rl_push(struct rleaves *r, const struct pgw_leaf *l)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		struct pgw_leaf *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return PGW_ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = *l;
	return 0;
}

static int leaf_cmp(const void *a, const void *b)
{
	const struct pgw_leaf *x = a, *y = b;

	if (x->va != y->va)
		return x->va < y->va ? -1 : 1;
	return 0;
}

/*
 * The EA through SLB entry @s at which HPTE (@pte0, @pte1) in PTEG @grp
 * can be found, or false. Algebra (ISA 5.7.7.3), with b the base page
 * shift, p = (EA within the segment) >> b and pv = vsid (256M) or
 * vsid ^ (vsid << 25) (1T): the hash is pv ^ p and the PTEG number its low
 * bits (complemented for H = 1), so p's low bits are (grp or ~grp) ^ pv.
 * The AVPN holds the EA bits 23 up to the segment size. Both are needed
 * for b < 23 (AVPN gives p's bits from 23 - b, the PTEG at least 11 low
 * bits since the table has at least 2^11 PTEGs); for b >= 23 the AVPN
 * alone gives p. The caller confirms by a forward lookup.
 */
static bool reverse_ea(const struct pgw_hash *h, const struct pgw_ppc64_slbe *s,
		       uint64_t pte0, uint64_t grp, uint64_t *ea)
{
	unsigned seg, b = pgw__slb_base_shift(s->vsid, &seg);
	uint64_t vmask, vsid, pv, ea_hi, low, p;

	if (!b)
		return false;
	if (h->lpcr & PGW_LPCR_ISL)
		b = 12;
	vmask = PGW_SLB_VSID_B | (seg == SEG_SHIFT_1T ?
				  0x3fffffffff000000ULL : PGW_SLB_VSID_VSID);
	if ((pte0 & vmask) != (s->vsid & vmask))
		return false;
	if (seg == SEG_SHIFT_1T) {
		vsid = (s->vsid & PGW_SLB_VSID_VSID) >> PGW_SLB_VSID_SHIFT_1T;
		pv = vsid ^ (vsid << 25);
	} else {
		vsid = (s->vsid & PGW_SLB_VSID_VSID) >> PGW_SLB_VSID_SHIFT;
		pv = vsid;
	}
	ea_hi = ((pte0 >> 7) & ((1ULL << (seg - 23)) - 1)) << 23;
	if (ea_hi & ((1ULL << b) - 1))
		return false;  /* AVPN bits inside the page: never matches */
	low = ((pte0 & PGW_HPTE0_H) ? ~grp : grp) ^ pv;
	p = ea_hi >> b;
	if (b < 23)
		p |= low & ((1ULL << (23 - b)) - 1);
	if (((pv ^ p) & h->pteg_mask) !=
	    (((pte0 & PGW_HPTE0_H) ? ~grp : grp) & h->pteg_mask))
		return false;  /* in a PTEG its own hash never selects */
	*ea = (s->esid & ~((1ULL << seg) - 1)) | (p << b);
	return true;
}

/* Leaves of one valid HPTE, through every SLB entry that can reach it. */
static int hpte_leaves(pgw_ctx *c, const struct pgw_walk_filter *flt,
		       uint64_t idx, uint64_t pte0, struct rleaves *out)
{
	struct pgw_hash *h = pgw__hash(c);

	for (unsigned i = 0; i < h->nslb; i++) {
		const struct pgw_ppc64_slbe *s = &h->slb[i];
		struct pgw_hash_hit hit;
		struct pgw_fault f;
		struct pgw_leaf l;
		uint64_t ea;
		int rc;

		if (!(s->esid & PGW_SLB_ESID_V) ||
		    !reverse_ea(h, s, pte0, idx / PGW_HPTES_PER_GROUP, &ea))
			continue;
		if (ea < flt->start || ea > flt->last)
			continue;
		rc = pgw__hash_lookup(c, ea, &hit, &f, NULL);
		if (rc == PGW_EIO)
			return rc;
		if (rc < 0 || hit.index != idx || hit.slot != i)
			continue;  /* shadowed by another SLB entry or HPTE */
		if ((hit.perms & flt->need) != flt->need ||
		    (hit.perms & flt->deny))
			continue;
		memset(&l, 0, sizeof(l));
		l.va = ea;
		l.size = 1ULL << hit.base_shift;
		l.pa = hit.ra;
		l.gpa = hit.ra;
		l.perms = hit.perms;
		l.entry = hit.pte1;
		l.level = 0;
		l.index = (unsigned)idx;
		l.pkey = hit.key;
		rc = rl_push(out, &l);
		if (rc < 0)
			return rc;
	}
	return 0;
}

#define SCAN_CHUNK 4096u

static int collect(pgw_ctx *c, const struct pgw_walk_filter *flt,
		   struct rleaves *out)
{
	struct pgw_hash *h = pgw__hash(c);
	unsigned char *buf = malloc(SCAN_CHUNK * PGW_HPTE_SIZE);
	uint64_t budget = c->walk_budget, idx = 0;
	int rc = 0;

	if (!buf)
		return PGW_ENOMEM;
	while (idx < h->nhpte) {
		const unsigned char *raw;
		unsigned n;

		if (h->ops && h->ops->next_used) {
			uint64_t nx = h->ops->next_used(idx, h->ops_payload);

			if (nx >= h->nhpte)
				break;
			if (nx > idx)
				idx = nx & ~(uint64_t)(PGW_HPTES_PER_GROUP - 1);
		}
		n = h->nhpte - idx < SCAN_CHUNK ? (unsigned)(h->nhpte - idx) :
		    SCAN_CHUNK;
		if (budget-- == 0) {
			rc = PGW_ELIMIT;
			break;
		}
		raw = pgw__hash_read(c, idx, n, buf);
		if (!raw) {
			rc = PGW_EIO;
			break;
		}
		for (unsigned i = 0; i < n && rc == 0; i++) {
			uint64_t pte0, pte1;

			pgw__hpte_decode(c, raw + (size_t)i * PGW_HPTE_SIZE,
					 &pte0, &pte1);
			if (pte0 & PGW_HPTE0_V)
				rc = hpte_leaves(c, flt, idx + i, pte0, out);
		}
		if (rc < 0)
			break;
		idx += n;
	}
	free(buf);
	return rc;
}

int pgw__hash_walk(pgw_ctx *c, const struct pgw_walk_filter *flt,
		   const struct pgw_walk_ops *ops, void *payload)
{
	struct rleaves r = { 0 };
	int rc;

	if (!ops || (!ops->leaf && !ops->leaves))
		return 0;  /* a hash walk reports leaves only */
	rc = collect(c, flt, &r);
	if (rc == 0) {
		/* No leaf leaves r.v NULL, which qsort must not be given
		 * (C11 7.22.5: pointer arguments valid even for 0 elements). */
		if (r.n > 1)
			qsort(r.v, r.n, sizeof(r.v[0]), leaf_cmp);
		/* Runs of one page each: HPTEs are not in one table. */
		for (size_t i = 0; i < r.n && rc == 0; i++)
			rc = ops->leaves ? ops->leaves(&r.v[i], 1, payload) :
			     ops->leaf(&r.v[i], payload);
	}
	free(r.v);
	return rc;
}
