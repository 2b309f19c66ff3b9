/*
 * mkarm64: a synthetic QEMU-style aarch64 ELF dump (2 vCPUs, 128 KiB of
 * RAM at 0x40000000) whose kernel tables (4K granule, 48-bit VA) are
 * named by a VMCOREINFO note, and a user table tree only --reg
 * ttbr0_el1=0x40006000 reaches. Usage: mkarm64 [--no-vmcoreinfo] OUT.
 *
 * Kernel half (TTBR1 = swapper_pg_dir = PA 0x40002000):
 *   0xffff800008000000 + 4K*i (i < 16) -> 0x40000000 + 4K*i  (L3 pages)
 *   0xffff800008200000 -> 0x40000000  (a 2M block at L2)
 * User half (TTBR0 = 0x40006000):
 *   0x400000 -> 0x40010000  (L3 page, EL0 read/write)
 * Stage 2 (VTTBR = 0x4000a000, VTCR 0x20060: 4K granule, 32-bit IPA,
 * start level 1) for `monitor nested s2`: RAM's IPAs map to the same PAs
 * but IPA 0x40010000 (the user page), which maps to PA 0x40011000.
 */
#include "mkdump.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM      0x40000000ULL
#define RAM_SIZE 0x20000

/* VMSAv8-64 stage 1 descriptor bits (Arm ARM D8.3). */
#define TABLE    0x3ULL             /* valid table (L0-L2) or page (L3) */
#define BLOCK    0x1ULL             /* valid block (L1, L2) */
#define AP_EL0   (1ULL << 6)        /* AP[1]: EL0 access */
#define SH_INNER (3ULL << 8)
#define AF       (1ULL << 10)
#define PXN      (1ULL << 53)
#define UXN      (1ULL << 54)
/* Stage 2 (D8.3.2): S2AP[7:6] read/write, MemAttr[5:2] normal WB. */
#define S2AP_RW      (3ULL << 6)
#define S2_NORMAL_WB (0xfULL << 2)

static uint8_t ram[RAM_SIZE];

static void put(uint64_t pa, uint64_t v)
{
	memcpy(ram + (pa - RAM), &v, 8);
}

static const char vmci[] =
	"OSRELEASE=6.1.0-pgstub-arm64\n"
	"PAGESIZE=4096\n"
	"SYMBOL(swapper_pg_dir)=ffff800008002000\n"
	"NUMBER(VA_BITS)=48\n"
	"NUMBER(kimage_voffset)=0xffff7fffc8000000\n"
	"NUMBER(PHYS_OFFSET)=0x40000000\n"
	"NUMBER(TCR_EL1_T1SZ)=0x10\n"
	"NUMBER(MAX_PHYSMEM_BITS)=48\n";

static void tables(void)
{
	/* TTBR1: L0[256] -> L1 0x40003000 -> L2 0x40004000 */
	put(0x40002000 + 8 * 256, 0x40003000 | TABLE);
	put(0x40003000 + 8 * 0, 0x40004000 | TABLE);
	/* L2[64] -> L3 0x40005000: 16 kernel pages, the first executable */
	put(0x40004000 + 8 * 64, 0x40005000 | TABLE);
	for (uint64_t i = 0; i < 16; i++)
		put(0x40005000 + 8 * i, (RAM + 0x1000 * i) | TABLE | AF |
		    SH_INNER | UXN | (i ? PXN : 0));
	/* L2[65]: a 2M block over the same RAM */
	put(0x40004000 + 8 * 65, RAM | BLOCK | AF | SH_INNER | UXN | PXN);
	/* TTBR0: L0[0] -> L1 0x40007000 -> L2 0x40008000, L2[2] -> L3
	 * 0x40009000, L3[0] -> 0x40010000 */
	put(0x40006000, 0x40007000 | TABLE);
	put(0x40007000, 0x40008000 | TABLE);
	put(0x40008000 + 8 * 2, 0x40009000 | TABLE);
	put(0x40009000, 0x40010000 | TABLE | AF | SH_INNER | AP_EL0 | PXN);
	/* Stage 2: L1[1] -> L2 0x4000b000, L2[0] -> L3 0x4000c000, one page
	 * per RAM page: S2AP read/write, MemAttr normal write-back. */
	put(0x4000a000 + 8 * 1, 0x4000b000 | TABLE);
	put(0x4000b000, 0x4000c000 | TABLE);
	for (uint64_t i = 0; i < RAM_SIZE / 0x1000; i++)
		put(0x4000c000 + 8 * i, (RAM + 0x1000 * i +
					 (i == 0x10 ? 0x1000 : 0)) |
		    TABLE | AF | SH_INNER | S2AP_RW | S2_NORMAL_WB);
	/* What the tests read */
	put(0x40000000, 0x1122334455667788ULL);
	put(0x40000008, 0x99aabbccddeeff00ULL);
	put(0x40001000, 0x6b65726e656c2031ULL);
	put(0x40010000, 0x7573657275736572ULL);
	put(0x40011000, 0x3265676174732d32ULL);   /* "2-stage2" */
}

int main(int argc, char **argv)
{
	struct mk_dump d;
	struct mk_layout lay;
	char tmp[64];
	const char *out = argv[argc - 1];
	uint8_t *buf;
	size_t len;
	FILE *f;

	if (argc < 2 || argc > 3 ||
	    (argc == 3 && strcmp(argv[1], "--no-vmcoreinfo"))) {
		fprintf(stderr, "usage: mkarm64 [--no-vmcoreinfo] OUT\n");
		return 2;
	}
	tables();
	memset(&d, 0, sizeof(d));
	d.elf64 = 1;
	d.machine = EM_AARCH64;
	d.ncpu = 2;
	d.vmcoreinfo = argc == 3 ? NULL : vmci;
	for (int c = 0; c < 2; c++) {
		for (int i = 0; i < 31; i++)
			d.cpu[c].x[i] = 0x1000ULL * (uint64_t)(c + 1) +
					(uint64_t)i;
		d.cpu[c].sp = 0xffff800008003f00ULL;
		d.cpu[c].pc = 0xffff800008000000ULL + 4 * (uint64_t)c;
		d.cpu[c].pstate = 0x3c5;           /* EL1h, DAIF masked */
		d.cpu[c].v[0][0] = 0x0123456789abcdefULL;
		d.cpu[c].v[0][1] = 0xfedcba9876543210ULL;
		d.cpu[c].fpsr = 0x10;
		d.cpu[c].fpcr = 0x3000000;
	}
	d.nload = 1;
	d.load[0] = (struct mk_load){ RAM, RAM_SIZE, RAM_SIZE, ram };
	if (mk_dump_write(&d, tmp, &lay) < 0)
		return 1;
	buf = mk_file_read(tmp, &len);
	remove(tmp);
	f = buf ? fopen(out, "wb") : NULL;
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(out);
		return 1;
	}
	free(buf);
	return 0;
}
