/*
 * Aligned copies of the table pages the walker asks to map where the
 * snapshot has none to lend: a migration stream's RAM pages sit at
 * unaligned file offsets, a compressed dump's are not in the file at all,
 * and the walker maps only aligned tables (else it copies each table on
 * every walk, and its fast path never runs). A snapshot never changes, so
 * a copy made once serves until the guest is closed; live guests keep none.
 */
#include "guest_priv.h"

#include <stdlib.h>
#include <string.h>

/* At most this many pages are kept (256 MiB): far more than the tables
 * of the guests pgstub reads; past it, the walker copies as before. They
 * are carved from aligned chunks of CHUNK_PAGES (an aligned allocation
 * per page would cost up to a page more each). */
#define PAGESTORE_MAX 65536u
#define CHUNK_PAGES 64u

/* Room for page n (the next one), 4 KiB-aligned; NULL when out of
 * memory. A chunk is added only when the last one is full. */
static uint8_t *next_page(struct guest_pagestore *s)
{
	if (s->n / CHUNK_PAGES == s->nchunks) {
		uint8_t **c = realloc(s->chunks, (s->nchunks + 1) *
				      sizeof(*c));

		if (!c)
			return NULL;
		s->chunks = c;
		c[s->nchunks] = aligned_alloc(4096, CHUNK_PAGES * 4096);
		if (!c[s->nchunks])
			return NULL;
		s->nchunks++;
	}
	return s->chunks[s->n / CHUNK_PAGES] + (s->n % CHUNK_PAGES) * 4096;
}

static size_t slot_of(uint64_t pfn, size_t cap)
{
	return (size_t)((pfn * 0x9e3779b97f4a7c15ULL) >> 20) & (cap - 1);
}

/* Twice the slots, the pages rehashed; -1 when out of memory. */
static int grow(struct guest_pagestore *s)
{
	size_t cap = s->cap ? 2 * s->cap : 1024;
	uint64_t *keys = calloc(cap, sizeof(*keys));
	uint8_t **pages = calloc(cap, sizeof(*pages));

	if (!keys || !pages) {
		free(keys);
		free(pages);
		return -1;
	}
	for (size_t i = 0; i < s->cap; i++) {
		size_t j;

		if (!s->keys[i])
			continue;
		for (j = slot_of(s->keys[i] - 1, cap); keys[j];
		     j = (j + 1) & (cap - 1))
			;
		keys[j] = s->keys[i];
		pages[j] = s->pages[i];
	}
	free(s->keys);
	free(s->pages);
	s->keys = keys;
	s->pages = pages;
	s->cap = cap;
	return 0;
}

const uint8_t *guest__pagestore_get(guest *g, uint64_t page_pa)
{
	struct guest_pagestore *s = &g->ps;
	uint64_t pfn = page_pa >> 12;
	uint8_t *p;
	size_t i;

	for (i = s->cap ? slot_of(pfn, s->cap) : 0; s->cap && s->keys[i];
	     i = (i + 1) & (s->cap - 1))
		if (s->keys[i] == pfn + 1)
			return s->pages[i];
	if (s->n >= PAGESTORE_MAX)
		return NULL;
	/* A page the snapshot lacks is not kept: the walker's read then
	 * says why (outside RAM, or left out of the dump). */
	p = next_page(s);
	if (!p || guest_phys_read(g, page_pa, p, 4096) != 4096 ||
	    (2 * (s->n + 1) > s->cap && grow(s) < 0))
		return NULL;   /* the room stays for the next page */
	for (i = slot_of(pfn, s->cap); s->keys[i]; i = (i + 1) & (s->cap - 1))
		;
	s->keys[i] = pfn + 1;
	s->pages[i] = p;
	s->n++;
	return p;
}

void guest__pagestore_free(guest *g)
{
	struct guest_pagestore *s = &g->ps;

	for (size_t i = 0; i < s->nchunks; i++)
		free(s->chunks[i]);
	free(s->chunks);
	free(s->keys);
	free(s->pages);
	*s = (struct guest_pagestore){ 0 };
}
