/*
 * Synthetic x86_64 dumps (one vCPU, 4-level, CR3 0x1000, 8 MiB of RAM)
 * whose page tables break each `check` rule once, at a known VA, and a
 * variant that differs from it in known ways for `diff`. Every entry is
 * written here by hand and commented with its path.
 */
#include "mkdump.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P 1ULL
#define W 2ULL
#define U 4ULL
#define A 0x20ULL
#define D 0x40ULL
#define PS 0x80ULL
#define NX (1ULL << 63)
#define TBL (P | W | U | A)
#define RAM (8ULL << 20)

static uint8_t *ram;

static void put(uint64_t table, unsigned index, uint64_t v)
{
	memcpy(ram + table + 8 * (uint64_t)index, &v, 8);
}

/*
 * The "lint" tables (VA: what fires).
 *   0x10000            PT[010] rwx user, pa 0x100000       wx
 *   0x11000            PT[011] r-x user, pa 0x101000       (executable)
 *   0x20000            PT[020] rw- user, pa 0x101000       wx-alias
 *   0x30000            PT[030] rw-, pa 0x40000000          outside-ram
 *   0x40000-0x42000    PT[040..041] r-- user, 0x102000..   (clean)
 *   0x200000           PD[001] 2M with bit 13 set          reserved
 *   0x400000           PD[002] -> table at 0x80000000      bad-table
 *   0x8000000000       PML4[001] -> the PML4 itself        table-loop
 *   0xffffffff81000000 PD[008] 2M r-x kernel, pa 0x200000  (text)
 *   0xffffffff81200000 PD[009] 2M rw- kernel, pa 0x400000  text-writable
 *                                                          (--text)
 *   0xffffffff81400000 PT[000] r-- user, pa 0x102000       user-kernel
 * "lint2" differs: 0x11000 becomes rwx (changed perms, and then wx),
 * 0x20000 maps pa 0x103000 (changed PA), 0x30000 is gone (removed),
 * 0x41000 gets D (changed entry bits), 0x50000 is new (added), and
 * 0xffffffff81200000 becomes 512 4K pages (changed page size).
 */
static void build(int variant)
{
	/* User half: PML4[000] -> PDPT 0x2000 -> PD 0x3000 -> PT 0x4000. */
	put(0x1000, 0, 0x2000 | TBL);
	put(0x2000, 0, 0x3000 | TBL);
	put(0x3000, 0, 0x4000 | TBL);
	put(0x4000, 0x10, 0x100000 | P | W | U | A);          /* PT[010] */
	put(0x4000, 0x11, 0x101000 | P | U | A |              /* PT[011] */
	    (variant ? W : 0));
	put(0x4000, 0x20, (variant ? 0x103000 : 0x101000) |   /* PT[020] */
	    P | W | U | A | NX);
	if (!variant)
		put(0x4000, 0x30, 0x40000000 | P | W | A | NX);   /* PT[030] */
	put(0x4000, 0x40, 0x102000 | P | U | A | NX);         /* PT[040] */
	put(0x4000, 0x41, 0x103000 | P | U | A | NX |         /* PT[041] */
	    (variant ? D : 0));
	if (variant)
		put(0x4000, 0x50, 0x104000 | P | U | A | NX);     /* PT[050] */
	put(0x3000, 1, 0x200000 | (1ULL << 13) | P | PS | A); /* PD[001] */
	put(0x3000, 2, 0x80000000 | TBL);                     /* PD[002] */
	put(0x1000, 1, 0x1000 | TBL);                         /* PML4[001] */
	/* Kernel half: PML4[1ff] -> PDPT 0x5000, PDPT[1fe] -> PD 0x6000. */
	put(0x1000, 0x1ff, 0x5000 | TBL);
	put(0x5000, 0x1fe, 0x6000 | TBL);
	put(0x6000, 8, 0x200000 | P | PS | A);                /* PD[008] */
	if (!variant) {
		put(0x6000, 9, 0x400000 | P | W | PS | A | D | NX); /* PD[009] */
	} else {
		put(0x6000, 9, 0x8000 | TBL);                     /* PD[009] */
		for (unsigned i = 0; i < 512; i++)                /* PT 0x8000 */
			put(0x8000, i, (0x400000 + 0x1000 * (uint64_t)i) |
			    P | W | A | D | NX);
	}
	put(0x6000, 10, 0x7000 | TBL);                        /* PD[00a] */
	put(0x7000, 0, 0x102000 | P | U | A | NX);            /* PT[000] */
}

int main(int argc, char **argv)
{
	struct mk_dump d;
	struct mk_layout lay;
	char tmp[64];
	uint8_t *buf;
	size_t len;
	FILE *f;
	int variant;

	if (argc != 3 || (strcmp(argv[1], "lint") && strcmp(argv[1], "lint2"))) {
		fprintf(stderr, "usage: mkbad lint|lint2 OUT.elf\n");
		return 2;
	}
	variant = !strcmp(argv[1], "lint2");
	ram = calloc(1, RAM);
	if (!ram)
		return 1;
	build(variant);
	memset(&d, 0, sizeof(d));
	d.elf64 = 1;
	d.machine = 62;  /* EM_X86_64 */
	d.ncpu = 1;
	d.cpu[0].rip = 0x10000;
	d.cpu[0].rflags = 0x2;
	d.cpu[0].cr0 = 0x80050033;
	d.cpu[0].cr3 = 0x1000;
	d.cpu[0].cr4 = 0x6f0;
	d.cpu[0].cs_sel = 0x10;
	d.cpu[0].cs_flags = 0x00af9b00;
	d.nload = 1;
	d.load[0].pa = 0;
	d.load[0].filesz = d.load[0].memsz = RAM;
	d.load[0].data = ram;
	if (mk_dump_write(&d, tmp, &lay) < 0 || !(buf = mk_file_read(tmp, &len))) {
		fprintf(stderr, "mkbad: cannot write a dump\n");
		return 1;
	}
	remove(tmp);
	f = fopen(argv[2], "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "mkbad: cannot write %s\n", argv[2]);
		return 1;
	}
	free(buf);
	free(ram);
	return 0;
}
