/*
 * libFuzzer target: arm64 (VMSAv8-64). The constructors on any register
 * values (TCR_EL1 halves of any granule and size, TBI, EPD, HPD, DS,
 * unknown roots, ID_AA64MMFR0, VTCR_EL2 with any SL0/T0SZ) and walks over
 * a fuzzer-built physical memory, stage 1 alone or composed through stage
 * 2: translations agree with their traced form, the TLB and the range
 * walk; the views write bounded, whole lines.
 */
#include "walkfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: a 128-byte header, then the physical memory image.
 *   u8 flags   bit 0 attach stage 2; bit 1 zero-copy map(); bit 2 info pg
 *              as JSON; bit 3 the image 4 bytes off alignment
 *   u8 unknown PGW_ARM64_NO_TTBR0/1 (bits 1:0)
 *   u8 alias   address bits ignored from 12 + n % 53 up (see wf_mem)
 *   u8 budget  tables one range walk may load: 1 + n % 16
 *   u8 access  PGW_ACC_* of the checked translations
 *   u8 fail    the views' sink fails from this write on (0: never)
 *   u8 pad[2]
 *   u64 tcr, ttbr0, ttbr1, sctlr, pstate, mmfr0, vttbr, vtcr;
 *   u64 va[NVA]
 */
#define NVA 6

struct hdr {
	uint8_t flags, unknown, alias, budget, access, fail;
	uint64_t tcr, ttbr0, ttbr1, sctlr, pstate, mmfr0, vttbr, vtcr;
	uint64_t va[NVA];
};

static void read_hdr(struct wf_in *in, struct hdr *h)
{
	h->flags = wf_u8(in);
	h->unknown = wf_u8(in);
	h->alias = wf_u8(in);
	h->budget = wf_u8(in);
	h->access = wf_u8(in);
	h->fail = wf_u8(in);
	wf_take(in, 2);
	h->tcr = wf_u64(in);
	h->ttbr0 = wf_u64(in);
	h->ttbr1 = wf_u64(in);
	h->sctlr = wf_u64(in);
	h->pstate = wf_u64(in);
	h->mmfr0 = wf_u64(in);
	h->vttbr = wf_u64(in);
	h->vtcr = wf_u64(in);
	for (int i = 0; i < NVA; i++)
		h->va[i] = wf_u64(in);
}

/* One VA: the cached, uncached-traced and checked answers agree. */
static void check_translate(pgw_ctx *c, uint64_t va, unsigned access)
{
	static struct pgw_trace t;
	struct pgw_result a, b;
	struct pgw_fault f;
	int ra, rb;

	ra = pgw_translate(c, va, 0, &a, &f, NULL);
	rb = pgw_translate(c, va, 0, &b, &f, &t);
	if (ra != rb || t.n > PGW_TRACE_MAX)
		abort();
	if (ra == 0) {
		if (a.out_pa != b.out_pa || a.out_perms != b.out_perms ||
		    a.out_page_size < 4096 ||
		    (a.out_page_size & (a.out_page_size - 1)) ||
		    (a.out_pa & 0xfff) != (va & 0xfff))
			abort();
		/* Again, from the TLB. */
		if (pgw_translate(c, va, 0, &b, NULL, NULL) != 0 ||
		    b.out_pa != a.out_pa)
			abort();
		/* The canonical form of a translated VA is the same page. */
		if (pgw_translate(c, pgw_ctx_canonical(c, va), 0, &b, NULL,
				  NULL) != 0 || b.out_pa != a.out_pa)
			abort();
	} else if (f.out_reason == PGW_FAULT_NONE ||
		   strcmp(pgw_fault_reason_name(f.out_reason), "unknown") == 0) {
		abort();
	}
	rb = pgw_translate(c, va, access, &b, &f, NULL);
	if (ra < 0 && rb != ra)
		abort();  /* a check cannot map what a plain lookup cannot */
}

struct leaves {
	pgw_ctx *c;
	unsigned n;
};

/* A sample of the walk's leaves translate to what the walk said. */
static int on_leaf(const struct pgw_leaf *l, void *p)
{
	struct leaves *s = p;
	struct pgw_result r;

	if (s->n++ >= 32)
		return 0;
	if (pgw_translate(s->c, l->va, 0, &r, NULL, NULL) != 0 ||
	    r.out_pa != l->pa)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_in in = { data, size, 0 };
	static struct wf_mem mem;
	static struct wf_sink s;
	struct pgw_arm64_regs r = PGW_ARM64_REGS_INIT;
	struct pgw_walk_ops ops = { .leaf = on_leaf };
	struct pgw_pg_opts o = PGW_PG_OPTS_INIT;
	const struct pgw_mem_ops *mops;
	struct leaves lv = { 0 };
	pgw_ctx *c = NULL, *s2 = NULL;
	uint64_t sp[2][2];
	struct hdr h;
	char err[160] = "";
	int rc;

	read_hdr(&in, &h);
	wf_mem_init(&mem, &in, 12 + h.alias % 53, h.flags & 8 ? 4 : 0);
	mops = h.flags & 2 ? &wf_mem_ops_map : &wf_mem_ops_copy;
	r.tcr = h.tcr;
	r.ttbr0 = h.ttbr0;
	r.ttbr1 = h.ttbr1;
	r.sctlr = h.sctlr;
	r.pstate = h.pstate;
	r.id_aa64mmfr0 = h.mmfr0;
	r.unknown_roots = h.unknown & 3;
	rc = pgw_ctx_new_arm64(&c, &r, mops, &mem, err, sizeof(err));
	if (rc < 0) {
		if (c || !err[0])
			abort();  /* refusals say why and leave nothing */
		return 0;
	}
	pgw_ctx_set_walk_budget(c, 1 + h.budget % 16);
	if (h.flags & 1) {
		rc = pgw_ctx_new_arm64_s2(&s2, h.vttbr, h.vtcr, h.mmfr0, mops,
					  &mem, err, sizeof(err));
		if (rc == 0) {
			pgw_ctx_set_walk_budget(s2, 1 + h.budget % 16);
			if (pgw_ctx_set_nested(c, s2) < 0 &&
			    pgw_ctx_mode(c) != PGW_MODE_NONE)
				abort();
		} else if (s2 || !err[0]) {
			abort();
		}
	}
	if (pgw_ctx_va_spans(c, sp) > 2)
		abort();
	for (int i = 0; i < NVA; i++)
		check_translate(c, h.va[i], h.access & 15);
	lv.c = c;
	rc = pgw_walk(c, NULL, &ops, &lv);
	if (rc > 0)
		abort();
	wf_sink_reset(&s, 0, h.fail);
	wf_view_done(&s, pgw_view_tlb(c, wf_sink_write, &s));
	wf_sink_reset(&s, 0, h.fail);
	wf_view_done(&s, pgw_view_mem(c, wf_sink_write, &s));
	o.json = (h.flags & 4) != 0;
	wf_sink_reset(&s, o.json, h.fail);
	wf_view_done(&s, pgw_view_pg(c, &o, wf_sink_write, &s));
	for (int i = 0; i < NVA; i++)
		wf_check_vtop_gva2gpa(&s, c, h.va[i], h.fail,
				      pgw_ctx_mode(c) != PGW_MODE_NONE);
	pgw_ctx_free(c);
	pgw_ctx_free(s2);
	return 0;
}
