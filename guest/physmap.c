/*
 * Guest-physical memory: the sorted table of backed ranges every source
 * fills, its binary search, and the reads built on it (guest_phys_read, the
 * walker's memory ops with zero-copy map, range enumeration).
 */
#include "guest_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int guest__physmap_add(guest *g, uint64_t pa, uint64_t len,
		       const uint8_t *host, uint64_t file_off, int tag,
		       char *err, size_t errlen)
{
	struct guest_physmap *m = &g->pm;

	if (len == 0)
		return 0;
	if (pa + len <= pa)
		return guest__fail(err, errlen,
				   "range %d at physical 0x%llx (0x%llx bytes) "
				   "wraps past the end of the address space",
				   tag, (unsigned long long)pa,
				   (unsigned long long)len);
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct guest_range *r = realloc(m->r, cap * sizeof(*r));

		if (!r)
			return guest__fail(err, errlen, "out of memory");
		m->r = r;
		m->cap = cap;
	}
	m->r[m->n++] = (struct guest_range){ .pa = pa, .len = len, .host = host,
					     .file_off = file_off, .tag = tag };
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct guest_range *x = a, *y = b;

	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

int guest__physmap_finish(guest *g, const char *what, char *err,
			  size_t errlen)
{
	struct guest_physmap *m = &g->pm;

	/* An empty map has no array: qsort must not see its NULL. */
	if (m->n)
		qsort(m->r, m->n, sizeof(*m->r), cmp_range);
	for (size_t i = 1; i < m->n; i++) {
		const struct guest_range *a = &m->r[i - 1], *b = &m->r[i];

		if (a->pa + a->len > b->pa)
			return guest__fail(err, errlen,
					   "%s %d at file offset 0x%llx overlaps "
					   "%s %d (physical 0x%llx-0x%llx)",
					   what, b->tag,
					   (unsigned long long)b->file_off,
					   what, a->tag,
					   (unsigned long long)a->pa,
					   (unsigned long long)(a->pa + a->len - 1));
	}
	return 0;
}

const struct guest_range *guest__physmap_find(const guest *g, uint64_t pa)
{
	const struct guest_physmap *m = &g->pm;
	size_t lo = 0, hi = m->n;

	/* First range starting above pa; the one before may hold it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->r[mid].pa <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	if (pa - m->r[lo - 1].pa < m->r[lo - 1].len)
		return &m->r[lo - 1];
	return NULL;
}

void guest__physmap_free(guest *g)
{
	free(g->pm.r);
	g->pm = (struct guest_physmap){ 0 };
}

uint64_t guest__physmap_bytes(const guest *g)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < g->pm.n; i++)
		sum += g->pm.r[i].len;
	return sum;
}

size_t guest_phys_read(guest *g, uint64_t pa, void *buf, size_t len)
{
	uint8_t *out = buf;
	size_t done = 0;

	while (done < len) {
		const struct guest_range *r = guest__physmap_find(g, pa);
		uint64_t off, chunk;
		size_t got;

		if (!r)
			break;
		off = pa - r->pa;
		chunk = r->len - off;
		if (chunk > len - done)
			chunk = len - done;
		if (r->host) {
			memcpy(out + done, r->host + off, chunk);
			got = chunk;
		} else {
			got = g->src->read ? g->src->read(g, pa, out + done,
							  chunk) : 0;
		}
		done += got;
		pa += got;
		if (got < chunk || pa == 0)
			break;
	}
	return done;
}

static int mem_read(uint64_t pa, void *buf, size_t len, void *payload)
{
	return guest_phys_read(payload, pa, buf, len) == len ? 0 : -1;
}

static const void *mem_map(uint64_t pa, size_t len, void *payload)
{
	const struct guest_range *r = guest__physmap_find(payload, pa);

	/* Zero-copy only when the whole table lies in one file-backed range. */
	if (!r || !r->host || len > r->len - (pa - r->pa))
		return NULL;
	return r->host + (pa - r->pa);
}

static const struct pgw_mem_ops mem_ops = {
	.read = mem_read,
	.map = mem_map,
};

const struct pgw_mem_ops *guest_mem_ops(const guest *g)
{
	(void)g;
	return &mem_ops;
}

int guest_phys_ranges(const guest *g,
		      int (*fn)(uint64_t pa, uint64_t size, void *payload),
		      void *payload)
{
	const struct guest_physmap *m = &g->pm;

	for (size_t i = 0; i < m->n;) {
		uint64_t pa = m->r[i].pa, size = m->r[i].len;
		int rc;

		/* Report touching ranges (RAM split by the source) as one. */
		for (i++; i < m->n && m->r[i].pa == pa + size; i++)
			size += m->r[i].len;
		rc = fn(pa, size, payload);
		if (rc)
			return rc;
	}
	return 0;
}

int guest_phys_is_ram(const guest *g, uint64_t pa, uint64_t size)
{
	while (size) {
		const struct guest_range *r = guest__physmap_find(g, pa);
		uint64_t left;

		if (!r)
			return 0;
		left = r->len - (pa - r->pa);
		if (left >= size)
			return 1;
		pa += left;
		size -= left;
		if (pa == 0)
			return 0;
	}
	return 1;
}
