/*
 * The ppc64 hash views: QEMU's `info slb`, `info hpt` (table geometry and
 * valid HPTEs by page size), `info pg` as segments with folded runs of
 * reverse-mapped HPTEs, and `vtop` with SLB entry, hash, PTEG and HPTE.
 */
#include "view_priv.h"
#include "ppc64_priv.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pgw_view_slb(pgw_ctx *c, pgw_write_fn write, void *payload)
{
	struct pgw_out *o;

	if (!c || !pgw__hash(c))
		return PGW_EINVAL;
	o = pgw__out_new(write, payload);
	if (!o)
		return write ? PGW_ENOMEM : PGW_EINVAL;
	/* QEMU 7.2 target/ppc/mmu-hash64.c dump_slb(). */
	pgw__out_printf(o, "SLB\tESID\t\t\tVSID\n");
	for (unsigned i = 0; i < pgw__hash(c)->nslb; i++) {
		const struct pgw_ppc64_slbe *s = &pgw__hash(c)->slb[i];

		if (s->esid == 0 && s->vsid == 0)
			continue;
		pgw__out_printf(o, "%u\t0x%016" PRIx64 "\t0x%016" PRIx64 "\n",
				i, s->esid, s->vsid);
	}
	return pgw__out_done(o, 0);
}

static const char *size_name(unsigned shift)
{
	switch (shift) {
	case 12: return "4K";
	case 16: return "64K";
	case 24: return "16M";
	case 34: return "16G";
	default: return "?";
	}
}

/* Actual page size of an HPTE whatever its segment: the encodings of the
 * different base sizes do not overlap. */
static unsigned any_page_shift(uint64_t pte0, uint64_t pte1)
{
	static const unsigned bases[] = { 12, 16, 24, 34 };

	for (unsigned i = 0; i < 4; i++) {
		unsigned s = pgw__hpte_page_shift(bases[i], pte0, pte1);

		if (s)
			return s;
	}
	return 0;
}

int pgw_view_hpt(pgw_ctx *c, pgw_write_fn write, void *payload)
{
	struct pgw_hash *h;
	struct pgw_out *o;
	uint64_t by[5] = { 0 }, valid = 0, bolted = 0, second = 0;
	unsigned char *buf;
	uint64_t budget;
	int rc = 0;

	if (!c || !pgw__hash(c))
		return PGW_EINVAL;
	h = pgw__hash(c);
	/* The walk budget bounds the 4096-HPTE chunks read, as in pgw_walk():
	 * HTABSIZE allows 2^42 HPTEs, which a scan must not take on blindly
	 * (a corrupt SDR1 over memory that reads, or a source that answers
	 * everywhere). */
	budget = c->walk_budget;
	o = pgw__out_new(write, payload);
	if (!o)
		return write ? PGW_ENOMEM : PGW_EINVAL;
	buf = malloc(4096 * PGW_HPTE_SIZE);
	if (!buf)
		return pgw__out_done(o, PGW_ENOMEM);
	for (uint64_t idx = 0; idx < h->nhpte;) {
		unsigned n = h->nhpte - idx < 4096 ? (unsigned)(h->nhpte - idx) :
			     4096;
		const unsigned char *raw;

		if (h->ops && h->ops->next_used) {
			uint64_t nx = h->ops->next_used(idx, h->ops_payload);

			if (nx >= h->nhpte)
				break;
			idx = nx > idx ? nx : idx;
			n = h->nhpte - idx < 4096 ? (unsigned)(h->nhpte - idx) :
			    4096;
		}
		if (budget-- == 0) {
			rc = PGW_ELIMIT;
			break;
		}
		raw = pgw__hash_read(c, idx, n, buf);
		if (!raw) {
			rc = PGW_EIO;
			break;
		}
		for (unsigned i = 0; i < n; i++) {
			uint64_t pte0, pte1;
			unsigned s;

			pgw__hpte_decode(c, raw + (size_t)i * PGW_HPTE_SIZE,
					 &pte0, &pte1);
			if (!(pte0 & PGW_HPTE0_V))
				continue;
			valid++;
			bolted += (pte0 & PGW_HPTE0_BOLTED) != 0;
			second += (pte0 & PGW_HPTE0_H) != 0;
			s = any_page_shift(pte0, pte1);
			by[s == 12 ? 0 : s == 16 ? 1 : s == 24 ? 2 :
			   s == 34 ? 3 : 4]++;
		}
		idx += n;
	}
	free(buf);
	if (h->ops)
		pgw__out_printf(o, "HPT: from HPTE source (not in guest memory)"
				", ");
	else
		pgw__out_printf(o, "HPT: base 0x%016" PRIx64 ", ", h->htab_base);
	pgw__out_printf(o, "size 0x%" PRIx64 " (2^%u bytes), %" PRIu64
			" PTEGs, %" PRIu64 " HPTEs\n",
			(uint64_t)1 << h->htab_shift, h->htab_shift,
			h->pteg_mask + 1, h->nhpte);
	if (rc == PGW_ELIMIT) {
		pgw__out_printf(o, "error: walk budget exceeded (%" PRIu64
				" valid HPTEs in the part read)\n", valid);
		return pgw__out_done(o, rc);
	}
	if (rc < 0) {
		pgw__out_printf(o, "error: the table cannot be read\n");
		return pgw__out_done(o, rc);
	}
	pgw__out_printf(o, "valid HPTEs: %" PRIu64 " (bolted %" PRIu64
			", secondary %" PRIu64 ")\n", valid, bolted, second);
	for (unsigned i = 0; i < 4; i++)
		pgw__out_printf(o, "  %-4s %" PRIu64 "\n",
				size_name(i == 0 ? 12 : i == 1 ? 16 :
					  i == 2 ? 24 : 34), by[i]);
	if (by[4])
		pgw__out_printf(o, "  invalid size encoding %" PRIu64 "\n",
				by[4]);
	return pgw__out_done(o, 0);
}

/* ------------------------------------------------------------------ */
/* info pg                                                               */

#define RUN_SEGS 4

struct hrun {
	bool on;
	uint64_t va, end, n, size;
	unsigned perms;
	unsigned nseg;
	uint64_t seg[RUN_SEGS][2];   /* physical [lo, end) */
};

struct hpg {
	struct pgw_out *o;
	pgw_ctx *c;
	bool json, json_first;
	int slot;                     /* segment being printed, -1 */
	uint64_t seg_lo, seg_hi;      /* its EA range, inclusive */
	struct hrun r;
};

/* Append to a line being composed in @line (at most @cap bytes). */
static size_t line_add(char *line, size_t n, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static size_t line_add(char *line, size_t n, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (n >= cap)
		return n;
	va_start(ap, fmt);
	k = vsnprintf(line + n, cap - n, fmt, ap);
	va_end(ap);
	if (k < 0)
		return n;
	return n + (size_t)k < cap ? n + (size_t)k : cap - 1;
}

/*
 * One run is one line, composed whole and then written with one
 * pgw__out_printf(): several writes per line could let the buffer flush in
 * the middle of it, and the sink gets whole lines only (pgw_write_fn). A
 * JSON record's line ends when the next one starts (",\n") or the array
 * closes; that end is written first, before anything can flush.
 */
static void run_print(struct hpg *s)
{
	struct hrun *r = &s->r;
	char perms[6], sz[24], line[768];
	size_t n = 0;

	if (!r->on)
		return;
	r->on = false;
	pgw__perm_letters(perms, r->perms);
	*pgw__put_size(sz, r->size) = 0;
	if (s->json) {
		pgw__out_json_end_line(s->o, s->json_first);
		n = line_add(line, n, sizeof(line), " {\"slb\": %d, \"va\": \"0x%"
			     PRIx64 "\", \"end\": \"0x%" PRIx64 "\", \"n\": %"
			     PRIu64 ", \"size\": %" PRIu64 ", \"perms\": \"%s\", "
			     "\"pa\": [", s->slot, r->va, r->end, r->n, r->size,
			     perms);
		s->json_first = false;
		for (unsigned i = 0; i < r->nseg; i++)
			n = line_add(line, n, sizeof(line), "%s[\"0x%" PRIx64
				     "\", \"0x%" PRIx64 "\"]", i ? ", " : "",
				     r->seg[i][0], r->seg[i][1]);
		line_add(line, n, sizeof(line), "]}");
		pgw__out_printf(s->o, "%s", line);
		return;
	}
	n = line_add(line, n, sizeof(line), "  [%013" PRIx64 "-%013" PRIx64
		     "] HPTE x%-6" PRIu64 " %s %-3s ", r->va >> 12,
		     (r->end - 1) >> 12, r->n, perms, sz);
	for (unsigned i = 0; i < r->nseg; i++) {
		uint64_t lo = r->seg[i][0] >> 12, hi = (r->seg[i][1] - 1) >> 12;

		if (lo == hi)
			n = line_add(line, n, sizeof(line), "%s%010" PRIx64,
				     i ? " " : "", lo);
		else
			n = line_add(line, n, sizeof(line), "%s%010" PRIx64
				     "-%010" PRIx64, i ? " " : "", lo, hi);
	}
	pgw__out_printf(s->o, "%s\n", line);
}

static void segment_line(struct hpg *s, unsigned slot)
{
	const struct pgw_ppc64_slbe *e = &pgw__hash(s->c)->slb[slot];
	unsigned seg, b = pgw__slb_base_shift(e->vsid, &seg);

	s->slot = (int)slot;
	s->seg_lo = e->esid & ~((1ULL << seg) - 1);
	s->seg_hi = s->seg_lo + ((1ULL << seg) - 1);
	if (s->json)
		return;
	pgw__out_printf(s->o, "SLB[%u] ESID 0x%016" PRIx64 " VSID 0x%016" PRIx64
			" %s base %s%s%s%s\n", slot, e->esid, e->vsid,
			seg == 40 ? "1T" : "256M",
			size_name(pgw__hash(s->c)->lpcr & PGW_LPCR_ISL ? 12 : b),
			(e->vsid & PGW_SLB_VSID_KS) ? " Ks" : "",
			(e->vsid & PGW_SLB_VSID_KP) ? " Kp" : "",
			(e->vsid & PGW_SLB_VSID_N) ? " N" : "");
}

/* The SLB slot a translation of @ea uses (the leaf proves one exists). */
static unsigned slot_of(const struct pgw_hash *h, uint64_t ea)
{
	for (unsigned i = 0; i < h->nslb; i++) {
		uint64_t e = h->slb[i].esid;
		unsigned seg;

		if (!(e & PGW_SLB_ESID_V) ||
		    !pgw__slb_base_shift(h->slb[i].vsid, &seg))
			continue;
		if ((e & PGW_SLB_ESID_ESID) == (ea & ~((1ULL << seg) - 1)))
			return i;
	}
	return 0;
}

static int hpg_leaf(const struct pgw_leaf *l, void *payload)
{
	struct hpg *s = payload;
	struct hrun *r = &s->r;

	if (s->slot < 0 || l->va < s->seg_lo || l->va > s->seg_hi) {
		run_print(s);
		segment_line(s, slot_of(pgw__hash(s->c), l->va));
	}
	if (r->on && l->va == r->end && l->perms == r->perms &&
	    l->size == r->size) {
		if (r->seg[r->nseg - 1][1] == l->pa) {
			r->seg[r->nseg - 1][1] += l->size;
			goto joined;
		}
		if (r->nseg < RUN_SEGS) {
			r->seg[r->nseg][0] = l->pa;
			r->seg[r->nseg++][1] = l->pa + l->size;
			goto joined;
		}
	}
	run_print(s);
	r->on = true;
	r->va = l->va;
	r->end = l->va;
	r->n = 0;
	r->size = l->size;
	r->perms = l->perms;
	r->nseg = 1;
	r->seg[0][0] = l->pa;
	r->seg[0][1] = l->pa + l->size;
joined:
	r->end += l->size;
	r->n++;
	return s->o->err;
}

int pgw__hash_view_pg(pgw_ctx *c, const struct pgw_pg_opts *opt,
		      pgw_write_fn write, void *payload)
{
	struct pgw_walk_ops ops = { .leaf = hpg_leaf };
	struct hpg *s;
	int rc;

	s = calloc(1, sizeof(*s));
	if (!s)
		return PGW_ENOMEM;
	s->o = pgw__out_new(write, payload);
	if (!s->o) {
		free(s);
		return PGW_ENOMEM;
	}
	s->c = c;
	s->json = opt->json;
	s->json_first = true;
	s->slot = -1;
	if (s->json)
		pgw__out_printf(s->o, "[");
	else
		pgw__out_printf(s->o, "Info pg, ppc64 hash (HTAB 2^%u bytes, "
				"%u SLB entries)\nVPN range                     "
				"Entries     Flags Size Physical page(s)\n",
				pgw__hash(c)->htab_shift, pgw__hash(c)->nslb);
	rc = pgw_walk(c, &opt->filter, &ops, s);
	run_print(s);
	if (s->json) {
		if (!s->json_first)
			pgw__out_json_end_line(s->o, true);
		pgw__out_printf(s->o, "]\n");
	}
	rc = pgw__out_done(s->o, rc);
	free(s);
	return rc;
}

/* ------------------------------------------------------------------ */
/* vtop                                                                  */

/*
 * The hash vtop explains three reasons further than their shared names
 * (pgw_fault_reason_name()): which encoding was reserved, that both PTEGs
 * were searched, and that the HPT is not necessarily in guest memory.
 */
static const char *reason(enum pgw_fault_reason r)
{
	switch (r) {
	case PGW_FAULT_BAD_SLB: return "SLB entry has a reserved segment or "
				       "page size encoding (not used)";
	case PGW_FAULT_NO_HPTE: return "no matching HPTE in the primary or "
				       "secondary PTEG";
	case PGW_FAULT_BAD_TABLE: return "HPT cannot be read";
	default: return pgw_fault_reason_name(r);
	}
}

static void print_hash_step(struct pgw_out *o, const pgw_ctx *c,
			    const struct pgw_step *st)
{
	if (!strcmp(st->level_name, "SLB")) {
		unsigned seg = 28, b = pgw__slb_base_shift(st->entry2, &seg);

		pgw__out_printf(o, "  SLB[%u]  esid 0x%016" PRIx64 " vsid 0x%016"
				PRIx64 " (%s, base %s%s%s%s)\n", st->index,
				st->entry, st->entry2,
				b ? (seg == 40 ? "1T" : "256M") : "reserved B",
				b ? size_name((pgw__hash(c)->lpcr & PGW_LPCR_ISL) ?
					      12 : b) : "reserved",
				(st->entry2 & PGW_SLB_VSID_KS) ? ", Ks" : "",
				(st->entry2 & PGW_SLB_VSID_KP) ? ", Kp" : "",
				(st->entry2 & PGW_SLB_VSID_N) ? ", N" : "");
	} else if (st->level_name[0] == 'P') {
		pgw__out_printf(o, "  %-5s   0x%" PRIx64 " hash 0x%" PRIx64
				" (HPTEs 0x%" PRIx64 "-0x%" PRIx64 " @ 0x%016"
				PRIx64 ")\n", st->level_name, (uint64_t)st->index,
				st->hash, st->table, st->table + 7,
				st->entry_addr);
	} else {
		uint64_t p0 = st->entry, p1 = st->entry2;

		pgw__out_printf(o, "  HPTE[%u] @ 0x%016" PRIx64 " = 0x%016" PRIx64
				" 0x%016" PRIx64 " (AVPN 0x%" PRIx64 "%s%s%s, pp %u"
				", key %d, WIMG %x%s%s%s%s)\n", st->index,
				st->entry_addr, p0, p1,
				(uint64_t)((p0 & PGW_HPTE0_AVPN) >> 7),
				(p0 & PGW_HPTE0_L) ? " L" : "",
				(p0 & PGW_HPTE0_H) ? " H" : "",
				(p0 & PGW_HPTE0_BOLTED) ? " bolted" : "",
				(unsigned)((p1 & PGW_HPTE1_PP) |
					   ((p1 & PGW_HPTE1_PP0) >> 61)),
				pgw__hpte_key(p1),
				(unsigned)((p1 & PGW_HPTE1_WIMG) >> 3),
				(p1 & PGW_HPTE1_N) ? ", N" : "",
				(p1 & PGW_HPTE1_G) ? ", G" : "",
				(p1 & PGW_HPTE1_R) ? ", R" : "",
				(p1 & PGW_HPTE1_C) ? ", C" : "");
	}
}

int pgw__hash_view_vtop(pgw_ctx *c, uint64_t va, pgw_write_fn write,
			void *payload)
{
	struct pgw_trace *t;
	struct pgw_result r;
	struct pgw_fault f;
	struct pgw_out *o;
	char perms[6], size[24];
	int rc;

	o = pgw__out_new(write, payload);
	if (!o)
		return write ? PGW_ENOMEM : PGW_EINVAL;
	t = malloc(sizeof(*t));
	if (!t)
		return pgw__out_done(o, PGW_ENOMEM);
	rc = pgw_translate(c, va, 0, &r, &f, t);
	pgw__out_printf(o, "vtop 0x%016" PRIx64 " (ppc64 hash, MSR[PR]=%d)\n",
			va, (pgw__hash(c)->msr & PGW_MSR_PR) ? 1 : 0);
	for (unsigned i = 0; i < t->n; i++)
		print_hash_step(o, c, &t->step[i]);
	if (rc < 0) {
		pgw__out_printf(o, "fault translating 0x%016" PRIx64 ": %s",
				va, reason(f.out_reason));
		if (f.out_reason == PGW_FAULT_NO_HPTE)
			pgw__out_printf(o, " (searched for 0x%016" PRIx64 ")",
					f.out_entry);
		pgw__out_printf(o, "\n");
	} else {
		pgw__perm_letters(perms, r.out_perms);
		*pgw__put_size(size, r.out_page_size) = 0;
		pgw__out_printf(o, "0x%016" PRIx64 " -> 0x%016" PRIx64
				" size %s perms %s\n", va, r.out_pa, size,
				perms);
	}
	free(t);
	return pgw__out_done(o, 0);
}
