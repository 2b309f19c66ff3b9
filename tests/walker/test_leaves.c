/*
 * pgw_walk_ops.leaves: runs of pages with the same flags and consecutive
 * frames in one table, exact run boundaries, event order against holes and
 * faults, equivalence with the per-page leaf callback under filters, and
 * stopping the walk from a run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ptbuilder.h"

#define P  0x1ULL
#define W  0x2ULL
#define U  0x4ULL
#define D  0x40ULL
#define PS 0x80ULL
#define NX (1ULL << 63)

/* Events of a walk as text, one per line. */
struct log {
	char buf[8192];
	size_t n;
	int stop_after;            /* leaves calls before returning 1; 0 never */
	int calls;
};

static void logf_(struct log *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g->n += (size_t)vsnprintf(g->buf + g->n, sizeof(g->buf) - g->n, fmt,
				  ap);
	va_end(ap);
	assert_true(g->n < sizeof(g->buf));
}

static int on_leaves(const struct pgw_leaf *l, size_t n, void *payload)
{
	struct log *g = payload;

	logf_(g, "run %llx %llx %zu %u %llx %u\n", (unsigned long long)l->va,
	      (unsigned long long)l->pa, n, l->index,
	      (unsigned long long)l->size, l->perms);
	return g->stop_after && ++g->calls == g->stop_after;
}

static int on_hole(uint64_t start, uint64_t end, int level, void *payload)
{
	logf_(payload, "hole %llx %llx %d\n", (unsigned long long)start,
	      (unsigned long long)end, level);
	return 0;
}

static int on_fault(uint64_t start, uint64_t end, const struct pgw_fault *f,
		    void *payload)
{
	logf_(payload, "fault %llx %llx %d\n", (unsigned long long)start,
	      (unsigned long long)end, (int)f->out_reason);
	return 0;
}

/* Every page expanded from runs, and every page from leaf(): compared. */
struct pages {
	struct pgw_leaf p[4096];
	size_t n;
};

static int add_page(const struct pgw_leaf *l, void *payload)
{
	struct pages *s = payload;

	assert_true(s->n < 4096);
	s->p[s->n++] = *l;
	return 0;
}

static int add_run(const struct pgw_leaf *l, size_t n, void *payload)
{
	for (size_t k = 0; k < n; k++) {
		struct pgw_leaf x = *l;
		uint64_t off = k * l->size;

		x.va += off;
		x.pa += off;
		x.gpa += off;
		x.entry += off;
		x.index += (unsigned)k;
		add_page(&x, payload);
	}
	return 0;
}

static pgw_ctx *ctx_new(struct ptb_fx *f, enum pgw_mode mode)
{
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	char err[128];

	r.cr0 = PGW_CR0_PG;
	r.cr3 = f->root;
	r.maxphyaddr = 40;
	if (mode == PGW_MODE_X86_4L) {
		r.cr4 = PGW_CR4_PAE;
		r.efer = PGW_EFER_LME | PGW_EFER_LMA | PGW_EFER_NXE;
	} else {
		r.cr4 = PGW_CR4_PSE;
	}
	pgw_ctx_free(f->ctx);
	f->ctx = NULL;
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, &ptb_mem_ops, &f->b, err,
					 sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(f->ctx), mode);
	return f->ctx;
}

/*
 * One 4-level PT at VA 0x200000: pages 0-9 at frames 0x100-0x109 (one run),
 * 10-11 at 0x200-0x201 (a frame jump starts a run), 12 dirty (new flags),
 * 13-14 absent, 15-16 at 0x300-0x301, 17 with reserved bit 45 (MAXPHYADDR
 * 40), 18 at 0x303 (does not join across the fault), 19 at 0x304 NX; and a
 * 2M page at VA 0x400000. Leaves lack U/S: perms are R|W|X (7), NX R|W
 * (3), and the read-only 2M page R|X (5); fault reason 2 is RESERVED.
 */
static void build_4l(struct ptb_fx *f)
{
	static const struct { unsigned i; uint64_t e; } pt[] = {
		{ 10, 0x200000 | P | W }, { 11, 0x201000 | P | W },
		{ 12, 0x202000 | P | W | D }, { 15, 0x300000 | P | W },
		{ 16, 0x301000 | P | W },
		{ 17, (1ULL << 45) | 0x302000 | P | W },
		{ 18, 0x303000 | P | W }, { 19, 0x304000 | P | W | NX },
	};

	for (unsigned i = 0; i < 10; i++)
		ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x200000 + i * 4096ULL,
			3, (0x100000 + i * 4096ULL) | P | W, P | W | U);
	for (unsigned k = 0; k < sizeof(pt) / sizeof(pt[0]); k++)
		ptb_map(&f->b, PGW_MODE_X86_4L, f->root,
			0x200000 + pt[k].i * 4096ULL, 3, pt[k].e, P | W | U);
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x400000, 2,
		0x40000000 | P | PS, P | W | U);
}

static void test_leaves__runs_split_at_frames_flags_holes_faults(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_walk_ops ops = { .leaves = on_leaves, .hole = on_hole,
				    .fault = on_fault };
	struct pgw_walk_filter flt = PGW_WALK_FILTER_INIT;
	struct log g = { .n = 0 };

	build_4l(f);
	ctx_new(f, PGW_MODE_X86_4L);
	flt.last = 0x7fffffffULL;
	assert_int_equal(pgw_walk(f->ctx, &flt, &ops, &g), 0);
	assert_string_equal(g.buf,
		"hole 0 200000 2\n"
		"run 200000 100000 10 0 1000 7\n"
		"run 20a000 200000 2 10 1000 7\n"
		"run 20c000 202000 1 12 1000 7\n"
		"hole 20d000 20f000 3\n"
		"run 20f000 300000 2 15 1000 7\n"
		"fault 211000 212000 2\n"
		"run 212000 303000 1 18 1000 7\n"
		"run 213000 304000 1 19 1000 3\n"
		"hole 214000 400000 3\n"
		"run 400000 40000000 1 2 200000 5\n"
		"hole 600000 40000000 2\n"
		"hole 40000000 80000000 1\n");
}

/* Expanding the runs gives exactly the pages leaf() sees, field by field. */
static void same_pages(struct ptb_fx *f, const struct pgw_walk_filter *flt)
{
	struct pgw_walk_ops one = { .leaf = add_page };
	struct pgw_walk_ops runs = { .leaves = add_run };
	struct pages *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(pgw_walk(f->ctx, flt, &one, a), 0);
	assert_int_equal(pgw_walk(f->ctx, flt, &runs, b), 0);
	assert_true(a->n > 0);
	assert_int_equal(a->n, b->n);
	for (size_t k = 0; k < a->n; k++) {
		assert_int_equal(a->p[k].va, b->p[k].va);
		assert_int_equal(a->p[k].size, b->p[k].size);
		assert_int_equal(a->p[k].pa, b->p[k].pa);
		assert_int_equal(a->p[k].gpa, b->p[k].gpa);
		assert_int_equal(a->p[k].perms, b->p[k].perms);
		assert_int_equal(a->p[k].entry, b->p[k].entry);
		assert_int_equal(a->p[k].level, b->p[k].level);
		assert_int_equal(a->p[k].index, b->p[k].index);
		assert_int_equal(a->p[k].pkey, b->p[k].pkey);
	}
	free(a);
	free(b);
}

static void test_leaves__same_pages_as_leaf_under_filters(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_walk_filter flt = PGW_WALK_FILTER_INIT;

	build_4l(f);
	ctx_new(f, PGW_MODE_X86_4L);
	same_pages(f, NULL);
	flt.start = 0x203000;          /* starts inside the first run */
	flt.last = 0x210fff;
	same_pages(f, &flt);
	flt = (struct pgw_walk_filter)PGW_WALK_FILTER_INIT;
	flt.deny = PGW_PERM_X;         /* only page 19 (NX) */
	same_pages(f, &flt);
	flt.deny = 0;
	flt.need = PGW_PERM_X | PGW_PERM_W;
	same_pages(f, &flt);
}

static void test_leaves__32bit_runs(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_walk_ops ops = { .leaves = on_leaves };
	struct log g = { .n = 0 };

	/* 300 pages in one PT, frames consecutive except at page 100; and a
	 * 4M PSE page. */
	for (unsigned i = 0; i < 300; i++)
		ptb_map(&f->b, PGW_MODE_X86_32, f->root, 0x400000 + i * 4096ULL,
			1, (0x10000000 + (i + (i >= 100)) * 4096ULL) | P | W,
			P | W);
	ptb_map(&f->b, PGW_MODE_X86_32, f->root, 0xc0000000, 0,
		0x800000 | P | PS, 0);
	ctx_new(f, PGW_MODE_X86_32);
	assert_int_equal(pgw_walk(f->ctx, NULL, &ops, &g), 0);
	assert_string_equal(g.buf,
		"run 400000 10000000 100 0 1000 7\n"
		"run 464000 10065000 200 100 1000 7\n"
		"run c0000000 800000 1 768 400000 5\n");
	same_pages(f, NULL);
}

static void test_leaves__nonzero_return_stops_walk(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_walk_ops ops = { .leaves = on_leaves };
	struct log g = { .stop_after = 2 };

	build_4l(f);
	ctx_new(f, PGW_MODE_X86_4L);
	assert_int_equal(pgw_walk(f->ctx, NULL, &ops, &g), 1);
	assert_int_equal(g.calls, 2);
	assert_string_equal(g.buf,
		"run 200000 100000 10 0 1000 7\n"
		"run 20a000 200000 2 10 1000 7\n");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, ptb_fx_setup_16m, \
					      ptb_fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_leaves__runs_split_at_frames_flags_holes_faults),
		T(test_leaves__same_pages_as_leaf_under_filters),
		T(test_leaves__32bit_runs),
		T(test_leaves__nonzero_return_stops_walk),
	};

	return cmocka_run_group_tests_name("leaves", tests, NULL, NULL);
}
