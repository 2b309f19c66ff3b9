/*
 * In-test page-table builder: a fake physical memory in a heap buffer, page
 * allocation, and helpers that install entries along a VA's path for any
 * x86/EPT mode. The geometry here is written independently of the walker's
 * format tables, so the tests check the walker against a second opinion.
 */
#ifndef PTBUILDER_H
#define PTBUILDER_H

#include "pgwalk.h"

#include <stddef.h>
#include <stdint.h>

struct ptb {
	unsigned char *mem;
	uint64_t size;         /* bytes of fake physical memory */
	uint64_t next;         /* next free page for ptb_page() */
	unsigned reads;        /* read() calls served (tests of batching) */
	int allow_map;         /* map() answers (zero-copy path) */
};

/* Geometry of a mode as the tests know it. */
struct ptb_geom {
	unsigned levels;
	unsigned esize;
	unsigned shift[5];
	unsigned bits[5];
};

int ptb_init(struct ptb *b, uint64_t size);
void ptb_fini(struct ptb *b);
/* A zeroed, 4K-aligned page; aborts the test run if memory runs out. */
uint64_t ptb_page(struct ptb *b);
void ptb_put(struct ptb *b, uint64_t pa, uint64_t v, unsigned esize);
uint64_t ptb_get(const struct ptb *b, uint64_t pa, unsigned esize);
const struct ptb_geom *ptb_geom(enum pgw_mode mode);

/*
 * Install @leaf as the entry for @va at @leaf_level (0 = top), creating
 * missing tables below @root with entries (table_pa | @tflags).
 * Returns the physical address of the leaf entry.
 */
uint64_t ptb_map(struct ptb *b, enum pgw_mode mode, uint64_t root,
		 uint64_t va, int leaf_level, uint64_t leaf, uint64_t tflags);
/* Physical address of the entry for @va at @level (tables must exist). */
uint64_t ptb_entry_pa(struct ptb *b, enum pgw_mode mode, uint64_t root,
		      uint64_t va, int level);

/* Memory ops over a struct ptb (payload): with zero-copy map(), and
 * read()-only so the walker's copying and caching paths run too. */
extern const struct pgw_mem_ops ptb_mem_ops;
extern const struct pgw_mem_ops ptb_mem_ops_copy;

/* The common test fixture: fake memory, a zeroed root table at 0x1000 and
 * the context under test (freed at teardown). The cmocka setups differ only
 * in the size of the fake memory. */
struct ptb_fx {
	struct ptb b;
	uint64_t root;
	pgw_ctx *ctx;
};

int ptb_fx_setup_8m(void **state);
int ptb_fx_setup_16m(void **state);
int ptb_fx_teardown(void **state);

#endif
