/*
 * ppc64 radix walker tests' fake real memory: one flat buffer written in
 * big-endian (the tables' byte order), served with or without map(); a
 * bump allocator for tables aligned to their size; helpers that build
 * partition-table, process-table and tree entries from their fields; and
 * a sink for a view's text.
 */
#ifndef RXMEM_H
#define RXMEM_H

#include "pgwalk.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct rxmem {
	unsigned char *buf;
	uint64_t size;
	uint64_t next;            /* bump allocator for tables */
};

static inline void rxmem_init(struct rxmem *m, uint64_t size, uint64_t first)
{
	m->buf = calloc(1, size);
	if (!m->buf)
		abort();
	m->size = size;
	m->next = first;
}

/* A zeroed table of @bytes, aligned to its size. */
static inline uint64_t rxmem_alloc(struct rxmem *m, uint64_t bytes)
{
	uint64_t a = (m->next + bytes - 1) & ~(bytes - 1);

	if (a + bytes > m->size)
		abort();
	m->next = a + bytes;
	return a;
}

static inline void rxmem_put(struct rxmem *m, uint64_t pa, uint64_t v)
{
	if (pa + 8 > m->size)
		abort();
	for (unsigned i = 0; i < 8; i++)
		m->buf[pa + i] = (unsigned char)(v >> (56 - 8 * i));
}

static inline uint64_t rxmem_get(const struct rxmem *m, uint64_t pa)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++)
		v = v << 8 | m->buf[pa + i];
	return v;
}

static inline int rxmem_read(uint64_t pa, void *buf, size_t len, void *pl)
{
	struct rxmem *m = pl;

	if (pa > m->size || len > m->size - pa)
		return -1;
	memcpy(buf, m->buf + pa, len);
	return 0;
}

static inline const void *rxmem_map(uint64_t pa, size_t len, void *pl)
{
	struct rxmem *m = pl;

	if (pa > m->size || len > m->size - pa)
		return NULL;
	return m->buf + pa;
}

static const struct pgw_mem_ops rxmem_ops = {
	.read = rxmem_read, .map = rxmem_map,
};
static const struct pgw_mem_ops rxmem_ops_copy = { .read = rxmem_read };

/* Entry bits, as the value's bits (ISA bit n is 1 << (63 - n)). */
#define RX_V    (1ULL << 63)
#define RX_L    (1ULL << 62)
#define RX_R    (1ULL << 8)
#define RX_C    (1ULL << 7)
#define RX_P    (1ULL << 3)     /* EAA privileged */
#define RX_RD   (1ULL << 2)
#define RX_WR   (1ULL << 1)
#define RX_EX   (1ULL << 0)
#define RX_HR   (1ULL << 63)    /* PATE dword 0 */
#define RX_GR   (1ULL << 63)    /* PATE dword 1 */

/* Doubleword 0 of a PRTE/PATE: a tree of 2^@ea_bits bytes, its root of
 * 2^@rpds entries at @root (RTS = ea_bits - 31 split as RTS1 || RTS2). */
static inline uint64_t rx_tree(uint64_t root, unsigned ea_bits, unsigned rpds)
{
	uint64_t rts = ea_bits - 31;

	return ((rts >> 3) & 3) << 61 | root | (rts & 7) << 5 | rpds;
}

/* A PDE pointing to a table of 2^@nls entries. */
static inline uint64_t rx_pde(uint64_t table, unsigned nls)
{
	return RX_V | table | nls;
}

/* A tree's shape: index bits per level, root first; page shift last. */
struct rx_geo {
	unsigned n;
	unsigned bits[5];
	unsigned shift[5];
};

static inline struct rx_geo rx_geo(unsigned ea_bits, unsigned rpds,
				   unsigned last_nls)
{
	struct rx_geo g = { 0 };
	unsigned s = ea_bits, above = (ea_bits - rpds - 21) / 9;

	g.n = above + 2;
	for (unsigned i = 0; i < g.n; i++) {
		g.bits[i] = i == 0 ? rpds : i == g.n - 1 ? last_nls : 9;
		s -= g.bits[i];
		g.shift[i] = s;
	}
	return g;
}

/* Store @e as the entry for @ea at @level of the tree at @root, creating
 * the tables above it (EA bits above the tree are ignored). */
static inline void rx_map(struct rxmem *m, const struct rx_geo *g,
			  uint64_t root, uint64_t ea, unsigned level,
			  uint64_t e)
{
	uint64_t table = root;

	for (unsigned i = 0;; i++) {
		uint64_t idx = (ea >> g->shift[i]) & ((1ULL << g->bits[i]) - 1);
		uint64_t at = table + idx * 8, pde;

		if (i == level) {
			rxmem_put(m, at, e);
			return;
		}
		pde = rxmem_get(m, at);
		if (!(pde & RX_V)) {
			uint64_t t = rxmem_alloc(m, 8ULL << g->bits[i + 1]);

			pde = rx_pde(t, g->bits[i + 1]);
			rxmem_put(m, at, pde);
		}
		table = pde & 0x0fffffffffffff00ULL;
	}
}

/* A view's output, NUL-terminated (pgw_write_fn). */
struct rxtext {
	char s[65536];
	size_t n;
};

static inline int rxtext_write(const char *buf, size_t len, void *pl)
{
	struct rxtext *t = pl;

	if (t->n + len + 1 > sizeof(t->s))
		return -1;
	memcpy(t->s + t->n, buf, len);
	t->n += len;
	t->s[t->n] = 0;
	return 0;
}

static inline void rxtext_clear(struct rxtext *t)
{
	t->n = 0;
	t->s[0] = 0;
}

#endif /* RXMEM_H */
