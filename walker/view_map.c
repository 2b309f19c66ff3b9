/*
 * Merged virtual-to-physical mappings (pgw_mappings) for the memory map and
 * the paged ELF export: leaves from the range walk, joined while contiguous
 * in VA and PA with equal permissions, minus what the caller says is not RAM.
 */
#include "view_priv.h"

struct map_state {
	pgw_is_io_fn is_io;
	void *io_payload;
	pgw_mapping_fn emit;
	void *payload;
	bool open;
	struct pgw_mapping cur;
};

static int add(struct map_state *s, uint64_t va, uint64_t pa, uint64_t size,
	       unsigned perms)
{
	struct pgw_mapping *m = &s->cur;
	int rc;

	if (s->open && va == m->va + m->size && pa == m->pa + m->size &&
	    perms == m->perms) {
		m->size += size;
		return 0;
	}
	if (s->open) {
		rc = s->emit(m, s->payload);
		if (rc)
			return rc;
	}
	s->open = true;
	m->va = va;
	m->pa = pa;
	m->size = size;
	m->perms = perms;
	return 0;
}

/*
 * Keep the RAM parts of [pa, pa+size): ask once for the whole range, and
 * halve only ranges that mix RAM and I/O, down to 4K pages. A 1G page over
 * one aligned MMIO hole costs about 2 * 18 calls, not 262144.
 */
static int add_ram(struct map_state *s, uint64_t va, uint64_t pa,
		   uint64_t size, unsigned perms)
{
	uint64_t half;
	int rc, io;

	io = s->is_io ? s->is_io(pa, size, s->io_payload) : 0;
	if (!io)
		return add(s, va, pa, size, perms);
	if (io == PGW_IO_ALL || size <= 4096)
		return 0;
	half = (size / 2) & ~0xfffULL;
	if (!half)
		half = 4096;
	rc = add_ram(s, va, pa, half, perms);
	if (rc)
		return rc;
	return add_ram(s, va + half, pa + half, size - half, perms);
}

static int map_leaf(const struct pgw_leaf *l, void *payload)
{
	return add_ram(payload, l->va, l->pa, l->size, l->perms);
}

int pgw_mappings(pgw_ctx *c, const struct pgw_walk_filter *filter,
		 pgw_is_io_fn is_io, void *io_payload, pgw_mapping_fn emit,
		 void *payload)
{
	struct pgw_walk_ops ops = { .leaf = map_leaf };
	struct map_state s = {
		.is_io = is_io, .io_payload = io_payload, .emit = emit,
		.payload = payload,
	};
	int rc;

	if (!c || !emit)
		return PGW_EINVAL;
	rc = pgw_walk(c, filter, &ops, &s);
	if (rc == 0 && s.open)
		rc = emit(&s.cur, payload);
	return rc;
}
