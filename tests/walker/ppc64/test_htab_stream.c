/*
 * The HTAB chunk stream decoder: records with valid and invalid runs,
 * chunks in any order and overriding each other, input split anywhere,
 * end markers, records past the table end, truncation, and translation
 * through the decoded table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pgwalk.h"

struct stream {
	unsigned char b[65536];
	size_t n;
};

static void put(struct stream *s, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		s->b[s->n++] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
}

/* A record whose valid HPTE k is {pte0 = tag + k, pte1 = ~(tag + k)}. */
static void rec(struct stream *s, uint32_t index, uint16_t nv, uint16_t ni,
		uint64_t tag)
{
	put(s, index, 4);
	put(s, nv, 2);
	put(s, ni, 2);
	for (unsigned k = 0; k < nv; k++) {
		put(s, tag + k, 8);
		put(s, ~(tag + k), 8);
	}
}

static void end(struct stream *s)
{
	put(s, 0, 8);
}

static uint64_t pte0_at(const pgw_htab *h, uint64_t index)
{
	unsigned char e[16];
	uint64_t v = 0;

	assert_int_equal(pgw_htab_read(h, index, 1, e), 0);
	for (int i = 0; i < 8; i++)
		v = v << 8 | e[i];
	return v;
}

static pgw_htab *mk(unsigned shift)
{
	pgw_htab *h = NULL;
	char err[128];

	assert_int_equal(pgw_htab_new(&h, shift, err, sizeof(err)), 0);
	return h;
}

static void test_htab_stream__valid_then_invalid_runs(void **state)
{
	struct stream s = { .n = 0 };
	pgw_htab *h = mk(18);
	size_t used;

	(void)state;
	rec(&s, 8, 8, 0, 0x1000);      /* 8..15 valid */
	rec(&s, 8, 2, 3, 0x2000);      /* 8..9 new, 10..12 invalid */
	end(&s);
	assert_int_equal(pgw_htab_feed(h, s.b, s.n, &used), 1);
	assert_int_equal(used, s.n);
	assert_int_equal(pte0_at(h, 8), 0x2000);
	assert_int_equal(pte0_at(h, 9), 0x2001);
	assert_int_equal(pte0_at(h, 10), 0);
	assert_int_equal(pte0_at(h, 12), 0);
	assert_int_equal(pte0_at(h, 13), 0x1005);
	assert_int_equal(pte0_at(h, 15), 0x1007);
	assert_int_equal(pte0_at(h, 16), 0);
	assert_int_equal(pgw_htab_finish(h), 0);
	assert_int_equal(pgw_htab_entries(h), 16384);
	assert_int_equal(pgw_htab_shift(h), 18);
	pgw_htab_free(h);
}

static void test_htab_stream__out_of_order_chunks(void **state)
{
	struct stream s = { .n = 0 };
	pgw_htab *h = mk(20);
	unsigned char buf[16 * 12];
	size_t used;

	(void)state;
	rec(&s, 65000, 3, 0, 0x3000);
	rec(&s, 250, 12, 0, 0x4000);   /* crosses a 256-HPTE block */
	rec(&s, 0, 0, 4, 0);           /* index 0 with only invalid ones */
	rec(&s, 65001, 0, 1, 0);
	end(&s);
	assert_int_equal(pgw_htab_feed(h, s.b, s.n, &used), 1);
	assert_int_equal(pte0_at(h, 65000), 0x3000);
	assert_int_equal(pte0_at(h, 65001), 0);
	assert_int_equal(pte0_at(h, 65002), 0x3002);
	assert_int_equal(pgw_htab_read(h, 250, 12, buf), 0);
	assert_int_equal(buf[16 * 11 + 7], 0x0b);  /* pte0 low byte of 261 */
	assert_int_equal(buf[16 * 11 + 15], 0xf4); /* ~0x400b low byte */
	assert_int_equal(pte0_at(h, 249), 0);
	/* The HPTE ops skip unused blocks. */
	assert_int_equal(pgw_htab_hpte_ops.next_used(0, h), 0);
	assert_int_equal(pgw_htab_hpte_ops.next_used(512, h), 64768);
	assert_int_equal(pgw_htab_hpte_ops.next_used(65024, h), UINT64_MAX);
	assert_int_equal(pgw_htab_read(h, 65535, 2, buf), PGW_EINVAL);
	pgw_htab_free(h);
}

/* Fed one byte at a time, the table is the same, and feeding stops at
 * each end marker. */
static void test_htab_stream__split_anywhere(void **state)
{
	struct stream s = { .n = 0 };
	pgw_htab *a = mk(18), *b = mk(18);
	unsigned char x[16 * 64], y[16 * 64];
	size_t used, at = 0;
	unsigned ends = 0;

	(void)state;
	rec(&s, 5, 7, 2, 0xabc0);
	end(&s);
	rec(&s, 40, 20, 0, 0x5550);
	rec(&s, 6, 0, 1, 0);
	end(&s);
	assert_int_equal(pgw_htab_feed(a, s.b, s.n, &used), 1);
	assert_int_equal(used, 8 + 7 * 16 + 8);
	assert_int_equal(pgw_htab_feed(a, s.b + used, s.n - used, &used), 1);
	while (at < s.n) {
		int rc = pgw_htab_feed(b, s.b + at, 1, &used);

		assert_true(rc == 0 || rc == 1);
		assert_int_equal(used, 1);
		ends += rc;
		at++;
	}
	assert_int_equal(ends, 2);
	assert_int_equal(pgw_htab_offset(b), s.n);
	assert_int_equal(pgw_htab_read(a, 0, 64, x), 0);
	assert_int_equal(pgw_htab_read(b, 0, 64, y), 0);
	assert_memory_equal(x, y, sizeof(x));
	assert_int_equal(pte0_at(a, 6), 0);
	assert_int_equal(pte0_at(a, 7), 0xabc2);
	pgw_htab_free(a);
	pgw_htab_free(b);
}

static void test_htab_stream__invalid_record_past_end(void **state)
{
	struct stream s = { .n = 0 };
	pgw_htab *h = mk(18);
	size_t used;

	(void)state;
	rec(&s, 16380, 2, 0, 0x1);         /* ends at 16382: fine */
	rec(&s, 16383, 1, 1, 0x2);         /* 16383 + 2 > 16384 */
	assert_int_equal(pgw_htab_feed(h, s.b, s.n, &used), PGW_EINVAL);
	assert_int_equal(used, 8 + 32);
	assert_string_equal(pgw_htab_errmsg(h),
			    "HTAB record at stream offset 40 (index 16383, 1 "
			    "valid, 1 invalid) runs past the table end (16384 "
			    "entries, htab_shift 18)");
	/* The decoder refuses further input. */
	assert_int_equal(pgw_htab_feed(h, s.b, 8, &used), PGW_EINVAL);
	assert_int_equal(pgw_htab_finish(h), PGW_EINVAL);
	pgw_htab_free(h);
	/* An index beyond 2^32 / 16 entries of a small table, n_invalid only. */
	h = mk(18);
	s.n = 0;
	rec(&s, 0xffffffffu, 0, 0xffff, 0);
	assert_int_equal(pgw_htab_feed(h, s.b, s.n, &used), PGW_EINVAL);
	assert_int_equal(used, 0);
	pgw_htab_free(h);
}

static void test_htab_stream__invalid_truncated(void **state)
{
	struct stream s = { .n = 0 };
	pgw_htab *h = mk(18);
	char err[128];
	size_t used;

	(void)state;
	rec(&s, 1, 2, 0, 0x10);
	assert_int_equal(pgw_htab_feed(h, s.b, s.n - 5, &used), 0);
	assert_int_equal(pgw_htab_finish(h), PGW_EINVAL);
	assert_string_equal(pgw_htab_errmsg(h),
			    "HTAB stream ends inside the record at stream "
			    "offset 0 (5 of its HPTE bytes missing)");
	pgw_htab_free(h);
	h = mk(18);
	assert_int_equal(pgw_htab_feed(h, s.b, 3, &used), 0);
	assert_int_equal(pgw_htab_finish(h), PGW_EINVAL);
	pgw_htab_free(h);
	assert_int_equal(pgw_htab_new(&h, 17, err, sizeof(err)), PGW_EINVAL);
	assert_string_equal(err, "HTAB shift 17 out of range (18..46)");
	assert_int_equal(pgw_htab_new(&h, 47, err, sizeof(err)), PGW_EINVAL);
	pgw_htab_free(NULL);
}

/* The decoded table as the HPTE source of a hash context. */
static void test_htab_stream__translate_through_stream(void **state)
{
	struct stream s = { .n = 0 };
	struct pgw_ppc64_slbe slb = { 0x10000000 | PGW_SLB_ESID_V,
				      0x123ULL << 12 };
	struct pgw_ppc64_regs r = PGW_PPC64_REGS_INIT;
	struct pgw_result res;
	pgw_htab *h = mk(18);
	pgw_ctx *c = NULL;
	char err[128];
	size_t used;

	(void)state;
	/* PTEG 0x126 slot 3 = {VSID 0x123 | V, RPN 0x7654000 pp 2}. */
	put(&s, 0x126 * 8 + 3, 4);
	put(&s, 1, 2);
	put(&s, 0, 2);
	put(&s, (0x123ULL << 12) | 1, 8);
	put(&s, 0x7654002, 8);
	end(&s);
	assert_int_equal(pgw_htab_feed(h, s.b, s.n, &used), 1);
	r.slb = &slb;
	r.nslb = 1;
	r.htab_shift = pgw_htab_shift(h);
	assert_int_equal(pgw_ctx_new_ppc64_hash(&c, &r, &pgw_htab_hpte_ops, h,
						NULL, NULL, err, sizeof(err)),
			 0);
	assert_int_equal(pgw_translate(c, 0x10005abc, 0, &res, NULL, NULL), 0);
	assert_int_equal(res.out_pa, 0x7654abc);
	pgw_ctx_free(c);
	pgw_htab_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_htab_stream__valid_then_invalid_runs),
		cmocka_unit_test(test_htab_stream__out_of_order_chunks),
		cmocka_unit_test(test_htab_stream__split_anywhere),
		cmocka_unit_test(test_htab_stream__invalid_record_past_end),
		cmocka_unit_test(test_htab_stream__invalid_truncated),
		cmocka_unit_test(test_htab_stream__translate_through_stream),
	};

	return cmocka_run_group_tests_name("htab_stream", tests, NULL, NULL);
}
