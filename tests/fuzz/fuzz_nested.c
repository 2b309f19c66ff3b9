/*
 * libFuzzer target: 2-D walks. A guest context (32-bit, PAE, 4- or 5-level)
 * with an EPT or NPT stage attached, on one fuzzer-built physical memory:
 * every guest table fetch and final GPA go through the nested tables.
 * Translations, range walks and views, checked against the host stage alone.
 */
#include "walkfuzz.h"

#include <inttypes.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: a 120-byte header, then the host-physical memory image.
 *   u8 gmode   bits 1:0 guest 32-bit/PAE/4-level/5-level; bit 2 zero-copy
 *              map(); bit 3 info pg as JSON; bit 4 PAE PDPTE registers;
 *              bit 5 the image 4 bytes off 8-byte alignment
 *   u8 nmode   bits 1:0 EPT4/EPT5/NPT4/NPT5; bit 2 NPT honours NX
 *   u8 ctl     CR4.PSE, EFER.NXE, CR0.WP, SMEP, SMAP, PKE, PKS, EFLAGS.AC
 *   u8 maxphy, nmaxphy  0: 52, else 32 + n % 21 (guest, host)
 *   u8 alias   address bits ignored from 12 + n % 53 up (see wf_mem)
 *   u8 budget  tables one range walk may load: 1 + n % 16
 *   u8 access  PGW_ACC_* of the checked translations
 *   u8 filter  need (bits 3:0) and deny (7:4) of the filtered info pg
 *   u8 fail    the views' sink fails from this write on (0: never)
 *   u8 pad[6]
 *   u64 cr3, nroot (EPTP / nCR3); u32 pkru, pkrs; u64 pdpte[4];
 *   u64 va[4]; u64 start, last (filter range)
 */
#define NVA 4
#define SAMPLE 32

struct hdr {
	uint8_t gmode, nmode, ctl, maxphy, nmaxphy, alias, budget, access;
	uint8_t filter, fail;
	uint64_t cr3, nroot;
	uint32_t pkru, pkrs;
	uint64_t pdpte[4], va[NVA], start, last;
};

static void read_hdr(struct wf_in *in, struct hdr *h)
{
	h->gmode = wf_u8(in);
	h->nmode = wf_u8(in);
	h->ctl = wf_u8(in);
	h->maxphy = wf_u8(in);
	h->nmaxphy = wf_u8(in);
	h->alias = wf_u8(in);
	h->budget = wf_u8(in);
	h->access = wf_u8(in);
	h->filter = wf_u8(in);
	h->fail = wf_u8(in);
	wf_take(in, 6);
	h->cr3 = wf_u64(in);
	h->nroot = wf_u64(in);
	h->pkru = wf_u32(in);
	h->pkrs = wf_u32(in);
	for (int i = 0; i < 4; i++)
		h->pdpte[i] = wf_u64(in);
	for (int i = 0; i < NVA; i++)
		h->va[i] = wf_u64(in);
	h->start = wf_u64(in);
	h->last = wf_u64(in);
}

static int make_ctxs(const struct hdr *h, struct wf_mem *mem, pgw_ctx **g,
		     pgw_ctx **n)
{
	static const uint64_t cr4_of[4] = {
		0, PGW_CR4_PAE, PGW_CR4_PAE, PGW_CR4_PAE | PGW_CR4_LA57,
	};
	static const enum pgw_mode nm[4] = {
		PGW_MODE_EPT4, PGW_MODE_EPT5, PGW_MODE_NPT4, PGW_MODE_NPT5,
	};
	const struct pgw_mem_ops *ops = h->gmode & 4 ? &wf_mem_ops_map :
					&wf_mem_ops_copy;
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	char err[128] = "";

	r.cr0 = PGW_CR0_PG | (h->ctl & 4 ? PGW_CR0_WP : 0);
	r.cr3 = h->cr3;
	r.cr4 = cr4_of[h->gmode & 3] | (h->ctl & 1 ? PGW_CR4_PSE : 0) |
		(h->ctl & 8 ? PGW_CR4_SMEP : 0) |
		(h->ctl & 16 ? PGW_CR4_SMAP : 0) |
		(h->ctl & 32 ? PGW_CR4_PKE : 0) | (h->ctl & 64 ? PGW_CR4_PKS : 0);
	r.efer = ((h->gmode & 3) >= 2 ? PGW_EFER_LME | PGW_EFER_LMA : 0) |
		 (h->ctl & 2 ? PGW_EFER_NXE : 0);
	r.rflags = h->ctl & 128 ? PGW_RFLAGS_AC : 0;
	r.pkru = h->pkru;
	r.pkrs = h->pkrs;
	r.maxphyaddr = h->maxphy ? 32 + h->maxphy % 21 : 0;
	r.pdptes_valid = (h->gmode & 16) != 0;
	memcpy(r.pdpte, h->pdpte, sizeof(r.pdpte));
	if (pgw_ctx_new_nested(n, nm[h->nmode & 3], h->nroot,
			       h->nmaxphy ? 32 + h->nmaxphy % 21 : 0,
			       (h->nmode & 4) != 0, ops, mem, err,
			       sizeof(err)) < 0) {
		if (*n || !err[0])
			abort();
		return -1;
	}
	if (pgw_ctx_new_x86(g, &r, ops, mem, err, sizeof(err)) < 0)
		abort();  /* the guest registers are always a valid mode */
	if (pgw_ctx_set_nested(*g, *n) < 0 || pgw_ctx_nested(*g) != *n)
		abort();
	/* One level of nesting only: a host cannot have a host. */
	if (pgw_ctx_set_nested(*n, *n) != PGW_EINVAL ||
	    pgw_ctx_set_nested(*n, *g) != PGW_EINVAL)
		abort();
	pgw_ctx_set_walk_budget(*g, 1 + h->budget % 16);
	pgw_ctx_set_walk_budget(*n, 1 + h->budget % 16);
	return 0;
}

static int same_result(const struct pgw_result *a, const struct pgw_result *b)
{
	return a->out_pa == b->out_pa && a->out_gpa == b->out_gpa &&
	       a->out_page_size == b->out_page_size &&
	       a->out_perms == b->out_perms && a->out_entry == b->out_entry &&
	       a->out_level == b->out_level && a->out_pkey == b->out_pkey;
}

/* A composed translation agrees with the host stage on its GPA. */
static void check_composed(pgw_ctx *n, uint64_t va, const struct pgw_result *r)
{
	struct pgw_result hr;
	uint64_t sz = r->out_page_size;

	if (pgw_translate(n, r->out_gpa, 0, &hr, NULL, NULL) != 0 ||
	    hr.out_pa != r->out_pa || sz > hr.out_page_size ||
	    sz < WF_PAGE || (sz & (sz - 1)) ||
	    (r->out_pa & (sz - 1)) != (va & (sz - 1)) ||
	    (r->out_gpa & (sz - 1)) != (va & (sz - 1)) ||
	    (r->out_perms & ~hr.out_perms & ~PGW_PERM_U))
		abort();
}

static void check_translate(pgw_ctx *g, pgw_ctx *n, uint64_t va,
			    unsigned access)
{
	struct pgw_trace t;
	struct pgw_result r1, r2, r3, ra;
	struct pgw_fault f1, fa;
	int rc1, rc2, rc3, rca, glevel = -1;

	rc1 = pgw_translate(g, va, 0, &r1, &f1, &t);
	rc2 = pgw_translate(g, va, 0, &r2, NULL, NULL);
	rc3 = pgw_translate(g, va, 0, &r3, NULL, NULL);
	if (rc1 != rc2 || rc2 != rc3)
		abort();
	if (t.n > PGW_TRACE_MAX)
		abort();
	for (unsigned i = 0; i < t.n; i++) {
		if (t.step[i].stage != PGW_STAGE_GUEST)
			continue;
		if (t.step[i].level != glevel + 1)
			abort();  /* guest levels in order, none skipped */
		glevel = t.step[i].level;
	}
	if (rc1 == 0) {
		if (!same_result(&r1, &r2) || !same_result(&r1, &r3))
			abort();
		check_composed(n, va, &r1);
		if (glevel != r1.out_level)
			abort();
	} else if (rc1 != PGW_ENOTMAPPED && rc1 != PGW_ERSVD &&
		   rc1 != PGW_EIO) {
		abort();
	} else if (f1.out_stage != PGW_STAGE_GUEST &&
		   f1.out_stage != PGW_STAGE_NESTED) {
		abort();
	}
	rca = pgw_translate(g, va, access, &ra, &fa, NULL);
	if (rc1 < 0 ? rca != rc1 : (rca != 0 && rca != PGW_EACCES))
		abort();
	if (rca == 0 && !same_result(&ra, &r1))
		abort();
}

struct wstate {
	pgw_ctx *g, *n;
	uint64_t next, count, hash;
	int started, at_top;
	struct pgw_leaf sample[SAMPLE];
	unsigned nsample;
};

static void order(struct wstate *s, uint64_t start, uint64_t end)
{
	if (s->at_top || (s->started && start < s->next) ||
	    (end != 0 && end <= start))
		abort();
	s->started = 1;
	s->next = end;
	s->at_top = end == 0;
}

static void leaf_checks(struct wstate *s, const struct pgw_leaf *l)
{
	uint64_t v[6] = { l->va, l->pa, l->gpa, l->size, l->perms, l->entry };

	if (l->size < WF_PAGE || (l->size & (l->size - 1)) ||
	    (l->va & (WF_PAGE - 1)) || (l->pa & (WF_PAGE - 1)) ||
	    (l->gpa & (WF_PAGE - 1)))
		abort();
	order(s, l->va, l->va + l->size);
	for (int i = 0; i < 6; i++)
		s->hash = (s->hash ^ v[i]) * 0x100000001b3ULL;
	s->count++;
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

	for (size_t i = 0; i < n; i++) {
		k.va = l->va + i * l->size;
		k.pa = l->pa + i * l->size;
		k.gpa = l->gpa + i * l->size;
		k.entry = l->entry + i * l->size;
		leaf_checks(payload, &k);
	}
	return 0;
}

static int on_hole(uint64_t start, uint64_t end, int level, void *payload)
{
	(void)level;
	order(payload, start, end);
	return 0;
}

static int on_fault(uint64_t start, uint64_t end, const struct pgw_fault *f,
		    void *payload)
{
	if (f->out_stage != PGW_STAGE_GUEST && f->out_stage != PGW_STAGE_NESTED)
		abort();
	order(payload, start, end);
	return 0;
}

static void check_walks(pgw_ctx *g, pgw_ctx *n)
{
	const struct pgw_walk_ops by_leaf = {
		.leaf = on_leaf, .hole = on_hole, .fault = on_fault,
	};
	const struct pgw_walk_ops by_run = { .leaves = on_leaves };
	static struct wstate a, b;
	int rca, rcb;

	memset(&a, 0, sizeof(a));
	a.g = g;
	a.n = n;
	rca = pgw_walk(g, NULL, &by_leaf, &a);
	if (rca != 0 && rca != PGW_ELIMIT)
		abort();
	/* Every piece the walk reports translates to what it said. */
	for (unsigned i = 0; i < a.nsample; i++) {
		const struct pgw_leaf *l = &a.sample[i];
		struct pgw_result r;

		if (pgw_translate(g, l->va, 0, &r, NULL, NULL) != 0 ||
		    r.out_pa != l->pa || r.out_gpa != l->gpa ||
		    r.out_perms != l->perms || r.out_entry != l->entry ||
		    r.out_page_size < l->size)
			abort();
		check_composed(n, l->va, &r);
		if (pgw_translate(g, l->va + l->size - 1, 0, &r, NULL, NULL) ||
		    r.out_pa != l->pa + l->size - 1)
			abort();
	}
	memset(&b, 0, sizeof(b));
	b.g = g;
	b.n = n;
	rcb = pgw_walk(g, NULL, &by_run, &b);
	if (rca == 0 && rcb == 0 && (a.count != b.count || a.hash != b.hash))
		abort();
	/* The host stage on its own. */
	memset(&b, 0, sizeof(b));
	rcb = pgw_walk(n, NULL, &by_leaf, &b);
	if (rcb != 0 && rcb != PGW_ELIMIT)
		abort();
}

static void check_views(pgw_ctx *g, pgw_ctx *n, const struct hdr *h)
{
	static struct wf_sink s;
	struct pgw_pg_opts o = PGW_PG_OPTS_INIT;
	int fail = h->fail;

	wf_sink_reset(&s, 0, fail);
	wf_view_done(&s, pgw_view_tlb(g, wf_sink_write, &s));
	wf_sink_reset(&s, 0, fail);
	wf_view_done(&s, pgw_view_mem(g, wf_sink_write, &s));
	wf_sink_reset(&s, 0, fail);
	wf_view_done(&s, pgw_view_pg(g, NULL, wf_sink_write, &s));
	o.filter.start = h->start;
	o.filter.last = h->last;
	o.filter.need = h->filter & 15;
	o.filter.deny = h->filter >> 4;
	o.json = (h->gmode & 8) != 0;
	wf_sink_reset(&s, o.json, fail);
	wf_view_done(&s, pgw_view_pg(g, &o, wf_sink_write, &s));
	wf_sink_reset(&s, 0, fail);
	wf_view_done(&s, pgw_view_tlb(n, wf_sink_write, &s));
	for (int i = 0; i < NVA; i++) {
		wf_check_vtop_gva2gpa(&s, g, h->va[i], fail, 1);
		/* The same number as a GPA through the nested stage alone. */
		wf_sink_reset(&s, 0, fail);
		wf_view_done(&s, pgw_view_vtop(n, h->va[i], wf_sink_write, &s));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_in in = { data, size, 0 };
	static struct wf_mem mem;
	struct hdr h;
	pgw_ctx *g = NULL, *n = NULL;

	read_hdr(&in, &h);
	wf_mem_init(&mem, &in, 12 + h.alias % 53, h.gmode & 32 ? 4 : 0);
	if (make_ctxs(&h, &mem, &g, &n) < 0)
		return 0;
	for (int i = 0; i < NVA; i++)
		check_translate(g, n, h.va[i], h.access & 15);
	check_walks(g, n);
	check_views(g, n, &h);
	/* Detached, the guest reads its tables as host-physical. */
	if (pgw_ctx_set_nested(g, NULL) < 0 || pgw_ctx_nested(g))
		abort();
	for (int i = 0; i < NVA; i++) {
		struct pgw_result r;

		if (pgw_translate(g, h.va[i], 0, &r, NULL, NULL) == 0 &&
		    r.out_pa != r.out_gpa)
			abort();
	}
	pgw_ctx_free(g);
	pgw_ctx_free(n);
	return 0;
}
