/*
 * mkdemo: writes the demo guest, a small synthetic x86_64 machine in the
 * exact layout of a QEMU `dump-guest-memory` ELF (physical PT_LOADs, per-CPU
 * NT_PRSTATUS and "QEMU" notes), with 4-level page tables a Linux kernel
 * could have built: kernel text, a direct map, vmalloc pages and two user
 * processes, one per vCPU, and an EPT that shows process A one more page.
 * It feeds the README demo and the GDB tests.
 */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM_SIZE   (32u << 20)
#define P   0x1ULL
#define W   0x2ULL
#define U   0x4ULL
#define A   0x20ULL
#define D   0x40ULL
#define PS  0x80ULL
#define G   0x100ULL
#define NX  (1ULL << 63)

static unsigned char *ram;
static uint64_t next_table = 0x100000;  /* tables live at 1 MiB .. 2 MiB */

static uint64_t get64(uint64_t pa)
{
	uint64_t v;

	memcpy(&v, ram + pa, 8);
	return v;
}

static void put64(uint64_t pa, uint64_t v)
{
	memcpy(ram + pa, &v, 8);
}

static uint64_t new_table(void)
{
	uint64_t pa = next_table;

	next_table += 4096;
	if (next_table > 0x200000) {
		fprintf(stderr, "mkdemo: out of table space\n");
		exit(1);
	}
	memset(ram + pa, 0, 4096);
	return pa;
}

/* Map @va to @pa at @level (3 = 4K, 2 = 2M, 1 = 1G) under @pml4. */
static void map(uint64_t pml4, uint64_t va, uint64_t pa, int level,
		uint64_t flags)
{
	static const int shift[] = { 39, 30, 21, 12 };
	uint64_t table = pml4;

	for (int l = 0; l < level; l++) {
		uint64_t epa = table + ((va >> shift[l]) & 511) * 8;
		uint64_t e = get64(epa);

		if (!(e & P)) {
			e = new_table() | P | W | U | A;
			put64(epa, e);
		}
		table = e & 0x000ffffffffff000ULL;
	}
	put64(table + ((va >> shift[level]) & 511) * 8,
	      pa | flags | (level < 3 ? PS : 0));
}

/* The kernel half, shared by every process as Linux shares it. */
static void map_kernel(uint64_t pml4)
{
	/* Kernel text: 0xffffffff81000000 -> 2 MiB at 0x200000, RX. */
	map(pml4, 0xffffffff81000000ULL, 0x200000, 2, P | A | D | G);
	/* Direct map of all RAM with 2M pages, RW NX. */
	for (uint64_t pa = 0; pa < RAM_SIZE; pa += 2 << 20)
		map(pml4, 0xffff888000000000ULL + pa, pa, 2, P | W | A | D | G | NX);
	/* vmalloc area: scattered 4K pages, RW NX. */
	for (int i = 0; i < 8; i++)
		map(pml4, 0xffffc90000000000ULL + i * 4096ULL,
		    0x600000 + (uint64_t)(7 - i) * 4096, 3, P | W | A | D | G | NX);
	/* fixmap-like single page near the top. */
	map(pml4, 0xffffffffff5fd000ULL, 0xfec00000ULL, 3, P | W | G | NX | 0x18);
}

static void map_process(uint64_t pml4, uint64_t text_pa, uint64_t stack_pa)
{
	/* Program text at 0x400000 (3 pages, user RX), data RW, stack RW. */
	for (int i = 0; i < 3; i++)
		map(pml4, 0x400000 + i * 4096ULL, text_pa + i * 4096ULL, 3,
		    P | U | A);
	map(pml4, 0x600000, text_pa + 0x3000, 3, P | W | U | A | D | NX);
	for (int i = 0; i < 4; i++)
		map(pml4, 0x7ffffffde000ULL + i * 4096ULL,
		    stack_pa + i * 4096ULL, 3, P | W | U | A | D | NX);
}

/* The table @pml4 uses to map @va at @level (0 = the PML4 itself). */
static uint64_t table_of(uint64_t pml4, uint64_t va, int level)
{
	static const int shift[] = { 39, 30, 21 };
	uint64_t table = pml4;

	for (int l = 0; l < level; l++)
		table = get64(table + ((va >> shift[l]) & 511) * 8) &
			0x000ffffffffff000ULL;
	return table;
}

/*
 * An EPT such as a hypervisor's snapshot holds (root at EPT_ROOT, for
 * `monitor nested ept`): guest-physical is host-physical for all RAM but
 * the page holding process A's stack page table, which it moves to a copy
 * with one more page mapped at NESTED_VA. So that page exists only in the
 * nested view, never in what GDB could see when it connected.
 */
#define EPT_ROOT   0x1c00000ULL
#define NESTED_VA  0x7ffffffd0000ULL
#define EPT_RWX    0x7ULL
#define EPT_WB     (6ULL << 3)  /* SDM 3C 29.3.7: memory type, leaves */

static void map_nested_ept(uint64_t pml4)
{
	uint64_t pdpt = EPT_ROOT + 0x1000, pd = EPT_ROOT + 0x2000,
		 pt = EPT_ROOT + 0x3000, copy = EPT_ROOT + 0x4000,
		 page = EPT_ROOT + 0x5000;
	uint64_t moved = table_of(pml4, 0x7ffffffde000ULL, 3);

	put64(EPT_ROOT, pdpt | EPT_RWX);
	put64(pdpt, pd | EPT_RWX);
	for (uint64_t i = 0; i < RAM_SIZE >> 21; i++)
		put64(pd + i * 8, i << 21 | EPT_RWX | EPT_WB | PS);
	/* The first 2 MiB (the tables) in 4K pages, one of them moved. */
	put64(pd, pt | EPT_RWX);
	for (uint64_t i = 0; i < 512; i++)
		put64(pt + i * 8, (i << 12 == moved ? copy : i << 12) |
		      EPT_RWX | EPT_WB);
	memcpy(ram + copy, ram + moved, 4096);
	put64(copy + ((NESTED_VA >> 12) & 511) * 8,
	      page | P | W | U | A | D | NX);
	memcpy(ram + page, "seen through EPT", 17);
}

struct note {
	unsigned char *buf;
	size_t len, cap;
};

static void note_add(struct note *n, const char *name, uint32_t type,
		     const void *desc, uint32_t dlen)
{
	uint32_t nlen = (uint32_t)strlen(name) + 1;
	size_t need = 12 + ((nlen + 3) & ~3u) + ((dlen + 3) & ~3u);
	unsigned char *p;

	if (n->len + need > n->cap) {
		n->cap = (n->len + need) * 2;
		n->buf = realloc(n->buf, n->cap);
		if (!n->buf)
			exit(1);
	}
	p = n->buf + n->len;
	memset(p, 0, need);
	memcpy(p, &nlen, 4);
	memcpy(p + 4, &dlen, 4);
	memcpy(p + 8, &type, 4);
	memcpy(p + 12, name, nlen);
	memcpy(p + 12 + ((nlen + 3) & ~3u), desc, dlen);
	n->len += need;
}

/* QEMU's QEMUCPUState (target/i386/arch_dump.c), version 1. */
struct qemu_seg { uint32_t selector, limit, flags, pad; uint64_t base; };
struct qemu_cpu_state {
	uint32_t version, size;
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	struct qemu_seg cs, ds, es, fs, gs, ss, ldt, tr, gdt, idt;
	uint64_t cr[5];
	uint64_t kernel_gs_base;
};

/* Linux x86_64 elf_prstatus as QEMU writes it: 336 bytes. */
struct prstatus64 {
	char pad1[32];
	uint32_t pid;
	char pad2[76];
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs, eflags, rsp, ss;
	uint64_t fs_base, gs_base, ds, es, fs, gs;
	char pad3[8];
};

static void add_cpu(struct note *n, int id, uint64_t cr3, uint64_t rip,
		    uint64_t rsp, int user)
{
	struct prstatus64 pr;
	struct qemu_cpu_state q;
	uint16_t cs = user ? 0x33 : 0x10, ss = user ? 0x2b : 0x18;

	memset(&pr, 0, sizeof(pr));
	pr.pid = (uint32_t)id + 1;
	pr.rip = rip;
	pr.rsp = rsp;
	pr.rax = 0x1111 * (uint64_t)(id + 1);
	pr.eflags = 0x246;
	pr.cs = cs;
	pr.ss = ss;
	note_add(n, "CORE", NT_PRSTATUS, &pr, sizeof(pr));

	memset(&q, 0, sizeof(q));
	q.version = 1;
	q.size = sizeof(q);
	q.rax = pr.rax;
	q.rsp = rsp;
	q.rip = rip;
	q.rflags = 0x246;
	q.cs.selector = cs;
	q.cs.limit = 0xffffffff;
	q.cs.flags = user ? 0x00affb00 : 0x00af9b00;
	q.ss.selector = ss;
	q.ss.limit = 0xffffffff;
	q.ss.flags = user ? 0x00cff300 : 0x00cf9300;
	q.gdt.base = 0xfffffe0000001000ULL;
	q.gdt.limit = 0x7f;
	q.idt.base = 0xfffffe0000000000ULL;
	q.idt.limit = 0xfff;
	q.cr[0] = 0x80050033;      /* PG WP NE ET MP PE */
	q.cr[3] = cr3;
	q.cr[4] = 0x3506f0;        /* PAE PSE PGE OSFXSR … SMEP SMAP */
	q.kernel_gs_base = user ? 0xffff88800fc00000ULL : 0;
	note_add(n, "QEMU", 0, &q, sizeof(q));
}

int main(int argc, char **argv)
{
	static const char hello[] = "Hello from the pgstub demo guest!";
	struct note notes = { 0 };
	uint64_t pml4a, pml4b;
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: mkdemo OUT.elf\n");
		return 2;
	}
	ram = calloc(1, RAM_SIZE);
	if (!ram)
		return 1;
	pml4a = new_table();
	pml4b = new_table();
	map_kernel(pml4a);
	map_kernel(pml4b);
	map_process(pml4a, 0x800000, 0x810000);
	map_process(pml4b, 0x900000, 0x910000);
	/* Recognisable bytes: kernel text, one vmalloc page, user text. */
	memcpy(ram + 0x200000, hello, sizeof(hello));
	for (int i = 0; i < 16; i++)
		ram[0x200100 + i] = (unsigned char)(0x90);  /* nops */
	memcpy(ram + 0x607000, "vmalloc page 0", 15);
	memcpy(ram + 0x800000, "process A", 10);
	memcpy(ram + 0x900000, "process B", 10);
	map_nested_ept(pml4a);

	add_cpu(&notes, 0, pml4a, 0xffffffff81000100ULL,
		0xffff888001ff0000ULL, 0);
	add_cpu(&notes, 1, pml4b, 0x400010, 0x7ffffffe1f00ULL, 1);

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 2;

	memset(ph, 0, sizeof(ph));
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = sizeof(eh) + sizeof(ph);
	ph[0].p_filesz = ph[0].p_memsz = notes.len;
	ph[1].p_type = PT_LOAD;
	ph[1].p_offset = (ph[0].p_offset + notes.len + 4095) & ~4095ULL;
	ph[1].p_paddr = 0;
	ph[1].p_filesz = ph[1].p_memsz = RAM_SIZE;

	f = fopen(argv[1], "wb");
	if (!f || fwrite(&eh, sizeof(eh), 1, f) != 1 ||
	    fwrite(ph, sizeof(ph), 1, f) != 1 ||
	    fwrite(notes.buf, notes.len, 1, f) != 1 ||
	    fseek(f, (long)ph[1].p_offset, SEEK_SET) ||
	    fwrite(ram, RAM_SIZE, 1, f) != 1 || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	free(notes.buf);
	free(ram);
	return 0;
}
