/*
 * Translation contexts, arch-neutral: allocation, deriving the decode masks
 * once through the arch (so the walk loop only tests bits), stage-2
 * contexts and nesting, and the getters. Each arch's constructor
 * (pgw_ctx_new_x86, ...) lives in its folder.
 */
#include "walker_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int pgw__fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return PGW_EINVAL;
}

/* @a and @b decode alike, each permission from one bit at most. */
static bool same_perm(const struct pgw_perm_decode *a,
		      const struct pgw_perm_decode *b)
{
	/* Single bits too: ANDing entries then testing a bit is ANDing the
	 * levels' permissions only when one bit grants each of them. */
	for (unsigned k = 0; k < 5; k++)
		if (a->mask[k] != b->mask[k] ||
		    (a->mask[k] & (a->mask[k] - 1)))
			return false;
	return a->flip == b->flip && a->always == b->always;
}

/* @p's decode as a lookup table (struct pgw_perm_decode): the bits its
 * masks test in one window, or two split at the widest gap between
 * them; none when they need more than 8 bits. */
static void perm_lut(struct pgw_perm_decode *p)
{
	uint64_t used = 0;
	unsigned lo = 0, hi = 0, cut = 0, gap = 0, prev = 64;

	for (unsigned k = 0; k < 5; k++)
		used |= p->mask[k];
	p->lut_ok = false;
	p->lut_lo[0] = p->lut_lo[1] = p->lut_bits[0] = p->lut_bits[1] = 0;
	if (used) {
		lo = (unsigned)__builtin_ctzll(used);
		hi = 63 - (unsigned)__builtin_clzll(used);
	}
	for (unsigned b = lo; used && b <= hi; b++) {
		if (!(used >> b & 1))
			continue;
		if (prev < 64 && b - prev > gap) {
			gap = b - prev;
			cut = b;
		}
		prev = b;
	}
	if (used && hi - lo < 8) {
		p->lut_lo[0] = (unsigned char)lo;
		p->lut_bits[0] = (unsigned char)(hi - lo + 1);
	} else if (used) {
		/* Window 0 ends at the last used bit below the cut. */
		unsigned end0 = 63 - (unsigned)__builtin_clzll(used &
				((1ULL << cut) - 1));

		p->lut_lo[0] = (unsigned char)lo;
		p->lut_bits[0] = (unsigned char)(end0 - lo + 1);
		p->lut_lo[1] = (unsigned char)cut;
		p->lut_bits[1] = (unsigned char)(hi - cut + 1);
	}
	if (p->lut_bits[0] + p->lut_bits[1] > 8)
		return;
	p->lut_mask[0] = (1u << p->lut_bits[0]) - 1;
	p->lut_mask[1] = (1u << p->lut_bits[1]) - 1;
	for (unsigned i = 0; i < 1u << (p->lut_bits[0] + p->lut_bits[1]); i++) {
		uint64_t lo_bits = i & ((1u << p->lut_bits[0]) - 1);
		uint64_t e = lo_bits << p->lut_lo[0] |
			     (uint64_t)(i >> p->lut_bits[0]) << p->lut_lo[1];

		/* Bits outside the windows change nothing the masks see. */
		p->lut[i] = (unsigned char)pgw__perms_of(p, e);
	}
	p->lut_ok = true;
}

void pgw__derive(pgw_ctx *c)
{
	const struct pgw_format *f = c->fmt;
	bool fast = f->entry_size == 8 && !f->big_endian && !c->root_loaded;
	bool uniform = true, nine = true;

	f->arch->derive(c);
	for (unsigned i = 0; i < f->nlevels; i++) {
		struct pgw_decode *m = &c->m[i];
		const struct pgw_perm_decode *p0 = &c->m[0].perm[0];

		/* A present entry is not 0, so ~0 makes every one a leaf. */
		if (f->lv[i].leaf == PGW_LEAF_NEVER)
			m->leaf = 0;
		else if (f->lv[i].leaf == PGW_LEAF_ALWAYS)
			m->leaf = ~0ULL;
		if (f->lv[i].leaf != PGW_LEAF_MAYBE)
			m->leaf_xor = 0;
		m->hooked = m->hook_rsvd || m->hook_addr || m->hook_check;
		perm_lut(&m->perm[0]);
		perm_lut(&m->perm[1]);
		m->fast_rsvd_table = m->rsvd_table | m->bail_table;
		m->fast_rsvd_leaf = m->rsvd_leaf | m->bail_leaf |
				    (m->hook_addr ? m->hook_addr_bits : 0);
		/* The fast path asks a rsvd hook itself (one call per
		 * entry), and leaves entries a hooked address needs to the
		 * general loop when the arch says which they are. */
		if ((m->hook_addr && !m->hook_addr_bits) ||
		    (m->hook_check && !m->check_masked))
			fast = false;
		if (f->lv[i].bits != 9)
			nine = false;
		if (m->present != c->m[0].present || m->addr_shift ||
		    m->addr_hi ||
		    !same_perm(&m->perm[0], p0) || !same_perm(&m->perm[1], p0))
			uniform = false;
	}
	if (c->off_reason)
		fast = false;  /* translate_at() reports it */
	c->fast = fast;
	c->uniform = fast && uniform;
	c->nine = fast && nine;
	c->in_mask = f->va_bits >= 64 ? ~0ULL : (1ULL << f->va_bits) - 1;
	/* Canonical: bits 63:va_bits-1 all equal (SDM 3A 3.3.7.1), so
	 * adding bit va_bits-1 leaves nothing above the index. A region:
	 * the bits above are its fill, but for those ignored (arm64 TBI). */
	c->in_add = f->canonical && f->va_bits < 64 ?
		    1ULL << (f->va_bits - 1) : 0;
	c->in_fill = f->canonical ? 0 : c->va_fill;
	c->in_check = ~c->in_mask & (f->canonical ? ~0ULL : ~c->va_ignore);
	pgw__plain_update(c);
}

void pgw__plain_update(pgw_ctx *c)
{
	const struct pgw_format *f = c->fmt;
	unsigned n = f ? f->nlevels : 0;
	struct pgw_last *l = &c->last;

	c->plain = c->fast && f && !c->arch->translate && !c->nested &&
		   c->mem->map;
	l->ok = c->plain && n >= 2 &&
		(c->caches & PGW__CACHE_PSC) && (c->caches & PGW__CACHE_MAP) &&
		f->lv[n - 1].leaf == PGW_LEAF_ALWAYS &&
		c->m[n - 1].perm[1].lut_ok;
	if (!l->ok)
		return;
	l->shift = f->lv[n - 1].shift;
	l->imask = (1ULL << f->lv[n - 1].bits) - 1;
	l->psc_shift = f->lv[n - 2].shift;
	l->psc = c->psc + (n - 2) * PGW_PSC_SLOTS;
	l->m = &c->m[n - 1];
}

int pgw__ctx_alloc(pgw_ctx **out, const struct pgw_arch *arch,
		   const struct pgw_mem_ops *mem, void *payload,
		   unsigned maxphyaddr, char *err, size_t errlen)
{
	pgw_ctx *c;

	*out = NULL;
	if (!mem || !mem->read)
		return pgw__fail(err, errlen, "no physical memory read callback");
	if (maxphyaddr == 0)
		maxphyaddr = 52;
	if (maxphyaddr < 32 || maxphyaddr > 52)
		return pgw__fail(err, errlen,
				 "MAXPHYADDR %u out of range (32..52)", maxphyaddr);
	c = calloc(1, sizeof(*c));
	if (!c)
		return PGW_ENOMEM;
	c->arch = arch;
	c->mem = mem;
	c->mem_payload = payload;
	c->maxphyaddr = maxphyaddr;
	c->pkey_shift = -1;
	c->walk_budget = PGW_DEFAULT_WALK_BUDGET;
	if (pgw__cache_init(c) < 0) {
		free(c);
		return PGW_ENOMEM;
	}
	*out = c;
	return 0;
}

int pgw_ctx_new_nested(pgw_ctx **out, enum pgw_mode mode, uint64_t root,
		       unsigned maxphyaddr, int nxe,
		       const struct pgw_mem_ops *mem, void *mem_payload,
		       char *err, size_t errlen)
{
	const struct pgw_format *f = pgw__format(mode);
	pgw_ctx *c;
	int rc;

	if (!out)
		return pgw__fail(err, errlen, "bad arguments");
	*out = NULL;
	if (!f || !f->stage2 || !f->arch->new_stage2)
		return pgw__fail(err, errlen, "not a nested paging mode");
	rc = pgw__ctx_alloc(&c, f->arch, mem, mem_payload, maxphyaddr, err,
			    errlen);
	if (rc < 0)
		return rc;
	c->fmt = f;
	rc = f->arch->new_stage2(c, root, nxe, err, errlen);
	if (rc < 0) {
		pgw_ctx_free(c);
		return rc;
	}
	pgw__derive(c);
	*out = c;
	return 0;
}

int pgw_ctx_set_nested(pgw_ctx *guest, pgw_ctx *host)
{
	/* Whole-method arches (ppc64 hash) have no tables to nest. */
	if (!guest || guest == host || guest->arch->translate ||
	    (host && host->arch->translate))
		return PGW_EINVAL;
	if (host && host->nested)
		return PGW_EINVAL;  /* one level of nesting, as hardware */
	if (host && (!host->fmt || !host->fmt->stage2))
		return PGW_EINVAL;
	guest->nested = host;
	pgw__plain_update(guest);
	if (guest->upper) {
		guest->upper->nested = host;
		pgw__plain_update(guest->upper);
	}
	pgw_ctx_invalidate(guest);
	return 0;
}

void pgw_ctx_free(pgw_ctx *c)
{
	if (!c)
		return;
	pgw_ctx_free(c->upper);
	pgw__cache_free(c);
	free(c->priv);
	free(c);
}

enum pgw_mode pgw_ctx_mode(const pgw_ctx *c)
{
	return c->fmt ? c->fmt->mode : PGW_MODE_NONE;
}

pgw_ctx *pgw_ctx_nested(const pgw_ctx *c)
{
	return c->nested;
}

unsigned pgw_ctx_va_bits(const pgw_ctx *c)
{
	if (!c->fmt)
		return 64;
	if (c->upper && c->upper->fmt && c->upper->fmt->va_bits > c->fmt->va_bits)
		return c->upper->fmt->va_bits;
	return c->fmt->va_bits;
}

int pgw_ctx_va_spans(const pgw_ctx *c, uint64_t spans[2][2])
{
	int n = 0;

	if (!c->fmt)
		return 0;
	if (!c->region)
		return pgw_mode_va_spans(c->fmt->mode, spans);
	for (const pgw_ctx *r = c; r && n < 2; r = r->upper, n++) {
		if (r->upper_half) {
			/* The canonical upper half, to the top. */
			spans[n][0] = ~((1ULL << (r->fmt->va_bits - 1)) - 1);
			spans[n][1] = 0;
			continue;
		}
		spans[n][0] = r->va_fill;
		spans[n][1] = r->va_fill + (1ULL << r->fmt->va_bits);
	}
	return n;
}

int pgw_ctx_levels(const pgw_ctx *c)
{
	return c->fmt ? (int)c->fmt->nlevels : 0;
}

const char *pgw_ctx_level_name(const pgw_ctx *c, int level)
{
	if (!c->fmt || level < 0 || level >= (int)c->fmt->nlevels)
		return "?";
	return c->fmt->lv[level].name;
}

uint64_t pgw_ctx_va_ignored(const pgw_ctx *c, uint64_t va)
{
	if (!c || !c->fmt)
		return 0;
	return pgw__region((pgw_ctx *)c, va)->va_ignore;
}

const char *pgw_ctx_region(const pgw_ctx *c, uint64_t va, const char **desc)
{
	if (desc)
		*desc = NULL;
	if (!c || !c->fmt)
		return NULL;
	c = pgw__region((pgw_ctx *)c, va);
	if (desc && c->region_name)
		*desc = c->region_desc;
	return c->region_name;
}

uint64_t pgw_ctx_canonical(const pgw_ctx *c, uint64_t va)
{
	unsigned b;

	if (!c->fmt)
		return va;
	c = pgw__region((pgw_ctx *)c, va);
	if (c->region)
		return (va & pgw__bits(c->fmt->va_bits - 1, 0)) | c->va_fill;
	if (!c->fmt->canonical)
		return va;
	b = c->fmt->va_bits;
	if (va & (1ULL << (b - 1)))
		return va | ~((1ULL << b) - 1);
	return va & ((1ULL << b) - 1);
}

void pgw_ctx_set_walk_budget(pgw_ctx *c, uint64_t tables)
{
	c->walk_budget = tables ? tables : PGW_DEFAULT_WALK_BUDGET;
	if (c->upper)
		pgw_ctx_set_walk_budget(c->upper, tables);
}
