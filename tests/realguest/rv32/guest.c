/*
 * A bare-metal riscv32 guest whose only job is to leave two harts running
 * under Sv32 page tables worth checking: Debian has no riscv32 kernel, so
 * this stands in for one. Hart 0 builds two roots in a pool of RAM, then
 * both harts leave M-mode: hart 0 to S-mode (SUM clear) through root A,
 * where it makes the accesses of probes[] and prints the page fault each
 * took (the truth for pgstub's `access`) before it loops; hart 1 to a
 * U-mode loop (SUM and MXR set) through root B, which shares root A's
 * kernel half as Linux's roots do.
 *
 * The tables hold what a walker must get right (Privileged ISA 4.3):
 * 4 MiB megapages and 4 KiB pages, every R/W/X/U/G/A/D mix, the reserved
 * W-without-R encodings, a misaligned megapage, a pointer at the last
 * level, 34-bit physical addresses, a self-referencing root entry, the
 * top page of the address space. Which of them QEMU gets right is for the
 * recording to tell (record_riscv32.py), not for this program.
 */
#include <stdint.h>

#define PTE_V 0x01u
#define PTE_R 0x02u
#define PTE_W 0x04u
#define PTE_X 0x08u
#define PTE_U 0x10u
#define PTE_G 0x20u
#define PTE_A 0x40u
#define PTE_D 0x80u

#define KRW  (PTE_R | PTE_W | PTE_G | PTE_A | PTE_D)
#define URW  (PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)
#define MEGA 0x400000u

#define UART      0x10000000u
#define USER_TEXT 0x00400000u  /* where user_loop runs in U-mode */
#define POOL      0x80400000ull  /* page tables and pages they map */
#define SATP_SV32 0x80000000u
#define MPP_SHIFT 11
#define MSTATUS_SUM (1u << 18)
#define MSTATUS_MXR (1u << 19)

typedef uint32_t pte_t;

extern char user_loop[], s_ret[], s_trap[];
void s_loop(void) __attribute__((noreturn));
void probe_load(uint32_t va);
void probe_store(uint32_t va);
void probe_fetch(uint32_t va);

/* What s_trap saw of the last probe (0: it did not fault). */
volatile uint32_t probe_cause, probe_tval;

/* Hart 0's accesses in S-mode, SUM and MXR clear, under root A: each
 * printed with the scause and stval the hart took, the truth for
 * pgstub's `access`. Not probed: pages whose A or D is clear (QEMU 7.2
 * sets them, as Svadu; pgstub answers as Svade) and addresses beyond RAM
 * (an access fault, not a page fault). */
static const struct probe {
	uint32_t va;
	char kind;            /* r, w or x */
} probes[] = {
	{ 0x00409000u, 'r' },  /* execute-only, MXR clear */
	{ 0x0040a000u, 'r' },  /* W without R: reserved */
	{ 0x0040b000u, 'w' },  /* W and X without R: reserved */
	{ 0x0040d000u, 'r' },  /* a pointer at level 0 */
	{ 0x0040e000u, 'w' },  /* a supervisor page in the user half */
	{ 0x00401000u, 'r' },  /* a user page, SUM clear */
	{ 0x00400000u, 'x' },  /* a user page: S-mode never fetches */
	{ 0x00000000u, 'r' },  /* nothing there */
	{ 0x40001000u, 'r' },  /* root B's only */
	{ 0xc0000000u, 'x' },  /* kernel alias, no X */
	{ 0xc0000100u, 'r' },
	{ 0xc0400000u, 'w' },  /* read-only */
	{ 0xc0800000u, 'r' },  /* misaligned megapage */
	{ 0xc0c00000u, 'w' },  /* reserved megapage */
	{ 0xe0000000u, 'w' },
	{ 0xe0000000u, 'x' },
	{ 0xe0100000u, 'w' },  /* read-only */
	{ 0xe0101000u, 'w' },
	{ 0xf0400000u, 'r' },
	{ 0xff800000u, 'r' },  /* the self-map: root A's entry 0 */
	{ 0xffa00000u, 'w' },  /* the self-map: the image megapage */
	{ 0xffb03000u, 'r' },  /* the self-map: the reserved megapage */
	{ 0xfffff000u, 'w' },
	{ 0xfffffffcu, 'x' },
	{ 0, 's' },            /* s_ret: a fetch that succeeds */
};

static volatile uint32_t tables_ready, hart1_going;
static uint64_t pool_next = POOL;
static pte_t *root_a, *root_b;

static void *alloc_page(void)
{
	uint32_t *p = (uint32_t *)(uintptr_t)pool_next;

	pool_next += 4096;
	for (int i = 0; i < 1024; i++)
		p[i] = 0;
	return p;
}

static pte_t leaf(uint64_t pa, uint32_t flags)
{
	return (pte_t)((pa >> 12) << 10) | flags | PTE_V;
}

static pte_t pointer(const void *table)
{
	return (pte_t)(((uintptr_t)table >> 12) << 10) | PTE_V;
}

/* The level-0 table under root entry va[31:22], made on first use. */
static pte_t *table_for(pte_t *root, uint32_t va)
{
	pte_t *e = &root[va >> 22];

	if (!(*e & PTE_V))
		*e = pointer(alloc_page());
	return (pte_t *)(uintptr_t)((uint64_t)(*e >> 10) << 12);
}

static void map_page(pte_t *root, uint32_t va, uint64_t pa, uint32_t flags)
{
	table_for(root, va)[(va >> 12) & 0x3ff] = leaf(pa, flags);
}

static void map_pages(pte_t *root, uint32_t va, uint64_t pa, int n,
		      uint32_t flags)
{
	for (int i = 0; i < n; i++)
		map_page(root, va + 4096u * (uint32_t)i, pa + 4096u * (uint64_t)i,
			 flags);
}

static void map_mega(pte_t *root, uint32_t va, uint64_t pa, uint32_t flags)
{
	root[va >> 22] = leaf(pa, flags);
}

static void build_root_a(pte_t *r)
{
	/* The image, where the harts run until they leave M-mode. */
	map_mega(r, 0x80000000u, 0x80000000u, KRW | PTE_X);
	/* A kernel-like half: the image again, the pool readable. */
	map_mega(r, 0xc0000000u, 0x80000000u, KRW);
	map_mega(r, 0xc0400000u, POOL, PTE_R | PTE_G | PTE_A);
	map_mega(r, 0xc0800000u, 0x80801000u, KRW);      /* misaligned */
	map_mega(r, 0xc0c00000u, 0x80c00000u, PTE_W | PTE_G);  /* reserved */
	for (uint32_t i = 0; i < 4; i++)                  /* one 16 MiB run */
		map_mega(r, 0xf0000000u + i * MEGA, 0x81000000u + i * MEGA, KRW);
	map_page(r, UART, UART, KRW);
	/* A vmalloc-like run of 256 pages, then 64 alternating R and RW. */
	map_pages(r, 0xe0000000u, 0x80600000u, 256, KRW);
	for (uint32_t i = 0; i < 64; i++)
		map_page(r, 0xe0100000u + 4096u * i, 0x80700000u + 4096u * i,
			 i & 1 ? KRW : (PTE_R | PTE_G | PTE_A));
	/* User pages of every kind. */
	map_page(r, USER_TEXT, (uintptr_t)user_loop,
		 PTE_R | PTE_X | PTE_U | PTE_A);
	map_pages(r, 0x00401000u, 0x80500000u, 7, URW);
	map_page(r, 0x00408000u, 0x80508000u, PTE_R | PTE_U | PTE_A);
	map_page(r, 0x00409000u, 0x80509000u, PTE_X | PTE_U | PTE_A);
	map_page(r, 0x0040a000u, 0x8050a000u, PTE_W | PTE_U);      /* reserved */
	map_page(r, 0x0040b000u, 0x8050b000u, PTE_W | PTE_X | PTE_U);
	map_page(r, 0x0040c000u, 0x8050c000u, PTE_R | PTE_W | PTE_U);
	table_for(r, 0x0040d000u)[0xd] = PTE_V;   /* pointer at level 0 */
	map_page(r, 0x0040e000u, 0x8050e000u, KRW);   /* S page, user half */
	/* 34-bit physical addresses: above 4 GiB and the very top. */
	map_pages(r, 0x00410000u, 0x200000000ull, 16, URW);
	map_pages(r, 0x01000000u, 0x3ffffc000ull, 4, PTE_R | PTE_U | PTE_A);
	/* Entry 1022 points at the root itself; 1023 maps the top page. */
	r[1022] = pointer(r);
	map_page(r, 0xffc00000u, 0x80001000u, PTE_R | PTE_G | PTE_A);
	map_page(r, 0xfffff000u, 0x80000000u, KRW);
}

/* Root B: root A's kernel half and image, its own user half. */
static void build_root_b(pte_t *b, const pte_t *a)
{
	for (int i = 512; i < 1024; i++)
		b[i] = a[i];
	map_page(b, USER_TEXT, (uintptr_t)user_loop,
		 PTE_R | PTE_X | PTE_U | PTE_A);
	map_pages(b, 0x00401000u, 0x80520000u, 4, URW);
	map_page(b, 0x00405000u, 0x80524000u, PTE_X | PTE_U | PTE_A);
	map_mega(b, 0x40000000u, 0x80c00000u, URW | PTE_X);
	map_mega(b, 0x40400000u, 0x80c00000u, URW);   /* an alias */
	map_pages(b, 0x00410000u, 0x300000000ull, 2, URW);   /* beyond RAM */
}

static void uart_puts(const char *s)
{
	while (*s)
		*(volatile uint8_t *)(uintptr_t)UART = (uint8_t)*s++;
}

static void uart_hex(uint32_t v)
{
	char b[9];

	for (int i = 7; i >= 0; i--, v >>= 4)
		b[i] = "0123456789abcdef"[v & 15];
	b[8] = 0;
	uart_puts(b);
}

/* Hart 0 in S-mode: the probes, "PGSTUB-FAULT VA KIND SCAUSE STVAL" each,
 * then the loop the recorder stops it in. */
static void __attribute__((noreturn)) s_main(void)
{
	for (unsigned i = 0; i < sizeof(probes) / sizeof(*probes); i++) {
		const struct probe *p = &probes[i];
		uint32_t va = p->kind == 's' ? (uint32_t)(uintptr_t)s_ret : p->va;
		char kind[2] = { p->kind == 's' ? 'x' : p->kind, 0 };

		probe_cause = probe_tval = 0;
		if (kind[0] == 'r')
			probe_load(va);
		else if (kind[0] == 'w')
			probe_store(va);
		else
			probe_fetch(va);
		uart_puts("PGSTUB-FAULT ");
		uart_hex(va);
		uart_puts(" ");
		uart_puts(kind);
		uart_puts(" ");
		uart_hex(probe_cause);
		uart_puts(" ");
		uart_hex(probe_tval);
		uart_puts("\n");
	}
	uart_puts("PGSTUB-READY\n");
	s_loop();
}

/* Leave M-mode for @p pc at privilege @p mpp under @p root. */
static void __attribute__((noreturn))
enter(const pte_t *root, void *pc, uint32_t mpp, uint32_t extra)
{
	uint32_t satp = SATP_SV32 | (uint32_t)((uintptr_t)root >> 12);
	uint32_t ms;

	/* PMP entry 0 opens all of the 34-bit space to S and U (NAPOT). */
	__asm__ volatile("csrw pmpaddr0, %0" : : "r"(0xffffffffu));
	__asm__ volatile("csrw pmpcfg0, %0" : : "r"(0x1fu));
	__asm__ volatile("csrr %0, mstatus" : "=r"(ms));
	ms = (ms & ~(3u << MPP_SHIFT)) | mpp << MPP_SHIFT | extra;
	__asm__ volatile("csrw mstatus, %0" : : "r"(ms));
	__asm__ volatile("csrw mepc, %0" : : "r"(pc));
	__asm__ volatile("csrw satp, %0\n\tsfence.vma" : : "r"(satp)
			 : "memory");
	__asm__ volatile("li a0, 0\n\tmret");
	__builtin_unreachable();
}

void hart_main(uint32_t hartid)
{
	if (hartid == 0) {
		root_a = alloc_page();
		root_b = alloc_page();
		build_root_a(root_a);
		build_root_b(root_b, root_a);
		__asm__ volatile("fence" : : : "memory");
		tables_ready = 1;
		while (!hart1_going)
			;
		/* Page faults of the probes to S-mode's s_trap. */
		__asm__ volatile("csrw stvec, %0" : : "r"(s_trap));
		__asm__ volatile("csrw medeleg, %0"
				 : : "r"((1u << 12) | (1u << 13) | (1u << 15)));
		enter(root_a, (void *)s_main, 1, 0);
	}
	if (hartid == 1) {
		while (!tables_ready)
			;
		__asm__ volatile("fence" : : : "memory");
		hart1_going = 1;
		enter(root_b, (void *)USER_TEXT, 0, MSTATUS_SUM | MSTATUS_MXR);
	}
	for (;;)
		__asm__ volatile("wfi");
}
