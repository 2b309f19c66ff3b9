/*
 * A program outside the tree that uses libpgwalk only as installed: built
 * with `pkg-config --cflags --libs pgwalk` by tests/install/test_install.sh.
 * Guest physical memory is a buffer holding one 4-level page-table chain
 * (PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000) that maps the 4 KiB page
 * at virtual 0x400000 to physical 0x5000; it prints what 0x400123 becomes.
 */
#include <pgwalk.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static uint64_t mem[0x6000 / 8];

static int read_mem(uint64_t pa, void *buf, size_t len, void *payload)
{
	(void)payload;
	if (pa > sizeof(mem) || len > sizeof(mem) - pa)
		return -1;
	memcpy(buf, (const char *)mem + pa, len);
	return 0;
}

int main(void)
{
	const struct pgw_mem_ops ops = { .read = read_mem };
	struct pgw_x86_regs regs = PGW_X86_REGS_INIT;
	struct pgw_result r;
	pgw_ctx *ctx;
	char err[128];

	mem[0x1000 / 8] = 0x2000 | 3;        /* PML4[0] -> PDPT */
	mem[0x2000 / 8] = 0x3000 | 3;        /* PDPT[0] -> PD */
	mem[0x3000 / 8 + 2] = 0x4000 | 3;    /* PD[2] (VA 0x400000) -> PT */
	mem[0x4000 / 8] = 0x5000 | 3;        /* PT[0] -> page 0x5000 */
	regs.cr0 = PGW_CR0_PG;
	regs.cr3 = 0x1000;
	regs.cr4 = PGW_CR4_PAE;
	regs.efer = PGW_EFER_LME | PGW_EFER_LMA;
	if (pgw_ctx_new_x86(&ctx, &regs, &ops, NULL, err, sizeof(err))) {
		fprintf(stderr, "consumer: %s\n", err);
		return 1;
	}
	if (pgw_translate(ctx, 0x400123, 0, &r, NULL, NULL)) {
		fprintf(stderr, "consumer: 0x400123 does not translate\n");
		pgw_ctx_free(ctx);
		return 1;
	}
	printf("%s: 0x400123 -> 0x%" PRIx64 "\n",
	       pgw_mode_name(pgw_ctx_mode(ctx)), r.out_pa);
	pgw_ctx_free(ctx);
	return 0;
}
