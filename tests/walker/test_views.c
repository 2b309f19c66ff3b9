/*
 * Text views on hand-built tables: info tlb, info mem, info pg (text and
 * JSON, filters), vtop, gva2gpa and the merged mappings, compared byte for
 * byte with expected outputs for 4-level, 5-level, PAE, 32-bit and nested.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ptbuilder.h"

#define P   0x1ULL
#define W   0x2ULL
#define U   0x4ULL
#define PWT 0x8ULL
#define PCD 0x10ULL
#define A   0x20ULL
#define D   0x40ULL
#define PS  0x80ULL
#define G   0x100ULL
#define NX  (1ULL << 63)
#define EPT_RWX 0x7ULL
#define EPT_WB  (6ULL << 3)
#define PGW_PERM_ALL (PGW_PERM_R | PGW_PERM_W | PGW_PERM_X | PGW_PERM_U)

struct fx {
	struct ptb b;
	uint64_t root;
	pgw_ctx *ctx, *host;
	char *out;
	size_t n, cap;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(ptb_init(&f->b, 16 << 20), 0);
	f->root = ptb_page(&f->b);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	pgw_ctx_free(f->ctx);
	pgw_ctx_free(f->host);
	ptb_fini(&f->b);
	free(f->out);
	free(f);
	return 0;
}

static int sink(const char *buf, size_t len, void *payload)
{
	struct fx *f = payload;

	if (f->n + len + 1 > f->cap) {
		f->cap = (f->n + len + 1) * 2;
		f->out = realloc(f->out, f->cap);
		assert_non_null(f->out);
	}
	memcpy(f->out + f->n, buf, len);
	f->n += len;
	f->out[f->n] = 0;
	return 0;
}

/* Run a view into a fresh buffer and return it (NUL-terminated). */
#define VIEW(f, call) (reset(f), assert_int_equal((call), 0), (f)->out)

static void reset(struct fx *f)
{
	f->n = 0;
	if (f->out)
		f->out[0] = 0;
	else
		sink("", 0, f);
}

static pgw_ctx *mkctx(struct fx *f, uint64_t cr0, uint64_t cr4, uint64_t efer)
{
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	char err[128];

	r.cr0 = cr0;
	r.cr3 = f->root;
	r.cr4 = cr4;
	r.efer = efer;
	pgw_ctx_free(f->ctx);
	f->ctx = NULL;
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, &ptb_mem_ops, &f->b, err,
					 sizeof(err)), 0);
	return f->ctx;
}

#define LM (PGW_EFER_LME | PGW_EFER_LMA | PGW_EFER_NXE)
#define PG (PGW_CR0_PG | PGW_CR0_WP)

static void map4(struct fx *f, uint64_t va, int level, uint64_t leaf,
		 uint64_t tflags)
{
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, va, level, leaf, tflags);
}

/*
 * The 4-level guest of most tests:
 *   PML4[0]→PDPT[0]→PD[2]→PT[0..2]  user 4K, read-only then writable (PT[2]
 *                                    also has PAT, bit 7)
 *   PML4[255]→…→PT[511]              last page below the canonical hole
 *   PML4[256]→…→PT[0]                first page above it, same protection
 *   PML4[273]→PDPT[0]                1G direct map, NX
 *   PML4[511]→PDPT[510]→PD[8..9]     2M kernel text
 *   PML4[511]→PDPT[511]→PD[511]→PT[511]  the very last page, UC MMIO
 */
static pgw_ctx *guest_4l(struct fx *f)
{
	map4(f, 0x400000, 3, 0x200000 | P | U | A, P | W | U);
	map4(f, 0x401000, 3, 0x201000 | P | U | W | A | D, P | W | U);
	map4(f, 0x402000, 3, 0x202000 | P | U | W | A | D | PS, P | W | U);
	map4(f, 0x00007ffffffff000ULL, 3, 0x203000 | P | U | W, P | W | U);
	map4(f, 0xffff800000000000ULL, 3, 0x204000 | P | U | W, P | W | U);
	map4(f, 0xffff888000000000ULL, 1,
	     0x40000000 | P | W | PS | G | NX | A | D, P | W);
	map4(f, 0xffffffff81000000ULL, 2, 0x1000000 | P | PS | G | A, P | W);
	map4(f, 0xffffffff81200000ULL, 2, 0x1200000 | P | PS | G | A, P | W);
	map4(f, 0xfffffffffffff000ULL, 3,
	     0xfec00000 | P | W | PCD | PWT | G | NX, P | W);
	return mkctx(f, PG, PGW_CR4_PAE, LM);
}

static void test_views__tlb_4l_matches_qemu(void **state)
{
	struct fx *f = *state;

	guest_4l(f);
	assert_string_equal(VIEW(f, pgw_view_tlb(f->ctx, sink, f)),
		"0000000000400000: 0000000000200000 ----A--U-\n"
		"0000000000401000: 0000000000201000 ---DA--UW\n"
		"0000000000402000: 0000000000202000 ---DA--UW\n"
		"00007ffffffff000: 0000000000203000 -------UW\n"
		"ffff800000000000: 0000000000204000 -------UW\n"
		"ffff888000000000: 0000000040000000 XGPDA---W\n"
		"ffffffff81000000: 0000000001000000 -GP-A----\n"
		"ffffffff81200000: 0000000001200000 -GP-A----\n"
		"fffffffffffff000: 00000000fec00000 XG---CT-W\n");
}

static void test_views__mem_4l_corner_cases(void **state)
{
	struct fx *f = *state;

	guest_4l(f);
	/* ro→rw change mid-run; one run across the canonical hole (QEMU
	 * walks the index space); a run to the top ends at 1 << 48. */
	assert_string_equal(VIEW(f, pgw_view_mem(f->ctx, sink, f)),
		"0000000000400000-0000000000401000 0000000000001000 ur-\n"
		"0000000000401000-0000000000403000 0000000000002000 urw\n"
		"00007ffffffff000-ffff800000001000 0000000000002000 urw\n"
		"ffff888000000000-ffff888040000000 0000000040000000 -rw\n"
		"ffffffff81000000-ffffffff81400000 0000000000400000 -r-\n"
		"fffffffffffff000-0001000000000000 0000000000001000 -rw\n");
}

static const char pg_4l[] =
	"VPN range             Entry         Flags            Physical page(s)\n"
	"[000000000-007ffffff] PML4[000]     -------UWP\n"
	"  [000000000-00003ffff] PDPT[000]     -------UWP\n"
	"    [000000400-0000005ff]   PD[002]     -------UWP\n"
	"      [000000400-000000400]   PT[000]     ----A--U-P 0000000200\n"
	"      [000000401-000000402]   PT[001-002] ---DA--UWP 0000000201-0000000202\n"
	"[7f8000000-7ffffffff] PML4[0ff]     -------UWP\n"
	"  [7fffc0000-7ffffffff] PDPT[1ff]     -------UWP\n"
	"    [7fffffe00-7ffffffff]   PD[1ff]     -------UWP\n"
	"      [7ffffffff-7ffffffff]   PT[1ff]     -------UWP 0000000203\n"
	"[800000000-807ffffff] PML4[100]     -------UWP\n"
	"  [800000000-80003ffff] PDPT[000]     -------UWP\n"
	"    [800000000-8000001ff]   PD[000]     -------UWP\n"
	"      [800000000-800000000]   PT[000]     -------UWP 0000000204\n"
	"[888000000-88fffffff] PML4[111]     --------WP\n"
	"  [888000000-88803ffff] PDPT[000]     XGSDA---WP 0000040000-000007ffff\n"
	"[ff8000000-fffffffff] PML4[1ff]     --------WP\n"
	"  [ffff80000-ffffbffff] PDPT[1fe]     --------WP\n"
	"    [ffff81000-ffff813ff]   PD[008-009] -GS-A----P 0000001000-00000013ff\n"
	"  [ffffc0000-fffffffff] PDPT[1ff]     --------WP\n"
	"    [ffffffe00-fffffffff]   PD[1ff]     --------WP\n"
	"      [fffffffff-fffffffff]   PT[1ff]     XG---CT-WP 00000fec00\n";

static void test_views__pg_4l(void **state)
{
	struct fx *f = *state;

	guest_4l(f);
	assert_string_equal(VIEW(f, pgw_view_pg(f->ctx, NULL, sink, f)),
			    pg_4l);
}

static void test_views__pg_filters_during_walk(void **state)
{
	struct fx *f = *state;
	struct pgw_pg_opts o = PGW_PG_OPTS_INIT;

	guest_4l(f);
	/* Read-only pages: tables above writable-only leaves vanish. */
	o.filter.deny = PGW_PERM_W;
	assert_string_equal(VIEW(f, pgw_view_pg(f->ctx, &o, sink, f)),
		"VPN range             Entry         Flags            Physical page(s)\n"
		"[000000000-007ffffff] PML4[000]     -------UWP\n"
		"  [000000000-00003ffff] PDPT[000]     -------UWP\n"
		"    [000000400-0000005ff]   PD[002]     -------UWP\n"
		"      [000000400-000000400]   PT[000]     ----A--U-P 0000000200\n"
		"[ff8000000-fffffffff] PML4[1ff]     --------WP\n"
		"  [ffff80000-ffffbffff] PDPT[1fe]     --------WP\n"
		"    [ffff81000-ffff813ff]   PD[008-009] -GS-A----P 0000001000-00000013ff\n");
	/* User pages in a VA range that starts inside the canonical hole. */
	o.filter.deny = 0;
	o.filter.need = PGW_PERM_U;
	o.filter.start = 0x0000700000000000ULL;
	o.filter.last = 0xffff8fffffffffffULL;
	assert_string_equal(VIEW(f, pgw_view_pg(f->ctx, &o, sink, f)),
		"VPN range             Entry         Flags            Physical page(s)\n"
		"[7f8000000-7ffffffff] PML4[0ff]     -------UWP\n"
		"  [7fffc0000-7ffffffff] PDPT[1ff]     -------UWP\n"
		"    [7fffffe00-7ffffffff]   PD[1ff]     -------UWP\n"
		"      [7ffffffff-7ffffffff]   PT[1ff]     -------UWP 0000000203\n"
		"[800000000-807ffffff] PML4[100]     -------UWP\n"
		"  [800000000-80003ffff] PDPT[000]     -------UWP\n"
		"    [800000000-8000001ff]   PD[000]     -------UWP\n"
		"      [800000000-800000000]   PT[000]     -------UWP 0000000204\n");
}

static void test_views__pg_folds_complete_subtrees(void **state)
{
	struct fx *f = *state;
	static const uint64_t scattered[6] = {
		0x900000, 0x700000, 0x701000, 0x800000, 0xa00000, 0xb00000,
	};

	/* PDPT[1]→PD[0..1]: two full PTs, same flags, contiguous frames:
	 * fold into one PD line and one PT line. PD[2] has the same flags
	 * but its PT holds 10 read-only pages: they start a new run. */
	for (uint64_t i = 0; i < 1024; i++)
		map4(f, 0x40000000 + i * 4096, 3,
		     (0x100000 + i * 4096) | P | W | A | D, P | W | U);
	for (uint64_t i = 0; i < 10; i++)
		map4(f, 0x40400000 + i * 4096, 3, (0x500000 + i * 4096) | P | A,
		     P | W | U);
	/* PD[3]: same flags, scattered frames: up to four ranges a line. */
	for (uint64_t i = 0; i < 6; i++)
		map4(f, 0x40600000 + i * 4096, 3, scattered[i] | P | W | A | D,
		     P | W | U);
	mkctx(f, PG, PGW_CR4_PAE, LM);
	assert_string_equal(VIEW(f, pgw_view_pg(f->ctx, NULL, sink, f)),
		"VPN range             Entry         Flags            Physical page(s)\n"
		"[000000000-007ffffff] PML4[000]     -------UWP\n"
		"  [000040000-00007ffff] PDPT[001]     -------UWP\n"
		"    [000040000-0000405ff]   PD[000-002] -------UWP\n"
		"      [000040000-0000403ff]   PT[000-1ff] ---DA---WP 0000000100-00000004ff\n"
		"      [000040400-000040409]   PT[000-009] ----A----P 0000000500-0000000509\n"
		"    [000040600-0000407ff]   PD[003]     -------UWP\n"
		"      [000040600-000040604]   PT[000-004] ---DA---WP 0000000900 0000000700-0000000701 0000000800 0000000a00\n"
		"      [000040605-000040605]   PT[005]     ---DA---WP 0000000b00\n");
}

static void test_views__pg_json(void **state)
{
	struct fx *f = *state;
	struct pgw_pg_opts o = PGW_PG_OPTS_INIT;

	map4(f, 0x1000, 3, 0x5000 | P | U | A, P | W | U);
	map4(f, 0xffffffff81000000ULL, 2, 0x1000000 | P | PS | G, P | W);
	mkctx(f, PG, PGW_CR4_PAE, LM);
	o.json = 1;
	assert_string_equal(VIEW(f, pgw_view_pg(f->ctx, &o, sink, f)),
		"[\n"
		"  {\"level\":0,\"name\":\"PML4\",\"index\":[0,0],\"entries\":1,\"va\":[\"0x0\",\"0x7fffffffff\"],\"flags\":\"-------UWP\",\"pa\":null},\n"
		"  {\"level\":1,\"name\":\"PDPT\",\"index\":[0,0],\"entries\":1,\"va\":[\"0x0\",\"0x3fffffff\"],\"flags\":\"-------UWP\",\"pa\":null},\n"
		"  {\"level\":2,\"name\":\"PD\",\"index\":[0,0],\"entries\":1,\"va\":[\"0x0\",\"0x1fffff\"],\"flags\":\"-------UWP\",\"pa\":null},\n"
		"  {\"level\":3,\"name\":\"PT\",\"index\":[1,1],\"entries\":1,\"va\":[\"0x1000\",\"0x1fff\"],\"flags\":\"----A--U-P\",\"pa\":[[\"0x5000\",\"0x5fff\"]]},\n"
		"  {\"level\":0,\"name\":\"PML4\",\"index\":[511,511],\"entries\":1,\"va\":[\"0xffffff8000000000\",\"0xffffffffffffffff\"],\"flags\":\"--------WP\",\"pa\":null},\n"
		"  {\"level\":1,\"name\":\"PDPT\",\"index\":[510,510],\"entries\":1,\"va\":[\"0xffffffff80000000\",\"0xffffffffbfffffff\"],\"flags\":\"--------WP\",\"pa\":null},\n"
		"  {\"level\":2,\"name\":\"PD\",\"index\":[8,8],\"entries\":1,\"va\":[\"0xffffffff81000000\",\"0xffffffff811fffff\"],\"flags\":\"-GS------P\",\"pa\":[[\"0x1000000\",\"0x11fffff\"]]}\n"
		"]\n");
}

static void test_views__tlb_52bit_pa_not_truncated(void **state)
{
	struct fx *f = *state;

	/* QEMU masks with bits 49:12 and would print 0000000000005000. */
	map4(f, 0x600000, 3, (3ULL << 50) | 0x5000 | P | W, P | W);
	mkctx(f, PG, PGW_CR4_PAE, LM);
	assert_string_equal(VIEW(f, pgw_view_tlb(f->ctx, sink, f)),
		"0000000000600000: 000c000000005000 --------W\n");
}

/*
 * PAE: PDPT[0]→PD[2]→PT[0] user 4K with NX; PDPT[3]→PD[0] 2M global,
 * PD[1] 2M NX; PD[511]→PT[511] the last page below 4G.
 */
static void test_views__pae_all_views(void **state)
{
	struct fx *f = *state;
	enum pgw_mode m = PGW_MODE_X86_PAE;

	ptb_map(&f->b, m, f->root, 0x400000, 2, 0x300000 | NX | P | W | U,
		P | W | U);
	ptb_map(&f->b, m, f->root, 0xc0000000, 1,
		0x200000 | G | PS | D | A | W | P, P | W);
	ptb_map(&f->b, m, f->root, 0xc0200000, 1, 0x400000 | NX | PS | W | P,
		P | W);
	ptb_map(&f->b, m, f->root, 0xfffff000, 2, 0x5000 | P | W, P | W);
	mkctx(f, PG, PGW_CR4_PAE, PGW_EFER_NXE);
	assert_int_equal(pgw_ctx_mode(f->ctx), PGW_MODE_X86_PAE);
	/* QEMU would print 8000000000300000 and 8000000000400000. */
	assert_string_equal(VIEW(f, pgw_view_tlb(f->ctx, sink, f)),
		"0000000000400000: 0000000000300000 X------UW\n"
		"00000000c0000000: 0000000000200000 -GPDA---W\n"
		"00000000c0200000: 0000000000400000 X-P-----W\n"
		"00000000fffff000: 0000000000005000 --------W\n");
	assert_string_equal(VIEW(f, pgw_view_mem(f->ctx, sink, f)),
		"0000000000400000-0000000000401000 0000000000001000 urw\n"
		"00000000c0000000-00000000c0400000 0000000000400000 -rw\n"
		"00000000fffff000-0000000100000000 0000000000001000 -rw\n");
	assert_string_equal(VIEW(f, pgw_view_pg(f->ctx, NULL, sink, f)),
		"VPN range     Entry         Flags          Physical page(s)\n"
		"[00000-3ffff] PDPT[000]     ---------P\n"
		"  [00400-005ff]   PD[002]     -------UWP\n"
		"    [00400-00400]   PT[000]     X------UWP 0000000300\n"
		"[c0000-fffff] PDPT[003]     ---------P\n"
		"  [c0000-c01ff]   PD[000]     -GSDA---WP 0000000200-00000003ff\n"
		"  [c0200-c03ff]   PD[001]     X-S-----WP 0000000400-00000005ff\n"
		"  [ffe00-fffff]   PD[1ff]     --------WP\n"
		"    [fffff-fffff]   PT[1ff]     --------WP 0000000005\n");
	assert_string_equal(VIEW(f, pgw_view_gva2gpa(f->ctx, 0xc0312345,
						    sink, f)),
			    "gpa: 0x512345\n");
}

/*
 * 32-bit with CR4.PSE: PD[0]→PT[1] user read-only, PT[2] maps frame 0;
 * PD[2] a 4M page with PSE-36 bits 20:13 = 3 (PA 0x300400000).
 */
static void test_views__x86_32_all_views(void **state)
{
	struct fx *f = *state;
	enum pgw_mode m = PGW_MODE_X86_32;

	ptb_map(&f->b, m, f->root, 0x1000, 1, 0x7000 | P | U, P | W | U);
	ptb_map(&f->b, m, f->root, 0x2000, 1, 0 | P, P | W | U);
	ptb_map(&f->b, m, f->root, 0x800000, 0,
		0x400000 | (3ULL << 13) | PS | P | W | U | A, 0);
	mkctx(f, PG, PGW_CR4_PSE, 0);
	/* QEMU: 0000000000400000 (mask ~((1 << 21) - 1), no PSE-36). */
	assert_string_equal(VIEW(f, pgw_view_tlb(f->ctx, sink, f)),
		"0000000000001000: 0000000000007000 -------U-\n"
		"0000000000002000: 0000000000000000 ---------\n"
		"0000000000800000: 0000000300400000 --P-A--UW\n");
	assert_string_equal(VIEW(f, pgw_view_mem(f->ctx, sink, f)),
		"0000000000001000-0000000000002000 0000000000001000 ur-\n"
		"0000000000002000-0000000000003000 0000000000001000 -r-\n"
		"0000000000800000-0000000000c00000 0000000000400000 urw\n");
	assert_string_equal(VIEW(f, pgw_view_pg(f->ctx, NULL, sink, f)),
		"VPN range     Entry         Flags        Physical page(s)\n"
		"[00000-003ff]   PD[000]     -------UWP\n"
		"  [00001-00001]   PT[001]     -------U-P 00007\n"
		"  [00002-00002]   PT[002]     ---------P 00000\n"
		"[00800-00bff]   PD[002]     --S-A--UWP 300400-3007ff\n");
	assert_string_equal(VIEW(f, pgw_view_gva2gpa(f->ctx, 0x2abc, sink, f)),
			    "gpa: 0xabc\n");
	/* QEMU prints with "%#": zero has no 0x. */
	assert_string_equal(VIEW(f, pgw_view_gva2gpa(f->ctx, 0x2000, sink, f)),
			    "gpa: 0\n");
	assert_string_equal(VIEW(f, pgw_view_gva2gpa(f->ctx, 0x801234, sink,
						    f)),
			    "gpa: 0x300401234\n");
	assert_string_equal(VIEW(f, pgw_view_gva2gpa(f->ctx, 0x5000, sink, f)),
			    "Unmapped\n");
}

/* 5-level: PML5[1] (above 48 bits) user page; the very last page. */
static void test_views__5l_all_views(void **state)
{
	struct fx *f = *state;
	enum pgw_mode m = PGW_MODE_X86_5L;

	ptb_map(&f->b, m, f->root, 0x0001000000000000ULL, 4, 0x9000 | P | W | U,
		P | W | U);
	ptb_map(&f->b, m, f->root, 0xfffffffffffff000ULL, 4, 0xa000 | P | W,
		P | W);
	mkctx(f, PG, PGW_CR4_PAE | PGW_CR4_LA57, LM);
	assert_int_equal(pgw_ctx_mode(f->ctx), PGW_MODE_X86_5L);
	assert_string_equal(VIEW(f, pgw_view_tlb(f->ctx, sink, f)),
		"0001000000000000: 0000000000009000 -------UW\n"
		"fffffffffffff000: 000000000000a000 --------W\n");
	/* QEMU 7.2 prints nothing here; the top is 1 << 57. */
	assert_string_equal(VIEW(f, pgw_view_mem(f->ctx, sink, f)),
		"0001000000000000-0001000000001000 0000000000001000 urw\n"
		"fffffffffffff000-0200000000000000 0000000000001000 -rw\n");
	assert_string_equal(VIEW(f, pgw_view_pg(f->ctx, NULL, sink, f)),
		"VPN range                   Entry         Flags              Physical page(s)\n"
		"[001000000000-001fffffffff] PML5[001]     -------UWP\n"
		"  [001000000000-001007ffffff] PML4[000]     -------UWP\n"
		"    [001000000000-00100003ffff] PDPT[000]     -------UWP\n"
		"      [001000000000-0010000001ff]   PD[000]     -------UWP\n"
		"        [001000000000-001000000000]   PT[000]     -------UWP 0000000009\n"
		"[1ff000000000-1fffffffffff] PML5[1ff]     --------WP\n"
		"  [1ffff8000000-1fffffffffff] PML4[1ff]     --------WP\n"
		"    [1ffffffc0000-1fffffffffff] PDPT[1ff]     --------WP\n"
		"      [1ffffffffe00-1fffffffffff]   PD[1ff]     --------WP\n"
		"        [1fffffffffff-1fffffffffff]   PT[1ff]     --------WP 000000000a\n");
	assert_string_equal(VIEW(f, pgw_view_gva2gpa(f->ctx,
						    0x0001000000000123ULL,
						    sink, f)),
			    "gpa: 0x9123\n");
}

static void test_views__vtop_4l_translation(void **state)
{
	struct fx *f = *state;

	guest_4l(f);
	/* Tables: PDPT 0x2000, PD 0x3000, PT 0x4000 (first allocations);
	 * PML4[273]'s PDPT is the 10th page, 0xb000. */
	assert_string_equal(VIEW(f, pgw_view_vtop(f->ctx, 0x401234, sink, f)),
		"vtop 0x0000000000401234 (4-level)\n"
		"  guest      PML4[000] @ 0x0000000000001000 = 0x0000000000002007 -------UWP\n"
		"  guest      PDPT[000] @ 0x0000000000002000 = 0x0000000000003007 -------UWP\n"
		"  guest        PD[002] @ 0x0000000000003010 = 0x0000000000004007 -------UWP\n"
		"  guest        PT[001] @ 0x0000000000004008 = 0x0000000000201067 ---DA--UWP 4K page\n"
		"0x0000000000401234 -> 0x0000000000201234 size 4K perms rwxu\n");
	assert_string_equal(VIEW(f, pgw_view_vtop(f->ctx, 0xffff888012345678ULL,
						 sink, f)),
		"vtop 0xffff888012345678 (4-level)\n"
		"  guest      PML4[111] @ 0x0000000000001888 = 0x000000000000b003 --------WP\n"
		"  guest      PDPT[000] @ 0x000000000000b000 = 0x80000000400001e3 XGSDA---WP 1G page\n"
		"0xffff888012345678 -> 0x0000000052345678 size 1G perms rw--\n");
}

static void test_views__vtop_faults_at_each_level(void **state)
{
	struct fx *f = *state;
	uint64_t pd8;

	guest_4l(f);
	assert_string_equal(VIEW(f, pgw_view_vtop(f->ctx, 0x8000000000ULL,
						 sink, f)),
		"vtop 0x0000008000000000 (4-level)\n"
		"  guest      PML4[001] @ 0x0000000000001008 = 0x0000000000000000 ----------\n"
		"fault at PML4[001] (table 0x1000) translating 0x0000008000000000: not present (entry 0x0000000000000000)\n");
	assert_string_equal(VIEW(f, pgw_view_vtop(f->ctx, 0x40000000, sink, f)),
		"vtop 0x0000000040000000 (4-level)\n"
		"  guest      PML4[000] @ 0x0000000000001000 = 0x0000000000002007 -------UWP\n"
		"  guest      PDPT[001] @ 0x0000000000002008 = 0x0000000000000000 ----------\n"
		"fault at PDPT[001] (table 0x2000) translating 0x0000000040000000: not present (entry 0x0000000000000000)\n");
	assert_string_equal(VIEW(f, pgw_view_vtop(f->ctx, 0x200000, sink, f)),
		"vtop 0x0000000000200000 (4-level)\n"
		"  guest      PML4[000] @ 0x0000000000001000 = 0x0000000000002007 -------UWP\n"
		"  guest      PDPT[000] @ 0x0000000000002000 = 0x0000000000003007 -------UWP\n"
		"  guest        PD[001] @ 0x0000000000003008 = 0x0000000000000000 ----------\n"
		"fault at PD[001] (table 0x3000) translating 0x0000000000200000: not present (entry 0x0000000000000000)\n");
	assert_string_equal(VIEW(f, pgw_view_vtop(f->ctx, 0x403000, sink, f)),
		"vtop 0x0000000000403000 (4-level)\n"
		"  guest      PML4[000] @ 0x0000000000001000 = 0x0000000000002007 -------UWP\n"
		"  guest      PDPT[000] @ 0x0000000000002000 = 0x0000000000003007 -------UWP\n"
		"  guest        PD[002] @ 0x0000000000003010 = 0x0000000000004007 -------UWP\n"
		"  guest        PT[003] @ 0x0000000000004018 = 0x0000000000000000 ----------\n"
		"fault at PT[003] (table 0x4000) translating 0x0000000000403000: not present (entry 0x0000000000000000)\n");
	assert_string_equal(VIEW(f, pgw_view_vtop(f->ctx, 0x0000800000000000ULL,
						 sink, f)),
		"vtop 0x0000800000000000 (4-level)\n"
		"fault: 0x0000800000000000 is a non-canonical address for 4-level paging\n");

	/* PD[8] of the kernel text with bit 13 set (reserved in a 2M PDE),
	 * and PML4[1] pointing far outside memory. */
	pd8 = ptb_entry_pa(&f->b, PGW_MODE_X86_4L, f->root,
			   0xffffffff81000000ULL, 2);
	ptb_put(&f->b, pd8, ptb_get(&f->b, pd8, 8) | (1ULL << 13), 8);
	ptb_put(&f->b, f->root + 8, 0x7f000000000ULL | P | W, 8);
	pgw_ctx_invalidate(f->ctx);
	assert_string_equal(VIEW(f, pgw_view_vtop(f->ctx, 0xffffffff81000000ULL,
						 sink, f)),
		"vtop 0xffffffff81000000 (4-level)\n"
		"  guest      PML4[1ff] @ 0x0000000000001ff8 = 0x000000000000c003 --------WP\n"
		"  guest      PDPT[1fe] @ 0x000000000000cff0 = 0x000000000000d003 --------WP\n"
		"  guest        PD[008] @ 0x000000000000d040 = 0x00000000010021a1 -GS-A----P 2M page\n"
		"fault at PD[008] (table 0xd000) translating 0xffffffff81000000: reserved bits = 0x2000 (entry 0x00000000010021a1)\n");
	assert_string_equal(VIEW(f, pgw_view_vtop(f->ctx, 0x8000000000ULL,
						 sink, f)),
		"vtop 0x0000008000000000 (4-level)\n"
		"  guest      PML4[001] @ 0x0000000000001008 = 0x000007f000000003 --------WP\n"
		"fault at PDPT[000] (table 0x7f000000000) translating 0x0000008000000000: table outside memory\n");
	/* Entries with reserved bits map nothing: info tlb leaves PD[8] out. */
	assert_string_equal(VIEW(f, pgw_view_tlb(f->ctx, sink, f)),
		"0000000000400000: 0000000000200000 ----A--U-\n"
		"0000000000401000: 0000000000201000 ---DA--UW\n"
		"0000000000402000: 0000000000202000 ---DA--UW\n"
		"00007ffffffff000: 0000000000203000 -------UW\n"
		"ffff800000000000: 0000000000204000 -------UW\n"
		"ffff888000000000: 0000000040000000 XGPDA---W\n"
		"ffffffff81200000: 0000000001200000 -GP-A----\n"
		"fffffffffffff000: 00000000fec00000 XG---CT-W\n");
}

/*
 * Nested: guest 4-level tables (PDPT 0x2000, PD 0x3000, PT 0x4000) mapping
 * VA 0x1000 → GPA 0x40000000 and VA 0x2000 → GPA 0x50000000; EPT at
 * 0x5000 maps GPA [0, 8M) 1:1 with 2M pages (EPT PDPT 0x6000, PD 0x7000)
 * and GPA 0x40000000 → HPA 0x123000 with a 4K page (PD 0x8000, PT 0x9000);
 * GPA 0x50000000 is not mapped.
 */
static void nested_guest(struct fx *f)
{
	uint64_t ept;
	char err[128];

	map4(f, 0x1000, 3, 0x40000000 | P | W | U, P | W | U);
	map4(f, 0x2000, 3, 0x50000000 | P | W | U, P | W | U);
	ept = ptb_page(&f->b);
	for (uint64_t gpa = 0; gpa < (8 << 20); gpa += 2 << 20)
		ptb_map(&f->b, PGW_MODE_EPT4, ept, gpa, 2,
			gpa | EPT_RWX | EPT_WB | PS, EPT_RWX);
	ptb_map(&f->b, PGW_MODE_EPT4, ept, 0x40000000, 3,
		0x123000 | EPT_RWX | EPT_WB, EPT_RWX);
	mkctx(f, PG, PGW_CR4_PAE, LM);
	assert_int_equal(pgw_ctx_new_nested(&f->host, PGW_MODE_EPT4,
					    ept | (3 << 3), 0, 1, &ptb_mem_ops,
					    &f->b, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_set_nested(f->ctx, f->host), 0);
}

#define EPT_TO_2M(lvl, idx, at, val)                                        \
	"  nested EPT PML4[000] @ 0x0000000000005000 = 0x0000000000006007 ----XWR\n" \
	"  nested EPT PDPT[000] @ 0x0000000000006000 = 0x0000000000007007 ----XWR\n" \
	"  nested   EPT PD[000] @ 0x0000000000007000 = 0x00000000000000b7 ---SXWR 2M page\n" \
	"  guest  " lvl "[" idx "] @ 0x" at " = 0x" val

static void test_views__vtop_nested_lists_both_stages(void **state)
{
	struct fx *f = *state;

	nested_guest(f);
	assert_string_equal(VIEW(f, pgw_view_vtop(f->ctx, 0x1234, sink, f)),
		"vtop 0x0000000000001234 (4-level, nested EPT 4-level)\n"
		EPT_TO_2M("    PML4", "000", "0000000000001000", "0000000000002007 -------UWP\n")
		EPT_TO_2M("    PDPT", "000", "0000000000002000", "0000000000003007 -------UWP\n")
		EPT_TO_2M("      PD", "000", "0000000000003000", "0000000000004007 -------UWP\n")
		EPT_TO_2M("      PT", "001", "0000000000004008", "0000000040000007 -------UWP 4K page\n")
		"  nested EPT PML4[000] @ 0x0000000000005000 = 0x0000000000006007 ----XWR\n"
		"  nested EPT PDPT[001] @ 0x0000000000006008 = 0x0000000000008007 ----XWR\n"
		"  nested   EPT PD[000] @ 0x0000000000008000 = 0x0000000000009007 ----XWR\n"
		"  nested   EPT PT[000] @ 0x0000000000009000 = 0x0000000000123037 ----XWR 4K page\n"
		"0x0000000000001234 -> gpa 0x0000000040000234 -> 0x0000000000123234 size 4K perms rwxu\n");
	/* The final GPA is not mapped by EPT: the fault names the EPT level. */
	assert_string_equal(VIEW(f, pgw_view_vtop(f->ctx, 0x2000, sink, f)),
		"vtop 0x0000000000002000 (4-level, nested EPT 4-level)\n"
		EPT_TO_2M("    PML4", "000", "0000000000001000", "0000000000002007 -------UWP\n")
		EPT_TO_2M("    PDPT", "000", "0000000000002000", "0000000000003007 -------UWP\n")
		EPT_TO_2M("      PD", "000", "0000000000003000", "0000000000004007 -------UWP\n")
		EPT_TO_2M("      PT", "002", "0000000000004010", "0000000050000007 -------UWP 4K page\n")
		"  nested EPT PML4[000] @ 0x0000000000005000 = 0x0000000000006007 ----XWR\n"
		"  nested EPT PDPT[001] @ 0x0000000000006008 = 0x0000000000008007 ----XWR\n"
		"  nested   EPT PD[080] @ 0x0000000000008400 = 0x0000000000000000 -------\n"
		"nested fault at EPT PD[080] (table 0x8000) translating 0x0000000050000000: not present (entry 0x0000000000000000)\n");
	assert_string_equal(VIEW(f, pgw_view_gva2gpa(f->ctx, 0x1234, sink, f)),
			    "gpa: 0x40000234\n");
}

static void test_views__nested_pg_tlb_mem(void **state)
{
	struct fx *f = *state;
	struct pgw_pg_opts o = PGW_PG_OPTS_INIT;

	nested_guest(f);
	/* Guest stage with guest-physical frames; VA 0x2000's GPA faults in
	 * EPT, so it maps nothing. Then the EPT tables on their own. */
	assert_string_equal(VIEW(f, pgw_view_pg(f->ctx, NULL, sink, f)),
		"Info pg, guest mode (4-level)\n"
		"VPN range             Entry         Flags            Physical page(s)\n"
		"[000000000-007ffffff] PML4[000]     -------UWP\n"
		"  [000000000-00003ffff] PDPT[000]     -------UWP\n"
		"    [000000000-0000001ff]   PD[000]     -------UWP\n"
		"      [000000001-000000001]   PT[001]     -------UWP 0000040000\n"
		"Info pg, host mode (EPT 4-level)\n"
		"VPN range             Entry         Flags            Physical page(s)\n"
		"[000000000-007ffffff] PML4[000]     ----XWR\n"
		"  [000000000-00003ffff] PDPT[000]     ----XWR\n"
		"    [000000000-0000007ff]   PD[000-003] ---SXWR    0000000000-00000007ff\n"
		"  [000040000-00007ffff] PDPT[001]     ----XWR\n"
		"    [000040000-0000401ff]   PD[000]     ----XWR\n"
		"      [000040000-000040000]   PT[000]     ----XWR    0000000123\n");
	o.json = 1;
	o.filter.start = 0x1000;
	o.filter.last = 0x1fff;
	assert_string_equal(VIEW(f, pgw_view_pg(f->ctx, &o, sink, f)),
		"[\n"
		"  {\"stage\":\"guest\",\"level\":0,\"name\":\"PML4\",\"index\":[0,0],\"entries\":1,\"va\":[\"0x0\",\"0x7fffffffff\"],\"flags\":\"-------UWP\",\"pa\":null},\n"
		"  {\"stage\":\"guest\",\"level\":1,\"name\":\"PDPT\",\"index\":[0,0],\"entries\":1,\"va\":[\"0x0\",\"0x3fffffff\"],\"flags\":\"-------UWP\",\"pa\":null},\n"
		"  {\"stage\":\"guest\",\"level\":2,\"name\":\"PD\",\"index\":[0,0],\"entries\":1,\"va\":[\"0x0\",\"0x1fffff\"],\"flags\":\"-------UWP\",\"pa\":null},\n"
		"  {\"stage\":\"guest\",\"level\":3,\"name\":\"PT\",\"index\":[1,1],\"entries\":1,\"va\":[\"0x1000\",\"0x1fff\"],\"flags\":\"-------UWP\",\"pa\":[[\"0x40000000\",\"0x40000fff\"]]},\n"
		"  {\"stage\":\"host\",\"level\":0,\"name\":\"EPT PML4\",\"index\":[0,0],\"entries\":1,\"va\":[\"0x0\",\"0x7fffffffff\"],\"flags\":\"----XWR\",\"pa\":null},\n"
		"  {\"stage\":\"host\",\"level\":1,\"name\":\"EPT PDPT\",\"index\":[0,0],\"entries\":1,\"va\":[\"0x0\",\"0x3fffffff\"],\"flags\":\"----XWR\",\"pa\":null},\n"
		"  {\"stage\":\"host\",\"level\":2,\"name\":\"EPT PD\",\"index\":[0,3],\"entries\":4,\"va\":[\"0x0\",\"0x7fffff\"],\"flags\":\"---SXWR\",\"pa\":[[\"0x0\",\"0x7fffff\"]]},\n"
		"  {\"stage\":\"host\",\"level\":1,\"name\":\"EPT PDPT\",\"index\":[1,1],\"entries\":1,\"va\":[\"0x40000000\",\"0x7fffffff\"],\"flags\":\"----XWR\",\"pa\":null},\n"
		"  {\"stage\":\"host\",\"level\":2,\"name\":\"EPT PD\",\"index\":[0,0],\"entries\":1,\"va\":[\"0x40000000\",\"0x401fffff\"],\"flags\":\"----XWR\",\"pa\":null},\n"
		"  {\"stage\":\"host\",\"level\":3,\"name\":\"EPT PT\",\"index\":[0,0],\"entries\":1,\"va\":[\"0x40000000\",\"0x40000fff\"],\"flags\":\"----XWR\",\"pa\":[[\"0x123000\",\"0x123fff\"]]}\n"
		"]\n");
	/* info tlb/mem show the guest stage, like QEMU's monitor. */
	assert_string_equal(VIEW(f, pgw_view_tlb(f->ctx, sink, f)),
		"0000000000001000: 0000000040000000 -------UW\n");
	assert_string_equal(VIEW(f, pgw_view_mem(f->ctx, sink, f)),
		"0000000000001000-0000000000002000 0000000000001000 urw\n");
}

struct maps {
	unsigned n, io_calls;
	struct pgw_mapping m[16];
};

/* Not RAM: the 2M at 0x50000000 and the APIC/IOAPIC area below 4G. */
static int is_io(uint64_t pa, uint64_t size, void *payload)
{
	struct maps *m = payload;
	uint64_t end = pa + size;

	m->io_calls++;
	if (pa >= 0x50000000 && end <= 0x50200000)
		return PGW_IO_ALL;
	if (pa >= 0xfec00000 && end <= 0x100000000ULL)
		return PGW_IO_ALL;
	return (pa < 0x50200000 && end > 0x50000000) ||
	       (pa < 0x100000000ULL && end > 0xfec00000);
}

static int on_map(const struct pgw_mapping *mp, void *payload)
{
	struct maps *m = payload;

	assert_true(m->n < 16);
	m->m[m->n++] = *mp;
	return 0;
}

static void test_views__mappings_merge_and_skip_io(void **state)
{
	struct fx *f = *state;
	struct maps m = { 0 };
	static const struct pgw_mapping want[] = {
		{ 0x400000, 0x200000, 0x1000, PGW_PERM_R | PGW_PERM_X | PGW_PERM_U },
		{ 0x401000, 0x201000, 0x2000, PGW_PERM_ALL },
		{ 0x00007ffffffff000ULL, 0x203000, 0x1000, PGW_PERM_ALL },
		{ 0xffff800000000000ULL, 0x204000, 0x1000, PGW_PERM_ALL },
		{ 0xffff888000000000ULL, 0x40000000, 0x10000000,
		  PGW_PERM_R | PGW_PERM_W },
		{ 0xffff888010200000ULL, 0x50200000, 0x2fe00000,
		  PGW_PERM_R | PGW_PERM_W },
		{ 0xffffffff81000000ULL, 0x1000000, 0x400000,
		  PGW_PERM_R | PGW_PERM_X },
	};

	guest_4l(f);
	assert_int_equal(pgw_mappings(f->ctx, NULL, is_io, &m, on_map, &m), 0);
	assert_int_equal(m.n, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < m.n; i++) {
		assert_int_equal(m.m[i].va, want[i].va);
		assert_int_equal(m.m[i].pa, want[i].pa);
		assert_int_equal(m.m[i].size, want[i].size);
		assert_int_equal(m.m[i].perms, want[i].perms);
	}
	/* Bisection: a handful of questions, not one per 4K page. */
	assert_true(m.io_calls < 64);
	/* Without a predicate everything is RAM; a stop value comes back. */
	memset(&m, 0, sizeof(m));
	assert_int_equal(pgw_mappings(f->ctx, NULL, NULL, NULL, on_map, &m), 0);
	assert_int_equal(m.n, 7);
	assert_int_equal(m.m[4].size, 0x40000000);
	assert_int_equal(m.m[6].pa, 0xfec00000);
}

static int stop_writer(const char *buf, size_t len, void *payload)
{
	(void)buf; (void)len; (void)payload;
	return -42;
}

/* --kernel-names: Linux's names by depth on the stage-1 tables (PGD PUD
 * PMD PTE for 4 levels; PGD PMD PTE for PAE; PGD PTE for 2 levels; P4D
 * with 5), the EPT host's own; a version-1 caller still gets the manual's. */
static void test_views__pg_kernel_names(void **state)
{
	struct fx *f = *state;
	struct pgw_pg_opts o = PGW_PG_OPTS_INIT;
	const char *v;

	nested_guest(f);
	o.kernel_names = 1;
	assert_string_equal(VIEW(f, pgw_view_pg(f->ctx, &o, sink, f)),
		"Info pg, guest mode (4-level)\n"
		"VPN range             Entry         Flags            Physical page(s)\n"
		"[000000000-007ffffff]  PGD[000]     -------UWP\n"
		"  [000000000-00003ffff]  PUD[000]     -------UWP\n"
		"    [000000000-0000001ff]  PMD[000]     -------UWP\n"
		"      [000000001-000000001]  PTE[001]     -------UWP 0000040000\n"
		"Info pg, host mode (EPT 4-level)\n"
		"VPN range             Entry         Flags            Physical page(s)\n"
		"[000000000-007ffffff] PML4[000]     ----XWR\n"
		"  [000000000-00003ffff] PDPT[000]     ----XWR\n"
		"    [000000000-0000007ff]   PD[000-003] ---SXWR    0000000000-00000007ff\n"
		"  [000040000-00007ffff] PDPT[001]     ----XWR\n"
		"    [000040000-0000401ff]   PD[000]     ----XWR\n"
		"      [000040000-000040000]   PT[000]     ----XWR    0000000123\n");
	o.json = 1;
	v = VIEW(f, pgw_view_pg(f->ctx, &o, sink, f));
	assert_non_null(strstr(v, "\"stage\":\"guest\",\"level\":3,\"name\":\"PTE\""));
	assert_non_null(strstr(v, "\"stage\":\"host\",\"level\":3,\"name\":\"EPT PT\""));
	o.version = 1;  /* its struct ends before kernel_names */
	o.json = 0;
	v = VIEW(f, pgw_view_pg(f->ctx, &o, sink, f));
	assert_non_null(strstr(v, "PML4[000]"));
	assert_null(strstr(v, "PGD"));

	/* PAE: three levels; 32-bit: two; 5-level: five. */
	o = (struct pgw_pg_opts)PGW_PG_OPTS_INIT;
	o.kernel_names = 1;
	ptb_map(&f->b, PGW_MODE_X86_PAE, f->root, 0x400000, 2, 0x300000 | P | W,
		P | W);
	mkctx(f, PG, PGW_CR4_PAE, 0);
	v = VIEW(f, pgw_view_pg(f->ctx, &o, sink, f));
	assert_non_null(strstr(v, "\n[00000-3ffff]  PGD[000]     "));
	assert_non_null(strstr(v, "\n  [00400-005ff]  PMD[002]     --------WP\n"
				  "    [00400-00400]  PTE[000]     --------WP 0000000300\n"));
	assert_null(strstr(v, "PDPT"));
	ptb_map(&f->b, PGW_MODE_X86_32, f->root, 0x1000, 1, 0x7000 | P | U,
		P | W | U);
	mkctx(f, PG, 0, 0);
	v = VIEW(f, pgw_view_pg(f->ctx, &o, sink, f));
	if (!strstr(v, "  PGD[000]     -------UWP\n") ||
	    !strstr(v, "  [00001-00001]  PTE[001]     -------U-P 00007\n"))
		fail_msg("32-bit info pg --kernel-names:\n%s", v);
	ptb_map(&f->b, PGW_MODE_X86_5L, f->root, 0x0001000000000000ULL, 4,
		0x9000 | P | W | U, P | W | U);
	mkctx(f, PG, PGW_CR4_PAE | PGW_CR4_LA57, LM);
	v = VIEW(f, pgw_view_pg(f->ctx, &o, sink, f));
	assert_non_null(strstr(v, "[001000000000-001fffffffff]  PGD[001]"));
	assert_non_null(strstr(v, "  [001000000000-001007ffffff]  P4D[000]"));
	assert_non_null(strstr(v, "  PTE[000]     -------UWP 0000000009\n"));
}

static void test_views__writer_error_stops_view(void **state)
{
	struct fx *f = *state;

	guest_4l(f);
	assert_int_equal(pgw_view_tlb(f->ctx, stop_writer, NULL), -42);
	assert_int_equal(pgw_view_pg(f->ctx, NULL, stop_writer, NULL), -42);
	assert_int_equal(pgw_view_vtop(f->ctx, 0x400000, stop_writer, NULL),
			 -42);
	assert_int_equal(pgw_view_tlb(f->ctx, NULL, NULL), PGW_EINVAL);
}

static void test_views__paging_disabled(void **state)
{
	struct fx *f = *state;
	struct pgw_pg_opts o = PGW_PG_OPTS_INIT;

	mkctx(f, 0, 0, 0);
	assert_string_equal(VIEW(f, pgw_view_tlb(f->ctx, sink, f)),
			    "PG disabled\n");
	assert_string_equal(VIEW(f, pgw_view_mem(f->ctx, sink, f)),
			    "PG disabled\n");
	assert_string_equal(VIEW(f, pgw_view_pg(f->ctx, NULL, sink, f)),
			    "PG disabled: virtual addresses are physical\n");
	o.json = 1;
	assert_string_equal(VIEW(f, pgw_view_pg(f->ctx, &o, sink, f)), "[]\n");
	assert_string_equal(VIEW(f, pgw_view_gva2gpa(f->ctx, 0x1234, sink, f)),
			    "gpa: 0x1234\n");
	assert_string_equal(VIEW(f, pgw_view_vtop(f->ctx, 0x1234, sink, f)),
		"paging disabled: 0x0000000000001234 -> 0x0000000000001234\n");
}

/* One table of fault-reason names: each reason has its own, and the
 * vtop text prints exactly that name. */
static void test_views__fault_reason_names(void **state)
{
	struct fx *f = *state;
	char want[160];

	for (int a = PGW_FAULT_NOT_PRESENT; a <= PGW_FAULT_BAD_PRTE; a++) {
		assert_string_not_equal(pgw_fault_reason_name(a), "unknown");
		for (int b = PGW_FAULT_NOT_PRESENT; b < a; b++)
			assert_string_not_equal(pgw_fault_reason_name(a),
						pgw_fault_reason_name(b));
	}
	assert_string_equal(pgw_fault_reason_name(PGW_FAULT_NONE), "unknown");
	assert_string_equal(pgw_fault_reason_name(-1), "unknown");
	assert_string_equal(pgw_fault_reason_name(PGW_FAULT_BAD_PRTE + 1),
			    "unknown");
	guest_4l(f);
	snprintf(want, sizeof(want), ": %s (entry 0x0000000000000000)\n",
		 pgw_fault_reason_name(PGW_FAULT_NOT_PRESENT));
	assert_non_null(strstr(VIEW(f, pgw_view_vtop(f->ctx, 0x8000000000ULL,
						      sink, f)), want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(n) cmocka_unit_test_setup_teardown(n, setup, teardown)
		T(test_views__tlb_4l_matches_qemu),
		T(test_views__mem_4l_corner_cases),
		T(test_views__pg_4l),
		T(test_views__pg_filters_during_walk),
		T(test_views__pg_folds_complete_subtrees),
		T(test_views__pg_json),
		T(test_views__paging_disabled),
		T(test_views__tlb_52bit_pa_not_truncated),
		T(test_views__pae_all_views),
		T(test_views__x86_32_all_views),
		T(test_views__5l_all_views),
		T(test_views__vtop_4l_translation),
		T(test_views__vtop_faults_at_each_level),
		T(test_views__vtop_nested_lists_both_stages),
		T(test_views__nested_pg_tlb_mem),
		T(test_views__mappings_merge_and_skip_io),
		T(test_views__pg_kernel_names),
		T(test_views__writer_error_stops_view),
		T(test_views__fault_reason_names),
	};

	return cmocka_run_group_tests_name("views", tests, NULL, NULL);
}
