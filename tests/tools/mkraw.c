/*
 * mkraw: writes a raw physical memory image whose page tables (root at
 * 0x100000) map a user page and kernel pages in one x86 paging mode — 32
 * (4K, 4M with PSE and a 4M page above 4 GiB with PSE-36), pae (4K, 2M),
 * 4level (4K, 1G) or 5level (4K, 2M) — for GDB tests of raw images
 * (tests/gdb/test_raw.sh). Files are sparse: pages above 1 or 4 GiB cost
 * nothing. With --elf the same memory is wrapped in an ELF core of one
 * PT_LOAD and no notes: a dump whose vCPU state is unknown.
 * Prints one line per mapping, "VA PA LABEL", for the test to check.
 *
 *   mkraw [--elf] 32|pae|4level|5level OUT
 */
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ROOT    0x100000u     /* CR3 */
#define P       0x1u
#define W       0x2u
#define U       0x4u
#define PS      0x80u
#define PAGE    4096u

/* The image's pages, written at the end (sparse file, pwrite per page). */
struct page {
	uint64_t pa;
	unsigned char b[PAGE];
};

static struct page pages[64];
static int npages;
static uint64_t top;          /* image size: end of the highest page */
static uint64_t next_table = ROOT;

static unsigned char *page_at(uint64_t pa)
{
	pa &= ~(uint64_t)(PAGE - 1);
	for (int i = 0; i < npages; i++)
		if (pages[i].pa == pa)
			return pages[i].b;
	if (npages == (int)(sizeof(pages) / sizeof(*pages))) {
		fprintf(stderr, "mkraw: too many pages\n");
		exit(1);
	}
	pages[npages].pa = pa;
	memset(pages[npages].b, 0, PAGE);
	if (pa + PAGE > top)
		top = pa + PAGE;
	return pages[npages++].b;
}

static void put(uint64_t pa, uint64_t v, int size)
{
	unsigned char *p = page_at(pa) + (pa & (PAGE - 1));

	for (int i = 0; i < size; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get(uint64_t pa, int size)
{
	unsigned char *p = page_at(pa) + (pa & (PAGE - 1));
	uint64_t v = 0;

	for (int i = size - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t new_table(void)
{
	uint64_t pa = next_table;

	next_table += PAGE;
	page_at(pa);
	return pa;
}

/* A paging mode: index shifts per level (root first), entry size. */
struct mode {
	const char *name;
	int levels, esize;
	int shift[5];
	uint64_t addr_mask;
};

static const struct mode modes[] = {
	{ "32", 2, 4, { 22, 12 }, 0xfffff000u },
	/* PAE: the 4-entry PDPT is the root (SDM 3A 4.4.1). */
	{ "pae", 3, 8, { 30, 21, 12 }, 0x000ffffffffff000ull },
	{ "4level", 4, 8, { 39, 30, 21, 12 }, 0x000ffffffffff000ull },
	{ "5level", 5, 8, { 48, 39, 30, 21, 12 }, 0x000ffffffffff000ull },
};

/* Index bits per level: 10 for 32-bit tables, 2 for the PAE PDPT, else 9. */
static uint64_t index_of(const struct mode *m, int l, uint64_t va)
{
	int bits = m->esize == 4 ? 10 : (m->levels == 3 && l == 0) ? 2 : 9;

	return (va >> m->shift[l]) & ((1u << bits) - 1);
}

/*
 * Map @p va to @p pa with a leaf at level @p leaf (levels counted from
 * the root, 0-based); @p leaf_entry is the leaf's value when the caller
 * encodes it (PSE-36), else 0 to build pa | flags.
 */
static void map(const struct mode *m, uint64_t va, uint64_t pa, int leaf,
		uint64_t flags, uint64_t leaf_entry)
{
	uint64_t table = ROOT;

	for (int l = 0; l < leaf; l++) {
		uint64_t epa = table + index_of(m, l, va) * (uint64_t)m->esize;
		uint64_t e = get(epa, m->esize);

		if (!(e & P)) {
			/* PAE PDPTEs have no R/W or U/S bits (SDM 3A 4.4.1). */
			e = new_table() | P |
			    ((m->levels == 3 && l == 0) ? 0 : W | U);
			put(epa, e, m->esize);
		}
		table = e & m->addr_mask;
	}
	if (!leaf_entry)
		leaf_entry = pa | flags | (leaf < m->levels - 1 ? PS : 0);
	put(table + index_of(m, leaf, va) * (uint64_t)m->esize, leaf_entry,
	    m->esize);
}

/* Fill two pages at @p pa with a label and bytes that depend on the PA. */
static void fill(uint64_t pa, const char *label)
{
	for (uint64_t a = pa; a < pa + 2 * PAGE; a++)
		*(page_at(a) + (a & (PAGE - 1))) =
			(unsigned char)((a >> 3) * 2654435761u >> 11);
	memcpy(page_at(pa), label, strlen(label) + 1);
	printf("%s\n", label);
}

static void mapping(const struct mode *m, uint64_t va, uint64_t pa,
		    int leaf, uint64_t flags, uint64_t entry, const char *what)
{
	char label[96];

	map(m, va, pa, leaf, flags, entry);
	snprintf(label, sizeof(label), "0x%" PRIx64 " 0x%" PRIx64 " %s-%s",
		 va, pa, m->name, what);
	fill(pa, label);
}

static void build(const struct mode *m)
{
	const uint64_t user = 0x08048000;

	mapping(m, user, 0x300000, m->levels - 1, P | W | U, 0, "user-4k");
	if (!strcmp(m->name, "32")) {
		/* 4M page (CR4.PSE, SDM 3A 4.3). */
		mapping(m, 0xc0000000, 0x400000, 0, P | W, 0, "kernel-4m");
		/* PSE-36: PA bits 39:32 in PDE bits 20:13 (SDM 3A table 4-4). */
		mapping(m, 0xc0400000, 0x100800000ull, 0, 0,
			(0x100800000ull & 0xffc00000u) |
			((0x100800000ull >> 32) << 13) | P | W | PS,
			"kernel-pse36");
	} else if (!strcmp(m->name, "pae")) {
		mapping(m, 0xc0000000, 0x400000, 1, P | W, 0, "kernel-2m");
	} else if (!strcmp(m->name, "4level")) {
		/* 1G page (PDPTE.PS). */
		mapping(m, 0xffffffff80000000ull, 0x40000000, 1, P | W, 0,
			"kernel-1g");
	} else {
		/* LA57's kernel half: bits 63:57 copy bit 56. */
		mapping(m, 0xff11000000000000ull, 0x400000, 3, P | W, 0,
			"kernel-2m");
	}
}

/* ELF64 core, one PT_LOAD of the whole memory at file offset @p off. */
static int write_elf_header(int fd, uint64_t off)
{
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph = { 0 };

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = 1;
	ph.p_type = PT_LOAD;
	ph.p_offset = off;
	ph.p_filesz = ph.p_memsz = top;
	ph.p_align = 1;
	return pwrite(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	       pwrite(fd, &ph, sizeof(ph), sizeof(eh)) != (ssize_t)sizeof(ph);
}

int main(int argc, char **argv)
{
	const struct mode *m = NULL;
	int elf = argc > 1 && !strcmp(argv[1], "--elf");
	uint64_t off = elf ? PAGE : 0;
	int fd;

	if (argc != 3 + elf) {
		fprintf(stderr, "usage: mkraw [--elf] 32|pae|4level|5level OUT\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(modes) / sizeof(*modes); i++)
		if (!strcmp(argv[1 + elf], modes[i].name))
			m = &modes[i];
	if (!m) {
		fprintf(stderr, "mkraw: unknown mode '%s'\n", argv[1 + elf]);
		return 2;
	}
	new_table();  /* the root */
	build(m);
	fd = open(argv[2 + elf], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(argv[2 + elf]);
		return 1;
	}
	for (int i = 0; i < npages; i++)
		if (pwrite(fd, pages[i].b, PAGE, (off_t)(off + pages[i].pa)) !=
		    (ssize_t)PAGE) {
			perror(argv[2 + elf]);
			return 1;
		}
	if (ftruncate(fd, (off_t)(off + top)) || (elf && write_elf_header(fd, off)) ||
	    close(fd)) {
		perror(argv[2 + elf]);
		return 1;
	}
	return 0;
}
