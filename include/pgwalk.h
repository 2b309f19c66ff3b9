/*
 * libpgwalk: guest virtual address translation for x86 (32-bit, PAE, 4- and
 * 5-level, nested EPT/NPT), the ppc64 hashed page table, RISC-V (Sv32,
 * Sv39, Sv48, Sv57, the G-stage Sv39x4..Sv57x4) and arm64 (VMSAv8-64 stage
 * 1 and 2). Pure translation: physical memory is reached only through
 * caller-supplied callbacks, and nothing is ever written.
 */
#ifndef PGWALK_H
#define PGWALK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PGW_API __attribute__((visibility("default")))
#else
#define PGW_API
#endif

/**
 * @name Error codes (functions return 0 or one of these)
 * libpgwalk's codes lie in -99..-1, apart from libgdb-remote's
 * (-199..-100): a negative value a caller's callback returns (a view's
 * write function, a walk or mapping callback) comes back unchanged, and
 * the range says which library it is from.  Error text: a constructor that
 * fails writes its message into the caller's @p err buffer (there is no
 * object yet); an object that fails later keeps its last message
 * (pgw_htab_errmsg()). Never a global.
 */
/**@{*/
#define PGW_EINVAL     (-1)  /**< bad argument or impossible context */
#define PGW_ENOTMAPPED (-2)  /**< translation fault: see struct pgw_fault */
#define PGW_ERSVD      (-3)  /**< a paging entry has reserved bits set */
#define PGW_EIO        (-4)  /**< a paging structure lies outside memory */
#define PGW_EACCES     (-5)  /**< the requested access is not permitted */
#define PGW_ENOMEM     (-6)  /**< allocation failed */
#define PGW_ELIMIT     (-7)  /**< a range walk exceeded its work budget */
/** From pgw_mem_ops.read only: the bytes are guest RAM, but the snapshot
 *  does not hold them (pages a filtered crash dump left out). */
#define PGW_ENODATA    (-8)
/**@}*/

/**
 * Physical memory, supplied by the caller (the guest layer).
 * Tables are requested a whole table at a time (4 KiB, or 32 bytes for the
 * PAE PDPT), never entry by entry.
 */
struct pgw_mem_ops {
	/**
	 * Required. Read @p len bytes at physical address @p pa into @p buf.
	 * @return 0; PGW_ENODATA if a byte is RAM the snapshot left out (a
	 *         table there faults as PGW_FAULT_NOT_DUMPED); another
	 *         negative value if a byte is not backed at all.
	 */
	int (*read)(uint64_t pa, void *buf, size_t len, void *payload);
	/**
	 * Optional: if NULL, every table is copied through read(). Returns a
	 * pointer to @p len contiguous bytes at @p pa that stays valid for the
	 * lifetime of the memory, or NULL when that range cannot be mapped.
	 */
	const void *(*map)(uint64_t pa, size_t len, void *payload);
};

/** Paging modes, each one described by a const format table. */
enum pgw_mode {
	PGW_MODE_NONE = 0,  /**< paging disabled: virtual == physical */
	PGW_MODE_X86_32,    /**< 2-level, 4-byte entries (4K, 4M with PSE) */
	PGW_MODE_X86_PAE,   /**< 3-level PAE (4K, 2M) */
	PGW_MODE_X86_4L,    /**< IA-32e 4-level (4K, 2M, 1G) */
	PGW_MODE_X86_5L,    /**< IA-32e 5-level, CR4.LA57 */
	PGW_MODE_EPT4,      /**< Intel EPT, 4-level */
	PGW_MODE_EPT5,      /**< Intel EPT, 5-level */
	PGW_MODE_NPT4,      /**< AMD NPT (long-mode format), 4-level */
	PGW_MODE_NPT5,      /**< AMD NPT, 5-level */
	PGW_MODE_PPC64_HASH, /**< ppc64 hashed page table (SLB + HTAB) */

	/* RISC-V (walker/riscv/): satp stage 1, hgatp G-stage. */
	PGW_MODE_RISCV_SV32,   /**< Sv32: 2 levels, 4-byte PTEs, 34-bit PA */
	PGW_MODE_RISCV_SV39,   /**< Sv39: 3 levels (4K, 2M, 1G) */
	PGW_MODE_RISCV_SV48,   /**< Sv48: 4 levels (… 512G) */
	PGW_MODE_RISCV_SV57,   /**< Sv57: 5 levels (… 256T) */
	PGW_MODE_RISCV_SV39X4, /**< G-stage Sv39x4: 41-bit GPA, 16 KiB root */
	PGW_MODE_RISCV_SV48X4, /**< G-stage Sv48x4: 50-bit GPA */
	PGW_MODE_RISCV_SV57X4, /**< G-stage Sv57x4: 59-bit GPA */

	/* arm64 (walker/arm64/): VMSAv8-64. */
	PGW_MODE_ARM64,     /**< VMSAv8-64 stage 1, EL1&0 regime (TTBR0_EL1 and
			     *   TTBR1_EL1; 4K/16K/64K granules, LPA/LPA2) */
	PGW_MODE_ARM64_S2,  /**< VMSAv8-64 stage 2 (VTTBR_EL2, VTCR_EL2) */

	/* ppc64 radix (walker/ppc64/radix_*.c): Power ISA 3.0B/3.1. */
	PGW_MODE_PPC64_RADIX,      /**< process-scoped radix tree: quadrant 0
				    *   (PIDR) and quadrant 3 (PID 0) */
	PGW_MODE_PPC64_RADIX_PART, /**< partition-scoped radix tree of an
				    *   LPID: guest real -> host real (stage 2) */

	PGW_MODE_COUNT
};

/** x86 control state that selects and shapes a walk. */
struct pgw_x86_regs {
	unsigned version;     /**< PGW_X86_REGS_VERSION */
	uint64_t cr0, cr3, cr4, efer;
	uint64_t rflags;      /**< EFLAGS.AC matters for SMAP */
	uint32_t pkru;        /**< user protection keys (CR4.PKE) */
	uint32_t pkrs;        /**< supervisor protection keys (CR4.PKS) */
	unsigned maxphyaddr;  /**< physical address width; 0 means 52 */
	/**
	 * PAE only: nonzero when @ref pdpte holds the four PDPTE registers as
	 * the CPU loaded them (SDM 3A 4.4.1). Otherwise they are read from CR3.
	 */
	int pdptes_valid;
	uint64_t pdpte[4];
	/**
	 * Version 2. IA-32e only: nonzero when CR3 is the kernel's own root
	 * (a crash dump's VMCOREINFO names it), which says nothing of any
	 * task's user space: addresses of the lower canonical half fault with
	 * PGW_FAULT_NO_ROOT, and walks report that half as one such fault.
	 */
	int kernel_half_only;
};
#define PGW_X86_REGS_VERSION 2
#define PGW_X86_REGS_INIT { .version = PGW_X86_REGS_VERSION }

/** @name x86 control bits used by the walker */
/**@{*/
#define PGW_CR0_PG    (1ULL << 31)
#define PGW_CR0_WP    (1ULL << 16)
#define PGW_CR4_PSE   (1ULL << 4)
#define PGW_CR4_PAE   (1ULL << 5)
#define PGW_CR4_LA57  (1ULL << 12)
#define PGW_CR4_SMEP  (1ULL << 20)
#define PGW_CR4_SMAP  (1ULL << 21)
#define PGW_CR4_PKE   (1ULL << 22)
#define PGW_CR4_PKS   (1ULL << 24)
#define PGW_EFER_LME  (1ULL << 8)
#define PGW_EFER_LMA  (1ULL << 10)
#define PGW_EFER_NXE  (1ULL << 11)
#define PGW_RFLAGS_AC (1ULL << 18)
/**@}*/

/** @name Permissions (effective, combined across levels and stages) */
/**@{*/
#define PGW_PERM_R 0x1u  /**< readable (any present x86 page) */
#define PGW_PERM_W 0x2u  /**< writable */
#define PGW_PERM_X 0x4u  /**< executable */
#define PGW_PERM_U 0x8u  /**< user-accessible (x86 U/S, arm64 AP[1]) */
/** arm64 only: executable at EL0 (UXN clear); there PGW_PERM_X is
 *  execution at EL1 (PXN clear). Other arches never set it. */
#define PGW_PERM_UX 0x10u
/**@}*/

/** @name Access kinds for checked translations */
/**@{*/
#define PGW_ACC_READ  0x1u
#define PGW_ACC_WRITE 0x2u
#define PGW_ACC_EXEC  0x4u
#define PGW_ACC_USER  0x8u   /**< access made at CPL 3 */
/**@}*/

/** Why a translation failed. */
enum pgw_fault_reason {
	PGW_FAULT_NONE = 0,
	PGW_FAULT_NOT_PRESENT,   /**< entry not present */
	PGW_FAULT_RESERVED,      /**< reserved bits set (or EPT misconfiguration) */
	PGW_FAULT_NONCANONICAL,  /**< address not canonical for the mode */
	PGW_FAULT_BAD_TABLE,     /**< table lies outside physical memory */
	PGW_FAULT_ACCESS,        /**< access check failed (U/S, W, NX, SMEP, SMAP, PK) */
	PGW_FAULT_LOOP,          /**< walk exceeded its step budget */
	PGW_FAULT_NO_SLB,        /**< ppc64: no valid SLB entry for the segment */
	PGW_FAULT_BAD_SLB,       /**< ppc64: the matching SLB entry has a
				  *   reserved B or L||LP encoding (not used) */
	PGW_FAULT_NO_HPTE,       /**< ppc64: no matching HPTE in either PTEG */
	PGW_FAULT_NOT_DUMPED,    /**< table in RAM the snapshot left out
				  *   (mem read gave PGW_ENODATA); PGW_EIO */
	PGW_FAULT_NO_ROOT,       /**< the root of the address's half is not
				  *   known (arm64 PGW_ARM64_NO_TTBR0/1): no
				  *   translation is made up */
	PGW_FAULT_ADDR_SIZE,     /**< arm64 Address size fault: a table or
				  *   output address beyond the PA size
				  *   (TCR.IPS, VTCR.PS, ID_AA64MMFR0.PARange) */
	PGW_FAULT_ACCESS_FLAG,   /**< arm64 Access flag fault: AF (bit 10) of
				  *   the block or page descriptor is 0 */
	PGW_FAULT_BAD_PRTE,      /**< ppc64 radix: the process-table entry of
				  *   the address's PID is unusable (PID beyond
				  *   the table, an RTS/RPDS no tree has) */
};

/**
 * Name of a fault reason, as every view prints it: "not present",
 * "reserved bits", "no matching HPTE" … Static.
 * @param reason  an enum pgw_fault_reason value
 * @return the name; "unknown" for PGW_FAULT_NONE and values not in the enum
 */
PGW_API const char *pgw_fault_reason_name(int reason);

/** Which translation stage a step or fault belongs to. */
enum pgw_stage { PGW_STAGE_GUEST = 0, PGW_STAGE_NESTED = 1 };

/** Details of a failed translation, filled when a call returns an error. */
struct pgw_fault {
	enum pgw_fault_reason out_reason;
	enum pgw_stage out_stage;  /**< nested faults happen on a GPA */
	int out_level;             /**< level index (0 = top), -1 if none */
	const char *out_level_name;
	unsigned out_index;        /**< entry index within its table */
	uint64_t out_table;        /**< table address (in its stage's space) */
	uint64_t out_entry;        /**< raw entry value (if read) */
	uint64_t out_rsvd;         /**< reserved bits found set */
	uint64_t out_addr;         /**< address being translated at that stage */
};

/** One paging-structure entry visited by a translation (for vtop). */
struct pgw_step {
	enum pgw_stage stage;
	int level;               /**< 0 = top level of its format */
	const char *level_name;  /**< "PML4", "PDPT", "PD", "PT", "EPT PML4" … */
	unsigned index;
	uint64_t table;          /**< table address in the stage's input space */
	uint64_t entry_addr;     /**< physical (host) address of the entry */
	uint64_t entry;          /**< raw value */
	int leaf;                /**< nonzero when this entry maps the page */
	/**
	 * Reserved bits that translation does not check but the CPU does
	 * elsewhere: PAE PDPTE bits 8:5 and 2:1, checked when MOV to CR3
	 * loads the PDPTE registers (SDM 3A 4.4.1). 0 normally.
	 */
	uint64_t load_rsvd;
	/**
	 * ppc64 hash only (0 elsewhere): the second word of a two-word entry
	 * (SLB: the VSID word, @ref entry being the ESID word; HPTE: dword 1,
	 * @ref entry being dword 0), and the hash value of a PTEG step.
	 */
	uint64_t entry2;
	uint64_t hash;
};

#define PGW_TRACE_MAX 48
/** Per-level trace of one translation; nested walks interleave stages. */
struct pgw_trace {
	unsigned n;
	struct pgw_step step[PGW_TRACE_MAX];
};

/** Result of a successful translation. */
struct pgw_result {
	uint64_t out_pa;         /**< final physical address (HPA when nested) */
	uint64_t out_gpa;        /**< guest-physical address (== out_pa if not nested) */
	uint64_t out_page_size;  /**< bytes mapped around out_pa by this translation */
	unsigned out_perms;      /**< PGW_PERM_* effective permissions */
	uint64_t out_entry;      /**< raw leaf entry (guest stage) */
	int out_level;           /**< level of the leaf (guest stage) */
	int out_pkey;            /**< protection key of the leaf, -1 if none */
};

/** A translation context: format, root, control bits, optional nesting. */
typedef struct pgw_ctx pgw_ctx;

/**
 * Create an x86 context from control registers. The mode follows the CPU
 * rules: CR0.PG=0 no paging; CR4.PAE=0 32-bit; EFER.LMA (or LME with PG)
 * IA-32e, 5-level with CR4.LA57; otherwise PAE.
 * @param out   caller frees with pgw_ctx_free()
 * @return 0, PGW_EINVAL for impossible combinations (message in @p err),
 *         PGW_ENOMEM
 */
PGW_API int pgw_ctx_new_x86(pgw_ctx **out, const struct pgw_x86_regs *regs,
			    const struct pgw_mem_ops *mem, void *mem_payload,
			    char *err, size_t errlen);

/**
 * Create a nested-paging (stage 2) context.
 * @param mode  PGW_MODE_EPT4/EPT5 (root = EPTP) or PGW_MODE_NPT4/NPT5
 *              (root = nCR3)
 * @param nxe   NPT only: honour the NX bit (host EFER.NXE)
 */
PGW_API int pgw_ctx_new_nested(pgw_ctx **out, enum pgw_mode mode,
			       uint64_t root, unsigned maxphyaddr, int nxe,
			       const struct pgw_mem_ops *mem, void *mem_payload,
			       char *err, size_t errlen);

/**
 * Compose: every table fetch and the final GPA of @p guest are translated
 * through @p host (borrowed; must outlive @p guest). NULL detaches.
 */
PGW_API int pgw_ctx_set_nested(pgw_ctx *guest, pgw_ctx *host);

/** Free a context; NULL is a no-op. */
PGW_API void pgw_ctx_free(pgw_ctx *ctx);

/** The context's paging mode. */
PGW_API enum pgw_mode pgw_ctx_mode(const pgw_ctx *ctx);

/** The nested (host) context, or NULL. Borrowed. */
PGW_API pgw_ctx *pgw_ctx_nested(const pgw_ctx *ctx);

/** Human name of a mode ("4-level", "PAE", "EPT 4-level" …). */
PGW_API const char *pgw_mode_name(enum pgw_mode mode);

/**
 * The input-address spans a mode can translate, as [start, end) pairs where
 * an end of 0 is the top of the 64-bit space: [0, 2^32) for 32-bit and PAE,
 * the two canonical halves for 4- and 5-level, the whole space ([0, 0)) for
 * ppc64 hash. Addresses outside them always fault (PGW_FAULT_NONCANONICAL).
 *
 * @param mode   any mode
 * @param spans  filled with up to two spans
 * @return the number of spans, 0 for PGW_MODE_NONE (virtual is physical)
 */
PGW_API int pgw_mode_va_spans(enum pgw_mode mode, uint64_t spans[2][2]);

/** Virtual address width of the context's mode (32, 48, 57, 64; arm64:
 *  the wider of its two halves, 64 - min(T0SZ, T1SZ)). */
PGW_API unsigned pgw_ctx_va_bits(const pgw_ctx *ctx);

/**
 * The input-address spans this context translates, as pgw_mode_va_spans()
 * gives them for a mode, but from the context's own registers: arm64's
 * halves [0, 2^(64-T0SZ)) and [2^64 - 2^(64-T1SZ), 0) (with the top byte
 * 0x00 / 0xff; under TBI other top bytes alias them). A half whose walks
 * are disabled (EPD) or whose root is unknown is still listed.
 * @return the number of spans (0..2), 0 when paging is off
 */
PGW_API int pgw_ctx_va_spans(const pgw_ctx *ctx, uint64_t spans[2][2]);

/** The input-address bits a translation of @p va ignores: arm64 bits
 *  63:56 where the half VA bit 55 selects has top-byte-ignore (TCR_EL1
 *  TBI0/TBI1), so that every top byte aliases the spans of
 *  pgw_ctx_va_spans(); 0 for every other context. */
PGW_API uint64_t pgw_ctx_va_ignored(const pgw_ctx *ctx, uint64_t va);

/** The region of @p ctx that translates @p va, by name ("TTBR1_EL1",
 *  "quadrant 3, PID 0"), or NULL for a context without named regions;
 *  @p desc (may be NULL) gets its geometry as `vtop` prints it ("16K
 *  granule, 47-bit, L0..L3, LPA2"). Both live as long as @p ctx. */
PGW_API const char *pgw_ctx_region(const pgw_ctx *ctx, uint64_t va,
				   const char **desc);

/** Sign-extend @p va as the mode's canonical form (identity for 32-bit;
 *  arm64: the half's form, top byte 0x00 or 0xff, as VA bit 55 says). */
PGW_API uint64_t pgw_ctx_canonical(const pgw_ctx *ctx, uint64_t va);

/**
 * Bound the number of tables one pgw_walk() may load, so that tables that
 * alias themselves cannot make a walk run for hours. 0 restores the default
 * (4M tables, enough for 8 TiB of 4K pages).
 */
PGW_API void pgw_ctx_set_walk_budget(pgw_ctx *ctx, uint64_t tables);

/** Drop cached translations and table pages (live guests, after a write). */
PGW_API void pgw_ctx_invalidate(pgw_ctx *ctx);

/**
 * Translate one virtual address.
 * @param access  0 for the debugger's view (no permission check), or
 *                PGW_ACC_* bits to check the access as the CPU would
 * @param out     valid only when 0 is returned
 * @param fault   optional; filled when an error is returned
 * @param trace   optional; receives every entry read (uncached walk)
 * @return 0, PGW_ENOTMAPPED, PGW_ERSVD, PGW_EIO, PGW_EACCES
 */
PGW_API int pgw_translate(pgw_ctx *ctx, uint64_t va, unsigned access,
			  struct pgw_result *out, struct pgw_fault *fault,
			  struct pgw_trace *trace);

/* ------------------------------------------------------------------ */
/* One access, as the CPU would make it                                 */

/** Why the MMU refuses an access to a page the tables map. */
enum pgw_deny {
	PGW_DENY_NONE = 0,  /**< allowed, or the walk itself faulted */
	PGW_DENY_USER,      /**< a user-mode access to a supervisor page */
	PGW_DENY_READ,      /**< a read of a page that grants none */
	PGW_DENY_WRITE,     /**< a write to a read-only page (x86: a
			     *   supervisor write only with CR0.WP) */
	PGW_DENY_EXEC,      /**< an instruction fetch from a no-execute page */
	PGW_DENY_SMEP,      /**< x86: a supervisor fetch from a user page */
	PGW_DENY_SMAP,      /**< x86: a supervisor data access to a user
			     *   page, EFLAGS.AC clear */
	PGW_DENY_PKEY,      /**< x86: the page's protection key (PKRU for
			     *   user pages, PKRS for supervisor ones) */
	PGW_DENY_AD,        /**< RISC-V Svade: A clear, or D clear on a store */
	PGW_DENY_SUPERVISOR, /**< RISC-V: a supervisor fetch from a user page,
			      *   or a data access to one with SUM clear */
	PGW_DENY_NESTED,    /**< the nested stage's permissions (an EPT
			     *   violation, NPT fault, stage-2 or G-stage
			     *   fault: no guest page fault) */
	PGW_DENY_OTHER,     /**< the architecture's own rule (RISC-V SUM,
			     *   arm64 PAN, ppc64 keys…), not itemized yet */
};

/** @return a short phrase for @p deny ("user access to a supervisor
 *  page", …); "allowed" for PGW_DENY_NONE */
PGW_API const char *pgw_deny_name(int deny);

/** What pgw_access() found. */
struct pgw_access {
	unsigned version;              /**< in: PGW_ACCESS_VERSION */
	int out_rc;                    /**< pgw_access()'s return value */
	/** The page, when the tables map @p va (the debugger's view, as
	 *  pgw_translate() with access 0): valid when out_mapped. */
	int out_mapped;
	struct pgw_result out_result;
	/** Where the access stops: the walk's fault, or the denying leaf
	 *  (PGW_FAULT_ACCESS, out_stage saying which stage); valid when
	 *  out_rc < 0. */
	struct pgw_fault out_fault;
	enum pgw_deny out_deny;        /**< with PGW_EACCES */
	/** The code the CPU would report with its fault, when the
	 *  architecture has one: x86 the #PF error code of a guest fault
	 *  (SDM 3A 4.7: P, W/R, U/S, RSVD, I/D, PK); RISC-V the scause of
	 *  the page fault (12 fetch, 13 load, 15 store; G-stage 20, 21,
	 *  23). */
	int out_code_valid;
	uint64_t out_code;
};
#define PGW_ACCESS_VERSION 1

/**
 * Evaluate one access as the vCPU's MMU would: @p access is PGW_ACC_READ,
 * _WRITE or _EXEC, with PGW_ACC_USER for a user-mode one (else the
 * context's privilege, as pgw_translate() checks it). Fills @p out (its
 * version set by the caller) with the page, the fault or the reason of a
 * denial, and the architecture's fault code.
 * @return 0 (allowed), PGW_EACCES (denied: out_deny), or the walk's fault
 *         (PGW_ENOTMAPPED, PGW_ERSVD, PGW_EIO, PGW_ELIMIT); PGW_EINVAL for
 *         a bad version or no access kind
 */
PGW_API int pgw_access(pgw_ctx *ctx, uint64_t va, unsigned access,
		       struct pgw_access *out);

/* ------------------------------------------------------------------ */
/* Range walks                                                          */

/** A mapped range reported by pgw_walk(). */
struct pgw_leaf {
	uint64_t va;         /**< canonical virtual address of the page */
	uint64_t size;       /**< page size (min of both stages when nested) */
	uint64_t pa;         /**< physical address (HPA when nested) */
	uint64_t gpa;        /**< guest-physical (== pa if not nested) */
	unsigned perms;      /**< effective PGW_PERM_* */
	uint64_t entry;      /**< raw guest leaf entry */
	int level;           /**< guest level index of the leaf */
	unsigned index;      /**< index within the leaf's table */
	int pkey;            /**< protection key, -1 if none */
};

/** A non-leaf entry about to be descended (present, valid). */
struct pgw_table {
	uint64_t va;         /**< canonical start of the span it maps */
	uint64_t size;       /**< span size */
	uint64_t entry;      /**< raw entry */
	int level;
	unsigned index;
	unsigned perms;      /**< effective permissions down to this entry */
};

/**
 * Callbacks of a range walk; every member optional. Return 0 to continue,
 * >0 to stop the walk (the value is returned by pgw_walk), <0 for an error
 * (returned as is). The walker descends into a table only when @ref leaf,
 * @ref table or @ref hole could be called below it.
 */
struct pgw_walk_ops {
	/** Called for each present non-leaf entry before its table is walked.
	 *  Returning PGW_WALK_SKIP skips the subtree. */
	int (*table)(const struct pgw_table *t, void *payload);
	/** Called for each mapped page that passes the filter. */
	int (*leaf)(const struct pgw_leaf *l, void *payload);
	/** Called once per not-present span [start, end) at @p level, never
	 *  descended. Not called for spans filtered out. */
	int (*hole)(uint64_t start, uint64_t end, int level, void *payload);
	/** Called for entries that fault (reserved bits, table outside
	 *  memory, nested fault); the span is skipped. */
	int (*fault)(uint64_t start, uint64_t end, const struct pgw_fault *f,
		     void *payload);
	/** Optional, for big walks: when set, receives every leaf instead of
	 *  @c leaf, as runs of @p n ≥ 1 pages: page k < n of the run is
	 *  *@p l with va, pa and gpa advanced by k × size, index by k and the
	 *  entry's frame by k × size (same flags, perms and pkey); all pages
	 *  of a run are in one table. Events keep the order of the @c leaf
	 *  form. Returning non-zero stops the walk there. */
	int (*leaves)(const struct pgw_leaf *l, size_t n, void *payload);
};

/** Returned by pgw_walk_ops.table to skip a subtree. */
#define PGW_WALK_SKIP 0x7fff0001

/** Filter applied while walking (subtrees that cannot match are skipped). */
struct pgw_walk_filter {
	unsigned version;    /**< PGW_WALK_FILTER_VERSION */
	uint64_t start;      /**< first canonical VA of interest */
	uint64_t last;       /**< last canonical VA of interest (inclusive) */
	unsigned need;       /**< PGW_PERM_* every reported leaf has */
	unsigned deny;       /**< PGW_PERM_* no reported leaf has */
};
#define PGW_WALK_FILTER_VERSION 1
#define PGW_WALK_FILTER_INIT \
	{ .version = PGW_WALK_FILTER_VERSION, .start = 0, .last = UINT64_MAX }

/**
 * Walk every mapping of the context in ascending (canonical) VA order.
 * Non-canonical spans are skipped. Bounded work on any table contents.
 * @param filter  NULL for everything
 * @return 0, the first positive callback value, or a negative error
 */
PGW_API int pgw_walk(pgw_ctx *ctx, const struct pgw_walk_filter *filter,
		     const struct pgw_walk_ops *ops, void *payload);

/** Level name of @p level in the context's guest format ("PML4" …). */
PGW_API const char *pgw_ctx_level_name(const pgw_ctx *ctx, int level);

/** Number of levels of the context's format (0 when paging is off). */
PGW_API int pgw_ctx_levels(const pgw_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Views                                                                */

/**
 * Output sink of the text views. Receives @p len bytes (not NUL-terminated;
 * whole lines only). Return 0 to continue, or a negative value to stop the
 * view, which then returns that value.
 */
typedef int (*pgw_write_fn)(const char *buf, size_t len, void *payload);

/**
 * QEMU's `info tlb`: one line per present leaf, "%016llx: %016llx " and the
 * letters XGPDACTUW (NX, global, page size, dirty, accessed, PCD, PWT, user,
 * write; '-' when clear). Byte-identical to QEMU 7.2 on a normal 4-level
 * guest; where QEMU is wrong (4M and PAE 2M masks, NX in the physical column
 * under PAE, physical bits 51:50, 5-level) the values are correct instead.
 * Entries with reserved bits set map nothing and are not listed. Nested
 * contexts list the guest stage (guest-physical column).
 * @return 0, a negative pgw_walk() error (output so far is written), or the
 *         write callback's negative value
 */
PGW_API int pgw_view_tlb(pgw_ctx *ctx, pgw_write_fn write, void *payload);

/**
 * QEMU's `info mem`: "%016llx-%016llx %016llx %c%c%c" (start-end size, then
 * u/-, r, w/-), one line per run of pages with equal user/write protection
 * (AND-ed across levels, NX ignored). Reproduces QEMU's arithmetic in the
 * linear-index space, including a run crossing the canonical hole and an
 * end of 1 << va_bits at the top; correct under 5-level paging. arm64
 * prints its own columns (docs/info-mem-arm64.md); RISC-V prints QEMU's
 * riscv layout, a header then "vaddr paddr size rwxugad" per run
 * (docs/info-mem-riscv.md).
 * @return as pgw_view_tlb()
 */
PGW_API int pgw_view_mem(pgw_ctx *ctx, pgw_write_fn write, void *payload);

/** Options of pgw_view_pg(). */
struct pgw_pg_opts {
	unsigned version;               /**< PGW_PG_OPTS_VERSION */
	struct pgw_walk_filter filter;  /**< applied during the walk */
	int json;                       /**< nonzero: a JSON array instead */
	/* Version 2 on. */
	int kernel_names;               /**< nonzero: name stage-1 levels as
					 *   Linux does, by how many there are
					 *   (PGD P4D PUD PMD PTE; 4 levels
					 *   PGD PUD PMD PTE, 3 PGD PMD PTE, 2
					 *   PGD PTE), not as the manual does */
};
#define PGW_PG_OPTS_VERSION 2  /**< 1 is accepted too (no kernel_names) */
#define PGW_PG_OPTS_INIT \
	{ .version = PGW_PG_OPTS_VERSION, .filter = PGW_WALK_FILTER_INIT, \
	  .json = 0, .kernel_names = 0 }

/**
 * `info pg`: the folded page-table tree. A header line, then one line per
 * run of consecutive entries with identical flags at a level, indented by
 * depth: "[vpn-vpn] NAME[idx-idx] FLAGS physical-pages". Runs of complete
 * subtrees fold into one line per level. Leaves list their page frame
 * numbers as ranges ("a-b") when contiguous, separate values when not.
 * Nested contexts print a guest section then a host section.
 * @param o  NULL for PGW_PG_OPTS_INIT
 * @return as pgw_view_tlb(); PGW_EINVAL for a bad @p o
 */
PGW_API int pgw_view_pg(pgw_ctx *ctx, const struct pgw_pg_opts *o,
			pgw_write_fn write, void *payload);

/**
 * `vtop ADDR`: every entry read (stage, level, index, entry address, raw
 * value, flag letters), then "va -> pa", page size and effective
 * permissions, or the level that faulted and why.
 * @return 0 (a fault is output, not an error), or the write error
 */
PGW_API int pgw_view_vtop(pgw_ctx *ctx, uint64_t va, pgw_write_fn write,
			  void *payload);

/**
 * QEMU's `gva2gpa ADDR`: "gpa: %#llx\n" or "Unmapped\n".
 * @return 0, or the write error
 */
PGW_API int pgw_view_gva2gpa(pgw_ctx *ctx, uint64_t va, pgw_write_fn write,
			     void *payload);

/** One merged mapping: [va, va+size) -> [pa, pa+size). */
struct pgw_mapping {
	uint64_t va;         /**< canonical virtual address */
	uint64_t pa;         /**< physical address (HPA when nested) */
	uint64_t size;
	unsigned perms;      /**< PGW_PERM_* */
};

/**
 * Caller predicate of pgw_mappings() about [pa, pa+size): 0 when it is all
 * RAM; PGW_IO_ALL when none of it is RAM (dropped whole); any other nonzero
 * value when some of it is not RAM (MMIO, ROM, outside the dump): the range
 * is then halved and asked again, down to 4K pages, which are dropped.
 */
#define PGW_IO_ALL 2
typedef int (*pgw_is_io_fn)(uint64_t pa, uint64_t size, void *payload);

/** Receives each merged mapping; nonzero stops (returned as is). */
typedef int (*pgw_mapping_fn)(const struct pgw_mapping *m, void *payload);

/**
 * Merged virtual-to-physical mappings for the memory map and the paged ELF
 * export, in VA order: consecutive pages merge when contiguous in VA and PA
 * with equal permissions. Pages the predicate calls "not RAM" are left out
 * (large pages are split around such ranges). Paging disabled: no mappings
 * (the caller knows its physical layout).
 * @param filter  NULL for everything
 * @param is_io   optional: if NULL, everything is RAM
 * @return 0, the first nonzero @p emit value, or a negative pgw_walk() error
 */
PGW_API int pgw_mappings(pgw_ctx *ctx, const struct pgw_walk_filter *filter,
			 pgw_is_io_fn is_io, void *io_payload,
			 pgw_mapping_fn emit, void *payload);

/* ------------------------------------------------------------------ */
/* arm64 (VMSAv8-64)                                                    */

/** arm64 stage-1 translation state of one regime: EL1&0 (the default),
 *  or EL2&0 / EL2 with the _EL2 registers in the same fields. */
struct pgw_arm64_regs {
	unsigned version;          /**< PGW_ARM64_REGS_VERSION */
	uint64_t ttbr0, ttbr1;     /**< TTBR0_EL1 / TTBR1_EL1 (BADDR, ASID; CnP
				    *   ignored); TTBRn_EL2 for EL2 regimes */
	uint64_t tcr;              /**< TCR_EL1, or TCR_EL2 in its own layout */
	uint64_t sctlr;            /**< SCTLR_EL1 (or _EL2): M=0 means stage 1
				    *   off (VA==IPA); WXN */
	uint64_t pstate;           /**< PSTATE/CPSR as QEMU's gdbstub "cpsr": EL in
				    *   bits 3:2, PAN bit 22 */
	uint64_t id_aa64mmfr0;     /**< 0 = unknown: assume PARange 52-bit capable
				    *   and all granules */
	unsigned unknown_roots;    /**< PGW_ARM64_NO_TTBR0 | PGW_ARM64_NO_TTBR1: a
				    *   half whose root is not known */
	/* Version 2 on. */
	int has_mair;              /**< nonzero: @ref mair is known */
	uint64_t mair;             /**< MAIR_EL1: `info mem`/`info tlb` name
				    *   each page's memory type by it
				    *   (else AttrIndx only) */
	/* Version 3 on. */
	unsigned regime;           /**< PGW_ARM64_REGIME_*: whose registers
				    *   the fields above hold */
};
#define PGW_ARM64_REGS_VERSION 3  /**< 1 (no MAIR) and 2 (EL1&0 only) are
				   *   accepted too */

/** @name pgw_arm64_regs.regime (Arm ARM D8.1.2, translation regimes) */
/**@{*/
/** EL1&0: TTBR0/1_EL1, TCR_EL1; EL0 accesses through AP[1] */
#define PGW_ARM64_REGIME_EL10 0u
/** EL2&0 (HCR_EL2.E2H = 1, VHE): TTBR0/1_EL2, TCR_EL2 laid out as
 *  TCR_EL1; EL0 accesses (with HCR_EL2.TGE) through AP[1]; PAN applies */
#define PGW_ARM64_REGIME_EL20 1u
/** EL2 (E2H = 0): TTBR0_EL2 only (@ref pgw_arm64_regs.ttbr1 unused),
 *  TCR_EL2's own layout (T0SZ, TG0, PS, TBI, HA, HPD, DS), no EL0:
 *  AP[1] and PXN are ignored, bit 54 is XN, APTable[0] and PXNTable
 *  are ignored */
#define PGW_ARM64_REGIME_EL2  2u
/**@}*/
#define PGW_ARM64_REGS_INIT { .version = PGW_ARM64_REGS_VERSION }

/** @name pgw_arm64_regs.unknown_roots */
/**@{*/
#define PGW_ARM64_NO_TTBR0 0x1u  /**< TTBR0_EL1 unknown: the lower half faults */
#define PGW_ARM64_NO_TTBR1 0x2u  /**< TTBR1_EL1 unknown: the upper half faults */
/**@}*/

/** @name arm64 register bits the walker reads (Arm ARM D17/D19) */
/**@{*/
#define PGW_ARM64_SCTLR_M      (1ULL << 0)   /**< stage 1 enabled */
#define PGW_ARM64_SCTLR_WXN    (1ULL << 19)  /**< writable implies XN */
#define PGW_ARM64_PSTATE_PAN   (1ULL << 22)  /**< privileged access never */
#define PGW_ARM64_PSTATE_EL_SHIFT 2          /**< EL in PSTATE bits 3:2 */
/**@}*/

/**
 * Create an arm64 stage-1 context of the regime @ref pgw_arm64_regs.regime
 * names, EL1&0 by default (pgw_ctx_mode() == PGW_MODE_ARM64, or
 * PGW_MODE_NONE when SCTLR.M is 0: VA == IPA). EL1&0 and EL2&0 have two
 * halves: VA bit 55 picks TTBR0 (lower) or TTBR1
 * (upper), each with its own granule (TG0/TG1), size (T0SZ/T1SZ),
 * top-byte-ignore (TBI0/TBI1), walk disable (EPD0/EPD1) and hierarchical
 * permission disable (HPD0/HPD1). A half whose root is unknown
 * (@ref pgw_arm64_regs.unknown_roots) fails every translation with
 * PGW_FAULT_NO_ROOT; an address outside both halves with
 * PGW_FAULT_NONCANONICAL (the Arm ARM's level 0 Translation fault).
 * The EL2 regime has TTBR0_EL2's range only.
 * Access checks: PGW_ACC_USER is an EL0 access (else EL1, or EL2 in the
 * EL2 regimes; the EL2 regime has no EL0 access), with PAN from
 * @ref pgw_arm64_regs.pstate (not in the EL2 regime) and WXN from SCTLR.
 * @param out   caller frees with pgw_ctx_free()
 * @return 0, PGW_EINVAL (bad version, reserved TCR encodings, a granule
 *         ID_AA64MMFR0 says is absent; message in @p err), PGW_ENOMEM
 */
PGW_API int pgw_ctx_new_arm64(pgw_ctx **out, const struct pgw_arm64_regs *regs,
			      const struct pgw_mem_ops *mem, void *mem_payload,
			      char *err, size_t errlen);

/**
 * Create an arm64 stage-2 context (PGW_MODE_ARM64_S2) translating IPAs
 * through VTTBR_EL2 with VTCR_EL2's T0SZ, SL0 (SL2 with DS), TG0, PS and
 * DS; concatenated first-level tables as the Arm ARM allows. Attach it to
 * a stage-1 context with pgw_ctx_set_nested(), as EPT/NPT.
 * @param vttbr          VTTBR_EL2 (BADDR; VMID and CnP ignored)
 * @param vtcr           VTCR_EL2
 * @param id_aa64mmfr0   0 = unknown (52-bit PA capable, all granules)
 * @param out            caller frees with pgw_ctx_free()
 * @return 0, PGW_EINVAL (inconsistent T0SZ/SL0/granule; message in
 *         @p err), PGW_ENOMEM
 */
PGW_API int pgw_ctx_new_arm64_s2(pgw_ctx **out, uint64_t vttbr, uint64_t vtcr,
				 uint64_t id_aa64mmfr0,
				 const struct pgw_mem_ops *mem,
				 void *mem_payload, char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* ppc64 hashed page table (Power ISA 3.0B Book III 5.7.7)             */

/**
 * One SLB entry exactly as slbmte stores it and QEMU keeps it in
 * env->slb[] (and in its migration stream / ELF note): @c esid holds
 * ESID (bits 63:28 of an EA, at the same position) and V; @c vsid holds
 * B, the VSID and the Ks Kp N L C LP flags. For a 256M segment the VSID
 * sits at bit 12 (PGW_SLB_VSID_SHIFT); for 1T at bit 24.
 */
struct pgw_ppc64_slbe {
	uint64_t esid;
	uint64_t vsid;
};

/** @name SLB entry bits (QEMU target/ppc/mmu-hash64.h naming) */
/**@{*/
#define PGW_SLB_ESID_ESID   0xfffffffff0000000ULL /**< ESID, EA bits 63:28 */
#define PGW_SLB_ESID_V      0x0000000008000000ULL /**< valid */
#define PGW_SLB_VSID_B      0xc000000000000000ULL /**< segment size field */
#define PGW_SLB_VSID_B_256M 0x0000000000000000ULL
#define PGW_SLB_VSID_B_1T   0x4000000000000000ULL
#define PGW_SLB_VSID_VSID   0x3ffffffffffff000ULL /**< VSID (1T: bits 61:24) */
#define PGW_SLB_VSID_SHIFT    12
#define PGW_SLB_VSID_SHIFT_1T 24
#define PGW_SLB_VSID_KS     0x0000000000000800ULL /**< key, privileged */
#define PGW_SLB_VSID_KP     0x0000000000000400ULL /**< key, problem state */
#define PGW_SLB_VSID_N      0x0000000000000200ULL /**< no-execute segment */
#define PGW_SLB_VSID_L      0x0000000000000100ULL /**< large base page */
#define PGW_SLB_VSID_C      0x0000000000000080ULL /**< class */
#define PGW_SLB_VSID_LP     0x0000000000000030ULL /**< base page size */
/** L||LP encodings of the base page size (POWER7..9, ISA 3.0B 5.7.7.1). */
#define PGW_SLB_VSID_4K     0x0000000000000000ULL
#define PGW_SLB_VSID_64K    0x0000000000000110ULL
#define PGW_SLB_VSID_16M    0x0000000000000100ULL
#define PGW_SLB_VSID_16G    0x0000000000000120ULL
/**@}*/

/** @name HPTE bits (dword 0 "pte0", dword 1 "pte1"; stored big-endian) */
/**@{*/
#define PGW_HPTE0_B       0xc000000000000000ULL /**< segment size, as SLB B */
#define PGW_HPTE0_AVPN    0x3fffffffffffff80ULL /**< abbreviated VPN */
#define PGW_HPTE0_BOLTED  0x0000000000000010ULL /**< software (Linux) */
#define PGW_HPTE0_L       0x0000000000000004ULL /**< large page */
#define PGW_HPTE0_H       0x0000000000000002ULL /**< in the secondary PTEG */
#define PGW_HPTE0_V       0x0000000000000001ULL /**< valid */
#define PGW_HPTE1_PP0     0x8000000000000000ULL /**< pp bit 0 */
#define PGW_HPTE1_KEY_HI  0x3000000000000000ULL /**< key bits 0:1 */
#define PGW_HPTE1_RPN     0x0ffffffffffff000ULL /**< real page number (and
						     LP in its low bits) */
#define PGW_HPTE1_KEY_LO  0x0000000000000e00ULL /**< key bits 2:4 */
#define PGW_HPTE1_R       0x0000000000000100ULL
#define PGW_HPTE1_C       0x0000000000000080ULL
#define PGW_HPTE1_WIMG    0x0000000000000078ULL
#define PGW_HPTE1_G       0x0000000000000008ULL /**< guarded: no execute */
#define PGW_HPTE1_N       0x0000000000000004ULL /**< no-execute */
#define PGW_HPTE1_PP      0x0000000000000003ULL /**< pp bits 1:2 */
/**@}*/

/** @name MSR / LPCR bits used by the hash walker */
/**@{*/
#define PGW_MSR_PR   (1ULL << 14)  /**< problem state: use Kp, not Ks */
#define PGW_LPCR_ISL (1ULL << 61)  /**< ignore SLB large page: 4K only */
/**@}*/

/** ppc64 MMU state that shapes a hash translation. */
struct pgw_ppc64_regs {
	unsigned version;     /**< PGW_PPC64_REGS_VERSION */
	/** SLB entries in slot order (copied by the context; slot order
	 *  decides between overlapping entries, as QEMU's slb_lookup). */
	const struct pgw_ppc64_slbe *slb;
	unsigned nslb;        /**< at most PGW_PPC64_SLB_MAX */
	uint64_t msr;         /**< MSR[PR] picks Kp over Ks for out_perms */
	uint64_t amr, iamr;   /**< used only with PGW_PPC64_AMR */
	uint64_t lpcr;        /**< LPCR[ISL] honoured */
	/**
	 * SDR1 (HTABORG | HTABSIZE), or on ISA 3.0 the partition-table entry
	 * dword 0, which has the same HTABORG/HTABSIZE layout. HTABORG is
	 * used only when the HPT is in memory (no hpte ops).
	 */
	uint64_t sdr1;
	/**
	 * log2 of the HPT size in bytes (18..46); 0 takes HTABSIZE + 18
	 * from @ref sdr1. pseries: the shift from the spapr/htab stream.
	 */
	unsigned htab_shift;
	unsigned flags;       /**< PGW_PPC64_* */
};
#define PGW_PPC64_REGS_VERSION 1
#define PGW_PPC64_REGS_INIT { .version = PGW_PPC64_REGS_VERSION }
#define PGW_PPC64_SLB_MAX 4096

/** @name pgw_ppc64_regs.flags */
/**@{*/
/** Apply the AMR and IAMR virtual page class keys (ISA 2.06+, what QEMU
 *  does for POWER7 and later) to out_perms and access checks. */
#define PGW_PPC64_AMR      0x1u
/** HPTEs are in the ISA 3.0 format (B in pte1 bits 59:58), as on a
 *  POWER9 powernv guest in HPT mode; pseries (vhyp) HPTEs keep the old
 *  format even on POWER9. */
#define PGW_PPC64_HPTE_V3  0x2u
/**@}*/

/**
 * Where the HPTEs come from when the HTAB is not in guest memory (pseries:
 * the decoded spapr/htab migration stream, see pgw_htab).
 */
struct pgw_hpte_ops {
	/**
	 * Required. Copy @p n HPTEs (16 bytes each, big-endian, as in the
	 * table) starting at HPTE index @p index into @p buf. The walker
	 * asks for at most one PTEG (8) per call, or up to 4096 HPTEs while
	 * enumerating, always inside the table.
	 * @return 0, or a negative value if they cannot be read
	 */
	int (*read)(uint64_t index, unsigned n, void *buf, void *payload);
	/**
	 * Optional: if NULL, enumeration reads the whole table. The first
	 * index >= @p index that may hold a non-zero HPTE (everything before
	 * it is known to be invalid), or UINT64_MAX when none does.
	 */
	uint64_t (*next_used)(uint64_t index, void *payload);
};

/**
 * Create a ppc64 hash context (pgw_ctx_mode() == PGW_MODE_PPC64_HASH).
 * Translation is always done as with MSR[DR]=1: real mode is the caller's
 * business. pgw_translate(): out_pa / out_gpa the real address,
 * out_page_size the HPTE's actual page size, out_perms R/W/X for the
 * context's MSR[PR] (N, G, the segment's N and, with PGW_PPC64_AMR, IAMR
 * remove X) plus PGW_PERM_U when problem state may read the page (Kp),
 * out_entry pte1, out_level 0, out_pkey the HPTE's 5-bit key. Access
 * PGW_ACC_USER checks with Kp instead of the context's MSR[PR].
 * The trace gets an "SLB" step (index = slot, entry = esid word, entry2 =
 * vsid word), one "PTEG" step per group searched (index = PTEG number,
 * hash = hash value, table = first HPTE index of the group; the secondary
 * one is named "PTEG2"), and on a match an "HPTE" step (index = slot 0..7,
 * table = PTEG number, entry_addr = the HPTE's physical address when the
 * HTAB is in memory, else its byte offset in the table, entry = pte0,
 * entry2 = pte1, leaf = 1). Faults: PGW_FAULT_NO_SLB (out_level -1);
 * PGW_FAULT_BAD_SLB (out_index = slot, out_entry = its vsid word);
 * PGW_FAULT_NO_HPTE (out_index = primary PTEG number, out_table = its
 * first HPTE index, out_entry = the primary search key B|VSID|AVPN|V);
 * PGW_FAULT_BAD_TABLE with PGW_EIO when a PTEG cannot be read;
 * PGW_FAULT_ACCESS (out_entry = pte1). out_addr is the EA.
 * pgw_walk() enumerates every valid HPTE, maps it back to the EAs of the
 * SLB entries whose VSID and segment size match, keeps those a lookup of
 * that EA would actually find (first SLB slot, first matching HPTE), and
 * reports them sorted by EA: one leaf per HPTE covering its base page
 * (size = segment base page size; with MPSS a 16M HPTE in a 64K segment
 * is reachable only from the 64K page it was hashed for), pa the real
 * address of that EA, entry pte1, index the HPTE index, level 0, pkey
 * the key. Only @c leaf / @c leaves are called (runs of one page).
 * Memory grows with the number of reported leaves, not with the table
 * size; the walk budget bounds the 4096-HPTE chunks read (PGW_ELIMIT);
 * an unreadable chunk gives PGW_EIO. pgw_view_tlb() on a hash context
 * is pgw_view_slb() (QEMU's ppc `info tlb`); pgw_view_pg() prints one line
 * per SLB entry then folded runs of its HPTEs ("[vpn-vpn] HPTE xN rwxu
 * size frames"); pgw_view_vtop() shows SLB entry, PTEGs with the hash,
 * and the HPTE words; pgw_view_gva2gpa() works unchanged.
 *
 * @param regs     copied; SLB entries included
 * @param hpte     optional: if NULL the HTAB is read from physical memory
 *                 at HTABORG (powernv); else HPTEs come from these ops
 * @param hpte_payload  passed to @p hpte
 * @param mem      physical memory; optional when @p hpte is given
 * @param out      caller frees with pgw_ctx_free()
 * @return 0, PGW_EINVAL (bad regs: version, SLB count, HTAB size, no
 *         HPTE source; message in @p err), PGW_ENOMEM
 */
PGW_API int pgw_ctx_new_ppc64_hash(pgw_ctx **out,
				   const struct pgw_ppc64_regs *regs,
				   const struct pgw_hpte_ops *hpte,
				   void *hpte_payload,
				   const struct pgw_mem_ops *mem,
				   void *mem_payload, char *err, size_t errlen);

/** Page size (bytes) of an SLB entry's L||LP base-page encoding, or 0 for
 *  a reserved encoding (and for a reserved B field). */
PGW_API uint64_t pgw_ppc64_slb_base_size(uint64_t vsid_word);

/**
 * QEMU's `info slb` (dump_slb in target/ppc/mmu-hash64.c): the line
 * "SLB\tESID\t\t\tVSID" then "%d\t0x%016llx\t0x%016llx" for each entry
 * whose two words are not both 0. Byte-identical to QEMU 7.2.
 * @return 0, PGW_EINVAL if @p ctx is not a hash context, or the write error
 */
PGW_API int pgw_view_slb(pgw_ctx *ctx, pgw_write_fn write, void *payload);

/**
 * `info hpt`: table base (or "stream"), size, number of PTEGs, and the
 * count of valid HPTEs by actual page size (and those whose size encoding
 * is invalid), bolted and secondary counts.
 * @return 0, PGW_EINVAL if not a hash context, PGW_EIO if the table
 *         cannot be read, PGW_ELIMIT past the walk budget (4096-HPTE
 *         chunks, as for pgw_walk()), or the write error
 */
PGW_API int pgw_view_hpt(pgw_ctx *ctx, pgw_write_fn write, void *payload);

/* ------------------------------------------------------------------ */
/* HTAB stream decoder                                                  */

/**
 * A hashed page table rebuilt from the HTAB chunk stream shared by KVM's
 * HTAB fd and QEMU's `spapr/htab` migration section: records of big-endian
 * {u32 index; u16 n_valid; u16 n_invalid} followed by n_valid 16-byte
 * HPTEs; the n_invalid entries after them become invalid (zeroed).
 * Records apply in order (a later one overrides an earlier one), in any
 * index order; 0/0/0 ends a batch. Storage is sparse: only 4 KiB blocks
 * that ever held a valid HPTE are allocated.
 *
 * In QEMU's migration stream every spapr/htab section starts with a be32
 * that is the decoder's caller's to read: nonzero = htab_shift (setup,
 * no records follow), 0xffffffff = no HPT, 0 = records follow up to the
 * end marker.
 */
typedef struct pgw_htab pgw_htab;

/**
 * @param htab_shift  log2 of the table size in bytes, 18..46
 * @param out         caller frees with pgw_htab_free()
 * @return 0, PGW_EINVAL (message in @p err), PGW_ENOMEM
 */
PGW_API int pgw_htab_new(pgw_htab **out, unsigned htab_shift, char *err,
			 size_t errlen);

/** Free; NULL is a no-op. */
PGW_API void pgw_htab_free(pgw_htab *h);

/**
 * Feed stream bytes; a record may be split anywhere between calls.
 * Decoding stops right after an end marker so that the caller knows
 * where the section ends.
 * @param consumed  set to the bytes of @p buf used: all of them when 0 is
 *                  returned, up to and including the end marker when 1 is,
 *                  and the offset in @p buf of the bad record's header
 *                  (0 if it began in an earlier call) on PGW_EINVAL
 * @return 0 (need more), 1 (end marker consumed), PGW_EINVAL (a record
 *         runs past the table end: the message, from pgw_htab_errmsg(),
 *         gives its stream offset, index and counts; the decoder then
 *         refuses further input), PGW_ENOMEM
 */
PGW_API int pgw_htab_feed(pgw_htab *h, const void *buf, size_t len,
			  size_t *consumed);

/**
 * Declare the end of input.
 * @return 0, or PGW_EINVAL if the stream stopped inside a record or a
 *         previous error stands (message in pgw_htab_errmsg())
 */
PGW_API int pgw_htab_finish(pgw_htab *h);

/**
 * Copy @p n HPTEs from index @p index into @p buf (16 bytes each,
 * big-endian as in the table; never-written entries read as zero).
 * Works at any time, also between feeds.
 * @return 0, or PGW_EINVAL if [index, index+n) is not inside the table
 */
PGW_API int pgw_htab_read(const pgw_htab *h, uint64_t index, uint64_t n,
			  void *buf);

/** Number of HPTEs in the table (2^(htab_shift - 4)). */
PGW_API uint64_t pgw_htab_entries(const pgw_htab *h);

/** log2 of the table size in bytes. */
PGW_API unsigned pgw_htab_shift(const pgw_htab *h);

/** Bytes fed so far (the decoder's stream offset). */
PGW_API uint64_t pgw_htab_offset(const pgw_htab *h);

/** Last error message ("" if none). Borrowed. */
PGW_API const char *pgw_htab_errmsg(const pgw_htab *h);

/**
 * HPTE ops over a pgw_htab, for pgw_ctx_new_ppc64_hash(): pass
 * &pgw_htab_hpte_ops with the pgw_htab as payload (borrowed; it must
 * outlive the context).
 */
PGW_API extern const struct pgw_hpte_ops pgw_htab_hpte_ops;

/* ------------------------------------------------------------------ */
/* ppc64 radix (Power ISA 3.0B/3.1 Book III, "Radix Tree Translation")  */

/** ppc64 state that selects a radix translation. Big-endian ISA bit
 *  numbers (bit 0 = MSB) are given as the value's bits (1ULL << 63 - n). */
struct pgw_ppc64_radix_regs {
	unsigned version;     /**< PGW_PPC64_RADIX_REGS_VERSION */
	unsigned flags;       /**< PGW_PPC64_RADIX_* */
	/** Partition Table Control Register: PATB (bits 59:12), PATS
	 *  (4:0, table of 2^(12+PATS) bytes). Unused with
	 *  PGW_PPC64_RADIX_PATE1. */
	uint64_t ptcr;
	/** With PGW_PPC64_RADIX_PATE1: doubleword 1 of the partition's
	 *  table entry as the guest registered it (pseries
	 *  H_REGISTER_PROC_TBL; QEMU's spapr_patb_entry): GR (bit 63), PRTB
	 *  (59:12), PRTS (4:0, table of 2^(12+PRTS) bytes). */
	uint64_t pate1;
	uint64_t pidr;        /**< PID of quadrant 0 (PIDR, 20 bits used) */
	uint64_t lpidr;       /**< LPID whose PATE is used when MSR[HV] = 0 */
	uint64_t lpcr;        /**< 0 = unknown; else LPCR[HR] must be set */
	uint64_t msr;         /**< MSR[HV] (bit 60), MSR[PR] (bit 14) */
	/** Base page size of the trees, 12 (4K) or 16 (64K), which fixes
	 *  the last level's NLS (9 or 5); 0 = from the first page-table
	 *  pointer found in each tree. */
	unsigned page_shift;
};
#define PGW_PPC64_RADIX_REGS_VERSION 1
#define PGW_PPC64_RADIX_REGS_INIT { .version = PGW_PPC64_RADIX_REGS_VERSION }

/** @name pgw_ppc64_radix_regs.flags */
/**@{*/
/** The process table comes from @ref pgw_ppc64_radix_regs.pate1, not from
 *  PTCR (a pseries guest: its partition table is the hypervisor's). */
#define PGW_PPC64_RADIX_PATE1 0x1u
/**@}*/

/** @name ppc64 register bits the radix walker reads */
/**@{*/
#define PGW_PPC64_MSR_HV   (1ULL << 60)
#define PGW_PPC64_MSR_PR   (1ULL << 14)
#define PGW_PPC64_LPCR_HR  (1ULL << 20)
#define PGW_PPC64_PATE_HR  (1ULL << 63)  /**< dword 0: host radix */
#define PGW_PPC64_PATE_GR  (1ULL << 63)  /**< dword 1: guest radix */
/**@}*/

/**
 * Create a ppc64 radix context (PGW_MODE_PPC64_RADIX). The process table
 * is PATE[LPID] doubleword 1 from PTCR (LPID 0 when MSR[HV] = 1, else
 * LPIDR; PATE doubleword 0 must have HR), or
 * @ref pgw_ppc64_radix_regs.pate1 with PGW_PPC64_RADIX_PATE1 (GR set).
 * EA bits 63:62 pick the quadrant: 0 translates with PRTE[PIDR], 3 with
 * PRTE[0], each a region with its own tree (RTS: 2^(RTS+31)-byte EA
 * space, RPDB root of 2^RPDS entries). Quadrants 1 and 2 are a
 * hypervisor's view of partition LPIDR: with MSR[HV] and LPIDR 0 they
 * translate as quadrants 0 and 3 (the hypervisor's own trees, no
 * partition-scoped step); otherwise they fault as PGW_FAULT_NONCANONICAL
 * (pgw_ctx_new_ppc64_radix_nested() shows a guest), as do EA bits between
 * the tree's size and bit 61. Levels are "L1" (the root) down; every PDE's
 * NLS must match the tree's next level and its NLB be aligned, else
 * PGW_FAULT_RESERVED (out_rsvd = the NLS or NLB bits); leaves may sit
 * below the root: 1G, 2M, and 4K or 64K pages. A PTE's reserved bit 6
 * (ISA bit 57), or RPN bits below its page size, are PGW_FAULT_RESERVED.
 * out_perms: EAA read, write, execute, and PGW_PERM_U unless privileged.
 * Access checks: MSR[PR] or PGW_ACC_USER needs a non-privileged page;
 * R and C are set by hardware and never fault (the walker never writes).
 * A PID beyond the process table faults PGW_FAULT_BAD_PRTE (out_level -1).
 * A guest partition (MSR[HV] = 0, LPIDR != 0) needs its partition-scoped
 * tree: use pgw_ctx_new_ppc64_radix_nested().
 * @param out  caller frees with pgw_ctx_free()
 * @return 0, PGW_EINVAL (bad version, hash selected by LPCR[HR], the PATE's
 *         HR or pate1's GR, a table that cannot be read; message in
 *         @p err), PGW_ENOMEM
 */
PGW_API int pgw_ctx_new_ppc64_radix(pgw_ctx **out,
				    const struct pgw_ppc64_radix_regs *regs,
				    const struct pgw_mem_ops *mem,
				    void *mem_payload, char *err,
				    size_t errlen);

/**
 * Create the partition-scoped tree of @p lpid (PATE[lpid] doubleword 0 from
 * @p ptcr, HR set) as a stage-2 context (PGW_MODE_PPC64_RADIX_PART): guest
 * real addresses to host real addresses, levels "P L1" down. Equivalent:
 * pgw_ctx_new_nested() with PGW_MODE_PPC64_RADIX_PART and root = PATE
 * doubleword 0.
 * @param page_shift  12, 16, or 0 (from the tree), as in the regs
 * @param out         caller frees with pgw_ctx_free()
 * @return 0, PGW_EINVAL (LPID beyond the table, HR clear, an unsupported
 *         RTS/RPDS; message in @p err), PGW_ENOMEM
 */
PGW_API int pgw_ctx_new_ppc64_radix_part(pgw_ctx **out, uint64_t ptcr,
					 uint64_t lpid, unsigned page_shift,
					 const struct pgw_mem_ops *mem,
					 void *mem_payload, char *err,
					 size_t errlen);

/**
 * Create the process-scoped context of a guest partition (nested radix):
 * as pgw_ctx_new_ppc64_radix() for regs->lpidr (PTCR's PATE[LPIDR]
 * doubleword 1, or pate1), but the process table, the PRTEs and every
 * table of the guest's trees are at guest real addresses, fetched through
 * @p partition (from pgw_ctx_new_ppc64_radix_part(); borrowed, it must
 * outlive the context), and the result is attached to it with
 * pgw_ctx_set_nested(): translations go EA -> guest real -> host real.
 * @return as pgw_ctx_new_ppc64_radix(); PGW_EINVAL if @p partition is not
 *         a partition-scoped radix context
 */
PGW_API int pgw_ctx_new_ppc64_radix_nested(pgw_ctx **out,
					   const struct pgw_ppc64_radix_regs *regs,
					   pgw_ctx *partition,
					   const struct pgw_mem_ops *mem,
					   void *mem_payload, char *err,
					   size_t errlen);

/* ------------------------------------------------------------------ */
/* RISC-V: Sv32/Sv39/Sv48/Sv57 and the H extension's G-stage            */
/* (RISC-V Privileged ISA 20211203: 4.1.11 satp, 4.3-4.6, Svnapot,      */
/* Svpbmt; 8.2.18 hgatp, 8.5 two-stage address translation)             */

/** @name RISC-V CSR fields the walker reads */
/**@{*/
#define PGW_RISCV_MSTATUS_SUM  (1ULL << 18) /**< S-mode may touch U pages */
#define PGW_RISCV_MSTATUS_MXR  (1ULL << 19) /**< X-only pages readable */
#define PGW_RISCV_MSTATUS_MPRV (1ULL << 17) /**< M-mode loads/stores as MPP */
#define PGW_RISCV_MSTATUS_MPP_SHIFT 11      /**< MPP, bits 12:11 */
#define PGW_RISCV_SATP64_MODE_SHIFT 60      /**< rv64 satp/hgatp MODE 63:60 */
#define PGW_RISCV_SATP64_PPN   0x00000fffffffffffULL /**< rv64 PPN 43:0 */
#define PGW_RISCV_SATP32_MODE  0x80000000ULL /**< rv32 satp MODE (Sv32) */
#define PGW_RISCV_SATP32_PPN   0x003fffffULL /**< rv32 PPN 21:0 */
#define PGW_RISCV_SATP_BARE 0   /**< MODE values (rv64 satp and hgatp) */
#define PGW_RISCV_SATP_SV39 8   /**< hgatp: Sv39x4 */
#define PGW_RISCV_SATP_SV48 9   /**< hgatp: Sv48x4 */
#define PGW_RISCV_SATP_SV57 10  /**< hgatp: Sv57x4 */
/**@}*/

/** @name RISC-V privilege levels (struct pgw_riscv_regs.priv) */
/**@{*/
#define PGW_RISCV_PRIV_U 0
#define PGW_RISCV_PRIV_S 1
#define PGW_RISCV_PRIV_M 3
/**@}*/

/** RISC-V hart state that selects and shapes a stage-1 walk. */
struct pgw_riscv_regs {
	unsigned version;     /**< PGW_RISCV_REGS_VERSION */
	uint64_t satp;        /**< rv32: only bits 31:0 exist */
	uint64_t mstatus;     /**< SUM (bit 18), MXR (bit 19), MPRV (17),
			       *   MPP (12:11); sstatus gives SUM/MXR too */
	unsigned priv;        /**< PGW_RISCV_PRIV_U, _S or _M */
	unsigned xlen;        /**< 32 or 64 */
};
#define PGW_RISCV_REGS_VERSION 1
#define PGW_RISCV_REGS_INIT \
	{ .version = PGW_RISCV_REGS_VERSION, .priv = PGW_RISCV_PRIV_S, \
	  .xlen = 64 }

/**
 * Create a RISC-V stage-1 context from satp. satp.MODE picks the format:
 * rv32 MODE (bit 31) 0 Bare, 1 Sv32 (PPN 21:0, physical addresses of 34
 * bits); rv64 MODE (63:60) 0 Bare, 8 Sv39, 9 Sv48, 10 Sv57 (PPN 43:0,
 * 56-bit physical addresses). Bare means no translation: the context's
 * mode is PGW_MODE_NONE and every view says paging is disabled.
 *
 * Entries decode as the Privileged ISA says: V, then R|W|X make a leaf at
 * any level; W without R, bits 60:54, PBMT 3, N outside a level-0 leaf or
 * with PPN[3:0] other than 1000 (Svnapot 64 KiB), and D/A/U/N/PBMT in a
 * pointer are reserved (PGW_ERSVD, out_rsvd naming the bits; a pointer at
 * level 0 reports V); a superpage whose low PPN fields are not zero is
 * misaligned, reported as reserved with those PPN bits in out_rsvd.
 * A NAPOT PTE maps its 4 KiB page at PPN[43:4] | VPN[0][3:0].
 * out_perms: the leaf's R, W, X, U. Access checks (pgw_translate() with
 * PGW_ACC_*): U-mode (priv 0, or PGW_ACC_USER) needs U; S-mode may load and
 * store U pages only with SUM and never executes them; M-mode with MPRV
 * checks loads and stores as MPP, without MPRV as S-mode (the hart would
 * not translate at all; the walk answers for satp's tables); MXR lets
 * loads read X pages; A clear, or D clear on a store, faults as with
 * Svade (the walker never sets them). The debugger's view (access 0)
 * ignores A and D.
 * @param out  caller frees with pgw_ctx_free()
 * @return 0, PGW_EINVAL (bad version, xlen, priv, a MODE that is not one
 *         of the above, satp bits above 31 on rv32; message in @p err),
 *         PGW_ENOMEM
 */
PGW_API int pgw_ctx_new_riscv(pgw_ctx **out, const struct pgw_riscv_regs *regs,
			      const struct pgw_mem_ops *mem, void *mem_payload,
			      char *err, size_t errlen);

/**
 * Create a RISC-V G-stage (stage 2) context from hgatp, for
 * pgw_ctx_set_nested(): MODE (63:60) 8 Sv39x4, 9 Sv48x4, 10 Sv57x4; the
 * root table is 16 KiB (2 more GPA bits at the top level), at PPN with
 * PPN[1:0] read as zero. Every G-stage access counts as a U-mode access
 * (Privileged ISA 8.5.1): a leaf without U grants nothing to the guest.
 * Equivalent: pgw_ctx_new_nested() with PGW_MODE_RISCV_SV39X4/48X4/57X4
 * and root = hgatp (MODE matching, or 0 for a plain 16 KiB-aligned table
 * address).
 * @param out  caller frees with pgw_ctx_free()
 * @return 0, PGW_EINVAL (MODE Bare or not a G-stage mode; message in
 *         @p err), PGW_ENOMEM
 */
PGW_API int pgw_ctx_new_riscv_gstage(pgw_ctx **out, uint64_t hgatp,
				     const struct pgw_mem_ops *mem,
				     void *mem_payload, char *err,
				     size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* PGWALK_H */
