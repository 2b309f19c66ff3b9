/*
 * What the translation benches share: a vCPU's mapped pages (a pgw_walk
 * leaf callback), the addresses drawn from them, and the CPU-time clock,
 * so that bench/xlat_cmp and bench/guest_xlat measure the same thing.
 */
#ifndef PGSTUB_BENCH_PAGES_H
#define PGSTUB_BENCH_PAGES_H

#include <pgwalk.h>

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

/* Mapped pages, for drawing addresses. */
struct pages {
	struct pgw_leaf *l;
	size_t n, cap;
};

static inline int pages_add_leaf(const struct pgw_leaf *l, void *payload)
{
	struct pages *p = payload;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 4096;
		struct pgw_leaf *nl = realloc(p->l, cap * sizeof(*nl));

		if (!nl)
			return PGW_ENOMEM;
		p->l = nl;
		p->cap = cap;
	}
	p->l[p->n++] = *l;
	return 0;
}

static inline uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* Process CPU time in seconds. */
static inline double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/*
 * 2 * @p n addresses and their physical addresses: the first n uniform
 * over the mapped pages ("random"), the next n within 256 consecutive
 * mapped pages ("local", what the TLB is for).
 */
static inline void pages_draw(const struct pages *pg, uint64_t n,
			      uint64_t *seed, uint64_t *va, uint64_t *want)
{
	size_t base = (size_t)(xorshift(seed) % (pg->n > 256 ? pg->n - 256 : 1));

	for (uint64_t i = 0; i < 2 * n; i++) {
		uint64_t x = xorshift(seed);
		size_t k = i < n ? (size_t)(x % pg->n) :
			   base + (size_t)(x % (pg->n < 256 ? pg->n : 256));
		uint64_t off = (x >> 20) % pg->l[k].size;

		va[i] = pg->l[k].va + off;
		want[i] = pg->l[k].pa + off;
	}
}

#endif
