/*
 * Hand-built VMSAv8-64 tables for the arm64 walker tests: fake physical
 * memory (tests/common/ptbuilder), a bump allocator of granule-aligned
 * tables, and a helper that installs one descriptor along a VA's path.
 * The geometry (index positions per level) is computed here from the Arm
 * ARM's rules, independently of walker/arm64/, as a second opinion.
 */
#ifndef A64_TABLES_H
#define A64_TABLES_H

#include "ptbuilder.h"

#include <string.h>

/* Descriptor bits (Arm ARM D8.3). */
#define D_VALID  (1ULL << 0)
#define D_TABLE  (3ULL)           /* bits[1:0] = 11: table, or a page */
#define D_BLOCK  (1ULL)           /* bits[1:0] = 01: block */
#define D_PAGE   (3ULL)
#define D_AP1    (1ULL << 6)      /* EL0 access (S2AP[0]: read) */
#define D_AP2    (1ULL << 7)      /* read-only (S2AP[1]: write) */
#define D_AF     (1ULL << 10)
#define D_NG     (1ULL << 11)
#define D_CONT   (1ULL << 52)
#define D_PXN    (1ULL << 53)
#define D_UXN    (1ULL << 54)
#define D_PXNT   (1ULL << 59)
#define D_UXNT   (1ULL << 60)
#define D_APT0   (1ULL << 61)
#define D_APT1   (1ULL << 62)

/* TCR_EL1 (Arm ARM D19.2): TG0 4K=0 64K=1 16K=2; TG1 16K=1 4K=2 64K=3. */
static inline unsigned tg0_of(unsigned pgshift)
{
	return pgshift == 12 ? 0 : pgshift == 16 ? 1 : 2;
}

static inline unsigned tg1_of(unsigned pgshift)
{
	return pgshift == 12 ? 2 : pgshift == 16 ? 3 : 1;
}

/* IPS/PS encodings: 32 36 40 42 44 48 52 bits. */
#define IPS_40 2ULL
#define IPS_48 5ULL
#define IPS_52 6ULL

static inline uint64_t tcr_of(unsigned pg0, unsigned ia0, unsigned pg1,
			      unsigned ia1, uint64_t ips)
{
	return (uint64_t)(64 - ia0) | ((uint64_t)tg0_of(pg0) << 14) |
	       ((uint64_t)(64 - ia1) << 16) | ((uint64_t)tg1_of(pg1) << 30) |
	       (ips << 32);
}

struct geo {
	unsigned pgshift;   /* 12, 14, 16 */
	unsigned ia;        /* input bits */
	int start;          /* first level */
};

static inline struct geo geo_of(unsigned pgshift, unsigned ia)
{
	unsigned stride = pgshift - 3;
	struct geo g = { pgshift, ia, 0 };

	/* D8.2: as many levels as resolve ia - pgshift bits, stride each. */
	g.start = 4 - (int)((ia - pgshift + stride - 1) / stride);
	return g;
}

static inline unsigned geo_shift(const struct geo *g, int l)
{
	return g->pgshift + (g->pgshift - 3) * (unsigned)(3 - l);
}

static inline unsigned geo_bits(const struct geo *g, int l)
{
	return l == g->start ? g->ia - geo_shift(g, l) : g->pgshift - 3;
}

struct a64 {
	struct ptb b;
	uint64_t next;      /* bump allocator */
	pgw_ctx *ctx, *s2;
};

#define A64_MEM (64ULL << 20)
#define A64_FIRST (1ULL << 20)

static inline void a64_reset(struct a64 *t)
{
	if (t->next > A64_FIRST)
		memset(t->b.mem + A64_FIRST, 0, t->next - A64_FIRST);
	t->next = A64_FIRST;
	pgw_ctx_free(t->ctx);
	pgw_ctx_free(t->s2);
	t->ctx = t->s2 = NULL;
}

/* @size bytes aligned to @size (64 at least). */
static inline uint64_t a64_alloc(struct a64 *t, uint64_t size)
{
	uint64_t a = size < 64 ? 64 : size, pa = (t->next + a - 1) & ~(a - 1);

	t->next = pa + size;
	if (t->next > A64_MEM)
		abort();
	return pa;
}

static inline uint64_t a64_root(struct a64 *t, const struct geo *g)
{
	return a64_alloc(t, 8ULL << geo_bits(g, g->start));
}

/* Install @desc at Arm level @level on @va's path below @root, creating
 * tables (next-level address | 11) as needed; returns the entry's PA. */
static inline uint64_t a64_map(struct a64 *t, const struct geo *g,
			       uint64_t root, uint64_t va, int level,
			       uint64_t desc)
{
	uint64_t table = root;

	for (int l = g->start;; l++) {
		uint64_t i = (va >> geo_shift(g, l)) &
			     ((1ULL << geo_bits(g, l)) - 1);
		uint64_t ea = table + i * 8, e;

		if (l == level) {
			ptb_put(&t->b, ea, desc, 8);
			return ea;
		}
		e = ptb_get(&t->b, ea, 8);
		if (!(e & D_VALID)) {
			e = a64_alloc(t, 1ULL << g->pgshift) | D_TABLE;
			ptb_put(&t->b, ea, e, 8);
		}
		table = e & 0x0000fffffffff000ULL & ~((1ULL << g->pgshift) - 1);
	}
}

static inline int a64_setup(void **state)
{
	struct a64 *t = calloc(1, sizeof(*t));

	if (!t || ptb_init(&t->b, A64_MEM) < 0)
		return -1;
	t->next = A64_FIRST;
	*state = t;
	return 0;
}

static inline int a64_teardown(void **state)
{
	struct a64 *t = *state;

	pgw_ctx_free(t->ctx);
	pgw_ctx_free(t->s2);
	ptb_fini(&t->b);
	free(t);
	return 0;
}

#endif
