/*
 * `diff` (diff.h): two sorted streams of runs swept in lock-step. A walked
 * side is filled a window at a time (pgw_walk from the window's start,
 * stopped when DIFF_WINDOW runs are held); the sweep covers what both
 * windows hold, and the next windows start there. Changed entry bits are
 * found without decoding entries: where both sides map the same PA with
 * the same page size, the entries' frames are equal, so the entries'
 * difference is exactly the attribute bits that changed (A/D, caching…).
 * The entry of a page inside a run is the run's first entry plus the
 * per-page step the walker's own translation gives (learned once a level).
 */
#include "diff.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define NLEVELS 16

/* Pages [va, va+len) -> [pa, pa+len), one page size, flags and level. */
struct pgrun {
	uint64_t va, len, pa, page;
	uint64_t entry, eva;    /* the entry of the page at eva */
	unsigned perms;
	int level;
};

/* The difference of the entries of consecutive pages, per level. */
struct steps {
	uint64_t step[NLEVELS];
	unsigned char have[NLEVELS];
};

struct diff_mark {
	struct pgrun *r;
	size_t n, cap;
	struct steps st;
	uint64_t start, last;
};

/* One side of a diff: a walked context or a mark. */
struct side {
	pgw_ctx *c;
	struct pgrun *r;
	size_t n, cap, i;
	uint64_t wlast;          /* runs are complete up to here */
	size_t window;           /* at most this many runs at once */
	struct steps *st;
	struct steps own;
	int limit;               /* a walk stopped at its budget */
};

static void learn_step(pgw_ctx *c, struct steps *st, const struct pgw_leaf *l,
		       size_t n)
{
	struct pgw_result r;

	if (n < 2 || l->level < 0 || l->level >= NLEVELS || st->have[l->level])
		return;
	if (pgw_translate(c, l->va + l->size, 0, &r, NULL, NULL) == 0) {
		st->step[l->level] = r.out_entry - l->entry;
		st->have[l->level] = 1;
	}
}

static uint64_t entry_at(const struct side *s, const struct pgrun *r,
			 uint64_t x)
{
	uint64_t k = (x - r->eva) / r->page;

	if (!k || r->level < 0 || r->level >= NLEVELS)
		return r->entry;
	return r->entry + k * s->st->step[r->level];
}

static int push(struct pgrun **r, size_t *n, size_t *cap, size_t max,
		const struct pgrun *x)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 1024;
		struct pgrun *p;

		if (c > max)
			c = max;
		if (*n >= c || !(p = realloc(*r, c * sizeof(*p))))
			return -1;
		*r = p;
		*cap = c;
	}
	(*r)[(*n)++] = *x;
	return 0;
}

static struct pgrun run_of(const struct pgw_leaf *l, size_t n)
{
	struct pgrun r = { l->va, l->size * n, l->pa, l->size, l->entry, l->va,
			   l->perms, l->level };

	return r;
}

/* ------------------------------------------------------------------ */
/* Marks                                                               */

struct markfill {
	struct diff_mark *m;
	pgw_ctx *c;
	int full;
};

static int mark_leaves(const struct pgw_leaf *l, size_t n, void *payload)
{
	struct markfill *f = payload;
	struct diff_mark *m = f->m;
	struct pgrun r = run_of(l, n);

	if (push(&m->r, &m->n, &m->cap, DIFF_MARK_MAX, &r)) {
		f->full = 1;
		return 1;
	}
	learn_step(f->c, &m->st, l, n);
	return 0;
}

static int mark_leaf(const struct pgw_leaf *l, void *payload)
{
	return mark_leaves(l, 1, payload);
}

int diff_mark_new(struct diff_mark **out, pgw_ctx *c, uint64_t start,
		  uint64_t last)
{
	struct pgw_walk_ops ops = { .leaves = mark_leaves, .leaf = mark_leaf };
	struct pgw_walk_filter f = PGW_WALK_FILTER_INIT;
	struct diff_mark *m = calloc(1, sizeof(*m));
	struct markfill mf = { m, c, 0 };
	int rc;

	*out = NULL;
	if (!m)
		return PGW_ENOMEM;
	m->start = f.start = start;
	m->last = f.last = last;
	rc = pgw_walk(c, &f, &ops, &mf);
	if (mf.full)
		rc = m->n == DIFF_MARK_MAX ? PGW_ELIMIT : PGW_ENOMEM;
	if (rc < 0) {
		diff_mark_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

void diff_mark_free(struct diff_mark *m)
{
	if (!m)
		return;
	free(m->r);
	free(m);
}

size_t diff_mark_runs(const struct diff_mark *m)
{
	return m->n;
}

void diff_mark_window(const struct diff_mark *m, uint64_t *start,
		      uint64_t *last)
{
	*start = m->start;
	*last = m->last;
}

/* ------------------------------------------------------------------ */
/* Windows of a walked side                                            */

struct winfill {
	struct side *s;
	uint64_t from, stop_va;
	int stopped;
};

static int win_leaves(const struct pgw_leaf *l, size_t n, void *payload)
{
	struct winfill *f = payload;
	struct side *s = f->s;
	struct pgrun r = run_of(l, n);

	/* A large page that begins before the window: its part inside. */
	if (r.va < f->from) {
		uint64_t d = f->from - r.va;

		if (d >= r.len)
			return 0;
		r.va += d;
		r.pa += d;
		r.len -= d;
	}
	if (s->n == s->window ||
	    push(&s->r, &s->n, &s->cap, s->window, &r)) {
		f->stopped = 1;
		f->stop_va = r.va;
		return 1;
	}
	learn_step(s->c, s->st, l, n);
	return 0;
}

static int win_leaf(const struct pgw_leaf *l, void *payload)
{
	return win_leaves(l, 1, payload);
}

/* Runs of @s from @from on, up to a window's worth. */
static int fill(struct side *s, uint64_t from, uint64_t last)
{
	struct pgw_walk_ops ops = { .leaves = win_leaves, .leaf = win_leaf };
	struct pgw_walk_filter f = PGW_WALK_FILTER_INIT;
	struct winfill wf = { s, from, 0, 0 };
	int rc;

	s->n = 0;
	s->i = 0;
	f.start = from;
	f.last = last;
	rc = pgw_walk(s->c, &f, &ops, &wf);
	if (wf.stopped && s->n == 0)
		return PGW_ENOMEM;
	if (wf.stopped) {
		s->wlast = wf.stop_va - 1;
		return 0;
	}
	s->wlast = last;
	if (rc == PGW_ELIMIT) {
		s->limit = 1;
		return 0;
	}
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------------ */
/* The sweep and its output                                            */

enum { CH_ADDED = 1, CH_REMOVED, CH_CHANGED };
static const char *const kind_name[] = { "", "added", "removed", "changed" };

/* One side of a change at its first VA. */
struct view {
	uint64_t pa, page, entry;
	unsigned perms;
};

struct change {
	int kind;
	uint64_t va, last;
	struct view a, b;
};

struct differ {
	struct side A, B;
	const struct diff_opts *o;
	struct lint_out *out;
	struct change pend;
	uint64_t count[4], bytes[4];
	int json_first;
};

static void put_view(struct lint_out *o, const char *key,
		     const struct view *v, int present)
{
	char perms[5];

	if (!present) {
		lint_printf(o, "\"%s\":null", key);
		return;
	}
	lint_printf(o, "\"%s\":{\"pa\":\"0x%" PRIx64 "\",\"page_size\":\"0x%"
		    PRIx64 "\",\"perms\":\"%s\",\"entry\":\"0x%" PRIx64 "\"}",
		    key, v->pa, v->page, lint_perms(v->perms, perms), v->entry);
}

static void print_change(struct differ *d, const struct change *c)
{
	struct lint_out *o = d->out;
	char p1[5], p2[5], s1[24], s2[24];
	const struct view *v = c->kind == CH_ADDED ? &c->b : &c->a;

	if (d->o->json) {
		lint_printf(o, "%s\n{\"kind\":\"%s\",\"va\":\"0x%" PRIx64
			    "\",\"end\":\"0x%" PRIx64 "\",", d->json_first ? "" : ",",
			    kind_name[c->kind], c->va, c->last + 1);
		d->json_first = 0;
		put_view(o, "a", &c->a, c->kind != CH_ADDED);
		lint_printf(o, ",");
		put_view(o, "b", &c->b, c->kind != CH_REMOVED);
		lint_printf(o, "}");
		return;
	}
	lint_printf(o, "%-7s %016" PRIx64 "-%016" PRIx64, kind_name[c->kind],
		    c->va, c->last + 1);
	if (c->kind != CH_CHANGED) {
		lint_printf(o, " pa 0x%" PRIx64 " %s %s\n", v->pa,
			    lint_size(v->page, s1), lint_perms(v->perms, p1));
		return;
	}
	if (c->a.pa != c->b.pa)
		lint_printf(o, " pa 0x%" PRIx64 " -> 0x%" PRIx64, c->a.pa, c->b.pa);
	if (c->a.page != c->b.page)
		lint_printf(o, " page %s -> %s", lint_size(c->a.page, s1),
			    lint_size(c->b.page, s2));
	if (c->a.perms != c->b.perms)
		lint_printf(o, " perms %s -> %s", lint_perms(c->a.perms, p1),
			    lint_perms(c->b.perms, p2));
	if (c->a.entry != c->b.entry && c->a.pa == c->b.pa &&
	    c->a.page == c->b.page)
		lint_printf(o, " entry 0x%" PRIx64 " -> 0x%" PRIx64 " (bits 0x%"
			    PRIx64 ")", c->a.entry, c->b.entry,
			    c->a.entry ^ c->b.entry);
	lint_printf(o, "\n");
}

static void flush(struct differ *d)
{
	struct change *p = &d->pend;

	if (!p->kind)
		return;
	d->count[p->kind]++;
	d->bytes[p->kind] += p->last - p->va + 1;
	print_change(d, p);
	p->kind = 0;
}

static int view_continues(const struct view *p, const struct view *n,
			  uint64_t off)
{
	return p->pa + off == n->pa && p->page == n->page &&
	       p->perms == n->perms;
}

static void add_change(struct differ *d, const struct change *c)
{
	struct change *p = &d->pend;
	uint64_t off = c->va - p->va;

	if (p->kind == c->kind && p->last + 1 == c->va && p->last != UINT64_MAX &&
	    (c->kind == CH_ADDED || view_continues(&p->a, &c->a, off)) &&
	    (c->kind == CH_REMOVED || view_continues(&p->b, &c->b, off)) &&
	    (c->kind != CH_CHANGED ||
	     (p->a.entry ^ p->b.entry) == (c->a.entry ^ c->b.entry))) {
		p->last = c->last;
		return;
	}
	flush(d);
	*p = *c;
}

static struct view view_of(const struct side *s, const struct pgrun *r,
			   uint64_t x)
{
	struct view v = { r->pa + (x - r->va), r->page, entry_at(s, r, x),
			  r->perms };

	return v;
}

/* [x, last]: mapped by @ra on side A, @rb on side B (NULL: unmapped). */
static void segment(struct differ *d, uint64_t x, uint64_t last,
		    const struct pgrun *ra, const struct pgrun *rb)
{
	struct change c = { 0, x, last, { 0, 0, 0, 0 }, { 0, 0, 0, 0 } };

	if (ra)
		c.a = view_of(&d->A, ra, x);
	if (rb)
		c.b = view_of(&d->B, rb, x);
	if (ra && rb) {
		if (c.a.pa == c.b.pa && c.a.page == c.b.page &&
		    c.a.perms == c.b.perms && c.a.entry == c.b.entry)
			return;
		c.kind = CH_CHANGED;
	} else {
		c.kind = ra ? CH_REMOVED : CH_ADDED;
	}
	add_change(d, &c);
}

static uint64_t run_last(const struct pgrun *r)
{
	return r->va + r->len - 1;
}

/* The run of @s at or after @x that starts by @wlast, or NULL. */
static const struct pgrun *cur(struct side *s, uint64_t x, uint64_t wlast)
{
	while (s->i < s->n && run_last(&s->r[s->i]) < x)
		s->i++;
	if (s->i == s->n || s->r[s->i].va > wlast)
		return NULL;
	return &s->r[s->i];
}

static void sweep(struct differ *d, uint64_t x, uint64_t wlast)
{
	for (;;) {
		const struct pgrun *ra = cur(&d->A, x, wlast);
		const struct pgrun *rb = cur(&d->B, x, wlast);
		uint64_t sa, sb, seg = wlast;
		int ina, inb;

		if (!ra && !rb)
			return;
		sa = ra ? (ra->va > x ? ra->va : x) : UINT64_MAX;
		sb = rb ? (rb->va > x ? rb->va : x) : UINT64_MAX;
		if (sa > x && sb > x) {
			x = sa < sb ? sa : sb;
			continue;
		}
		ina = ra && ra->va <= x;
		inb = rb && rb->va <= x;
		if (ra && ina && run_last(ra) < seg)
			seg = run_last(ra);
		if (ra && !ina && ra->va - 1 < seg)
			seg = ra->va - 1;
		if (rb && inb && run_last(rb) < seg)
			seg = run_last(rb);
		if (rb && !inb && rb->va - 1 < seg)
			seg = rb->va - 1;
		segment(d, x, seg, ina ? ra : NULL, inb ? rb : NULL);
		if (seg >= wlast || d->out->err)
			return;
		x = seg + 1;
	}
}

static void footer(struct differ *d, int limit)
{
	struct lint_out *o = d->out;

	if (d->o->json) {
		lint_printf(o, "%s],\"summary\":{", d->json_first ? "" : "\n");
		for (int k = CH_ADDED; k <= CH_CHANGED; k++)
			lint_printf(o, "%s\"%s\":%" PRIu64 ",\"%s_bytes\":\"0x%"
				    PRIx64 "\"", k > CH_ADDED ? "," : "",
				    kind_name[k], d->count[k], kind_name[k],
				    d->bytes[k]);
		lint_printf(o, "},\"complete\":%s}\n", limit ? "false" : "true");
		return;
	}
	if (limit)
		lint_printf(o, "*** walk limit reached: the diff is incomplete\n");
	lint_printf(o, "summary: %" PRIu64 " added (0x%" PRIx64 " bytes), %"
		    PRIu64 " removed (0x%" PRIx64 " bytes), %" PRIu64
		    " changed (0x%" PRIx64 " bytes)\n", d->count[CH_ADDED],
		    d->bytes[CH_ADDED], d->count[CH_REMOVED], d->bytes[CH_REMOVED],
		    d->count[CH_CHANGED], d->bytes[CH_CHANGED]);
}

static void json_string(struct lint_out *o, const char *s)
{
	lint_printf(o, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			lint_printf(o, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			lint_printf(o, "\\u%04x", (unsigned char)*s);
		else
			lint_printf(o, "%c", *s);
	}
	lint_printf(o, "\"");
}

int diff_run(pgw_ctx *a, const struct diff_mark *ma, pgw_ctx *b,
	     const struct diff_opts *o, struct lint_out *out,
	     uint64_t *nchanges)
{
	struct differ *d = calloc(1, sizeof(*d));
	uint64_t from = o->start;
	int rc = 0, limit;

	if (!d)
		return PGW_ENOMEM;
	d->o = o;
	d->out = out;
	d->json_first = 1;
	d->A.c = a;
	d->A.st = &d->A.own;
	d->B.c = b;
	d->B.st = &d->B.own;
	d->A.window = d->B.window = o->window ? o->window : DIFF_WINDOW;
	if (!a) {
		/* The mark is read in place, never copied. */
		d->A.r = ma->r;
		d->A.n = ma->n;
		d->A.wlast = o->last;
		d->A.st = (struct steps *)&ma->st;
	}
	if (o->json) {
		lint_printf(out, "{\"schema\":\"pgstub-diff\",\"version\":%d,\"a\":",
			    DIFF_JSON_VERSION);
		json_string(out, o->a_name);
		lint_printf(out, ",\"b\":");
		json_string(out, o->b_name);
		lint_printf(out, ",\"changes\":[");
	} else {
		lint_printf(out, "diff: a = %s, b = %s\n", o->a_name, o->b_name);
	}
	for (;;) {
		uint64_t wlast;

		if (a && (rc = fill(&d->A, from, o->last)) < 0)
			break;
		if ((rc = fill(&d->B, from, o->last)) < 0)
			break;
		wlast = d->A.wlast < d->B.wlast ? d->A.wlast : d->B.wlast;
		sweep(d, from, wlast);
		if (out->err || wlast >= o->last)
			break;
		from = wlast + 1;
	}
	flush(d);
	limit = d->A.limit || d->B.limit;
	if (nchanges)
		*nchanges = d->count[CH_ADDED] + d->count[CH_REMOVED] +
			    d->count[CH_CHANGED];
	if (rc < 0 && !out->err) {
		lint_printf(out, "%sdiff: the walk failed: error %d\n",
			    o->json ? "\n" : "", rc);
	} else if (!out->err) {
		footer(d, limit);
		rc = limit;
	}
	if (a)
		free(d->A.r);
	free(d->B.r);
	free(d);
	return out->err ? out->err : rc;
}
