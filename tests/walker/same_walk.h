/*
 * The walker tests' check that caches never change an answer: one
 * translation through a context with every cache and one through the same
 * context without any (pgw__cache_set(bare, 0)), every field compared.
 */
#ifndef SAME_WALK_H
#define SAME_WALK_H

#include <pgwalk.h>

#include <string.h>

/* Translate @va through both contexts (twice through the cached one, so
 * that the second answer comes from the caches) and compare everything;
 * returns the bare walk's code. */
static inline int same_walk(pgw_ctx *c, pgw_ctx *bare, uint64_t va)
{
	struct pgw_result r1, r2, rb;
	struct pgw_fault f1, fb;
	int rc1, rc2, rcb;

	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	memset(&rb, 0, sizeof(rb));
	rc1 = pgw_translate(c, va, 0, &r1, NULL, NULL);
	rc2 = pgw_translate(c, va, 0, &r2, &f1, NULL);
	rcb = pgw_translate(bare, va, 0, &rb, &fb, NULL);
	assert_int_equal(rc1, rcb);
	assert_int_equal(rc2, rcb);
	if (rcb == 0) {
		const struct pgw_result *r[2] = { &r1, &r2 };

		for (int i = 0; i < 2; i++) {
			assert_int_equal(r[i]->out_pa, rb.out_pa);
			assert_int_equal(r[i]->out_gpa, rb.out_gpa);
			assert_int_equal(r[i]->out_page_size, rb.out_page_size);
			assert_int_equal(r[i]->out_perms, rb.out_perms);
			assert_int_equal(r[i]->out_entry, rb.out_entry);
			assert_int_equal(r[i]->out_level, rb.out_level);
			assert_int_equal(r[i]->out_pkey, rb.out_pkey);
		}
	} else {
		assert_int_equal(f1.out_reason, fb.out_reason);
		assert_int_equal(f1.out_level, fb.out_level);
		assert_int_equal(f1.out_index, fb.out_index);
		assert_int_equal(f1.out_table, fb.out_table);
		assert_int_equal(f1.out_entry, fb.out_entry);
		assert_int_equal(f1.out_rsvd, fb.out_rsvd);
		assert_int_equal(f1.out_addr, fb.out_addr);
	}
	return rcb;
}

#endif
