/*
 * libFuzzer target: the ppc64 radix walker. A context from fuzzer-chosen
 * PTCR (or a pseries process-table entry), PIDR, LPIDR and MSR over one
 * fuzzer-built real memory of big-endian partition table, process table
 * and trees, optionally a guest partition composed through its LPID's
 * partition-scoped tree. Translations (repeatable, cached or not, checked
 * against the partition tree alone), range walks (ordered, leaves
 * translating as reported) and every view.
 */
#include "walkfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: an 88-byte header, then the real memory image.
 *   u8 mode    bit 0 zero-copy map(); bit 1 info pg as JSON; bit 2 a
 *              guest partition nested in LPIDR's partition tree; bit 3
 *              the process table from pate1 (pseries); bit 4 MSR[HV];
 *              bit 5 MSR[PR]; bits 7:6 page size: found, 4K, 64K, found
 *   u8 alias   address bits ignored from 12 + n % 53 up (see wf_mem)
 *   u8 budget  tables one range walk may load: 1 + n % 16
 *   u8 access  PGW_ACC_* of the checked translations
 *   u8 filter  need (bits 3:0) and deny (7:4) of the filtered info pg
 *   u8 fail    the views' sink fails from this write on (0: never)
 *   u8 pad[2]
 *   u64 ptcr, pate1, pidr, lpidr, va[4], start, last
 */
#define NVA 4

struct hdr {
	uint8_t mode, alias, budget, access, filter, fail;
	uint64_t ptcr, pate1, pidr, lpidr, va[NVA], start, last;
};

static void read_hdr(struct wf_in *in, struct hdr *h)
{
	h->mode = wf_u8(in);
	h->alias = wf_u8(in);
	h->budget = wf_u8(in);
	h->access = wf_u8(in);
	h->filter = wf_u8(in);
	h->fail = wf_u8(in);
	(void)wf_u8(in);
	(void)wf_u8(in);
	h->ptcr = wf_u64(in);
	h->pate1 = wf_u64(in);
	h->pidr = wf_u64(in);
	h->lpidr = wf_u64(in);
	for (int i = 0; i < NVA; i++)
		h->va[i] = wf_u64(in);
	h->start = wf_u64(in);
	h->last = wf_u64(in);
}

/* The context and, for a guest partition, its partition-scoped tree; -1
 * if refused (a refusal says why and leaves nothing). */
static int make_ctxs(const struct hdr *h, struct wf_mem *mem, pgw_ctx **g,
		     pgw_ctx **n)
{
	static const unsigned shifts[4] = { 0, 12, 16, 0 };
	const struct pgw_mem_ops *ops = h->mode & 1 ? &wf_mem_ops_map :
					&wf_mem_ops_copy;
	struct pgw_ppc64_radix_regs r = PGW_PPC64_RADIX_REGS_INIT;
	char err[160] = "";
	int rc;

	r.ptcr = h->ptcr;
	r.pate1 = h->pate1;
	r.pidr = h->pidr;
	r.lpidr = h->lpidr;
	r.flags = h->mode & 8 ? PGW_PPC64_RADIX_PATE1 : 0;
	r.msr = (h->mode & 16 ? PGW_PPC64_MSR_HV : 0) |
		(h->mode & 32 ? PGW_PPC64_MSR_PR : 0);
	r.page_shift = shifts[h->mode >> 6];
	if (h->mode & 4) {
		if (pgw_ctx_new_ppc64_radix_part(n, h->ptcr, h->lpidr,
						 r.page_shift, ops, mem, err,
						 sizeof(err)) < 0) {
			if (*n || !err[0])
				abort();
			return -1;
		}
		if (pgw_ctx_mode(*n) != PGW_MODE_PPC64_RADIX_PART)
			abort();
		pgw_ctx_set_walk_budget(*n, 1 + h->budget % 16);
		err[0] = 0;
		rc = pgw_ctx_new_ppc64_radix_nested(g, &r, *n, ops, mem, err,
						    sizeof(err));
	} else {
		rc = pgw_ctx_new_ppc64_radix(g, &r, ops, mem, err, sizeof(err));
	}
	if (rc < 0) {
		if (*g || !err[0])
			abort();
		return -1;
	}
	if (pgw_ctx_mode(*g) != PGW_MODE_PPC64_RADIX ||
	    pgw_ctx_nested(*g) != *n)
		abort();
	if (*n && pgw_ctx_set_nested(*n, *g) != PGW_EINVAL)
		abort();  /* a process-scoped tree is no stage 2 */
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
			abort();  /* composed = the partition tree on the GPA */
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
	o.json = (h->mode & 2) != 0;
	wf_sink_reset(&s, o.json, fail);
	wf_view_done(&s, pgw_view_pg(g, &o, wf_sink_write, &s));
	o.filter.need = h->filter & 15;
	o.filter.deny = h->filter >> 4;
	o.filter.start = h->start;
	o.filter.last = h->last;
	wf_sink_reset(&s, o.json, fail);
	wf_view_done(&s, pgw_view_pg(g, &o, wf_sink_write, &s));
	for (int i = 0; i < NVA; i++)
		wf_check_vtop_gva2gpa(&s, g, h->va[i], fail, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_in in = { data, size, 0 };
	struct wf_mem mem;
	struct hdr h;
	pgw_ctx *g = NULL, *n = NULL;

	read_hdr(&in, &h);
	wf_mem_init(&mem, &in, 12 + h.alias % 53, h.mode & 1 ? 0 : 3);
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
