/*
 * Guest-physical memory: the sorted table of backed ranges every source
 * fills (with data, or RAM the dump left out), its binary search, and the
 * reads built on it (guest_phys_read, the walker's memory ops with
 * zero-copy map, range enumeration).
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

int guest__physmap_add_absent(guest *g, uint64_t pa, uint64_t len, int tag,
			      char *err, size_t errlen)
{
	if (guest__physmap_add(g, pa, len, NULL, 0, tag, err, errlen))
		return -1;
	if (len)
		g->pm.r[g->pm.n - 1].absent = 1;
	return 0;
}

/* By address; at one address, data before RAM left out. */
static int cmp_range(const void *a, const void *b)
{
	const struct guest_range *x = a, *y = b;

	if (x->pa != y->pa)
		return x->pa < y->pa ? -1 : 1;
	return x->absent - y->absent;
}

/*
 * @p cur overlaps the last kept range @p prev, one of them absent: cut the
 * absent one back so that data wins. An absent range reaching past the data
 * range that follows it loses that remainder (a source that declares it so
 * is malformed; no real dump does). @return 0 when cur is to be dropped.
 */
static int trim_absent(struct guest_range *prev, struct guest_range *cur)
{
	uint64_t pend = prev->pa + prev->len, end = cur->pa + cur->len;

	if (cur->absent) {
		if (end <= pend)
			return 0;
		cur->len = end - pend;
		cur->pa = pend;
		return 1;
	}
	prev->len = cur->pa - prev->pa;
	return 1;
}

/*
 * @p cur overlaps the last kept range @p prev, both with data. Linux's
 * /proc/vmcore (and makedumpfile -E) describes the kernel image twice: at
 * its text mapping and inside the direct map's segment, with the same
 * bytes. Overlapping data is one memory only when it agrees; then cur keeps
 * just what lies past prev. @return 1 to keep cur, 0 to drop it, -1 when
 * the bytes differ (at *@p at) or cannot be compared (compressed data).
 */
static int merge_same(const struct guest_range *prev, struct guest_range *cur,
		      uint64_t *at)
{
	uint64_t pend = prev->pa + prev->len, end = cur->pa + cur->len;
	uint64_t n = (end < pend ? end : pend) - cur->pa;
	const uint8_t *p, *c;

	*at = cur->pa;
	if (!prev->host || !cur->host)
		return -1;
	p = prev->host + (cur->pa - prev->pa);
	c = cur->host;
	if (memcmp(p, c, n)) {
		while (*p == *c)
			p++, c++, (*at)++;
		return -1;
	}
	if (end <= pend)
		return 0;
	cur->host += n;
	cur->file_off += n;
	cur->pa += n;
	cur->len -= n;
	return 1;
}

int guest__physmap_finish(guest *g, const char *what, char *err,
			  size_t errlen)
{
	struct guest_physmap *m = &g->pm;
	size_t out = 0;

	/* An empty map has no array: qsort must not see its NULL. */
	if (m->n)
		qsort(m->r, m->n, sizeof(*m->r), cmp_range);
	for (size_t i = 0; i < m->n; i++) {
		struct guest_range cur = m->r[i];
		struct guest_range *a = out ? &m->r[out - 1] : NULL;

		if (a && a->pa + a->len > cur.pa) {
			unsigned long long last = a->pa + a->len - 1;
			uint64_t at;
			int keep;

			if (!a->absent && !cur.absent) {
				keep = merge_same(a, &cur, &at);
				if (keep < 0)
					return guest__fail(err, errlen, "%s %d "
						"at file offset 0x%llx overlaps "
						"%s %d (physical 0x%llx-0x%llx) "
						"and %s at physical 0x%llx",
						what, cur.tag, (unsigned long
						long)cur.file_off, what, a->tag,
						(unsigned long long)a->pa, last,
						a->host && cur.host ? "differs"
						: "cannot be compared",
						(unsigned long long)at);
				if (keep)
					m->r[out++] = cur;
				continue;
			}
			if (!trim_absent(a, &cur))
				continue;
			if (a->len == 0)
				out--;
		}
		m->r[out++] = cur;
	}
	m->n = out;
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
		sum += g->pm.r[i].absent ? 0 : g->pm.r[i].len;
	return sum;
}

uint64_t guest__physmap_absent_bytes(const guest *g)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < g->pm.n; i++)
		sum += g->pm.r[i].absent ? g->pm.r[i].len : 0;
	return sum;
}

static int count_range(uint64_t pa, uint64_t size, void *payload)
{
	(void)pa;
	(void)size;
	++*(size_t *)payload;
	return 0;
}

size_t guest__physmap_data_ranges(const guest *g)
{
	size_t n = 0;

	guest_phys_ranges(g, count_range, &n);
	return n;
}

const char *guest__physmap_filtered_text(const guest *g, char *buf,
					 size_t len)
{
	uint64_t kib = guest__physmap_absent_bytes(g) >> 10;

	buf[0] = 0;
	if (kib >= 1024)
		snprintf(buf, len, "; %llu MiB of RAM not in the dump",
			 (unsigned long long)(kib >> 10));
	else if (kib)
		snprintf(buf, len, "; %llu KiB of RAM not in the dump",
			 (unsigned long long)kib);
	return buf;
}

enum guest_phys_state guest_phys_state(const guest *g, uint64_t pa)
{
	const struct guest_range *r = guest__physmap_find(g, pa);

	if (!r)
		return GUEST_PHYS_NO_RAM;
	return r->absent ? GUEST_PHYS_NOT_DUMPED : GUEST_PHYS_DATA;
}

uint64_t guest_phys_not_dumped(const guest *g, uint64_t pa, uint64_t size)
{
	const struct guest_physmap *m = &g->pm;
	uint64_t last = size ? pa + size - 1 : pa, sum = 0;
	size_t lo = 0, hi = m->n;

	if (!size)
		return 0;
	if (last < pa)
		last = UINT64_MAX;
	/* The first range ending at or after pa, then on while they start
	 * at or before last. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->r[mid].pa + (m->r[mid].len - 1) < pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < m->n && m->r[lo].pa <= last; lo++) {
		const struct guest_range *r = &m->r[lo];
		uint64_t a = r->pa > pa ? r->pa : pa;
		uint64_t b = r->pa + (r->len - 1) < last ? r->pa + (r->len - 1)
							  : last;

		if (r->absent)
			sum += b - a + 1;
	}
	return sum;
}

const char *guest_phys_state_name(enum guest_phys_state st)
{
	switch (st) {
	case GUEST_PHYS_DATA: return "in the dump";
	case GUEST_PHYS_NOT_DUMPED: return "not in the dump";
	case GUEST_PHYS_NO_RAM: return "outside RAM";
	}
	return "outside RAM";
}

size_t guest_phys_read(guest *g, uint64_t pa, void *buf, size_t len)
{
	uint8_t *out = buf;
	size_t done = 0;

	while (done < len) {
		const struct guest_range *r = guest__physmap_find(g, pa);
		uint64_t off, chunk;
		size_t got;

		if (!r || r->absent)
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
	size_t got = guest_phys_read(payload, pa, buf, len);

	if (got == len)
		return 0;
	/* The walker tells a table the dump left out from one outside RAM. */
	return guest_phys_state(payload, pa + got) == GUEST_PHYS_NOT_DUMPED ?
	       PGW_ENODATA : -1;
}

static const void *mem_map(uint64_t pa, size_t len, void *payload)
{
	guest *g = payload;
	const struct guest_range *r = guest__physmap_find(g, pa);
	const uint8_t *p;

	/* Zero-copy when the whole table lies in one file-backed range, at
	 * an address the walker can load its entries from. */
	if (r && r->host && len <= r->len - (pa - r->pa) &&
	    !((uintptr_t)(r->host + (pa - r->pa)) & 7))
		return r->host + (pa - r->pa);
	/* Else a kept copy of its page (a stream's, a compressed dump's). */
	if (!r || !g->src || g->src->changes || (pa & 4095) + len > 4096)
		return NULL;
	p = guest__pagestore_get(g, pa & ~4095ULL);
	return p ? p + (pa & 4095) : NULL;
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

		if (m->r[i].absent) {
			i++;
			continue;
		}
		/* Report touching ranges (RAM split by the source) as one. */
		for (i++; i < m->n && !m->r[i].absent &&
		     m->r[i].pa == pa + size; i++)
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
