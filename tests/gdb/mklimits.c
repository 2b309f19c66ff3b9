/*
 * Synthetic QEMU-format x86_64 ELF dumps for the limit tests (one vCPU,
 * CR3 0x1000, 4-level paging): page tables that alias themselves, tables
 * shared by every entry, and many discontiguous mappings.
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
#define TBL (P | W | U | A)
#define LEAF (P | W | U | A | D)

static uint8_t *ram;

static void put(uint64_t pa, uint64_t v)
{
	memcpy(ram + pa, &v, 8);
}

/* Every entry of the table at @pa holds @target | @flags. */
static void fill(uint64_t pa, uint64_t target, uint64_t flags)
{
	for (int i = 0; i < 512; i++)
		put(pa + 8 * (uint64_t)i, target | flags);
}

static uint8_t *free_after;

/* mk_dump_write() makes a file under /tmp: copy it to @out. */
static int write_dump(const struct mk_dump *d, const char *out)
{
	char tmp[64];
	uint8_t *buf;
	size_t len;
	FILE *f;
	int rc = 1;

	struct mk_layout lay;

	if (mk_dump_write(d, tmp, &lay) < 0)
		goto out;
	buf = mk_file_read(tmp, &len);
	remove(tmp);
	if (!buf)
		goto out;
	f = fopen(out, "wb");
	if (f && fwrite(buf, 1, len, f) == len && fclose(f) == 0)
		rc = 0;
	else if (f)
		fclose(f);
	free(buf);
out:
	free(free_after);
	if (rc)
		fprintf(stderr, "mklimits: cannot write %s\n", out);
	return rc;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mklimits alias|fan|many OUT.elf [N]\n"
		"  alias  the PML4 at 0x1000 points to itself from all 512 entries\n"
		"  fan    PML4[*] -> PDPT 0x2000, PDPT[*] -> PD 0x3000,\n"
		"         PD[*] -> PT 0x4000, PT[*] -> page 0x5000\n"
		"  many   N 4K pages at VA 0x10000000 + 8K * i (N regions)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct mk_dump d;
	uint64_t size;

	if (argc < 3)
		usage();
	memset(&d, 0, sizeof(d));
	if (!strcmp(argv[1], "alias")) {
		size = 0x200000;
		ram = calloc(1, size);
		fill(0x1000, 0x1000, TBL);
	} else if (!strcmp(argv[1], "fan")) {
		size = 0x200000;
		ram = calloc(1, size);
		fill(0x1000, 0x2000, TBL);
		fill(0x2000, 0x3000, TBL);
		fill(0x3000, 0x4000, TBL);
		fill(0x4000, 0x5000, LEAF);
		memcpy(ram + 0x5000, "shared page", 12);
	} else if (!strcmp(argv[1], "many") && argc == 4) {
		uint64_t n = strtoull(argv[3], NULL, 0), npt, page;

		npt = (2 * n + 511) / 512;
		if (n == 0 || npt > 300000)
			usage();
		page = 0x4000 + npt * 0x1000;
		if (page < 0x200000)
			page = 0x200000;
		size = page + 0x1000;
		ram = calloc(1, size);
		if (!ram)
			return 1;
		put(0x1000, 0x2000 | TBL);                      /* PML4[0] */
		put(0x2000, 0x3000 | TBL);                      /* PDPT[0] */
		for (uint64_t t = 0; t < npt; t++)              /* PD[128+t] */
			put(0x3000 + (128 + t) * 8, (0x4000 + t * 0x1000) | TBL);
		for (uint64_t i = 0; i < n; i++)                /* even PTEs */
			put(0x4000 + 2 * i * 8, page | LEAF);
		memcpy(ram + page, "many pages", 11);
	} else {
		usage();
	}
	if (!ram)
		return 1;
	d.elf64 = 1;
	d.machine = 62;  /* EM_X86_64 */
	d.ncpu = 1;
	d.cpu[0].rip = 0x10000000;
	d.cpu[0].rflags = 0x2;
	d.cpu[0].cr0 = 0x80050033;
	d.cpu[0].cr3 = 0x1000;
	d.cpu[0].cr4 = 0x6f0;
	d.cpu[0].cs_sel = 0x10;
	d.cpu[0].cs_flags = 0x00af9b00;
	d.nload = 1;
	d.load[0].pa = 0;
	d.load[0].filesz = d.load[0].memsz = size;
	d.load[0].data = ram;
	free_after = ram;
	return write_dump(&d, argv[2]);
}
