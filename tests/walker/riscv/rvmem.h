/*
 * RISC-V walker tests' fake physical memory: a few regions anywhere in the
 * 56-bit space (Sv32 roots above 4 GiB, 16 KiB G-stage roots), written
 * entry by entry in little-endian, served with or without map(); and a
 * sink that collects a view's text.
 */
#ifndef RVMEM_H
#define RVMEM_H

#include "pgwalk.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RVMEM_REGIONS 4

struct rvmem {
	struct { uint64_t base, size; unsigned char *buf; } r[RVMEM_REGIONS];
	unsigned n;
	unsigned reads;           /* read() calls served */
};

/* Add a zeroed region [base, base + size). */
static inline void rvmem_add(struct rvmem *m, uint64_t base, uint64_t size)
{
	if (m->n == RVMEM_REGIONS)
		abort();
	m->r[m->n].base = base;
	m->r[m->n].size = size;
	m->r[m->n].buf = calloc(1, size);
	if (!m->r[m->n].buf)
		abort();
	m->n++;
}

static inline void rvmem_free(struct rvmem *m)
{
	for (unsigned i = 0; i < m->n; i++)
		free(m->r[i].buf);
	m->n = 0;
}

/* Host pointer of [pa, pa + len) inside one region, or NULL. */
static inline unsigned char *rvmem_at(const struct rvmem *m, uint64_t pa,
				      uint64_t len)
{
	for (unsigned i = 0; i < m->n; i++)
		if (pa >= m->r[i].base && len <= m->r[i].size &&
		    pa - m->r[i].base <= m->r[i].size - len)
			return m->r[i].buf + (pa - m->r[i].base);
	return NULL;
}

/* Store a PTE of @esize bytes (4 or 8), little-endian. */
static inline void rvmem_put(struct rvmem *m, uint64_t pa, uint64_t v,
			     unsigned esize)
{
	unsigned char *p = rvmem_at(m, pa, esize);

	if (!p)
		abort();
	for (unsigned i = 0; i < esize; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline int rvmem_read(uint64_t pa, void *buf, size_t len, void *pl)
{
	struct rvmem *m = pl;
	const unsigned char *p = rvmem_at(m, pa, len);

	m->reads++;
	if (!p)
		return -1;
	memcpy(buf, p, len);
	return 0;
}

static inline const void *rvmem_map(uint64_t pa, size_t len, void *pl)
{
	return rvmem_at(pl, pa, len);
}

/* Zero-copy, and read()-only so the copying paths run too. */
static const struct pgw_mem_ops rvmem_ops = {
	.read = rvmem_read, .map = rvmem_map,
};
static const struct pgw_mem_ops rvmem_ops_copy = { .read = rvmem_read };

/* A view's output, NUL-terminated (pgw_write_fn). */
struct rvtext {
	char *s;
	size_t n, cap;
};

static inline int rvtext_write(const char *buf, size_t len, void *pl)
{
	struct rvtext *t = pl;

	if (t->n + len + 1 > t->cap) {
		size_t cap = (t->n + len + 1) * 2;
		char *s = realloc(t->s, cap);

		if (!s)
			return -1;
		t->s = s;
		t->cap = cap;
	}
	memcpy(t->s + t->n, buf, len);
	t->n += len;
	t->s[t->n] = 0;
	return 0;
}

static inline void rvtext_clear(struct rvtext *t)
{
	t->n = 0;
	if (t->s)
		t->s[0] = 0;
}

/* PTE bits (Privileged ISA 4.3.1, 4.4.1, Svpbmt, Svnapot). */
#define V  (1ULL << 0)
#define R  (1ULL << 1)
#define W  (1ULL << 2)
#define X  (1ULL << 3)
#define U  (1ULL << 4)
#define G  (1ULL << 5)
#define A  (1ULL << 6)
#define D  (1ULL << 7)
#define PBMT(t) ((uint64_t)(t) << 61)
#define N  (1ULL << 63)
/* A PTE's PPN field for physical address @pa. */
#define PPN(pa) ((((uint64_t)(pa)) >> 12) << 10)

#define PERM_R PGW_PERM_R
#define PERM_W PGW_PERM_W
#define PERM_X PGW_PERM_X
#define PERM_U PGW_PERM_U

#endif /* RVMEM_H */
