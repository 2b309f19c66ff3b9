/*
 * The HTAB chunk stream decoder (KVM's HTAB fd format and QEMU's spapr/htab
 * migration section): an incremental byte state machine that rebuilds the
 * hashed page table in sparse 4 KiB blocks, and reads HPTEs back from it.
 */
#include "ppc64_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLK_HPTES 256u                      /* HPTEs per 4 KiB block */
#define BLK_BYTES (BLK_HPTES * PGW_HPTE_SIZE)
#define DIR_BLKS  4096u                     /* blocks per directory */

struct pgw_htab {
	unsigned shift;
	uint64_t nhpte;
	uint64_t ndirs;
	unsigned char ***dir;      /* dir[d][b]: block, NULL = all zero */
	uint64_t off;              /* bytes fed so far */
	/* Record being decoded. */
	bool in_data;
	unsigned char hdr[8];
	unsigned hdr_have;
	uint64_t rec_off;          /* stream offset of its header */
	uint64_t pos, end;         /* table byte range still to fill */
	bool failed;
	char err[256];
};

static int seterr(pgw_htab *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->err, sizeof(h->err), fmt, ap);
	va_end(ap);
	h->failed = true;
	return PGW_EINVAL;
}

int pgw_htab_new(pgw_htab **out, unsigned shift, char *err, size_t errlen)
{
	pgw_htab *h;
	uint64_t nblk;

	if (!out)
		return pgw__fail(err, errlen, "bad arguments");
	*out = NULL;
	if (shift < 18 || shift > 46)
		return pgw__fail(err, errlen, "HTAB shift %u out of range "
				 "(18..46)", shift);
	h = calloc(1, sizeof(*h));
	if (!h)
		return PGW_ENOMEM;
	h->shift = shift;
	h->nhpte = 1ULL << (shift - 4);
	nblk = h->nhpte / BLK_HPTES;
	h->ndirs = (nblk + DIR_BLKS - 1) / DIR_BLKS;
	h->dir = calloc(h->ndirs, sizeof(*h->dir));
	if (!h->dir) {
		free(h);
		return PGW_ENOMEM;
	}
	*out = h;
	return 0;
}

void pgw_htab_free(pgw_htab *h)
{
	if (!h)
		return;
	for (uint64_t d = 0; d < h->ndirs; d++) {
		if (!h->dir[d])
			continue;
		for (unsigned b = 0; b < DIR_BLKS; b++)
			free(h->dir[d][b]);
		free(h->dir[d]);
	}
	free(h->dir);
	free(h);
}

/* The block holding table byte @pos; allocated when @alloc. */
static unsigned char *block(pgw_htab *h, uint64_t pos, bool alloc, int *rc)
{
	uint64_t blk = pos / BLK_BYTES;
	unsigned char ***d = &h->dir[blk / DIR_BLKS];
	unsigned char **b;

	if (!*d) {
		if (!alloc)
			return NULL;
		*d = calloc(DIR_BLKS, sizeof(**d));
		if (!*d) {
			*rc = PGW_ENOMEM;
			return NULL;
		}
	}
	b = &(*d)[blk % DIR_BLKS];
	if (!*b && alloc) {
		*b = calloc(1, BLK_BYTES);
		if (!*b)
			*rc = PGW_ENOMEM;
	}
	return *b;
}

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Store @n bytes at table byte @pos (blocks of only zeros stay absent). */
static int store(pgw_htab *h, uint64_t pos, const unsigned char *src, size_t n)
{
	while (n) {
		size_t in = BLK_BYTES - (size_t)(pos % BLK_BYTES);
		size_t k = n < in ? n : in;
		int rc = 0;
		unsigned char *b = block(h, pos, !all_zero(src, k), &rc);

		if (rc < 0)
			return rc;
		if (b)
			memcpy(b + pos % BLK_BYTES, src, k);
		pos += k;
		src += k;
		n -= k;
	}
	return 0;
}

/* Zero table bytes [pos, end). */
static void zero(pgw_htab *h, uint64_t pos, uint64_t end)
{
	while (pos < end) {
		uint64_t in = BLK_BYTES - pos % BLK_BYTES;
		uint64_t k = end - pos < in ? end - pos : in;
		int rc = 0;
		unsigned char *b = block(h, pos, false, &rc);

		if (b)
			memset(b + pos % BLK_BYTES, 0, (size_t)k);
		pos += k;
	}
}

static uint32_t be32_of(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* A complete header: 1 for the end marker, 0 to read its data, or error. */
static int header(pgw_htab *h)
{
	uint64_t index = be32_of(h->hdr);
	unsigned nv = (unsigned)h->hdr[4] << 8 | h->hdr[5];
	unsigned ni = (unsigned)h->hdr[6] << 8 | h->hdr[7];

	h->hdr_have = 0;
	if (index == 0 && nv == 0 && ni == 0)
		return 1;
	if (index + nv + ni > h->nhpte)
		return seterr(h, "HTAB record at stream offset %llu (index %llu,"
			      " %u valid, %u invalid) runs past the table end "
			      "(%llu entries, htab_shift %u)",
			      (unsigned long long)h->rec_off,
			      (unsigned long long)index, nv, ni,
			      (unsigned long long)h->nhpte, h->shift);
	/* The invalid run is disjoint from the valid one: zero it now. */
	zero(h, (index + nv) * PGW_HPTE_SIZE, (index + nv + ni) * PGW_HPTE_SIZE);
	h->pos = index * PGW_HPTE_SIZE;
	h->end = h->pos + (uint64_t)nv * PGW_HPTE_SIZE;
	h->in_data = h->pos < h->end;
	return 0;
}

int pgw_htab_feed(pgw_htab *h, const void *buf, size_t len, size_t *consumed)
{
	const unsigned char *p = buf;
	size_t i = 0, start = 0;
	int rc = 0;

	if (consumed)
		*consumed = 0;
	if (!h || (!buf && len))
		return PGW_EINVAL;
	if (h->failed)
		return PGW_EINVAL;
	while (i < len) {
		if (h->in_data) {
			size_t k = len - i;

			if (k > h->end - h->pos)
				k = (size_t)(h->end - h->pos);
			rc = store(h, h->pos, p + i, k);
			if (rc < 0)
				break;
			h->pos += k;
			i += k;
			h->in_data = h->pos < h->end;
			continue;
		}
		if (h->hdr_have == 0) {
			start = i;
			h->rec_off = h->off + i;
		}
		h->hdr[h->hdr_have++] = p[i++];
		if (h->hdr_have < sizeof(h->hdr))
			continue;
		rc = header(h);
		if (rc != 0)
			break;
	}
	h->off += i;
	if (consumed)
		*consumed = rc == PGW_EINVAL ?
			    (h->rec_off >= h->off - i ? start : 0) : i;
	return rc;
}

int pgw_htab_finish(pgw_htab *h)
{
	if (!h)
		return PGW_EINVAL;
	if (h->failed)
		return PGW_EINVAL;
	if (h->in_data)
		return seterr(h, "HTAB stream ends inside the record at stream "
			      "offset %llu (%llu of its HPTE bytes missing)",
			      (unsigned long long)h->rec_off,
			      (unsigned long long)(h->end - h->pos));
	if (h->hdr_have)
		return seterr(h, "HTAB stream ends inside a record header at "
			      "stream offset %llu (%u of 8 bytes)",
			      (unsigned long long)h->rec_off, h->hdr_have);
	return 0;
}

int pgw_htab_read(const pgw_htab *h, uint64_t index, uint64_t n, void *buf)
{
	unsigned char *out = buf;
	uint64_t pos, end;

	if (!h || (!buf && n) || index > h->nhpte || n > h->nhpte - index)
		return PGW_EINVAL;
	pos = index * PGW_HPTE_SIZE;
	end = pos + n * PGW_HPTE_SIZE;
	while (pos < end) {
		uint64_t in = BLK_BYTES - pos % BLK_BYTES;
		size_t k = (size_t)(end - pos < in ? end - pos : in);
		int rc = 0;
		const unsigned char *b = block((pgw_htab *)h, pos, false, &rc);

		if (b)
			memcpy(out, b + pos % BLK_BYTES, k);
		else
			memset(out, 0, k);
		out += k;
		pos += k;
	}
	return 0;
}

uint64_t pgw_htab_entries(const pgw_htab *h)
{
	return h ? h->nhpte : 0;
}

unsigned pgw_htab_shift(const pgw_htab *h)
{
	return h ? h->shift : 0;
}

uint64_t pgw_htab_offset(const pgw_htab *h)
{
	return h ? h->off : 0;
}

const char *pgw_htab_errmsg(const pgw_htab *h)
{
	return h ? h->err : "";
}

static int ops_read(uint64_t index, unsigned n, void *buf, void *payload)
{
	return pgw_htab_read(payload, index, n, buf);
}

/* First index >= @index in an allocated block. */
static uint64_t ops_next_used(uint64_t index, void *payload)
{
	const pgw_htab *h = payload;
	uint64_t blk = index / BLK_HPTES, nblk = h->nhpte / BLK_HPTES;

	while (blk < nblk) {
		unsigned char **d = h->dir[blk / DIR_BLKS];

		if (!d) {
			blk = (blk / DIR_BLKS + 1) * DIR_BLKS;
			continue;
		}
		if (d[blk % DIR_BLKS])
			return blk * BLK_HPTES > index ? blk * BLK_HPTES : index;
		blk++;
	}
	return UINT64_MAX;
}

const struct pgw_hpte_ops pgw_htab_hpte_ops = {
	.read = ops_read,
	.next_used = ops_next_used,
};
