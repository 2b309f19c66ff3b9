/*
 * libFuzzer target: the RISC-V walker. A stage-1 context (Sv32, Sv39, Sv48,
 * Sv57, or refused satp values) from fuzzer-chosen satp/mstatus/privilege,
 * optionally composed through a G-stage (Sv39x4..Sv57x4 with its 16 KiB
 * root) from hgatp, on one fuzzer-built physical memory. Translations
 * (repeatable, cached or not, checked against the G-stage alone), range
 * walks (ordered, leaves translating as reported) and every view.
 */
#include "walkfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: a 72-byte header, then the physical memory image.
 *   u8 mode    bits 1:0 Sv32/Sv39/Sv48/Sv57 (MODE put into satp); bit 2
 *              zero-copy map(); bit 3 info pg as JSON; bit 4 attach a
 *              G-stage; bits 6:5 its MODE 8/9/10, or 3: hgatp as given;
 *              bit 7 satp as given (any MODE, rv64)
 *   u8 priv    privilege n % 4 (2 is refused)
 *   u8 ms      SUM, MXR, MPRV, MPP (bits 3:0 to mstatus 18, 19, 17, 12:11)
 *   u8 alias   address bits ignored from 12 + n % 53 up (see wf_mem)
 *   u8 budget  tables one range walk may load: 1 + n % 16
 *   u8 access  PGW_ACC_* of the checked translations
 *   u8 filter  need (bits 3:0) and deny (7:4) of the filtered info pg
 *   u8 fail    the views' sink fails from this write on (0: never)
 *   u64 satp, hgatp, va[4], start, last
 */
#define NVA 4

struct hdr {
	uint8_t mode, priv, ms, alias, budget, access, filter, fail;
	uint64_t satp, hgatp, va[NVA], start, last;
};

static void read_hdr(struct wf_in *in, struct hdr *h)
{
	h->mode = wf_u8(in);
	h->priv = wf_u8(in);
	h->ms = wf_u8(in);
	h->alias = wf_u8(in);
	h->budget = wf_u8(in);
	h->access = wf_u8(in);
	h->filter = wf_u8(in);
	h->fail = wf_u8(in);
	h->satp = wf_u64(in);
	h->hgatp = wf_u64(in);
	for (int i = 0; i < NVA; i++)
		h->va[i] = wf_u64(in);
	h->start = wf_u64(in);
	h->last = wf_u64(in);
}

/* The stage-1 context and, when asked, its G-stage; -1 if refused. */
static int make_ctxs(const struct hdr *h, struct wf_mem *mem, pgw_ctx **g,
		     pgw_ctx **n)
{
	const struct pgw_mem_ops *ops = h->mode & 4 ? &wf_mem_ops_map :
					&wf_mem_ops_copy;
	struct pgw_riscv_regs r = PGW_RISCV_REGS_INIT;
	char err[160] = "";
	uint64_t hgatp = h->hgatp;

	r.priv = h->priv % 4;
	r.mstatus = (h->ms & 1 ? PGW_RISCV_MSTATUS_SUM : 0) |
		    (h->ms & 2 ? PGW_RISCV_MSTATUS_MXR : 0) |
		    (h->ms & 4 ? PGW_RISCV_MSTATUS_MPRV : 0) |
		    (uint64_t)((h->ms >> 3) & 3) << PGW_RISCV_MSTATUS_MPP_SHIFT;
	if (h->mode & 128) {
		r.satp = h->satp;
	} else if ((h->mode & 3) == 0) {
		r.xlen = 32;
		r.satp = (1ULL << 31) | (h->satp & PGW_RISCV_SATP32_PPN);
	} else {
		r.satp = (uint64_t)(7 + (h->mode & 3)) << 60 |
			 (h->satp & PGW_RISCV_SATP64_PPN);
	}
	if (pgw_ctx_new_riscv(g, &r, ops, mem, err, sizeof(err)) < 0) {
		if (*g || !err[0])
			abort();  /* a refusal says why and leaves nothing */
		return -1;
	}
	if (!(h->mode & 16))
		return 0;
	if (((h->mode >> 5) & 3) != 3)
		hgatp = (uint64_t)(8 + ((h->mode >> 5) & 3)) << 60 |
			(hgatp & PGW_RISCV_SATP64_PPN);
	err[0] = 0;
	if (pgw_ctx_new_riscv_gstage(n, hgatp, ops, mem, err,
				     sizeof(err)) < 0) {
		if (*n || !err[0])
			abort();
		return 0;
	}
	/* Bare has no tables to nest: the G-stage is checked alone. */
	if (pgw_ctx_levels(*g) &&
	    (pgw_ctx_set_nested(*g, *n) < 0 || pgw_ctx_nested(*g) != *n))
		abort();
	if (pgw_ctx_set_nested(*n, *g) != PGW_EINVAL)
		abort();  /* a stage 1 is no stage 2 */
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

static void check_translate(pgw_ctx *g, pgw_ctx *n, uint64_t va,
			    unsigned access)
{
	struct pgw_trace t;
	struct pgw_result r1, r2, r3, ra, hr;
	struct pgw_fault f1, fa;
	int rc1, rc2, rc3, rca;

	rc1 = pgw_translate(g, va, 0, &r1, &f1, &t);
	rc2 = pgw_translate(g, va, 0, &r2, NULL, NULL);
	rc3 = pgw_translate(g, va, 0, &r3, NULL, NULL);
	if (rc1 != rc2 || rc2 != rc3 || t.n > PGW_TRACE_MAX)
		abort();
	if (rc1 == 0) {
		uint64_t sz = r1.out_page_size;

		if (!same_result(&r1, &r2) || !same_result(&r1, &r3))
			abort();
		if (sz < WF_PAGE || (sz & (sz - 1)) ||
		    (r1.out_pa & (sz - 1)) != (va & (sz - 1)) ||
		    r1.out_pkey != -1 || r1.out_perms & ~0xfu)
			abort();
		if (n && pgw_ctx_nested(g) &&
		    (pgw_translate(n, r1.out_gpa, 0, &hr, NULL, NULL) != 0 ||
		     hr.out_pa != r1.out_pa))
			abort();  /* composed = the G-stage on the GPA */
	} else if (rc1 != PGW_ENOTMAPPED && rc1 != PGW_ERSVD &&
		   rc1 != PGW_EIO) {
		abort();
	} else if (rc1 == PGW_ERSVD && !f1.out_rsvd) {
		abort();  /* a reserved fault names its bits */
	}
	rca = pgw_translate(g, va, access, &ra, &fa, NULL);
	if (rc1 < 0 ? rca != rc1 : (rca != 0 && rca != PGW_EACCES))
		abort();
	if (rca == 0 && !same_result(&ra, &r1))
		abort();
}

static void check_views(const struct hdr *h, pgw_ctx *g)
{
	struct pgw_pg_opts o = PGW_PG_OPTS_INIT;
	static struct wf_sink s;
	int fail = h->fail;

	wf_sink_reset(&s, 0, fail);
	wf_view_done(&s, pgw_view_tlb(g, wf_sink_write, &s));
	wf_sink_reset(&s, 0, fail);
	wf_view_done(&s, pgw_view_mem(g, wf_sink_write, &s));
	o.json = (h->mode & 8) != 0;
	wf_sink_reset(&s, o.json, fail);
	wf_view_done(&s, pgw_view_pg(g, &o, wf_sink_write, &s));
	o.filter.need = h->filter & 15;
	o.filter.deny = h->filter >> 4;
	o.filter.start = h->start;
	o.filter.last = h->last;
	wf_sink_reset(&s, o.json, fail);
	wf_view_done(&s, pgw_view_pg(g, &o, wf_sink_write, &s));
	for (int i = 0; i < NVA; i++)
		wf_check_vtop_gva2gpa(&s, g, h->va[i], fail,
				      pgw_ctx_levels(g) > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_in in = { data, size, 0 };
	struct wf_mem mem;
	struct hdr h;
	pgw_ctx *g = NULL, *n = NULL;

	read_hdr(&in, &h);
	wf_mem_init(&mem, &in, 12 + h.alias % 53, 0);
	if (make_ctxs(&h, &mem, &g, &n) == 0) {
		pgw_ctx_set_walk_budget(g, 1 + h.budget % 16);
		for (int i = 0; i < NVA; i++)
			check_translate(g, n, h.va[i], h.access & 15);
		wf_check_walk(g);
		check_views(&h, g);
	}
	pgw_ctx_free(g);
	pgw_ctx_free(n);
	return 0;
}
