/*
 * guest/ internals shared by the sources: the guest object, the physical
 * range table (physmap.c), the x86 note decoder (x86_notes.c) and the
 * per-format open functions (elf_dump.c, kdump.c, raw.c).
 */
#ifndef PGSTUB_GUEST_PRIV_H
#define PGSTUB_GUEST_PRIV_H

#include "guest.h"

#include <stdarg.h>

/** Register ids past this never get options (the largest table, aarch64's,
 *  has 95). */
#define GUEST_REG_MAX 96

/** One backed physical range. Ranges never overlap; sorted by @ref pa. */
struct guest_range {
	uint64_t pa;            /**< first guest-physical address */
	uint64_t len;           /**< bytes backed */
	/** The bytes themselves (inside the file mapping), or NULL when they
	 *  must be fetched through guest_source.read (compressed sources). */
	const uint8_t *host;
	uint64_t file_off;      /**< where the range starts in the file */
	int tag;                /**< source's index (program header number) */
	/** Guest RAM the snapshot does not hold (pages a filtered dump left
	 *  out): host is NULL and reads stop here with "not in the dump". */
	int absent;
};

/** How one x86 vCPU translates (root.c); see guest_cpu_root(). */
struct guest_root {
	enum guest_root_src src;
	uint64_t cr0, cr3, cr4, efer;  /* what the walker gets */
	char why[384];                 /* "" when nothing needs saying */
};

/** How one aarch64 vCPU translates (arm64_root.c); see guest_cpu_root(). */
struct guest_arm64_root {
	enum guest_root_src src;
	unsigned regime;                    /* PGW_ARM64_REGIME_* */
	uint64_t ttbr0, ttbr1, tcr, sctlr;  /* what the walker gets */
	uint64_t mair;
	int has_mair;
	int no_ttbr0, no_ttbr1;             /* that half has no known root */
	char why[384];                      /* "" when nothing needs saying */
};

/** How one riscv64 hart translates (riscv_root.c); see guest_cpu_root(). */
struct guest_riscv_root {
	enum guest_root_src src;
	uint64_t satp;                      /* what the walker gets */
	int kernel_only;                    /* a found root: no user half */
	char why[384];                      /* "" when nothing needs saying */
};

/** What VMCOREINFO says about the kernel's page tables (vmcoreinfo.c). */
struct guest_vmci_paging {
	const char *symbol;            /* "init_top_pgt", "swapper_pg_dir" */
	const char *mode;              /* "4-level", "5-level", "PAE", … */
	uint64_t cr0, cr3, cr4, efer;
};

/** The sorted range table of a guest. */
struct guest_physmap {
	struct guest_range *r;
	size_t n, cap;
};

/** Aligned copies of table pages (pagestore.c), keyed by frame. */
struct guest_pagestore {
	uint64_t *keys;         /**< pfn + 1; 0 = empty slot */
	uint8_t **pages;        /**< 4 KiB each, 4 KiB-aligned */
	size_t cap, n;
	uint8_t **chunks;       /**< where the pages are carved from */
	size_t nchunks;
};

/** What a source format provides beyond the range table. */
struct guest_source {
	const char *name;
	/** Nonzero: the memory behind the source changes (a live guest), so
	 *  no copy of it may be kept. */
	int changes;
	/**
	 * Optional: if NULL, every range has a host pointer. Read @p len bytes
	 * at @p pa, all inside one range whose host is NULL.
	 * @return bytes read (short when the source lacks a page)
	 */
	size_t (*read)(guest *g, uint64_t pa, void *buf, size_t len);
	/** Optional: release src_priv. */
	void (*close)(guest *g);
	/**
	 * Optional: if NULL, registers never change. Bring vCPU @p cpu's
	 * registers and g->ctx[cpu] up to date (live guests).
	 * @return 0, or -1 with a message
	 */
	int (*sync)(guest *g, int cpu, char *err, size_t errlen);
};

struct guest {
	char *path;
	enum guest_format fmt;
	enum guest_arch arch;
	char desc[192];

	/* The snapshot file, opened O_RDONLY and mapped PROT_READ. */
	int fd;
	const uint8_t *map;
	uint64_t size;

	const struct guest_source *src;
	void *src_priv;
	struct guest_physmap pm;
	struct guest_pagestore ps;  /* table pages copied for the walker */

	/* vCPUs, filled by the source (notes or options). */
	int ncpus;
	struct guest_x86_cpu *cpu;
	struct guest_ppc64_cpu *ppc;  /* ppc64 vCPUs (ncpus), or NULL */
	struct guest_arm64_cpu *a64;  /* aarch64 vCPUs (ncpus), or NULL */
	int nfpreg;                 /* aarch64 NT_PRFPREG notes seen */
	/* Each aarch64 vCPU's translation registers (arm64_root.c), or NULL. */
	struct guest_arm64_root *a64root;
	/* pseries HPT outside guest RAM (migration stream), or NULL;
	 * owned by the source. */
	pgw_htab *htab;
	/* pseries radix: the process-table entry the guest registered
	 * (stream or --reg patb=), and which MMU registers --reg gave
	 * (GUEST_PPC64_MMU_*; ppc64_radix.c). */
	uint64_t ppc_patb;
	int ppc_have_patb;
	unsigned ppc_mmu_given;
	/* riscv64 harts (ncpus) and how each translates, or NULL. */
	struct guest_riscv_cpu *rv;
	struct guest_riscv_root *rvroot;
	pgw_ctx **ctx;              /* memoised by guest_cpu_ctx() */
	int nprstatus, nqemu;       /* notes seen so far, to pair them */
	int big_endian;             /* the dump's byte order (ppc64 ELF) */
	/** Nonzero when the source says the CPU ran in long mode (EM_X86_64,
	 *  the x86_64 NT_PRSTATUS layout): QEMU writes those only when the
	 *  first vCPU had EFER.LMA set. */
	int long_mode;
	unsigned maxphyaddr;
	/* Registers (regs.c): each vCPU's valid bits as the source left them,
	 * before options filled anything (NULL for live guests), and what
	 * the options supplied, by register id. */
	uint64_t *held;
	unsigned char reg_origin[GUEST_REG_MAX];  /* enum guest_reg_origin */
	uint64_t reg_value[GUEST_REG_MAX];        /* registers without a home */
	/* The kernel's VMCOREINFO text (NUL-terminated) and where it came
	 * from, or NULL; each x86 vCPU's paging root (NULL: live, ppc64). */
	char *vmci;
	char vmci_from[128];
	struct guest_root *root;
	/* PT_LOADs that name a virtual address besides the physical one (a
	 * /proc/vmcore ELF; QEMU writes p_vaddr = p_paddr), to check the
	 * root against (root.c); and what that check found, or "". */
	struct { uint64_t va, pa, len; int phdr; } vload[8];
	int nvload;
	char notice[512];
};

/* guest.c */
/* regs.c */
/** Record each vCPU's valid bits as the source left them. */
int guest__regs_remember_held(guest *g, char *err, size_t errlen);
/** Note that register @p name was set by an option (--cr3, --mode). */
void guest__regs_mark(guest *g, const char *name, enum guest_reg_origin why);
/** Apply o->regs to every vCPU. @return 0, or -1 (unknown name) */
int guest__regs_apply(guest *g, const struct guest_open_opts *o, char *err,
		      size_t errlen);

/** Format a message into @p err; always returns -1. */
int guest__fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/** vCPU @p i, growing the table as needed; NULL when out of memory. */
struct guest_x86_cpu *guest__cpu_at(guest *g, int i);

/* pagestore.c */
/** The 4 KiB page at @p page_pa, aligned, copied once and kept until the
 *  guest is closed; NULL if the snapshot lacks any of it, or the store is
 *  full. Immutable sources only (guest_source.changes). */
const uint8_t *guest__pagestore_get(guest *g, uint64_t page_pa);
void guest__pagestore_free(guest *g);

/* physmap.c */
/**
 * Add [pa, pa+len) to the table (len 0 is ignored). @p what names the
 * range in messages ("PT_LOAD 3").
 * @return 0, or -1 with a message (overflow, out of memory)
 */
int guest__physmap_add(guest *g, uint64_t pa, uint64_t len,
		       const uint8_t *host, uint64_t file_off, int tag,
		       char *err, size_t errlen);
/**
 * Add [pa, pa+len) as RAM the snapshot does not hold (guest_range.absent).
 * Where it overlaps a range with data, that range wins (physmap_finish).
 */
int guest__physmap_add_absent(guest *g, uint64_t pa, uint64_t len, int tag,
			      char *err, size_t errlen);
/** Sort the table and refuse overlaps between ranges with data (absent
 *  ones are cut back where data overlaps them); merges nothing. */
int guest__physmap_finish(guest *g, const char *what, char *err,
			  size_t errlen);
/** The range holding @p pa, or NULL. */
const struct guest_range *guest__physmap_find(const guest *g, uint64_t pa);
void guest__physmap_free(guest *g);
/** Total bytes backed (with data). */
uint64_t guest__physmap_bytes(const guest *g);
/** Total bytes of RAM the snapshot left out (absent ranges). */
uint64_t guest__physmap_absent_bytes(const guest *g);
/** Ranges with data, touching ones counted once (as guest_phys_ranges). */
size_t guest__physmap_data_ranges(const guest *g);
/** "; N MiB of RAM not in the dump" for a description into @p buf, or ""
 *  when the snapshot left nothing out. @return buf */
const char *guest__physmap_filtered_text(const guest *g, char *buf,
					 size_t len);

/* vmcoreinfo.c */
/** Keep a copy of the VMCOREINFO text (trailing NULs dropped); @p from
 *  names its source in messages. Replaces an earlier one. */
int guest__vmcoreinfo_set(guest *g, const char *text, size_t len,
			  const char *from, char *err, size_t errlen);
/** guest__vmcoreinfo_set() from the file @p path (--vmcoreinfo). */
int guest__vmcoreinfo_file(guest *g, const char *path, char *err,
			   size_t errlen);
/** The kernel's root and paging mode; -1 with a message naming the
 *  missing key. */
int guest__vmcoreinfo_paging(const guest *g, struct guest_vmci_paging *p,
			     char *err, size_t errlen);

/** The number after @p key= in the VMCOREINFO text (hex with or without
 *  0x when @p base is 16 — the kernel prints both —, decimal, signed, when
 *  10; 0 takes either, as C does). @return 1 and *v, or 0 when absent. */
int guest__vmcoreinfo_lookup(const char *text, const char *key, int base,
			     uint64_t *v);

/* root.c */
/** Decide every x86 vCPU's root (after the options are applied). */
int guest__root_resolve(guest *g, const struct guest_open_opts *o,
			char *err, size_t errlen);
/** Translate g->vload's virtual addresses through vCPU 0's root and
 *  say in g->notice whether the PT_LOADs agree (contexts must exist). */
void guest__root_crosscheck(guest *g);

/* x86_notes.c */
/**
 * Decode a block of ELF notes (NT_PRSTATUS and QEMU's "QEMU" notes, the
 * i386 and x86_64 layouts) into g->cpu. The n-th NT_PRSTATUS and the n-th
 * QEMU note belong to vCPU n, as QEMU writes them. Other notes are skipped.
 * @param file_off  offset of @p p in the file, for messages
 * @param where     "file offset" or e.g. "dump offset" (for messages)
 * @return 0, or -1 with a message naming the bad note and its offset
 */
/** The descriptor size of the first "CORE" note of @p type in the notes
 *  @p p (4-byte fields big-endian when @p be), or -1 when there is none
 *  or the notes end short: how a dump that names no machine (QEMU's
 *  kdump says "Unknown") tells its architecture by its registers. */
long guest__core_note_size(const uint8_t *p, size_t len, int be,
			   uint32_t type);
int guest__notes_parse(guest *g, const uint8_t *p, size_t len,
		       uint64_t file_off, const char *where,
		       char *err, size_t errlen);

/* Sources: each fills g->pm, g->cpu, g->arch, g->desc, g->src. */
int guest__elf_open(guest *g, char *err, size_t errlen);
int guest__kdump_open(guest *g, char *err, size_t errlen);
int guest__raw_open(guest *g, const struct guest_open_opts *o,
		    char *err, size_t errlen);
int guest__migration_open(guest *g, char *err, size_t errlen);

/* arm64_notes.c */
/** vCPU @p i's aarch64 registers, growing the tables (g->cpu too) as
 *  needed; NULL when out of memory. */
struct guest_arm64_cpu *guest__arm64_cpu_at(guest *g, int i);
/**
 * Decode one "CORE" note of an aarch64 dump: NT_PRSTATUS (x0-x30, sp, pc,
 * pstate) or NT_PRFPREG (v0-v31, fpsr, fpcr); the n-th of each belongs to
 * vCPU n. Other types are skipped.
 * @return 0, or -1 with a message naming the note's offset
 */
int guest__arm64_note(guest *g, uint32_t type, const uint8_t *desc,
		      size_t descsz, uint64_t off, const char *where,
		      char *err, size_t errlen);

/** Nonzero when the first NT_PRSTATUS of the notes has arm64's size
 *  (392 bytes; x86_64's is 336, i386's 144): QEMU 7.2's aarch64 kdump
 *  header names the machine "Unknown". */
int guest__arm64_notes_sniff(const uint8_t *p, size_t len);

/* arm64_root.c */
/** Decide every aarch64 vCPU's translation registers (after options). */
int guest__arm64_root_resolve(guest *g, char *err, size_t errlen);
/** Decide aarch64 vCPU @p cpu's translation registers again from
 *  g->a64[cpu] alone (a live guest after its registers were fetched;
 *  g->a64root allocated). */
void guest__arm64_root_update(guest *g, int cpu);
/** guest_cpu_refusal() of an aarch64 vCPU (@p cpu in range). */
const char *guest__arm64_refusal(const guest *g, int cpu, uint64_t va);
/** The VMSAv8-64 context of aarch64 vCPU @p cpu (guest_cpu_ctx). */
int guest__arm64_ctx(guest *g, int cpu, pgw_ctx **ctx, char *err,
		     size_t errlen);

/* ppc64_notes.c */
/** A field in the dump's byte order (g->big_endian). */
uint64_t guest__e64(const guest *g, const uint8_t *p);
uint32_t guest__e32(const guest *g, const uint8_t *p);
/** Whether notes in @p g's byte order are a ppc64 guest's: an
 *  NT_PRSTATUS of ppc64's size, or a VMX or VSX register note. */
int guest__ppc64_notes_sniff(const guest *g, const uint8_t *p, size_t len);
/** vCPU @p i's ppc64 registers, growing the tables (g->cpu too) as
 *  needed; NULL when out of memory. */
struct guest_ppc64_cpu *guest__ppc64_cpu_at(guest *g, int i);
/** Decode one "CORE" note of a ppc64 dump: the n-th NT_PRSTATUS belongs
 *  to vCPU n (GPRs, NIP, MSR, CTR, LR, XER, CR); other types are skipped.
 *  @return 0, or -1 with a message naming the note's offset */
int guest__ppc64_note(guest *g, uint32_t type, const uint8_t *desc,
		      uint32_t descsz, uint64_t off, const char *where,
		      char *err, size_t errlen);

/* ppc64_radix.c */
/** Take --reg @p name (ptcr, patb, pidr, lpidr, lpcr) into every ppc64
 *  vCPU. @return 1 when it is one of those, else 0 */
int guest__ppc64_mmu_reg(guest *g, const char *name, uint64_t v);
/** The radix context of vCPU @p cpu into @p *ctx. @return 0, -1 (message
 *  set), or 1 when the vCPU uses the hash MMU */
int guest__ppc64_radix_ctx(guest *g, int cpu, pgw_ctx **ctx, char *err,
			   size_t errlen);
/* riscv_notes.c */
/** Hart @p i's riscv64 registers, growing the tables (g->cpu too) as
 *  needed; NULL when out of memory. */
struct guest_riscv_cpu *guest__riscv_cpu_at(guest *g, int i);
/**
 * Decode one "CORE" note of a riscv64 dump: NT_PRSTATUS (pc, x1-x31); the
 * n-th belongs to hart n. Other types are skipped.
 * @return 0, or -1 with a message naming the note's offset
 */
int guest__riscv_note(guest *g, uint32_t type, const uint8_t *desc,
		      size_t descsz, uint64_t off, const char *where,
		      char *err, size_t errlen);
/** 64 or 32 when the first NT_PRSTATUS of the notes has riscv64's size
 *  (376 bytes) or riscv32's (204), else 0: QEMU 7.2's riscv kdump header
 *  names no machine. */
int guest__riscv_notes_sniff(const uint8_t *p, size_t len);

/* riscv_root.c */
/** Decide every riscv64 hart's satp (after options): its own, or the
 *  kernel's root found in memory, or none. */
int guest__riscv_root_resolve(guest *g, char *err, size_t errlen);
/** guest_cpu_refusal() of a riscv64 hart (@p cpu in range). */
const char *guest__riscv_refusal(const guest *g, int cpu, uint64_t va);
/** The satp context of riscv64 hart @p cpu (guest_cpu_ctx). */
int guest__riscv_ctx(guest *g, int cpu, pgw_ctx **ctx, char *err,
		     size_t errlen);

/* ppc64_cpu.c */
/** The hash-MMU context of ppc64 vCPU @p cpu (guest_cpu_ctx for ppc64). */
int guest__ppc64_ctx(guest *g, int cpu, pgw_ctx **ctx, char *err,
		     size_t errlen);

/** Little-endian loads from possibly unaligned snapshot bytes. */
static inline uint16_t guest__le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t guest__le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t guest__le64(const uint8_t *p)
{
	return (uint64_t)guest__le32(p) | (uint64_t)guest__le32(p + 4) << 32;
}

static inline uint64_t guest__be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

#endif /* PGSTUB_GUEST_PRIV_H */
