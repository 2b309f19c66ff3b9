/*
 * guest/: a guest machine as pgstub sees it — physical memory plus vCPUs
 * with their registers and paging state (x86 control registers; ppc64 SLB
 * and hashed page table) and each vCPU's walker context — opened read-only
 * from a snapshot whose format is detected by content (QEMU ELF dump,
 * kdump-compressed, QEMU migration stream; raw with registers from
 * options), or attached to a running QEMU through callbacks (live).
 */
#ifndef PGSTUB_GUEST_H
#define PGSTUB_GUEST_H

#include "pgwalk.h"

#include <stddef.h>
#include <stdint.h>

typedef struct guest guest;

enum guest_arch {
	GUEST_ARCH_X86_64,
	GUEST_ARCH_I386,
	GUEST_ARCH_PPC64,    /**< 64-bit Power (hash MMU: pseries, powernv) */
	GUEST_ARCH_AARCH64,  /**< 64-bit Arm (VMSAv8-64, EL1&0 regime) */
	GUEST_ARCH_RISCV64,  /**< RV64 (satp: Sv39, Sv48, Sv57) */
	GUEST_ARCH_RISCV32,  /**< RV32 (satp: Sv32, 34-bit physical) */
};

enum guest_format {
	GUEST_FMT_AUTO = 0,
	GUEST_FMT_ELF,       /**< QEMU dump-guest-memory ELF (physical) */
	GUEST_FMT_KDUMP,     /**< kdump-compressed, flat or flattened */
	GUEST_FMT_RAW,       /**< raw physical image + registers from options */
	GUEST_FMT_MIGRATION, /**< QEMU migration stream ("QEVM", version 3) */
	GUEST_FMT_LIVE,      /**< a running QEMU, reached through callbacks */
};

/** x86 segment register as a snapshot holds it. */
struct guest_x86_seg {
	uint32_t selector;
	uint32_t limit;
	uint32_t flags;      /**< QEMU's descriptor flags (type, DPL, P, L, D/B…) */
	uint64_t base;
};

enum guest_x86_segno { GUEST_ES, GUEST_CS, GUEST_SS, GUEST_DS, GUEST_FS,
		       GUEST_GS, GUEST_NSEG };

/** @name guest_x86_cpu.valid: which fields are known — held by the source
 * or set by an option (guest_reg_read() tells which) */
/**@{*/
#define GUEST_X86_HAS_GPRS    0x01u  /**< gpr, rip, rflags */
#define GUEST_X86_HAS_SEGS    0x02u  /**< seg[] selectors (and bases) */
#define GUEST_X86_HAS_SEGDESC 0x04u  /**< seg[] limits/flags, ldt, tr, gdt, idt */
#define GUEST_X86_HAS_CRS     0x08u  /**< cr0, cr2, cr3, cr4 */
#define GUEST_X86_HAS_EFER    0x10u  /**< efer read from the source */
#define GUEST_X86_HAS_BASES   0x20u  /**< fs_base, gs_base */
#define GUEST_X86_HAS_KGSBASE 0x40u  /**< kernel_gs_base */
#define GUEST_X86_HAS_CR8     0x80u
/**@}*/

/** Registers of one x86 vCPU. */
struct guest_x86_cpu {
	unsigned valid;              /**< GUEST_X86_HAS_* */
	/** rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8 … r15 (GDB order) */
	uint64_t gpr[16];
	uint64_t rip, rflags;
	struct guest_x86_seg seg[GUEST_NSEG];
	struct guest_x86_seg ldt, tr, gdt, idt;
	uint64_t fs_base, gs_base, kernel_gs_base;
	uint64_t cr0, cr2, cr3, cr4, cr8;
	uint64_t efer;               /**< read, inferred, or overridden */
};

/** One SLB entry as the CPU holds it (Power ISA 3.0 5.7.7.2 slbmte
 *  layout): ESID word with V (ISA bit 36: 0x08000000, PGW_SLB_ESID_V),
 *  VSID word with B, Ks, Kp, N, L, C and LP. */
struct guest_ppc64_slbe {
	uint64_t esid;
	uint64_t vsid;
};

#define GUEST_PPC64_SLB_MAX 64       /**< QEMU's MAX_SLB_ENTRIES */

/** @name guest_ppc64_cpu.valid: which fields are known (as for x86) */
/**@{*/
#define GUEST_PPC64_HAS_GPRS 0x01u   /**< gpr, nip, msr, cr, lr, ctr, xer */
#define GUEST_PPC64_HAS_SPRS 0x02u   /**< sdr1, lpcr, amr, pvr */
#define GUEST_PPC64_HAS_SLB  0x04u   /**< slb[] */
#define GUEST_PPC64_HAS_FPU  0x08u   /**< fpr[], fpscr */
#define GUEST_PPC64_HAS_RES  0x10u   /**< reserve */
/**@}*/

/** Registers of one ppc64 vCPU. */
struct guest_ppc64_cpu {
	unsigned valid;              /**< GUEST_PPC64_HAS_* */
	uint64_t gpr[32];
	uint64_t nip, msr, lr, ctr, xer;
	uint32_t cr;                 /**< CR0 in bits 31:28 … CR7 in 3:0 */
	uint64_t sdr1;               /**< HTABORG | HTABSIZE (powernv) */
	uint64_t lpcr, amr, pvr;
	uint64_t spr[1024];          /**< every SPR by number (with _SPRS) */
	uint64_t fpr[32], fpscr;     /**< GUEST_PPC64_HAS_FPU */
	uint64_t reserve;            /**< lwarx/ldarx reservation address */
	unsigned nslb;               /**< entries in slb[] (valid or not) */
	struct guest_ppc64_slbe slb[GUEST_PPC64_SLB_MAX];
};

/** The arm64 system registers pgstub knows, by their place in
 *  guest_arm64_cpu.sys[] (names as QEMU 7.2's gdbstub gives them:
 *  guest/regs.c). */
enum guest_arm64_sysreg {
	GUEST_A64_SCTLR,         /**< SCTLR_EL1 (QEMU: "SCTLR") */
	GUEST_A64_TTBR0,         /**< TTBR0_EL1 */
	GUEST_A64_TTBR1,         /**< TTBR1_EL1 */
	GUEST_A64_TCR,           /**< TCR_EL1 */
	GUEST_A64_MAIR,          /**< MAIR_EL1 */
	GUEST_A64_ID_AA64MMFR0,  /**< ID_AA64MMFR0_EL1 */
	GUEST_A64_ESR,           /**< ESR_EL1 */
	GUEST_A64_FAR,           /**< FAR_EL1 */
	GUEST_A64_VBAR,          /**< VBAR_EL1 (QEMU: "VBAR") */
	GUEST_A64_ELR,           /**< ELR_EL1 */
	GUEST_A64_SPSR,          /**< SPSR_EL1 */
	GUEST_A64_SP_EL0,
	GUEST_A64_SP_EL1,
	GUEST_A64_TPIDR_EL0,
	GUEST_A64_TPIDR_EL1,
	GUEST_A64_CONTEXTIDR,    /**< CONTEXTIDR_EL1 */
	GUEST_A64_PAR,           /**< PAR_EL1 */
	GUEST_A64_ID_AA64MMFR1,  /**< ID_AA64MMFR1_EL1 */
	GUEST_A64_ID_AA64MMFR2,  /**< ID_AA64MMFR2_EL1 */
	/* EL2's, of a guest with -M virt,virtualization=on: which regime a
	 * vCPU translates in (HCR_EL2.E2H/TGE and the EL), and its tables. */
	GUEST_A64_HCR_EL2,
	GUEST_A64_SCTLR_EL2,
	GUEST_A64_TTBR0_EL2,
	GUEST_A64_TTBR1_EL2,     /**< only with HCR_EL2.E2H (VHE) */
	GUEST_A64_TCR_EL2,
	GUEST_A64_MAIR_EL2,
	GUEST_A64_VTTBR_EL2,     /**< a KVM guest's stage 2 */
	GUEST_A64_VTCR_EL2,
	GUEST_A64_NSYS
};

/** @name guest_arm64_cpu.valid: which fields are known (as for x86) */
/**@{*/
#define GUEST_ARM64_HAS_GPRS 0x01u   /**< x[], sp, pc, pstate (NT_PRSTATUS) */
#define GUEST_ARM64_HAS_FPU  0x02u   /**< v[], fpsr, fpcr (NT_PRFPREG) */
/** sys[@p r] is known (a migration stream, a live QEMU, an option) */
#define GUEST_ARM64_HAS_SYS(r) (0x100ULL << (r))
/**@}*/

/** Registers of one aarch64 vCPU. */
struct guest_arm64_cpu {
	uint64_t valid;              /**< GUEST_ARM64_HAS_* */
	uint64_t x[31];              /**< x0 … x30 */
	uint64_t sp, pc;
	uint64_t pstate;             /**< CPSR: NZCV, DAIF, EL in 3:2, SP in 0 */
	uint64_t v[32][2];           /**< SIMD&FP v0-v31: [0] the low half */
	uint32_t fpsr, fpcr;
	uint64_t sys[GUEST_A64_NSYS];  /**< by enum guest_arm64_sysreg */
};

/** The RISC-V CSRs (and the gdbstub's "priv") pgstub knows, by their
 *  place in guest_riscv_cpu.csr[] (names as QEMU 7.2's gdbstub gives them:
 *  guest/regs.c). */
enum guest_riscv_csr {
	GUEST_RV_PRIV,       /**< privilege: 0 U, 1 S, 3 M (QEMU's "priv") */
	GUEST_RV_SSTATUS, GUEST_RV_STVEC, GUEST_RV_SSCRATCH, GUEST_RV_SEPC,
	GUEST_RV_SCAUSE, GUEST_RV_STVAL, GUEST_RV_SATP, GUEST_RV_MSTATUS,
	GUEST_RV_MISA, GUEST_RV_MEDELEG, GUEST_RV_MIDELEG, GUEST_RV_MIE,
	GUEST_RV_MTVEC, GUEST_RV_MSCRATCH, GUEST_RV_MEPC, GUEST_RV_MCAUSE,
	GUEST_RV_MTVAL, GUEST_RV_MIP, GUEST_RV_MHARTID,
	GUEST_RV_NCSR
};

/** @name guest_riscv_cpu.valid: which fields are known (as for x86) */
/**@{*/
#define GUEST_RISCV_HAS_GPRS 0x01u   /**< x[], pc (NT_PRSTATUS) */
/** csr[@p r] is known (a migration stream, an option) */
#define GUEST_RISCV_HAS_CSR(r) (0x100u << (r))
/**@}*/

/** Registers of one RISC-V hart (rv32: the low 32 bits). */
struct guest_riscv_cpu {
	unsigned valid;              /**< GUEST_RISCV_HAS_* */
	uint64_t x[32];              /**< x0 (always 0) … x31 */
	uint64_t pc;
	uint64_t csr[GUEST_RV_NCSR]; /**< by enum guest_riscv_csr */
};

/** One register value given on the command line (--reg NAME=VALUE). */
struct guest_reg_value {
	const char *name;            /**< as GDB's target description names it */
	uint64_t value;              /**< zero-extended to the register's size */
};

/** Options of guest_open(); override what the image holds. */
struct guest_open_opts {
	unsigned version;            /**< GUEST_OPEN_OPTS_VERSION */
	enum guest_format format;    /**< GUEST_FMT_AUTO detects by content */
	uint64_t raw_base;           /**< raw image: physical address of byte 0 */
	enum guest_arch raw_arch;    /**< raw image: architecture */
	/** Control register overrides, applied to every vCPU. */
	int have_cr0, have_cr3, have_cr4, have_efer;
	uint64_t cr0, cr3, cr4, efer;
	/** "32", "pae", "4level", "5level" (sets the usual CR0/CR4/EFER bits),
	 *  or NULL */
	const char *mode;
	unsigned maxphyaddr;         /**< 0: 52 */
	/** Override the architecture the image suggests (register layout,
	 *  address width of `x`); raw images use raw_arch instead. */
	int have_arch;
	enum guest_arch arch;
	/** Register values for every vCPU, by target-description name
	 *  (rip, rsp, eflags, pc, msr, r1, TTBR0_EL1 — aarch64 names match
	 *  in any case, and sctlr_el1 and vbar_el1 name QEMU's SCTLR and
	 *  VBAR), applied after --mode and the
	 *  --cr* overrides; an unknown name fails guest_open(). Borrowed for
	 *  the call only. */
	const struct guest_reg_value *regs;
	size_t nregs;
	/** A VMCOREINFO text file (/sys/kernel/vmcoreinfo's note, or
	 *  `makedumpfile --dump-vmcoreinfo`), used instead of the dump's, or
	 *  NULL. Borrowed for the call only. */
	const char *vmcoreinfo_path;
};
#define GUEST_OPEN_OPTS_VERSION 1
#define GUEST_OPEN_OPTS_INIT { .version = GUEST_OPEN_OPTS_VERSION }

/**
 * Open a snapshot read-only. The format is detected from the content.
 * @param out  caller frees with guest_close()
 * @param err  receives a message naming the problem (and file offset) on
 *             failure
 * @return 0, or -1 (message in @p err)
 */
int guest_open(guest **out, const char *path, const struct guest_open_opts *o,
	       char *err, size_t errlen);

/** Close; NULL is a no-op. */
void guest_close(guest *g);

enum guest_arch guest_arch(const guest *g);
/** @return @p a's name as pgstub's options and messages spell it
 *  ("x86_64", "i386", "ppc64", "aarch64", "riscv64", "riscv32") */
const char *guest_arch_name(enum guest_arch a);
/** @return nonzero for RISC-V of either width (one register set, one
 *  struct guest_riscv_cpu; XLEN decides the registers' size and satp) */
int guest_arch_is_riscv(enum guest_arch a);
/** @return the width of @p a's virtual addresses and registers as GDB and
 *  QEMU show them: 32 (i386, riscv32) or 64 */
int guest_arch_bits(enum guest_arch a);
enum guest_format guest_format(const guest *g);
/** Human description of the source, e.g. "QEMU ELF dump (x86_64, 2 vCPUs)". */
const char *guest_describe(const guest *g);

/**
 * Read guest-physical memory. Returns the number of bytes read before the
 * first unbacked byte (0 .. len); never invents data for holes.
 * guest_phys_state() of the first byte not read tells why it stopped.
 */
size_t guest_phys_read(guest *g, uint64_t pa, void *buf, size_t len);

/** What the snapshot holds at one physical address. */
enum guest_phys_state {
	GUEST_PHYS_DATA = 0,     /**< bytes the snapshot holds */
	GUEST_PHYS_NOT_DUMPED,   /**< guest RAM the dump left out (makedumpfile
				      -d filtering, a PT_LOAD's p_memsz past
				      its p_filesz) */
	GUEST_PHYS_NO_RAM,       /**< no RAM there (a hole, I/O, beyond RAM) */
};

/** What the snapshot holds at @p pa. */
enum guest_phys_state guest_phys_state(const guest *g, uint64_t pa);

/** Bytes of [pa, pa+size) that are RAM the dump left out (size 0: none). */
uint64_t guest_phys_not_dumped(const guest *g, uint64_t pa, uint64_t size);

/** Name of a state for messages: "in the dump", "not in the dump",
 *  "outside RAM". Static. */
const char *guest_phys_state_name(enum guest_phys_state st);

/** Physical memory for the walker (payload: the guest itself); its read
 *  gives PGW_ENODATA for RAM the dump left out. */
const struct pgw_mem_ops *guest_mem_ops(const guest *g);

/** Visit every physical range with data in ascending order (RAM the dump
 *  left out is not visited); stop on nonzero. */
int guest_phys_ranges(const guest *g,
		      int (*fn)(uint64_t pa, uint64_t size, void *payload),
		      void *payload);

/** Nonzero when [pa, pa+size) is entirely guest RAM, held by the snapshot
 *  or left out of it (not I/O). */
int guest_phys_is_ram(const guest *g, uint64_t pa, uint64_t size);

int guest_ncpus(const guest *g);

/** Registers of vCPU @p cpu (0-based). Borrowed; NULL if out of range. */
const struct guest_x86_cpu *guest_x86_cpu(const guest *g, int cpu);

/** Where a register's value comes from (guest_reg_read()). */
enum guest_reg_origin {
	GUEST_REG_READ = 0,   /**< held by the source */
	GUEST_REG_GIVEN,      /**< --reg, --cr0/--cr3/--cr4/--efer */
	GUEST_REG_MODE,       /**< the control bits --mode sets */
	GUEST_REG_INFERRED,   /**< EFER from the CRs (QEMU's notes lack it) */
	GUEST_REG_ZERO,       /**< nobody knows it: defined as 0 */
};

/** @name Registers by target-description name (guest/regs.c)
 * Ids are the GDB register numbers of the guest's description (QEMU 7.2's
 * gdbstub numbering: x86_64, i386, powerpc:common64 or aarch64 — whose
 * system registers QEMU numbers in hash-table order: pgstub keeps QEMU's
 * names in a fixed order after fpcr). */
/**@{*/
/** @return the number of registers of the guest's architecture */
int guest_reg_count(const guest *g);
/** @return register @p id's name (static), or NULL when out of range */
const char *guest_reg_name(const guest *g, int id);
/** @return the id of register @p name, or -1 */
int guest_reg_id(const guest *g, const char *name);
/** @return aarch64 system register @p r's name as QEMU 7.2's gdbstub
 *  gives it ("SCTLR", "TTBR0_EL1"; static), or NULL when out of range */
const char *guest_arm64_sysreg_name(enum guest_arm64_sysreg r);

/** @return RISC-V CSR @p r's name as QEMU 7.2's gdbstub gives it
 *  ("satp", "priv"; static), or NULL when out of range */
const char *guest_riscv_csr_name(enum guest_riscv_csr r);
/**
 * The value of register @p id of vCPU @p cpu and where it comes from:
 * read, supplied by an option, inferred, or 0 when nothing knows it.
 */
enum guest_reg_origin guest_reg_read(const guest *g, int cpu, int id,
				     uint64_t *v);
/**
 * guest_reg_read() for registers wider than 64 bits (aarch64 v0-v31):
 * @p v[0] the low 64 bits, @p v[1] the high ones (0 for the others).
 */
enum guest_reg_origin guest_reg_read_wide(const guest *g, int cpu, int id,
					  uint64_t v[2]);
/**@}*/

/**
 * Registers of ppc64 vCPU @p cpu (0-based). Borrowed; NULL if out of range
 * or when the guest is not ppc64.
 */
const struct guest_ppc64_cpu *guest_ppc64_cpu(const guest *g, int cpu);

/** @name guest_ppc64_mmu.known / .given: which registers are known */
/**@{*/
#define GUEST_PPC64_MMU_PTCR  0x01u  /**< partition table (powernv) */
#define GUEST_PPC64_MMU_PATB  0x02u  /**< pseries process-table entry */
#define GUEST_PPC64_MMU_PIDR  0x04u
#define GUEST_PPC64_MMU_LPIDR 0x08u
#define GUEST_PPC64_MMU_LPCR  0x10u
/**@}*/

/** The registers that select and root a ppc64 vCPU's radix translation. */
struct guest_ppc64_mmu {
	uint64_t ptcr;      /**< PTCR: PATB | PATS (powernv) */
	/** pseries: doubleword 1 of the partition-table entry the guest
	 *  registered with H_REGISTER_PROC_TBL (GR | PRTB | PRTS), which
	 *  only a migration stream (spapr_patb_entry) or --reg patb= holds */
	uint64_t patb;
	uint64_t pidr, lpidr, lpcr, msr;
	unsigned known;     /**< GUEST_PPC64_MMU_*: from the source or --reg */
	unsigned given;     /**< GUEST_PPC64_MMU_*: from --reg */
};

/**
 * The radix registers of ppc64 vCPU @p cpu (a dump knows none of them
 * unless --reg gives them).
 * @return 0, or -1 when there is no such ppc64 vCPU
 */
int guest_ppc64_mmu(const guest *g, int cpu, struct guest_ppc64_mmu *out);

/** Nonzero when @p m selects the radix MMU (LPCR[HR] where known, else
 *  the process-table entry's GR, else a nonzero PTCR). */
int guest_ppc64_is_radix(const struct guest_ppc64_mmu *m);

/**
 * pseries: the hashed page table held outside guest RAM (rebuilt from the
 * migration stream's spapr/htab section), else NULL (powernv: the HPT is
 * in guest RAM at SDR1's HTABORG). Borrowed.
 */
const pgw_htab *guest_ppc64_htab(const guest *g);

/**
 * Registers of aarch64 vCPU @p cpu (0-based). Borrowed; NULL if out of
 * range or when the guest is not aarch64.
 */
const struct guest_arm64_cpu *guest_arm64_cpu(const guest *g, int cpu);

/**
 * Registers of RISC-V hart @p cpu (0-based). Borrowed; NULL if out of
 * range or when the guest is not RISC-V.
 */
const struct guest_riscv_cpu *guest_riscv_cpu(const guest *g, int cpu);

/** Where a vCPU's paging root and mode come from (guest_cpu_root()). */
enum guest_root_src {
	GUEST_ROOT_REGS = 0,   /**< its control registers, held or given
				    (paging off when CR0.PG is clear) */
	GUEST_ROOT_VMCOREINFO, /**< the kernel's page tables, named by the
				    VMCOREINFO (kernel addresses only) */
	GUEST_ROOT_UNKNOWN,    /**< nothing: guest_cpu_ctx() fails, saying
				    what is missing and which options help */
	GUEST_ROOT_FOUND,      /**< the kernel's page tables, found in memory
				    (riscv64: kernel addresses only) */
};

/**
 * How vCPU @p cpu translates.
 * @param why  if not NULL, receives a sentence for the user (borrowed,
 *             valid until guest_close()), or NULL when the vCPU's own
 *             registers say it all
 */
enum guest_root_src guest_cpu_root(const guest *g, int cpu, const char **why);

/**
 * Why vCPU @p cpu cannot translate @p va, when it is for want of a root:
 * no root at all (guest_cpu_root() is GUEST_ROOT_UNKNOWN), or none for
 * the VA's half: on aarch64 a user address without TTBR0_EL1, on x86_64
 * a user address when the root is the kernel's own (from VMCOREINFO).
 * @return a sentence naming what is missing and the option that supplies
 *         it (borrowed, valid until guest_close()), or NULL
 */
const char *guest_cpu_refusal(const guest *g, int cpu, uint64_t va);

/**
 * What opening found worth saying beyond guest_describe(), e.g. whether a
 * vmcore's PT_LOAD virtual addresses agree with the paging root, or NULL.
 * Borrowed.
 */
const char *guest_notice(const guest *g);

/** The kernel's VMCOREINFO text the guest uses, or NULL. Borrowed. */
const char *guest_vmcoreinfo(const guest *g);

/**
 * The paging context of vCPU @p cpu, created on first use from its control
 * registers (EFER inferred when the source lacks it) and the overrides,
 * or from VMCOREINFO (guest_cpu_root()).
 * @param ctx  borrowed, valid until guest_close()
 * @return 0, or -1 with a message in @p err (an impossible CR state; no
 *         root: what is missing and which options would supply it)
 */
int guest_cpu_ctx(guest *g, int cpu, pgw_ctx **ctx, char *err, size_t errlen);

/** @name Live guests (guest/live.c)
 * A running machine whose memory and registers come from callbacks (the
 * pgstub program's QEMU connection). Registers are fetched lazily after
 * guest_live_invalidate(); guest_cpu_ctx() then rebuilds or flushes the
 * vCPU's context, keeping any nested context attached to it. */
/**@{*/
/** Where a live guest's bytes and registers come from. */
struct guest_live_ops {
	/** Required. Read guest-physical memory.
	 *  @return bytes read before the first unreadable one (0 .. len) */
	size_t (*phys_read)(uint64_t pa, void *buf, size_t len, void *payload);
	/** Required for x86 guests (else unused). Fill @p out (valid flags
	 *  included) with vCPU @p cpu's registers.
	 *  @return 0, or -1 with a message in @p err */
	int (*cpu_regs)(int cpu, struct guest_x86_cpu *out, char *err,
			size_t errlen, void *payload);
	/** Required for aarch64 guests (else unused). Fill @p out (valid
	 *  flags included: TTBR0/TTBR1/TCR_EL1 and SCTLR at least) with vCPU
	 *  @p cpu's registers. @return 0, or -1 with a message in @p err */
	int (*arm64_regs)(int cpu, struct guest_arm64_cpu *out, char *err,
			  size_t errlen, void *payload);
	/** Required for RISC-V guests (else unused). Fill @p out (valid
	 *  flags included: satp, sstatus and priv at least) with hart @p cpu's
	 *  registers. @return 0, or -1 with a message in @p err */
	int (*riscv_regs)(int cpu, struct guest_riscv_cpu *out, char *err,
			  size_t errlen, void *payload);
	/** Required for ppc64 guests (else unused). Fill @p out (valid
	 *  flags included: GPRS and SPRS, with MSR and LPCR at least) with
	 *  vCPU @p cpu's registers. @return 0, or -1 with a message */
	int (*ppc64_regs)(int cpu, struct guest_ppc64_cpu *out, char *err,
			  size_t errlen, void *payload);
};

/** One guest-physical range of a live guest. */
struct guest_live_range {
	uint64_t pa, len;
	/** Offset of the range in the shared RAM file, or UINT64_MAX when
	 *  its bytes are read through guest_live_ops.phys_read. */
	uint64_t file_off;
};

/**
 * Open a live guest of @p ncpus vCPUs of @p arch (GUEST_ARCH_X86_64,
 * GUEST_ARCH_I386, GUEST_ARCH_AARCH64, GUEST_ARCH_RISCV64,
 * GUEST_ARCH_RISCV32 or GUEST_ARCH_PPC64). Until guest_live_set_ranges() every physical address
 * goes through @p ops->phys_read.
 * @param out  caller frees with guest_close()
 * @return 0, or -1 with a message in @p err
 */
int guest_live_open(guest **out, int ncpus, enum guest_arch arch,
		    const struct guest_live_ops *ops, void *payload,
		    char *err, size_t errlen);

/**
 * A register the live source cannot read, given by the user: a ppc64
 * pseries guest's process-table entry ("patb", PATE1: QEMU keeps it in
 * the machine, where neither its gdbstub nor its monitor shows it).
 * Contexts are rebuilt with it. @return 0, or -1 with a message (a
 * register QEMU gives, or one unknown)
 */
int guest_live_set_reg(guest *g, const char *name, uint64_t value,
		       char *err, size_t errlen);

/**
 * Replace the physical layout. With @p ram_path, the file (QEMU's shared
 * memory-backend-file) is mapped read-only and shared, and ranges with a
 * file offset are read from it directly, table pages zero-copy.
 * @return 0, or -1 with a message (file too short, overlap, mmap failure)
 */
int guest_live_set_ranges(guest *g, const struct guest_live_range *r,
			  size_t n, const char *ram_path, char *err,
			  size_t errlen);

/** Nonzero when @p g reads some RAM from a mapped file. */
int guest_live_has_ram_file(const guest *g);

/** Forget every vCPU's registers and flush every context's caches (table
 *  pages, software TLB). Call on every resume, stop and write. */
void guest_live_invalidate(guest *g);
/**@}*/

#endif /* PGSTUB_GUEST_H */
