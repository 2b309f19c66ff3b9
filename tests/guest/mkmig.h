/*
 * Synthetic QEMU migration streams for the migration source's tests: a
 * ppc64 pseries stream (RAM pages, spapr/htab chunks, cpu sections with the
 * SLB subsection), an x86_64 pc stream and an aarch64 virt stream (cpu
 * sections with a cpreg list, page tables for TTBR0 and TTBR1), each with
 * its JSON description, plus knobs that break one thing at a time.
 */
#ifndef PGSTUB_TESTS_MKMIG_H
#define PGSTUB_TESTS_MKMIG_H

#include <stddef.h>
#include <stdint.h>

/** A growing byte buffer (the stream). */
struct mkmig_buf {
	uint8_t *p;
	size_t n, cap;
};

/** What to put in the stream; zero-initialised means "a good stream". */
struct mkmig_opts {
	int x86;                 /**< x86_64 pc machine instead of pseries */
	int ncpus;               /**< 0: 2 */
	uint32_t version;        /**< 0: 3 */
	int no_json;             /**< omit VMDESCRIPTION and its JSON */
	int bad_json;            /**< cut the JSON text in half */
	int json_wrong_size;     /**< describe env.nip as 4 bytes */
	int xbzrle_page;         /**< one page header with RAM_SAVE_FLAG_XBZRLE */
	int page_past_block;     /**< a page offset beyond its RAMBlock */
	int htab_out_of_range;   /**< an HPT chunk past the table's end */
	int bad_subsection;      /**< name the SLB subsection "cpu/slc" */
	int cpu_version;         /**< 0: the right one (ppc 5, x86 12, arm 22) */
	int arm64;               /**< aarch64 virt machine (overrides x86) */
	int cpreg_len_skew;      /**< cpreg_vmstate_array_len one too many */
	int cpreg_negative;      /**< cpreg_vmstate_array_len -1 */
	int cpreg_zero;          /**< cpreg_vmstate_array_len 0, arrays kept */
	int cpreg_unsorted;      /**< two cpreg ids swapped */
	int cpu_dup;             /**< every "cpu" section is instance 0 */
	int a64_mmu_off;         /**< SCTLR_EL1.M clear on every vCPU */
	int a64_el2;             /**< vCPU 0 at EL2 with the tables in the
				  *   _EL2 registers and the _EL1 ones
				  *   elsewhere: 1 VHE (HCR_EL2.E2H, TGE:
				  *   vCPU 1 at EL0 is EL2&0 too), 2 nVHE
				  *   (TCR_EL2 in its own layout, PS 40) */
	const char *ram_name;    /**< RAM block's name (-machine memory-backend=ID) */
	const char *machine;     /**< machine type (NULL: the arch's 7.2 one) */
	int radix;               /**< pseries radix: no HPT, spapr_patb_entry */
	int patb_size;           /**< radix: describe patb_entry as this many
				  *   bytes (0: 8) */
	int riscv;               /**< riscv64 virt machine (overrides the
				      others) */
	int rv_no_mstatus;       /**< the cpu section lacks env.mstatus */
};

/** RAM size of the synthetic machines (one block at physical 0). */
#define MKMIG_RAM (1u << 20)
/** HPT of the pseries stream: 2^18 bytes; one HPTE maps EA
 *  0xc000000000000000 (4K page, 256M segment, VSID 0x123) to 0x5000. */
#define MKMIG_HTAB_SHIFT 18
#define MKMIG_VSID 0x123u
#define MKMIG_EA 0xc000000000000000ULL
#define MKMIG_PA 0x5000u

/** aarch64 virt: RAM (MKMIG_RAM bytes) at 1 GiB; 4K granule, 39-bit VAs
 *  both halves (T0SZ = T1SZ = 25, 3 levels); TTBR0 maps MKMIG_A64_UVA with
 *  a page, TTBR1 maps MKMIG_A64_KVA with a 2M block, both to MKMIG_A64_PA,
 *  which holds MKMIG_A64_TEXT. vCPU n: x[i] = 0xa000 * (n + 1) + i. */
#define MKMIG_A64_RAM_BASE 0x40000000ULL
#define MKMIG_A64_UVA 0x10000ULL
#define MKMIG_A64_KVA 0xffffff8000005000ULL
#define MKMIG_A64_PA 0x40005000ULL
#define MKMIG_A64_TEXT "translated through TTBR0 and TTBR1"
#define MKMIG_A64_TTBR0 (0x0012000040010000ULL)   /* ASID 0x12 */
#define MKMIG_A64_TTBR1 0x40013000ULL
#define MKMIG_A64_TCR  (25ULL | 25ULL << 16 | 2ULL << 30 | 2ULL << 32)
#define MKMIG_A64_SCTLR 0x30d00801ULL             /* M set, WXN clear */
#define MKMIG_A64_MMFR0 0x32310201126ULL

/** pseries radix (opts.radix): the registered process table (4K at
 *  MKMIG_RX_PRTB, PRTS 0), LPCR[HR] set, vCPU n's PIDR n + 1. PRTE[0]'s tree
 *  (52-bit, 4K pages) maps MKMIG_RX_KVA privileged RWX to MKMIG_RX_PA;
 *  PRTE[1]'s maps MKMIG_RX_UVA user read-write there; PRTE[2] is empty. */
#define MKMIG_RX_PRTB 0x80000ULL
#define MKMIG_RX_PATB (1ULL << 63 | MKMIG_RX_PRTB)     /* GR, PRTS 0 */
#define MKMIG_RX_KVA 0xc000000000000000ULL
#define MKMIG_RX_UVA 0x10000ULL
#define MKMIG_RX_PA 0x6000u
#define MKMIG_RX_TEXT "translated through the radix tree"
/** riscv64 virt: RAM (MKMIG_RAM bytes) at 2 GiB; Sv39 satp whose root
 *  maps MKMIG_RV_UVA with a user page and MKMIG_RV_KVA with a 2M leaf,
 *  both to MKMIG_RV_PA, which holds MKMIG_RV_TEXT. Hart n: x[i] =
 *  0xb000 * (n + 1) + i, priv n (hart 0 in U-mode, hart 1 in S-mode),
 *  mstatus MKMIG_RV_MSTATUS (FS dirty, SUM). */
#define MKMIG_RV_RAM_BASE 0x80000000ULL
#define MKMIG_RV_UVA 0x10000ULL
#define MKMIG_RV_KVA 0xffffffff80005000ULL
#define MKMIG_RV_PA 0x80005000ULL
#define MKMIG_RV_TEXT "translated through satp"
#define MKMIG_RV_SATP (8ULL << 60 | 0x4321ULL << 44 | 0x80010ULL)
#define MKMIG_RV_MSTATUS (0xa00000000ULL | 0x6000ULL | 1ULL << 18 | 0x80ULL)

/** Build a stream. @return 0, or -1 out of memory; caller frees b->p. */
int mkmig_build(struct mkmig_buf *b, const struct mkmig_opts *o);

/** Offsets noted while building (for truncation messages). */
struct mkmig_marks {
	size_t first_page;       /**< header of the first RAM page */
	size_t first_cpu;        /**< first "cpu" section header */
	size_t eof;              /**< the QEMU_VM_EOF byte */
};
extern struct mkmig_marks mkmig_last_marks;

#endif
