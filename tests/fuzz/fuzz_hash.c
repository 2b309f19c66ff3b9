/*
 * libFuzzer target: the ppc64 hash MMU. SLB entries (256M/1T segments, base
 * page sizes by L||LP) and an HPT from the input, read through HPTE ops or
 * from physical memory at HTABORG: translations, the reverse walk (info pg),
 * info slb / info hpt / vtop, each checked against forward lookups.
 */
#include "walkfuzz.h"

#include <inttypes.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: a 336-byte header, then the HPT image (HPTE i at byte (16 i) mod
 * the image size, through the HPTE ops), or the physical memory holding it.
 *   u8 nslb    SLB entries used: n % 17
 *   u8 src     bit 0 HTAB in physical memory (SDR1); bit 1 next_used op;
 *              bit 2 info pg as JSON; bit 3 ISA 3.0 HPTEs; bit 4 AMR/IAMR;
 *              bit 5 MSR[PR]; bit 6 LPCR[ISL]; bit 7 zero-copy map()
 *   u8 shift   HTAB of 2^(18 + n % 29) bytes
 *   u8 alias   physical address bits ignored from 12 + n % 53 up
 *   u8 budget  4096-HPTE chunks one walk may read: 1 + n % 16
 *   u8 access  PGW_ACC_* of the checked translations
 *   u8 filter  need (bits 3:0) and deny (7:4) permissions
 *   u8 fail    the views' sink fails from this write on (0: never);
 *              bit 7 also puts the image 3 bytes off 8-byte alignment
 *   u64 sdr1, amr, iamr; u64 va[4]; u64 start, last;
 *   16 x { u64 esid; u64 vsid; }
 */
#define NVA 4
#define NSLB 16
#define SAMPLE 32

struct hdr {
	uint8_t nslb, src, shift, alias, budget, access, filter, fail;
	uint64_t sdr1, amr, iamr, va[NVA], start, last;
	struct pgw_ppc64_slbe slb[NSLB];
};

static void read_hdr(struct wf_in *in, struct hdr *h)
{
	h->nslb = wf_u8(in) % (NSLB + 1);
	h->src = wf_u8(in);
	h->shift = wf_u8(in);
	h->alias = wf_u8(in);
	h->budget = wf_u8(in);
	h->access = wf_u8(in);
	h->filter = wf_u8(in);
	h->fail = wf_u8(in);
	h->sdr1 = wf_u64(in);
	h->amr = wf_u64(in);
	h->iamr = wf_u64(in);
	for (int i = 0; i < NVA; i++)
		h->va[i] = wf_u64(in);
	h->start = wf_u64(in);
	h->last = wf_u64(in);
	for (int i = 0; i < NSLB; i++) {
		h->slb[i].esid = wf_u64(in);
		h->slb[i].vsid = wf_u64(in);
	}
}

/* HPTE source over the image: entry i at byte 16 i modulo its size. */
static int hpt_read(uint64_t index, unsigned n, void *buf, void *payload)
{
	const struct wf_mem *m = payload;
	unsigned char *out = buf;

	if (m->size == 0 || n == 0 || n > 4096)
		abort();  /* the walker asks for 1..4096 HPTEs */
	for (unsigned i = 0; i < n; i++)
		memcpy(out + 16 * i, m->img + ((index + i) * 16) % m->size, 16);
	return 0;
}

/* The first index >= @index whose HPTE is not all zero. */
static uint64_t hpt_next_used(uint64_t index, void *payload)
{
	const struct wf_mem *m = payload;
	uint64_t n = m->size / 16;
	static const unsigned char zero[16];

	for (uint64_t k = 0; k < n; k++)
		if (memcmp(m->img + ((index + k) % n) * 16, zero, 16))
			return index + k;
	return UINT64_MAX;
}

static const struct pgw_hpte_ops hpt_ops = { hpt_read, NULL };
static const struct pgw_hpte_ops hpt_ops_used = { hpt_read, hpt_next_used };

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
	struct pgw_result r1, r2, ra;
	struct pgw_fault f1, fa;
	int rc1, rc2, rca;

	rc1 = pgw_translate(c, va, 0, &r1, &f1, &t);
	rc2 = pgw_translate(c, va, 0, &r2, NULL, NULL);
	if (rc1 != rc2 || t.n > 4)
		abort();  /* SLB, PTEG, PTEG2, HPTE at most */
	if (rc1 == 0) {
		uint64_t sz = r1.out_page_size;

		if (!same_result(&r1, &r2) || r1.out_pa != r1.out_gpa ||
		    (sz != 1ULL << 12 && sz != 1ULL << 16 &&
		     sz != 1ULL << 24 && sz != 1ULL << 34) ||
		    (r1.out_pa & (sz - 1)) != (va & (sz - 1)) ||
		    r1.out_pkey < 0 || r1.out_pkey > 31 || t.n < 2 ||
		    !t.step[t.n - 1].leaf || t.step[t.n - 1].entry2 != r1.out_entry)
			abort();
	} else if (rc1 == PGW_ENOTMAPPED) {
		if (f1.out_reason != PGW_FAULT_NO_SLB &&
		    f1.out_reason != PGW_FAULT_BAD_SLB &&
		    f1.out_reason != PGW_FAULT_NO_HPTE)
			abort();
	} else if (rc1 != PGW_EIO || f1.out_reason != PGW_FAULT_BAD_TABLE) {
		abort();
	}
	rca = pgw_translate(c, va, access, &ra, &fa, NULL);
	if (rc1 < 0 ? rca != rc1 : (rca != 0 && rca != PGW_EACCES))
		abort();
	if (rca == 0 && !same_result(&ra, &r1))
		abort();
	if (rca == PGW_EACCES && fa.out_reason != PGW_FAULT_ACCESS)
		abort();
}

struct wstate {
	const struct pgw_walk_filter *flt;
	uint64_t count, next;
	int started;
	struct pgw_leaf sample[SAMPLE];
	unsigned nsample;
};

static int on_leaf(const struct pgw_leaf *l, void *payload)
{
	struct wstate *s = payload;
	const struct pgw_walk_filter *f = s->flt;

	/* Sorted by EA, each the base page of one HPTE, all distinct. */
	if (s->started && l->va < s->next)
		abort();
	if (l->size < WF_PAGE || (l->size & (l->size - 1)) ||
	    (l->va & (l->size - 1)) || l->va < f->start || l->va > f->last ||
	    (l->perms & f->need) != f->need || (l->perms & f->deny))
		abort();
	s->started = 1;
	s->next = l->va + 1;
	if (s->nsample < SAMPLE &&
	    (s->count < SAMPLE / 2 || (s->count & 15) == 0))
		s->sample[s->nsample++] = *l;
	s->count++;
	return 0;
}

static void check_walk(pgw_ctx *c, const struct pgw_walk_filter *flt)
{
	const struct pgw_walk_ops ops = { .leaf = on_leaf };
	static struct wstate s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.flt = flt;
	rc = pgw_walk(c, flt, &ops, &s);
	if (rc != 0 && rc != PGW_ELIMIT && rc != PGW_EIO)
		abort();
	/* A reverse-mapped page is what a forward lookup of it finds. */
	for (unsigned i = 0; i < s.nsample; i++) {
		const struct pgw_leaf *l = &s.sample[i];
		struct pgw_result r;

		if (pgw_translate(c, l->va, 0, &r, NULL, NULL) != 0 ||
		    r.out_pa != l->pa || r.out_perms != l->perms ||
		    r.out_entry != l->entry || r.out_pkey != l->pkey ||
		    r.out_page_size < l->size)
			abort();
		if (pgw_translate(c, l->va + l->size - 1, 0, &r, NULL, NULL) ||
		    r.out_pa != l->pa + l->size - 1)
			abort();
	}
}

static void check_views(pgw_ctx *c, const struct hdr *h,
			const struct pgw_walk_filter *flt)
{
	static struct wf_sink s;
	struct pgw_pg_opts o = PGW_PG_OPTS_INIT;
	int fail = h->fail;

	wf_sink_reset(&s, 0, fail);
	wf_view_done(&s, pgw_view_slb(c, wf_sink_write, &s));
	wf_sink_reset(&s, 0, fail);
	wf_view_done(&s, pgw_view_tlb(c, wf_sink_write, &s));
	wf_sink_reset(&s, 0, fail);
	wf_view_done(&s, pgw_view_hpt(c, wf_sink_write, &s));
	wf_sink_reset(&s, 0, fail);
	wf_view_done(&s, pgw_view_pg(c, NULL, wf_sink_write, &s));
	o.filter = *flt;
	o.json = (h->src & 4) != 0;
	wf_sink_reset(&s, o.json, fail);
	wf_view_done(&s, pgw_view_pg(c, &o, wf_sink_write, &s));
	for (int i = 0; i < NVA; i++) {
		struct pgw_result r;
		int rc;

		wf_sink_reset(&s, 0, fail);
		wf_view_done(&s, pgw_view_vtop(c, h->va[i], wf_sink_write, &s));
		rc = pgw_translate(c, h->va[i], 0, &r, NULL, NULL);
		if (!fail &&
		    (s.last_len >= 2 && !memcmp(s.last, "0x", 2)) != (rc == 0))
			abort();
		wf_sink_reset(&s, 0, fail);
		wf_view_done(&s, pgw_view_gva2gpa(c, h->va[i], wf_sink_write,
						  &s));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_in in = { data, size, 0 };
	struct pgw_ppc64_regs regs = PGW_PPC64_REGS_INIT;
	struct pgw_walk_filter flt = PGW_WALK_FILTER_INIT;
	static struct wf_mem mem;
	const struct pgw_hpte_ops *hops = NULL;
	struct hdr h;
	pgw_ctx *c = NULL;
	char err[128] = "";

	read_hdr(&in, &h);
	wf_mem_init(&mem, &in, 12 + h.alias % 53, h.fail & 0x80 ? 3 : 0);
	regs.slb = h.slb;
	regs.nslb = h.nslb;
	regs.msr = h.src & 32 ? PGW_MSR_PR : 0;
	regs.amr = h.amr;
	regs.iamr = h.iamr;
	regs.lpcr = h.src & 64 ? PGW_LPCR_ISL : 0;
	regs.sdr1 = h.sdr1 & ~0x1fULL;
	regs.htab_shift = 18 + h.shift % 29;
	regs.flags = (h.src & 8 ? PGW_PPC64_HPTE_V3 : 0) |
		     (h.src & 16 ? PGW_PPC64_AMR : 0);
	if (!(h.src & 1)) {
		if (mem.size == 0)
			return 0;
		hops = h.src & 2 ? &hpt_ops_used : &hpt_ops;
	}
	if (pgw_ctx_new_ppc64_hash(&c, &regs, hops, &mem,
				   h.src & 128 ? &wf_mem_ops_map :
				   &wf_mem_ops_copy, &mem, err,
				   sizeof(err)) < 0) {
		if (c || !err[0])
			abort();
		return 0;
	}
	if (pgw_ctx_mode(c) != PGW_MODE_PPC64_HASH)
		abort();
	pgw_ctx_set_walk_budget(c, 1 + h.budget % 16);
	flt.start = h.start;
	flt.last = h.last;
	flt.need = h.filter & 15;
	flt.deny = h.filter >> 4;
	for (int i = 0; i < NVA; i++)
		check_translate(c, h.va[i], h.access & 15);
	check_walk(c, &flt);
	check_views(c, &h, &flt);
	pgw_ctx_free(c);
	return 0;
}
