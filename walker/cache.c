/*
 * Caches that make repeated translations cheap: a direct-mapped software TLB
 * keyed by 4K VA page, and a direct-mapped cache of table pages for memory
 * sources that cannot be mapped. Live guests invalidate them explicitly.
 */
#include "walker_priv.h"

#include <stdlib.h>
#include <string.h>

int pgw__cache_init(pgw_ctx *c)
{
	c->tlb = calloc(PGW_TLB_SIZE, sizeof(*c->tlb));
	return c->tlb ? 0 : PGW_ENOMEM;
}

void pgw__cache_free(pgw_ctx *c)
{
	free(c->tlb);
	free(c->pcache);
	c->tlb = NULL;
	c->pcache = NULL;
}

void pgw_ctx_invalidate(pgw_ctx *c)
{
	if (!c)
		return;
	if (c->tlb)
		memset(c->tlb, 0, PGW_TLB_SIZE * sizeof(*c->tlb));
	if (c->pcache)
		for (unsigned i = 0; i < PGW_PCACHE_SLOTS; i++)
			c->pcache[i].pa = 0;
	if (c->nested)
		pgw_ctx_invalidate(c->nested);
}

struct pgw_tlb_entry *pgw__tlb_slot(pgw_ctx *c, uint64_t va)
{
	uint64_t vpn = va >> 12;

	return &c->tlb[(vpn ^ (vpn >> 10)) & (PGW_TLB_SIZE - 1)];
}

/* Returns the 4K page at @page_pa, reading it on a miss; NULL if unbacked.
 * The cache is allocated on first use: sources that map memory never need
 * it. */
const void *pgw__pcache_get(pgw_ctx *c, uint64_t page_pa)
{
	uint64_t pfn = page_pa >> 12;
	struct pgw_pcache_slot *s;

	if (!c->pcache) {
		c->pcache = calloc(PGW_PCACHE_SLOTS, sizeof(*c->pcache));
		if (!c->pcache)
			return NULL;
	}
	s = &c->pcache[(pfn ^ (pfn >> 6)) & (PGW_PCACHE_SLOTS - 1)];

	if (s->pa == page_pa + 1)
		return s->data;
	s->pa = 0;
	if (c->mem->read(page_pa, s->data, sizeof(s->data), c->mem_payload) < 0)
		return NULL;
	s->pa = page_pa + 1;
	return s->data;
}
