/*
 * Each RISC-V hart's satp, decided once at open: its own (a migration
 * stream, --reg satp=), else on riscv64 the kernel's root found in guest
 * memory (QEMU 7.2's riscv dumps hold no CSR and its virt machine no
 * VMCOREINFO), else nothing — and then no address translates, and every
 * view says what to give. riscv32 has no Linux of Debian's to look for.
 */
#include "guest_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOW_TO "give the hart's satp: --reg satp=VALUE (QEMU's `info " \
	       "registers` prints it)"

/*
 * Linux maps its riscv64 image at KERNEL_LINK_ADDR 0xffffffff80000000
 * (without KASLR, the Debian kernels' configuration), and the image
 * starts with the RISC-V boot image header, whose magic fields are
 * "RISCV\0\0\0" at offset 0x30 and "RSC\x05" at 0x38 (Linux's
 * Documentation/arch/riscv/boot-image-header.rst).
 */
#define KERNEL_LINK_ADDR 0xffffffff80000000ULL
#define HDR_MAGIC_OFF    0x30
#define IMAGE_ALIGN      0x200000ULL    /* PMD_SIZE: rv64 load alignment */
#define IMAGE_MAX        0x10000000ULL  /* a sanity bound: 256 MiB */

/* PTE bits (Privileged ISA 4.4.1). */
#define PTE_V    0x1ULL
#define PTE_RWX  0xeULL
#define PTE_PPN  0x003ffffffffffc00ULL  /* bits 53:10 */
#define PTE_HIGH 0xffc0000000000000ULL  /* 63:54: N, PBMT, reserved */

/* One root the scan found. */
struct found {
	uint64_t pa;
	unsigned mode;           /* PGW_RISCV_SATP_SV39/48/57 */
	int kernel_entries;      /* valid entries 256..511 of the root */
	int user_empty;          /* entries 0..255 all invalid */
};

struct scan {
	guest *g;
	const uint64_t *pcs;     /* kernel-half pcs every root must map */
	int npcs;
	struct found best;
	int nfound;
};

static int read_pte(guest *g, uint64_t pa, uint64_t *pte)
{
	uint8_t b[8];

	if (guest_phys_read(g, pa, b, 8) != 8)
		return -1;
	*pte = guest__le64(b);
	return 0;
}

/* The physical address @p va maps to from root @p root in @p levels
 * levels (a walk of 4.3.2 without permission checks), or UINT64_MAX. */
static uint64_t walk(guest *g, uint64_t root, unsigned levels, uint64_t va)
{
	uint64_t table = root;

	for (int lvl = (int)levels - 1; lvl >= 0; lvl--) {
		unsigned shift = 12 + 9 * (unsigned)lvl;
		uint64_t pte, ppn;

		if (read_pte(g, table + ((va >> shift) & 0x1ff) * 8, &pte) ||
		    !(pte & PTE_V) || pte & PTE_HIGH)
			return UINT64_MAX;
		ppn = (pte & PTE_PPN) >> 10;
		if (pte & PTE_RWX) {
			uint64_t span = 1ULL << shift;

			if ((ppn << 12) & (span - 1))
				return UINT64_MAX;  /* misaligned superpage */
			return (ppn << 12) | (va & (span - 1));
		}
		table = ppn << 12;
	}
	return UINT64_MAX;
}

static int has_image_header(guest *g, uint64_t pa)
{
	static const uint8_t magic[12] = "RISCV\0\0\0RSC\x05";
	uint8_t b[12];

	return pa != UINT64_MAX &&
	       guest_phys_read(g, pa + HDR_MAGIC_OFF, b, 12) == 12 &&
	       !memcmp(b, magic, 12);
}

/* Is the page at @p pa a root of @p levels levels for the kernel? */
static int is_root(struct scan *s, uint64_t pa, unsigned levels)
{
	if (!has_image_header(s->g, walk(s->g, pa, levels, KERNEL_LINK_ADDR)))
		return 0;
	for (int i = 0; i < s->npcs; i++)
		if (walk(s->g, pa, levels, s->pcs[i]) == UINT64_MAX)
			return 0;
	return 1;
}

static void consider(struct scan *s, uint64_t pa, unsigned mode,
		     const uint8_t *page)
{
	struct found f = { pa, mode, 0, 1 };

	for (int i = 0; i < 512; i++) {
		int v = (int)(guest__le64(page + 8 * i) & PTE_V);

		if (i < 256 && v)
			f.user_empty = 0;
		f.kernel_entries += i >= 256 && v;
	}
	s->nfound++;
	/* swapper_pg_dir: no user half, and every kernel entry (a task's
	 * root copies them; early_pg_dir and trampoline_pg_dir map the
	 * image alone). */
	if (s->nfound == 1 || f.user_empty > s->best.user_empty ||
	    (f.user_empty == s->best.user_empty &&
	     f.kernel_entries > s->best.kernel_entries))
		s->best = f;
}

/* Every page of [lo, hi) that is a root for the kernel, into s->best. */
static void scan_pages(struct scan *s, uint64_t lo, uint64_t hi)
{
	uint8_t page[4096];
	static const unsigned modes[3][2] = {
		{ PGW_RISCV_SATP_SV57, 5 }, { PGW_RISCV_SATP_SV48, 4 },
		{ PGW_RISCV_SATP_SV39, 3 },
	};

	for (uint64_t p = lo; p < hi; p += 4096) {
		uint64_t e510, e511;

		/* The image's root entry (index 511 in Sv48 and Sv57, 510
		 * in Sv39: VA bits 38:30 of 0xffffffff80000000) must be
		 * valid: read the whole page only then. */
		if (read_pte(s->g, p + 510 * 8, &e510) ||
		    read_pte(s->g, p + 511 * 8, &e511) ||
		    !((e510 & PTE_V && !(e510 & PTE_HIGH)) ||
		      (e511 & PTE_V && !(e511 & PTE_HIGH))))
			continue;
		if (guest_phys_read(s->g, p, page, sizeof(page)) != sizeof(page))
			continue;
		for (int m = 0; m < 3; m++)
			if (is_root(s, p, modes[m][1])) {
				consider(s, p, modes[m][0], page);
				break;
			}
	}
}

/*
 * The kernel's roots live in its image (swapper_pg_dir in .bss), which
 * rv64 Linux loads on a 2 MiB boundary behind the boot image header:
 * look for the header there, then scan the image's pages only (its
 * "effective image size" at offset 0x10), not all of RAM (a compressed
 * dump would decompress every page).
 */
static int scan_range(uint64_t pa, uint64_t size, void *payload)
{
	struct scan *s = payload;

	for (uint64_t p = (pa + IMAGE_ALIGN - 1) & ~(IMAGE_ALIGN - 1);
	     p < pa + size && p >= pa; p += IMAGE_ALIGN) {
		uint8_t b[8];
		uint64_t len;

		if (!has_image_header(s->g, p) ||
		    guest_phys_read(s->g, p + 0x10, b, 8) != 8)
			continue;
		len = guest__le64(b);
		if (len > IMAGE_MAX)
			len = IMAGE_MAX;
		scan_pages(s, p, p + ((len + 4095) & ~4095ULL));
	}
	return 0;
}

static const char *mode_name(unsigned mode)
{
	return mode == PGW_RISCV_SATP_SV57 ? "Sv57" :
	       mode == PGW_RISCV_SATP_SV48 ? "Sv48" : "Sv39";
}

int guest__riscv_root_resolve(guest *g, char *err, size_t errlen)
{
	struct scan s = { .g = g };
	uint64_t pcs[64];
	int need_scan = 0;

	if (!guest_arch_is_riscv(g->arch))
		return 0;
	if (g->ncpus < 1)
		return guest__fail(err, errlen, "no hart");
	for (int i = 0; i < g->ncpus; i++)
		if (!guest__riscv_cpu_at(g, i))
			return guest__fail(err, errlen, "out of memory");
	g->rvroot = calloc((size_t)g->ncpus, sizeof(*g->rvroot));
	if (!g->rvroot)
		return guest__fail(err, errlen, "out of memory");
	for (int i = 0; i < g->ncpus; i++) {
		const struct guest_riscv_cpu *c = &g->rv[i];

		if (c->valid & GUEST_RISCV_HAS_CSR(GUEST_RV_SATP)) {
			g->rvroot[i].src = GUEST_ROOT_REGS;
			g->rvroot[i].satp = c->csr[GUEST_RV_SATP];
			continue;
		}
		need_scan = 1;
		/* A hart stopped in kernel code: its pc must map too. */
		if (c->valid & GUEST_RISCV_HAS_GPRS && c->pc >> 63 &&
		    s.npcs < (int)(sizeof(pcs) / sizeof(*pcs)))
			pcs[s.npcs++] = c->pc;
	}
	if (!need_scan || g->fmt == GUEST_FMT_RAW ||
	    g->arch == GUEST_ARCH_RISCV32)
		goto unknown;
	s.pcs = pcs;
	guest_phys_ranges(g, scan_range, &s);
unknown:
	for (int i = 0; i < g->ncpus; i++) {
		struct guest_riscv_root *rt = &g->rvroot[i];

		if (g->rv[i].valid & GUEST_RISCV_HAS_CSR(GUEST_RV_SATP))
			continue;
		if (!s.nfound) {
			rt->src = GUEST_ROOT_UNKNOWN;
			snprintf(rt->why, sizeof(rt->why), "no paging root: %s "
				 "holds no satp%s; %s",
				 g->fmt == GUEST_FMT_MIGRATION ? "the stream" :
				 g->fmt == GUEST_FMT_RAW ? "a raw image" :
				 g->arch == GUEST_ARCH_RISCV32 ? "QEMU's riscv32 "
				 "dumps hold no CSR: the snapshot" :
				 "QEMU's riscv64 dumps hold no CSR: the snapshot",
				 g->fmt == GUEST_FMT_RAW ||
				 g->arch == GUEST_ARCH_RISCV32 ? "" :
				 ", and no page in it is a root that maps a Linux "
				 "image header at 0xffffffff80000000", HOW_TO);
			continue;
		}
		rt->src = GUEST_ROOT_FOUND;
		rt->satp = (uint64_t)s.best.mode << PGW_RISCV_SATP64_MODE_SHIFT |
			   s.best.pa >> 12;
		rt->kernel_only = 1;
		snprintf(rt->why, sizeof(rt->why), "kernel page tables found in "
			 "memory: %s root at physical 0x%" PRIx64 " (satp 0x%"
			 PRIx64 "), of %d roots that map the kernel image "
			 "header at 0x%llx%s the one with %d kernel entries%s; "
			 "user addresses need the hart's satp: --reg "
			 "satp=VALUE", mode_name(s.best.mode), s.best.pa,
			 rt->satp, s.nfound, KERNEL_LINK_ADDR,
			 s.npcs ? " and the S-mode harts' pc," : ",",
			 s.best.kernel_entries,
			 s.best.user_empty ? " and no user half" : "");
	}
	return 0;
}

int guest__riscv_ctx(guest *g, int cpu, pgw_ctx **ctx, char *err,
		     size_t errlen)
{
	struct pgw_riscv_regs r = PGW_RISCV_REGS_INIT;
	const struct guest_riscv_root *rt;
	const struct guest_riscv_cpu *c;
	char msg[256] = "";

	if (!g->rvroot || cpu < 0 || cpu >= g->ncpus)
		return guest__fail(err, errlen, "no hart %d (the guest has %d)",
				   cpu, g->ncpus);
	if (g->ctx[cpu]) {
		*ctx = g->ctx[cpu];
		return 0;
	}
	rt = &g->rvroot[cpu];
	c = &g->rv[cpu];
	/* Never a guess: no root, no translation. */
	if (rt->src == GUEST_ROOT_UNKNOWN)
		return guest__fail(err, errlen, "%s", rt->why);
	r.satp = rt->satp;
	r.xlen = g->arch == GUEST_ARCH_RISCV32 ? 32 : 64;
	/* S-mode, whatever the hart was running: the debugger's view
	 * (access 0) checks no permission at all. Access checks (monitor
	 * access) take the hart's own SUM and MXR where the source holds
	 * sstatus or mstatus, else SUM set. */
	r.priv = PGW_RISCV_PRIV_S;
	r.mstatus = PGW_RISCV_MSTATUS_SUM;
	if (c->valid & (GUEST_RISCV_HAS_CSR(GUEST_RV_MSTATUS) |
			GUEST_RISCV_HAS_CSR(GUEST_RV_SSTATUS)))
		r.mstatus = 0;
	if (c->valid & GUEST_RISCV_HAS_CSR(GUEST_RV_MSTATUS))
		r.mstatus |= c->csr[GUEST_RV_MSTATUS] &
			     (PGW_RISCV_MSTATUS_SUM | PGW_RISCV_MSTATUS_MXR);
	if (c->valid & GUEST_RISCV_HAS_CSR(GUEST_RV_SSTATUS))
		r.mstatus |= c->csr[GUEST_RV_SSTATUS] &
			     (PGW_RISCV_MSTATUS_SUM | PGW_RISCV_MSTATUS_MXR);
	if (pgw_ctx_new_riscv(&g->ctx[cpu], &r, guest_mem_ops(g), g, msg,
			      sizeof(msg)))
		return guest__fail(err, errlen, "hart %d: %s", cpu,
				   msg[0] ? msg : "cannot build its satp "
				   "context");
	*ctx = g->ctx[cpu];
	return 0;
}

const char *guest__riscv_refusal(const guest *g, int cpu, uint64_t va)
{
	const struct guest_riscv_root *rt = &g->rvroot[cpu];

	if (rt->src == GUEST_ROOT_UNKNOWN)
		return rt->why;
	if (rt->kernel_only && !(va >> 63))
		return "a user address, and the hart's satp is unknown (the "
		       "root found in memory maps the kernel half only): "
		       "give --reg satp=VALUE";
	return NULL;
}
