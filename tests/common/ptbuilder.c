/*
 * Fake physical memory and page-table construction for walker tests.
 */
#include "ptbuilder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct ptb_geom g32 = { 2, 4, { 22, 12 }, { 10, 10 } };
static const struct ptb_geom gpae = { 3, 8, { 30, 21, 12 }, { 2, 9, 9 } };
static const struct ptb_geom g4 = { 4, 8, { 39, 30, 21, 12 }, { 9, 9, 9, 9 } };
static const struct ptb_geom g5 = { 5, 8, { 48, 39, 30, 21, 12 },
				     { 9, 9, 9, 9, 9 } };

const struct ptb_geom *ptb_geom(enum pgw_mode mode)
{
	switch (mode) {
	case PGW_MODE_X86_32: return &g32;
	case PGW_MODE_X86_PAE: return &gpae;
	case PGW_MODE_X86_5L: case PGW_MODE_EPT5: case PGW_MODE_NPT5:
		return &g5;
	default: return &g4;
	}
}

int ptb_init(struct ptb *b, uint64_t size)
{
	memset(b, 0, sizeof(*b));
	b->mem = calloc(1, size);
	if (!b->mem)
		return -1;
	b->size = size;
	b->next = 0x1000;  /* keep page 0 free: a zero entry must not alias it */
	b->allow_map = 1;
	return 0;
}

void ptb_fini(struct ptb *b)
{
	free(b->mem);
	b->mem = NULL;
}

uint64_t ptb_page(struct ptb *b)
{
	uint64_t pa = b->next;

	if (pa + 4096 > b->size) {
		fprintf(stderr, "ptbuilder: out of fake memory\n");
		abort();
	}
	b->next += 4096;
	memset(b->mem + pa, 0, 4096);
	return pa;
}

void ptb_put(struct ptb *b, uint64_t pa, uint64_t v, unsigned esize)
{
	for (unsigned i = 0; i < esize; i++)
		b->mem[pa + i] = (unsigned char)(v >> (8 * i));
}

uint64_t ptb_get(const struct ptb *b, uint64_t pa, unsigned esize)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < esize; i++)
		v |= (uint64_t)b->mem[pa + i] << (8 * i);
	return v;
}

static uint64_t table_addr(enum pgw_mode mode, uint64_t e)
{
	if (mode == PGW_MODE_X86_32)
		return e & 0xfffff000ULL;
	return e & 0x000ffffffffff000ULL;
}

uint64_t ptb_entry_pa(struct ptb *b, enum pgw_mode mode, uint64_t root,
		      uint64_t va, int level)
{
	const struct ptb_geom *g = ptb_geom(mode);
	uint64_t table = root;

	for (int l = 0;; l++) {
		uint64_t i = (va >> g->shift[l]) & ((1ULL << g->bits[l]) - 1);
		uint64_t epa = table + i * g->esize;

		if (l == level)
			return epa;
		table = table_addr(mode, ptb_get(b, epa, g->esize));
	}
}

uint64_t ptb_map(struct ptb *b, enum pgw_mode mode, uint64_t root,
		 uint64_t va, int leaf_level, uint64_t leaf, uint64_t tflags)
{
	const struct ptb_geom *g = ptb_geom(mode);
	uint64_t table = root;

	for (int l = 0; l < leaf_level; l++) {
		uint64_t i = (va >> g->shift[l]) & ((1ULL << g->bits[l]) - 1);
		uint64_t epa = table + i * g->esize;
		uint64_t e = ptb_get(b, epa, g->esize);

		if (!e) {
			uint64_t pg = ptb_page(b);

			/* PAE PDPTEs carry only P (and cache bits). */
			e = pg | (mode == PGW_MODE_X86_PAE && l == 0 ?
				  1 : tflags);
			ptb_put(b, epa, e, g->esize);
		}
		table = table_addr(mode, e);
	}
	uint64_t i = (va >> g->shift[leaf_level]) &
		     ((1ULL << g->bits[leaf_level]) - 1);
	uint64_t epa = table + i * g->esize;

	ptb_put(b, epa, leaf, g->esize);
	return epa;
}

static int ptb_read(uint64_t pa, void *buf, size_t len, void *payload)
{
	struct ptb *b = payload;

	b->reads++;
	if (pa >= b->size || len > b->size - pa)
		return -1;
	memcpy(buf, b->mem + pa, len);
	return 0;
}

static const void *ptb_map_mem(uint64_t pa, size_t len, void *payload)
{
	struct ptb *b = payload;

	if (!b->allow_map || pa >= b->size || len > b->size - pa)
		return NULL;
	return b->mem + pa;
}

const struct pgw_mem_ops ptb_mem_ops = { ptb_read, ptb_map_mem };

const struct pgw_mem_ops ptb_mem_ops_copy = { ptb_read, NULL };

static int fx_setup(void **state, uint64_t size)
{
	struct ptb_fx *f = calloc(1, sizeof(*f));

	if (!f || ptb_init(&f->b, size) < 0) {
		free(f);
		return -1;
	}
	f->root = ptb_page(&f->b);
	*state = f;
	return 0;
}

int ptb_fx_setup_8m(void **state)
{
	return fx_setup(state, 8 << 20);
}

int ptb_fx_setup_16m(void **state)
{
	return fx_setup(state, 16 << 20);
}

int ptb_fx_teardown(void **state)
{
	struct ptb_fx *f = *state;

	pgw_ctx_free(f->ctx);
	ptb_fini(&f->b);
	free(f);
	return 0;
}
