/*
 * libFuzzer target: the HTAB chunk stream decoder
 * (walker/ppc64/htab_stream.c) on arbitrary record sequences fed in
 * arbitrary pieces, checked against an independent model of the records:
 * return codes, consumed counts, stream offsets, error stickiness, and the
 * HPTEs read back from the table.
 */
#include "pgwalk.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HPTE 16u
#define MAX_CHECKS 512       /* entries compared with the model per input */

static void fail(const char *what)
{
	fprintf(stderr, "fuzz invariant: %s\n", what);
	abort();
}

#define CHECK(cond) do { if (!(cond)) fail(#cond); } while (0)

/* One record as the model reads it. */
struct rec {
	uint64_t index;
	unsigned nv, ni;
	const uint8_t *hpte;     /* nv * 16 bytes, of which avail arrived */
	size_t avail;
};

/* What the model expects of the whole stream. */
struct model {
	struct rec *r;
	size_t n;
	size_t *ends;            /* stream offsets just past each end marker */
	size_t nend;
	int error;               /* a record runs past the table end */
	size_t error_at;         /* stream offset of its header */
	int partial;             /* stream stops inside a record or header */
};

static void model_build(struct model *m, const uint8_t *s, size_t n,
			uint64_t nhpte)
{
	size_t pos = 0;

	memset(m, 0, sizeof(*m));
	m->r = calloc(n / 8 + 1, sizeof(*m->r));
	m->ends = calloc(n / 8 + 1, sizeof(*m->ends));
	if (!m->r || !m->ends)
		fail("out of memory");
	while (pos < n) {
		struct rec *r = &m->r[m->n];
		uint64_t want;

		if (n - pos < 8) {
			m->partial = 1;
			return;
		}
		r->index = (uint64_t)s[pos] << 24 | (uint64_t)s[pos + 1] << 16 |
			   (uint64_t)s[pos + 2] << 8 | s[pos + 3];
		r->nv = (unsigned)s[pos + 4] << 8 | s[pos + 5];
		r->ni = (unsigned)s[pos + 6] << 8 | s[pos + 7];
		if (!r->index && !r->nv && !r->ni) {
			pos += 8;
			m->ends[m->nend++] = pos;
			continue;
		}
		if (r->index + r->nv + r->ni > nhpte) {
			m->error = 1;
			m->error_at = pos;
			return;
		}
		pos += 8;
		want = (uint64_t)r->nv * HPTE;
		r->hpte = s + pos;
		r->avail = n - pos < want ? n - pos : (size_t)want;
		pos += r->avail;
		m->n++;
		if (r->avail < want) {
			m->partial = 1;
			return;
		}
	}
}

/* Byte @b of HPTE @e as the records leave it: the latest record whose
 * valid run delivered that byte, or zero after an invalid run. */
static uint8_t model_byte(const struct model *m, uint64_t e, unsigned b)
{
	for (size_t i = m->n; i-- > 0;) {
		const struct rec *r = &m->r[i];

		if (e >= r->index && e < r->index + r->nv) {
			size_t off = (size_t)(e - r->index) * HPTE + b;

			if (off < r->avail)
				return r->hpte[off];
		} else if (e >= r->index + r->nv &&
			   e < r->index + r->nv + r->ni) {
			return 0;
		}
	}
	return 0;
}

static void check_entry(const pgw_htab *h, const struct model *m, uint64_t e)
{
	uint8_t got[HPTE];
	int nonzero = 0;
	uint64_t next;

	if (e >= pgw_htab_entries(h))
		return;
	CHECK(pgw_htab_read(h, e, 1, got) == 0);
	for (unsigned b = 0; b < HPTE; b++) {
		if (got[b] != model_byte(m, e, b))
			fail("HPTE byte differs from the records");
		nonzero |= got[b];
	}
	/* next_used never skips an entry that holds something. */
	next = pgw_htab_hpte_ops.next_used(e, (void *)h);
	CHECK(next >= e);
	if (nonzero)
		CHECK(next == e);
}

static void check_table(const pgw_htab *h, const struct model *m)
{
	unsigned checks = 0;
	uint64_t n = pgw_htab_entries(h);
	uint8_t two[2 * HPTE];

	CHECK(pgw_htab_read(h, n, 1, two) != 0);
	CHECK(pgw_htab_read(h, n - 1, 2, two) != 0);
	CHECK(pgw_htab_read(h, n - 1, 1, two) == 0);
	CHECK(pgw_htab_read(h, UINT64_MAX, 2, two) != 0);
	check_entry(h, m, 0);
	for (size_t i = 0; i < m->n && checks < MAX_CHECKS; i++) {
		const struct rec *r = &m->r[i];
		uint64_t last = r->index + r->nv + r->ni;

		/* Both ends of both runs, and the entries around them. */
		check_entry(h, m, r->index);
		check_entry(h, m, r->index + (r->nv ? r->nv - 1 : 0));
		check_entry(h, m, r->index + r->nv);
		check_entry(h, m, last ? last - 1 : 0);
		check_entry(h, m, last);
		if (r->index)
			check_entry(h, m, r->index - 1);
		checks += 6;
	}
}

/*
 * Byte 0: bits 0-1 pick htab_shift 18..21, or with bit 2 set 30..33 (a
 * table whose directory is mostly absent); bits 3-5 pick the size of the
 * pieces fed (1, 2, 3, 7, 8, 16, 100, everything). The rest is the stream.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t pieces[8] = { 1, 2, 3, 7, 8, 16, 100, SIZE_MAX };
	const uint8_t *s = data + 1;
	size_t n, pos = 0, piece, ends = 0;
	unsigned shift;
	struct model m;
	pgw_htab *h;
	char err[128];
	int rc = 0;

	if (size == 0)
		return 0;
	shift = (data[0] & 4 ? 30u : 18u) + (data[0] & 3);
	piece = pieces[data[0] >> 3 & 7];
	n = size - 1;
	if (pgw_htab_new(&h, shift, err, sizeof(err)))
		fail("pgw_htab_new");
	CHECK(pgw_htab_shift(h) == shift);
	CHECK(pgw_htab_entries(h) == 1ULL << (shift - 4));
	model_build(&m, s, n, pgw_htab_entries(h));

	while (pos < n) {
		size_t k = n - pos < piece ? n - pos : piece, used = SIZE_MAX;

		rc = pgw_htab_feed(h, s + pos, k, &used);
		if (rc == 1) {
			/* Stopped right after the next end marker. */
			CHECK(ends < m.nend && used <= k);
			CHECK(pos + used == m.ends[ends]);
			ends++;
			pos += used;
			CHECK(pgw_htab_offset(h) == pos);
			continue;
		}
		if (rc < 0) {
			/* The bad header's offset in this piece, or 0 when it
			 * began in an earlier one. */
			CHECK(rc == PGW_EINVAL);
			CHECK(m.error_at >= pos ? pos + used == m.error_at
						: used == 0);
			break;
		}
		CHECK(rc == 0 && used == k);
		pos += k;
		CHECK(pgw_htab_offset(h) == pos);
	}
	if (m.error) {
		/* The bad record's header is where the model says, and the
		 * decoder refuses anything after it. */
		size_t used = 0;

		CHECK(rc == PGW_EINVAL);
		CHECK(ends == m.nend);
		CHECK(pgw_htab_errmsg(h)[0] != '\0');
		CHECK(pgw_htab_feed(h, s, n ? 1 : 0, &used) == PGW_EINVAL);
		CHECK(used == 0);
		CHECK(pgw_htab_finish(h) == PGW_EINVAL);
	} else {
		CHECK(rc >= 0 && pos == n && ends == m.nend);
		CHECK(pgw_htab_finish(h) == (m.partial ? PGW_EINVAL : 0));
		CHECK((pgw_htab_errmsg(h)[0] != '\0') == m.partial);
	}
	check_table(h, &m);
	free(m.r);
	free(m.ends);
	pgw_htab_free(h);
	return 0;
}
