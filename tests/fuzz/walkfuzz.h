/*
 * Shared by the walker fuzz targets (fuzz_walk, fuzz_nested, fuzz_hash): the
 * input reader, a small physical memory image served through pgw_mem_ops
 * with fuzzer-chosen aliasing, and an output sink that checks what the views
 * write. Header-only (static functions) so that each target stays one file.
 */
#ifndef WALKFUZZ_H
#define WALKFUZZ_H

#include "pgwalk.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WF_PAGE 4096u
#define WF_MEM_MAX (64u * 1024u)  /* largest physical image */

/* Cursor over the fuzz input; reads past the end give zeros. */
struct wf_in {
	const uint8_t *p;
	size_t n, off;
};

static inline uint64_t wf_take(struct wf_in *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		uint64_t b = in->off < in->n ? in->p[in->off] : 0;

		in->off++;
		v |= b << (8 * i);
	}
	return v;
}

static inline uint8_t wf_u8(struct wf_in *in) { return (uint8_t)wf_take(in, 1); }
static inline uint32_t wf_u32(struct wf_in *in) { return (uint32_t)wf_take(in, 4); }
static inline uint64_t wf_u64(struct wf_in *in) { return wf_take(in, 8); }

/*
 * Physical memory: the rest of the input, cut to whole pages (at most
 * WF_MEM_MAX), at physical address 0, at a host address @misalign bytes
 * past 8-byte alignment. Bits of an address at and above
 * @alias_shift are ignored, so table pointers with any high bits can still
 * land in the image (and tables chain); anything that does not fall inside
 * the image is unbacked and read() fails, as a hole in a dump would.
 */
struct wf_mem {
	const uint8_t *img;
	uint64_t size;            /* bytes, a multiple of 4 KiB (may be 0) */
	uint64_t mask;            /* address bits that matter */
	unsigned reads;
};

static inline void wf_mem_init(struct wf_mem *m, struct wf_in *in,
			       unsigned alias_shift, unsigned misalign)
{
	/* A copy at a misaligned host address, as RAM at an odd offset of
	 * a dump file is mapped: table loads must not assume alignment. */
	static _Alignas(8) uint8_t shifted[WF_MEM_MAX + 8];
	size_t left = in->off < in->n ? in->n - in->off : 0;

	if (left > WF_MEM_MAX)
		left = WF_MEM_MAX;
	m->img = in->p + (in->off < in->n ? in->off : in->n);
	if (misalign & 7) {
		memcpy(shifted + (misalign & 7), m->img, left);
		m->img = shifted + (misalign & 7);
	}
	m->size = left & ~(uint64_t)(WF_PAGE - 1);
	m->mask = alias_shift >= 64 ? ~0ULL : (1ULL << alias_shift) - 1;
	m->reads = 0;
	in->off += left;
}

/* The image offset of [pa, pa+len), or -1 if not all of it is backed. */
static inline int64_t wf_mem_off(const struct wf_mem *m, uint64_t pa,
				 size_t len)
{
	uint64_t a = pa & m->mask;

	if (len == 0 || a >= m->size || len > m->size - a)
		return -1;
	/* A range must not wrap around the alias boundary either. */
	if ((pa & ~m->mask) != ((pa + len - 1) & ~m->mask) || pa + len - 1 < pa)
		return -1;
	return (int64_t)a;
}

static int wf_read(uint64_t pa, void *buf, size_t len, void *payload)
{
	struct wf_mem *m = payload;
	int64_t off = wf_mem_off(m, pa, len);

	m->reads++;
	if (off < 0)
		return -1;
	memcpy(buf, m->img + off, len);
	return 0;
}

static const void *wf_map(uint64_t pa, size_t len, void *payload)
{
	struct wf_mem *m = payload;
	int64_t off = wf_mem_off(m, pa, len);

	return off < 0 ? NULL : m->img + off;
}

static const struct pgw_mem_ops wf_mem_ops_map = { wf_read, wf_map };
static const struct pgw_mem_ops wf_mem_ops_copy = { wf_read, NULL };

/*
 * Output sink of the views. Checks that each write is whole lines of
 * printable text (views promise whole lines), that JSON brackets balance
 * outside strings, and bounds the total: no view on a walk of at most
 * WF_BUDGET tables may write more than WF_OUT_MAX bytes.
 */
#define WF_OUT_MAX (64ull << 20)

struct wf_sink {
	uint64_t bytes, lines, writes;
	int depth;                /* JSON [ { nesting */
	int in_str;
	int json;
	int fail_after;           /* >0: return an error from that write on */
	char last[256];           /* the last line (vtop's result) */
	size_t last_len;
	size_t line_len;
};

static int wf_sink_write(const char *buf, size_t len, void *payload)
{
	struct wf_sink *s = payload;

	if (len == 0 || buf[len - 1] != '\n')
		abort();  /* views write whole lines only */
	s->writes++;
	s->bytes += len;
	if (s->bytes > WF_OUT_MAX)
		abort();  /* unbounded output */
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch == '\n') {
			s->lines++;
			s->last_len = s->line_len;
			s->line_len = 0;
			continue;
		}
		if (ch != '\t' && (ch < 0x20 || ch > 0x7e))
			abort();  /* not text */
		if (s->line_len < sizeof(s->last))
			s->last[s->line_len] = (char)ch;
		s->line_len++;
		if (!s->json)
			continue;
		if (s->in_str) {
			if (ch == '"')
				s->in_str = 0;
			continue;
		}
		if (ch == '"')
			s->in_str = 1;
		else if (ch == '[' || ch == '{')
			s->depth++;
		else if (ch == ']' || ch == '}')
			if (--s->depth < 0)
				abort();  /* JSON closes more than it opened */
	}
	if (s->fail_after && s->writes >= (uint64_t)s->fail_after)
		return -42;
	return 0;
}

static inline void wf_sink_reset(struct wf_sink *s, int json, int fail_after)
{
	memset(s, 0, sizeof(*s));
	s->json = json;
	s->fail_after = fail_after;
}

/* A view's return value: 0, a walk error, or the sink's own error. */
static inline void wf_view_done(const struct wf_sink *s, int rc)
{
	if (s->fail_after && s->writes >= (uint64_t)s->fail_after) {
		if (rc != -42)
			abort();  /* the write error was lost */
		return;
	}
	if (rc == -42)
		abort();
	if (rc > 0)
		abort();
	/* A complete JSON view is balanced. */
	if (s->json && rc == 0 && (s->depth != 0 || s->in_str))
		abort();
}

/*
 * vtop and gva2gpa of @va on @c beside pgw_translate: vtop's last line is
 * the address ("0x…") exactly when the translation succeeds (checked when
 * @paged: the context translates at all), and gva2gpa answers as QEMU's
 * does, the page's translation plus the offset. Not judged when the sink
 * fails writes on purpose (@fail).
 */
static inline void wf_check_vtop_gva2gpa(struct wf_sink *s, pgw_ctx *c,
					 uint64_t va, int fail, int paged)
{
	struct pgw_result r;
	char want[64];
	int rc;

	wf_sink_reset(s, 0, fail);
	wf_view_done(s, pgw_view_vtop(c, va, wf_sink_write, s));
	rc = pgw_translate(c, va, 0, &r, NULL, NULL);
	if (!fail && paged &&
	    (s->last_len >= 2 && !memcmp(s->last, "0x", 2)) != (rc == 0))
		abort();
	wf_sink_reset(s, 0, fail);
	wf_view_done(s, pgw_view_gva2gpa(c, va, wf_sink_write, s));
	if (fail)
		return;
	rc = pgw_translate(c, va & ~0xfffULL, 0, &r, NULL, NULL);
	if (rc < 0)
		snprintf(want, sizeof(want), "Unmapped");
	else
		snprintf(want, sizeof(want), "gpa: %#" PRIx64,
			 r.out_gpa + (va & 0xfff));
	if (s->lines != 1 || s->last_len != strlen(want) ||
	    memcmp(s->last, want, s->last_len))
		abort();
}

#define WF_WALK_SAMPLE 16u

struct wf_wstate {
	pgw_ctx *g;
	uint64_t next;
	int started, at_top;
	struct pgw_leaf sample[WF_WALK_SAMPLE];
	unsigned nsample;
};

static inline void wf_order(struct wf_wstate *s, uint64_t start, uint64_t end)
{
	if (s->at_top || (s->started && start < s->next) ||
	    (end != 0 && end <= start))
		abort();
	s->started = 1;
	s->next = end;
	s->at_top = end == 0;
}

static inline int wf_on_leaf(const struct pgw_leaf *l, void *payload)
{
	struct wf_wstate *s = payload;

	if (l->size < WF_PAGE || (l->size & (l->size - 1)) ||
	    (l->va & (WF_PAGE - 1)) || (l->pa & (WF_PAGE - 1)))
		abort();
	wf_order(s, l->va, l->va + l->size);
	if (s->nsample < WF_WALK_SAMPLE)
		s->sample[s->nsample++] = *l;
	return 0;
}

static inline int wf_on_hole(uint64_t start, uint64_t end, int level,
			     void *payload)
{
	(void)level;
	wf_order(payload, start, end);
	return 0;
}

static inline int wf_on_fault(uint64_t start, uint64_t end,
			      const struct pgw_fault *f, void *payload)
{
	(void)f;
	wf_order(payload, start, end);
	return 0;
}

/* A walk whose leaves, holes and faults come in address order without
 * overlap, and whose first WF_WALK_SAMPLE leaves translate as reported
 * (every region of a region context: arm64 halves, radix quadrants). */
static inline void wf_check_walk(pgw_ctx *g)
{
	const struct pgw_walk_ops ops = {
		.leaf = wf_on_leaf, .hole = wf_on_hole, .fault = wf_on_fault,
	};
	static struct wf_wstate s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.g = g;
	rc = pgw_walk(g, NULL, &ops, &s);
	if (rc != 0 && rc != PGW_ELIMIT && rc != PGW_ENOMEM)
		abort();
	for (unsigned i = 0; i < s.nsample; i++) {
		struct pgw_result r;
		const struct pgw_leaf *l = &s.sample[i];

		if (pgw_translate(g, l->va, 0, &r, NULL, NULL) != 0 ||
		    r.out_pa != l->pa || r.out_entry != l->entry)
			abort();
	}
}

#endif /* WALKFUZZ_H */
