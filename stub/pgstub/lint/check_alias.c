/*
 * W^X by alias: the same physical page writable at one VA and executable
 * at another. The first walk appends every executable run (PA, length,
 * VA) to an array, merging neighbours; here it is sorted by PA with a
 * running maximum of range ends, and a second walk, filtered to writable
 * mappings, looks each writable run up in it. Memory: the executable
 * ranges only (a kernel has few; XINDEX_MAX caps them, and the rule then
 * says it is incomplete), never the writable ones.
 */
#include "check_priv.h"

#include <stdlib.h>
#include <string.h>

#define XINDEX_MAX (1u << 20)

void xindex_add(struct xindex *x, uint64_t pa, uint64_t len, uint64_t va)
{
	struct xrange *p = x->n ? &x->r[x->n - 1] : NULL;

	if (p && p->pa + p->len == pa && p->va + p->len == va) {
		p->len += len;
		return;
	}
	if (x->overflow)
		return;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 256;
		struct xrange *n;

		if (x->n >= XINDEX_MAX ||
		    !(n = realloc(x->r, cap * sizeof(*n)))) {
			x->overflow = 1;
			return;
		}
		x->r = n;
		x->cap = cap;
	}
	x->r[x->n++] = (struct xrange){ pa, len, va };
}

void xindex_free(struct xindex *x)
{
	free(x->r);
	free(x->maxend);
	memset(x, 0, sizeof(*x));
}

static int by_pa(const void *a, const void *b)
{
	const struct xrange *x = a, *y = b;

	return x->pa < y->pa ? -1 : x->pa > y->pa ? 1 :
	       x->va < y->va ? -1 : x->va > y->va;
}

/* One overlap of a writable run with an executable range. */
struct hit {
	uint64_t pa, len, xva;
};

struct apass {
	struct check *k;
	struct hit *h;
	size_t n, cap;
};

static int add_hit(struct apass *a, uint64_t pa, uint64_t len, uint64_t xva)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct hit *n = realloc(a->h, cap * sizeof(*n));

		if (!n)
			return PGW_ENOMEM;
		a->h = n;
		a->cap = cap;
	}
	a->h[a->n++] = (struct hit){ pa, len, xva };
	return 0;
}

static int by_hit_pa(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	return x->pa < y->pa ? -1 : x->pa > y->pa ? 1 :
	       x->xva < y->xva ? -1 : x->xva > y->xva;
}

static int on_writable(const struct pgw_leaf *l, size_t n, void *payload)
{
	struct apass *a = payload;
	const struct xindex *x = &a->k->x;
	uint64_t pa = l->pa, end = l->pa + l->size * n;
	size_t lo = 0, hi = x->n;

	/* First range starting at or above @end: only those before it can
	 * overlap, and the running maximum says when to stop looking back. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->r[mid].pa < end)
			lo = mid + 1;
		else
			hi = mid;
	}
	a->n = 0;
	for (size_t i = lo; i-- > 0 && x->maxend[i] > pa;) {
		const struct xrange *r = &x->r[i];
		uint64_t s = r->pa > pa ? r->pa : pa;
		uint64_t e = r->pa + r->len < end ? r->pa + r->len : end;
		uint64_t xva;

		if (s >= e)
			continue;
		xva = r->va + (s - r->pa);
		/* The same VA is the wx rule's, not an alias. */
		if (xva == l->va + (s - l->pa))
			continue;
		if (add_hit(a, s, e - s, xva))
			return PGW_ENOMEM;
	}
	if (a->n > 1)
		qsort(a->h, a->n, sizeof(*a->h), by_hit_pa);
	for (size_t i = 0; i < a->n; i++) {
		uint64_t va = l->va + (a->h[i].pa - l->pa);
		struct finding f = {
			.va = va, .last = va + a->h[i].len - 1, .pa = a->h[i].pa,
			.page = l->size, .perms = l->perms, .level = l->level,
			.aux = a->h[i].xva,
		};

		check_add(a->k, RULE_WX_ALIAS, &f);
	}
	return a->k->out->err;
}

static int on_writable1(const struct pgw_leaf *l, void *payload)
{
	return on_writable(l, 1, payload);
}

int check_alias_pass(struct check *k, const struct pgw_walk_filter *filter)
{
	struct pgw_walk_ops ops = { .leaves = on_writable, .leaf = on_writable1 };
	struct pgw_walk_filter f = *filter;
	struct xindex *x = &k->x;
	struct apass a = { k, NULL, 0, 0 };
	int rc;

	if (x->n == 0 || x->overflow)
		return 0;
	qsort(x->r, x->n, sizeof(*x->r), by_pa);
	x->maxend = malloc(x->n * sizeof(*x->maxend));
	if (!x->maxend)
		return PGW_ENOMEM;
	for (size_t i = 0; i < x->n; i++) {
		uint64_t e = x->r[i].pa + x->r[i].len;

		x->maxend[i] = i && x->maxend[i - 1] > e ? x->maxend[i - 1] : e;
	}
	f.need |= PGW_PERM_W;
	rc = pgw_walk(k->c, &f, &ops, &a);
	free(a.h);
	return rc;
}
