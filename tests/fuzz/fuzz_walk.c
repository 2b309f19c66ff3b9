/*
 * libFuzzer target: the x86 walker (32-bit with PSE/PSE-36, PAE, 4- and
 * 5-level) on fuzzer-built page tables: single translations (cached,
 * uncached with a trace, access-checked), range walks in every callback
 * form, pgw_mappings and the text views, cross-checked against each other.
 */
#include "walkfuzz.h"

#include <inttypes.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: a 144-byte header, then the physical memory image.
 *   u8 mode    bits 1:0 32-bit/PAE/4-level/5-level; bit 2 raw CR0/CR4/EFER
 *              from the header instead; bit 3 zero-copy map(); bit 4 PAE
 *              PDPTE registers loaded; bit 5 info pg as JSON; bit 6 the
 *              image at a host address 4 bytes off 8-byte alignment
 *   u8 ctl     CR4.PSE, EFER.NXE, CR0.WP, CR4.SMEP, SMAP, PKE, PKS, EFLAGS.AC
 *   u8 maxphy  0: 52, else 32 + n % 21
 *   u8 alias   address bits ignored from 12 + n % 53 up (see wf_mem)
 *   u8 budget  tables one range walk may load: 1 + n % 32
 *   u8 access  PGW_ACC_* of the checked translations
 *   u8 filter  need (bits 3:0) and deny (7:4) permissions
 *   u8 fail    the views' sink fails from this write on (0: never)
 *   u64 cr3, cr0, cr4, efer; u32 pkru, pkrs; u64 pdpte[4];
 *   u64 va[4]  addresses translated and shown by vtop / gva2gpa
 *   u64 start, last   filter range; u64 io_lo, io_hi   not-RAM range
 */
#define NVA 4
#define SAMPLE 48                 /* leaves re-translated per walk */

struct hdr {
	uint8_t mode, ctl, maxphy, alias, budget, access, filter, fail;
	uint64_t cr3, cr0, cr4, efer;
	uint32_t pkru, pkrs;
	uint64_t pdpte[4];
	uint64_t va[NVA];
	uint64_t start, last, io_lo, io_hi;
};

static void read_hdr(struct wf_in *in, struct hdr *h)
{
	h->mode = wf_u8(in);
	h->ctl = wf_u8(in);
	h->maxphy = wf_u8(in);
	h->alias = wf_u8(in);
	h->budget = wf_u8(in);
	h->access = wf_u8(in);
	h->filter = wf_u8(in);
	h->fail = wf_u8(in);
	h->cr3 = wf_u64(in);
	h->cr0 = wf_u64(in);
	h->cr4 = wf_u64(in);
	h->efer = wf_u64(in);
	h->pkru = wf_u32(in);
	h->pkrs = wf_u32(in);
	for (int i = 0; i < 4; i++)
		h->pdpte[i] = wf_u64(in);
	for (int i = 0; i < NVA; i++)
		h->va[i] = wf_u64(in);
	h->start = wf_u64(in);
	h->last = wf_u64(in);
	h->io_lo = wf_u64(in);
	h->io_hi = wf_u64(in);
}

static void make_regs(const struct hdr *h, struct pgw_x86_regs *r)
{
	static const uint64_t cr4_of[4] = {
		0, PGW_CR4_PAE, PGW_CR4_PAE, PGW_CR4_PAE | PGW_CR4_LA57,
	};

	r->version = PGW_X86_REGS_VERSION;
	r->cr3 = h->cr3;
	if (h->mode & 4) {
		r->cr0 = h->cr0;
		r->cr4 = h->cr4;
		r->efer = h->efer;
	} else {
		r->cr0 = PGW_CR0_PG;
		r->cr4 = cr4_of[h->mode & 3];
		r->efer = (h->mode & 3) >= 2 ? PGW_EFER_LME | PGW_EFER_LMA : 0;
		r->cr4 |= (h->ctl & 1 ? PGW_CR4_PSE : 0) |
			  (h->ctl & 8 ? PGW_CR4_SMEP : 0) |
			  (h->ctl & 16 ? PGW_CR4_SMAP : 0) |
			  (h->ctl & 32 ? PGW_CR4_PKE : 0) |
			  (h->ctl & 64 ? PGW_CR4_PKS : 0);
		r->efer |= h->ctl & 2 ? PGW_EFER_NXE : 0;
		r->cr0 |= h->ctl & 4 ? PGW_CR0_WP : 0;
	}
	r->rflags = h->ctl & 128 ? PGW_RFLAGS_AC : 0;
	r->pkru = h->pkru;
	r->pkrs = h->pkrs;
	r->maxphyaddr = h->maxphy ? 32 + h->maxphy % 21 : 0;
	r->pdptes_valid = (h->mode & 16) != 0;
	memcpy(r->pdpte, h->pdpte, sizeof(r->pdpte));
}

/* ---- single translations ------------------------------------------ */

static int same_result(const struct pgw_result *a, const struct pgw_result *b)
{
	return a->out_pa == b->out_pa && a->out_gpa == b->out_gpa &&
	       a->out_page_size == b->out_page_size &&
	       a->out_perms == b->out_perms && a->out_entry == b->out_entry &&
	       a->out_level == b->out_level && a->out_pkey == b->out_pkey;
}

static void check_translate(pgw_ctx *c, uint64_t va, unsigned access)
{
	struct pgw_trace t;
	struct pgw_result r1, r2, r3, ra;
	struct pgw_fault f1, fa;
	int levels = pgw_ctx_levels(c);
	int rc1, rc2, rc3, rca;

	/* Uncached (a trace asks for a complete walk), then twice through
	 * the caches: the second one is a TLB hit. */
	rc1 = pgw_translate(c, va, 0, &r1, &f1, &t);
	rc2 = pgw_translate(c, va, 0, &r2, NULL, NULL);
	rc3 = pgw_translate(c, va, 0, &r3, NULL, NULL);
	if (rc1 != rc2 || rc2 != rc3)
		abort();
	if (t.n > (unsigned)levels)
		abort();
	/* One entry per level, top down; only the last one can map the
	 * page (a leaf with reserved bits ends the walk there too). */
	for (unsigned i = 0; i < t.n; i++)
		if (t.step[i].level != (int)i || t.step[i].stage != PGW_STAGE_GUEST ||
		    (t.step[i].leaf && i + 1 != t.n) ||
		    (rc1 == 0 && i + 1 == t.n && !t.step[i].leaf))
			abort();
	if (rc1 == 0) {
		uint64_t sz = r1.out_page_size;

		if (!same_result(&r1, &r2) || !same_result(&r1, &r3))
			abort();  /* the caches changed the answer */
		if (sz < WF_PAGE || (sz & (sz - 1)) ||
		    (r1.out_pa & (sz - 1)) != (va & (sz - 1)) ||
		    r1.out_pa != r1.out_gpa || !(r1.out_perms & PGW_PERM_R))
			abort();
		/* Paging disabled: no level, no entry read. */
		if (levels == 0 ? r1.out_level != -1 || t.n != 0 :
		    r1.out_level < 0 || r1.out_level >= levels ||
		    t.n != (unsigned)r1.out_level + 1 ||
		    t.step[t.n - 1].entry != r1.out_entry)
			abort();
	} else if (rc1 != PGW_ENOTMAPPED && rc1 != PGW_ERSVD &&
		   rc1 != PGW_EIO) {
		abort();
	} else if ((rc1 == PGW_ENOTMAPPED) !=
		   (f1.out_reason == PGW_FAULT_NOT_PRESENT ||
		    f1.out_reason == PGW_FAULT_NONCANONICAL)) {
		abort();
	}
	/* The access check comes after a successful walk only. */
	rca = pgw_translate(c, va, access, &ra, &fa, NULL);
	if (rc1 < 0 ? rca != rc1 : (rca != 0 && rca != PGW_EACCES))
		abort();
	if (rca == 0 && !same_result(&ra, &r1))
		abort();
	if (rca == PGW_EACCES && (fa.out_reason != PGW_FAULT_ACCESS || !access))
		abort();
}

/* ---- range walks --------------------------------------------------- */

struct wstate {
	pgw_ctx *c;
	uint64_t next;            /* end of the last event (0: top reached) */
	int started, at_top;
	uint64_t count, hash, bytes;
	struct pgw_leaf sample[SAMPLE];
	unsigned nsample;
	/* The filter, and what the unfiltered walk says it should keep. */
	const struct pgw_walk_filter *flt;
	uint64_t want;
	uint64_t io_lo, io_hi;
};

static void order(struct wstate *s, uint64_t start, uint64_t end)
{
	if (s->at_top)
		abort();  /* an event after the end of the address space */
	if (s->started && start < s->next)
		abort();  /* out of order or overlapping */
	if (end != 0 && end <= start)
		abort();
	s->started = 1;
	s->next = end;
	s->at_top = end == 0;
}

static void mix(struct wstate *s, const struct pgw_leaf *l)
{
	uint64_t v[8] = { l->va, l->pa, l->gpa, l->size, l->perms, l->entry,
			  (uint64_t)l->level << 32 | l->index,
			  (uint64_t)(int64_t)l->pkey };

	for (int i = 0; i < 8; i++)
		s->hash = (s->hash ^ v[i]) * 0x100000001b3ULL;
	s->count++;
}

static int matches(const struct pgw_walk_filter *f, const struct pgw_leaf *l)
{
	return f->start <= f->last &&
	       l->va <= f->last && l->va + l->size - 1 >= f->start &&
	       (l->perms & f->need) == f->need && !(l->perms & f->deny);
}

static void leaf_checks(struct wstate *s, const struct pgw_leaf *l)
{
	uint64_t sz = l->size;

	if (sz < WF_PAGE || (sz & (sz - 1)) || (l->va & (sz - 1)) ||
	    (l->pa & (sz - 1)) || l->pa != l->gpa ||
	    l->va != pgw_ctx_canonical(s->c, l->va) ||
	    l->level < 0 || l->level >= pgw_ctx_levels(s->c))
		abort();
	order(s, l->va, l->va + sz);
	mix(s, l);
	s->bytes += sz;
	if (s->flt && matches(s->flt, l))
		s->want++;
	if (s->nsample < SAMPLE &&
	    (s->count <= SAMPLE / 2 || (s->count & 63) == 0))
		s->sample[s->nsample++] = *l;
}

static int on_leaf(const struct pgw_leaf *l, void *payload)
{
	leaf_checks(payload, l);
	return 0;
}

static int on_leaves(const struct pgw_leaf *l, size_t n, void *payload)
{
	struct pgw_leaf k = *l;

	if (n == 0)
		abort();
	for (size_t i = 0; i < n; i++) {
		k.va = l->va + i * l->size;
		k.pa = l->pa + i * l->size;
		k.gpa = l->gpa + i * l->size;
		k.index = l->index + (unsigned)i;
		k.entry = l->entry + i * l->size;
		if (k.index >= 1024)
			abort();  /* a run stays in one table */
		leaf_checks(payload, &k);
	}
	return 0;
}

static int on_hole(uint64_t start, uint64_t end, int level, void *payload)
{
	struct wstate *s = payload;

	if (level < 0 || level >= pgw_ctx_levels(s->c))
		abort();
	order(s, start, end);
	return 0;
}

static int on_fault(uint64_t start, uint64_t end, const struct pgw_fault *f,
		    void *payload)
{
	struct wstate *s = payload;

	if (f->out_reason != PGW_FAULT_RESERVED &&
	    f->out_reason != PGW_FAULT_BAD_TABLE &&
	    f->out_reason != PGW_FAULT_LOOP)
		abort();
	order(s, start, end);
	return 0;
}

static int on_table(const struct pgw_table *t, void *payload)
{
	struct wstate *s = payload;

	if (t->level < 0 || t->level + 1 >= pgw_ctx_levels(s->c))
		abort();  /* the last level holds no tables */
	return t->index == 0x1ff && (s->count & 1) ? PGW_WALK_SKIP : 0;
}

/* A reported leaf translates to what the walk said, at both its ends. */
static void check_samples(pgw_ctx *c, const struct wstate *s)
{
	for (unsigned i = 0; i < s->nsample; i++) {
		const struct pgw_leaf *l = &s->sample[i];
		struct pgw_result r;

		if (pgw_translate(c, l->va, 0, &r, NULL, NULL) != 0 ||
		    r.out_pa != l->pa || r.out_page_size != l->size ||
		    r.out_perms != l->perms || r.out_entry != l->entry ||
		    r.out_level != l->level || r.out_pkey != l->pkey)
			abort();
		if (pgw_translate(c, l->va + l->size - 1, 0, &r, NULL, NULL) ||
		    r.out_pa != l->pa + l->size - 1)
			abort();
	}
}

/* What the unfiltered walk found, for the views. */
static int walk_rc;
static uint64_t walk_leaves;

static void check_walks(pgw_ctx *c, const struct pgw_walk_filter *flt)
{
	const struct pgw_walk_ops by_leaf = {
		.leaf = on_leaf, .hole = on_hole, .fault = on_fault,
	};
	const struct pgw_walk_ops by_run = { .leaves = on_leaves };
	const struct pgw_walk_ops all = {
		.table = on_table, .leaf = on_leaf, .hole = on_hole,
		.fault = on_fault,
	};
	const struct pgw_walk_ops filtered = { .leaf = on_leaf };
	static struct wstate a, b, d;
	int rca, rcb, rcd;

	memset(&a, 0, sizeof(a));
	a.c = c;
	a.flt = flt;
	rca = pgw_walk(c, NULL, &by_leaf, &a);
	if (rca != 0 && rca != PGW_ELIMIT)
		abort();
	walk_rc = rca;
	walk_leaves = a.count;
	check_samples(c, &a);

	/* The run form reports the same pages in the same order. */
	memset(&b, 0, sizeof(b));
	b.c = c;
	rcb = pgw_walk(c, NULL, &by_run, &b);
	if (rcb != rca && !(rca == PGW_ELIMIT || rcb == PGW_ELIMIT))
		abort();
	if (rca == 0 && rcb == 0 && (b.count != a.count || b.hash != a.hash))
		abort();

	/* Table callbacks that skip some subtrees: still ordered. */
	memset(&d, 0, sizeof(d));
	d.c = c;
	rcd = pgw_walk(c, NULL, &all, &d);
	if (rcd != 0 && rcd != PGW_ELIMIT)
		abort();

	/* The filter keeps exactly the leaves that meet it. */
	memset(&d, 0, sizeof(d));
	d.c = c;
	rcd = pgw_walk(c, flt, &filtered, &d);
	if (rcd != 0 && rcd != PGW_ELIMIT)
		abort();
	for (unsigned i = 0; i < d.nsample; i++)
		if (!matches(flt, &d.sample[i]))
			abort();
	if (rca == 0 && rcd == 0 && d.count != a.want)
		abort();
	check_samples(c, &d);
}

/* ---- pgw_mappings -------------------------------------------------- */

static int is_io(uint64_t pa, uint64_t size, void *payload)
{
	const struct wstate *s = payload;
	uint64_t end = pa + size;

	if (end <= s->io_lo || pa >= s->io_hi)
		return 0;
	return pa >= s->io_lo && end <= s->io_hi ? PGW_IO_ALL : 1;
}

static int on_mapping(const struct pgw_mapping *m, void *payload)
{
	struct wstate *s = payload;

	if (m->size == 0 || (m->size & (WF_PAGE - 1)) ||
	    (m->va & (WF_PAGE - 1)) || (m->pa & (WF_PAGE - 1)))
		abort();
	order(s, m->va, m->va + m->size);
	if (s->io_hi > s->io_lo && m->pa < s->io_hi &&
	    m->pa + m->size > s->io_lo)
		abort();  /* not-RAM kept */
	s->bytes += m->size;
	s->count++;
	if (s->count > (1u << 20))
		abort();
	return 0;
}

static void check_mappings(pgw_ctx *c, const struct hdr *h)
{
	static struct wstate s, leaves;
	const struct pgw_walk_ops by_leaf = { .leaf = on_leaf };
	int rc, rcl;

	memset(&leaves, 0, sizeof(leaves));
	leaves.c = c;
	rcl = pgw_walk(c, NULL, &by_leaf, &leaves);
	for (int io = 0; io < 2; io++) {
		memset(&s, 0, sizeof(s));
		s.c = c;
		if (io) {
			s.io_lo = h->io_lo & ~(uint64_t)(WF_PAGE - 1);
			s.io_hi = h->io_hi & ~(uint64_t)(WF_PAGE - 1);
		}
		rc = pgw_mappings(c, NULL, io ? is_io : NULL, &s, on_mapping,
				  &s);
		if (rc != 0 && rc != PGW_ELIMIT)
			abort();
		/* Merging loses no byte. */
		if (!io && rc == 0 && rcl == 0 && leaves.bytes != s.bytes)
			abort();
	}
}

/* ---- views ----------------------------------------------------------- */

static void check_views(pgw_ctx *c, const struct hdr *h,
			const struct pgw_walk_filter *flt)
{
	static struct wf_sink s;
	struct pgw_pg_opts o = PGW_PG_OPTS_INIT;
	int fail = h->fail;

	wf_sink_reset(&s, 0, fail);
	wf_view_done(&s, pgw_view_tlb(c, wf_sink_write, &s));
	/* info tlb: one line per leaf; info mem: one per run of them. */
	if (!fail && walk_rc == 0 && pgw_ctx_mode(c) != PGW_MODE_NONE &&
	    s.lines != walk_leaves)
		abort();
	wf_sink_reset(&s, 0, fail);
	wf_view_done(&s, pgw_view_mem(c, wf_sink_write, &s));
	if (!fail && walk_rc == 0 && pgw_ctx_mode(c) != PGW_MODE_NONE &&
	    s.lines > walk_leaves)
		abort();
	wf_sink_reset(&s, 0, fail);
	wf_view_done(&s, pgw_view_pg(c, NULL, wf_sink_write, &s));
	/* Filtered, as text or JSON. */
	o.filter = *flt;
	o.json = (h->mode & 32) != 0;
	wf_sink_reset(&s, o.json, fail);
	wf_view_done(&s, pgw_view_pg(c, &o, wf_sink_write, &s));
	for (int i = 0; i < NVA; i++)
		wf_check_vtop_gva2gpa(&s, c, h->va[i], fail,
				      pgw_ctx_mode(c) != PGW_MODE_NONE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_in in = { data, size, 0 };
	struct pgw_x86_regs regs;
	struct pgw_walk_filter flt = PGW_WALK_FILTER_INIT;
	static struct wf_mem mem;
	struct hdr h;
	pgw_ctx *c = NULL;
	char err[128] = "";

	read_hdr(&in, &h);
	wf_mem_init(&mem, &in, 12 + h.alias % 53, h.mode & 64 ? 4 : 0);
	memset(&regs, 0, sizeof(regs));
	make_regs(&h, &regs);
	if (pgw_ctx_new_x86(&c, &regs, h.mode & 8 ? &wf_mem_ops_map :
			    &wf_mem_ops_copy, &mem, err, sizeof(err)) < 0) {
		if (c || !err[0])
			abort();  /* a refusal leaves nothing and says why */
		return 0;
	}
	pgw_ctx_set_walk_budget(c, 1 + h.budget % 32);
	flt.start = h.start;
	flt.last = h.last;
	flt.need = h.filter & 15;
	flt.deny = h.filter >> 4;
	for (int i = 0; i < NVA; i++)
		check_translate(c, h.va[i], h.access & 15);
	check_walks(c, &flt);
	check_mappings(c, &h);
	check_views(c, &h, &flt);
	/* After an invalidation the answers are the same. */
	pgw_ctx_invalidate(c);
	for (int i = 0; i < NVA; i++)
		check_translate(c, h.va[i], h.access & 15);
	pgw_ctx_free(c);
	return 0;
}
