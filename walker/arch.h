/*
 * What an MMU family (walker/<arch>/) supplies to libpgwalk's arch-neutral
 * core: its paging formats as data, the per-context decode masks that the
 * core's one walk loop applies to every descriptor, and hooks for what is
 * not a mask (access rules, flag letters) or not a radix walk at all.
 * docs/adding-an-architecture.md says how to add one.
 */
#ifndef PGW_ARCH_H
#define PGW_ARCH_H

#include "pgwalk.h"

#include <stdbool.h>
#include <stddef.h>

#define PGW_MAX_LEVELS 5
#define PGW_PROT_COLS 48   /* room arch->prot_cols may write */

/* When an entry at a level may map a page instead of a table. */
enum pgw_leaf_rule {
	PGW_LEAF_NEVER,   /* always a table pointer */
	PGW_LEAF_MAYBE,   /* as the level's decode masks say (x86 PS, arm64
			   * block, RISC-V R|W|X) */
	PGW_LEAF_ALWAYS,  /* last level */
};

struct pgw_level {
	const char *name;         /* vtop and `info pg` print it ("PML4") */
	uint8_t shift;            /* first VA bit this level's index covers */
	uint8_t bits;             /* index width */
	uint8_t leaf;             /* enum pgw_leaf_rule */
	uint8_t kind;             /* the arch's own descriptor kind: read by
				   * its hooks only, never by the core */
};

struct pgw_format {
	enum pgw_mode mode;
	const char *name;
	const struct pgw_arch *arch;
	unsigned nlevels;         /* levels; a whole-method arch names one
				   * pseudo-level (ppc64 hash: HPTE) */
	unsigned entry_size;      /* 4 or 8 */
	unsigned va_bits;         /* width of the input address */
	bool canonical;           /* sign-extended input (IA-32e, arm64) */
	bool big_endian;          /* entries are big-endian (ppc64 radix) */
	bool stage2;              /* a nested (second) stage: EPT, NPT */
	bool stage2_user;         /* as a stage 2, a page without U is
				   * unusable (AMD APM 15.25.5: NPT) */
	bool halves;              /* two input regions of va_bits each, at
				   * the bottom and the top of the space
				   * (arm64 TTBR0/TTBR1): the mode's spans */
	uint64_t root_mask;       /* table address bits of the root register */
	struct pgw_level lv[PGW_MAX_LEVELS];
};

/*
 * How one level's descriptors decode, derived once per context by the
 * arch's derive hook from the format and the control registers, so that
 * the walk loop only tests bits. An entry e is
 *  - present      iff e & present;
 *  - a leaf       iff (e ^ leaf_xor) & leaf (leaf = 0: never, ~0: always;
 *                 the core fills both for PGW_LEAF_NEVER/ALWAYS levels);
 *  - reserved     where e & (leaf ? rsvd_leaf : rsvd_table), plus what
 *                 arch->rsvd says when hook_rsvd is set;
 *  - pointing to  (e & addr) << addr_shift | (e & addr_hi) << addr_hi_shift
 *                 (next table, or a leaf's frame above its page offset;
 *                 RISC-V keeps PA bits 55:12 in entry bits 53:10; arm64
 *                 LPA2 keeps PA bits 51:50 in bits 9:8, 64K LPA PA bits
 *                 51:48 in 15:12), or arch->leaf_base (leaves) and
 *                 arch->table_base (tables) when hook_addr;
 *  - refused      for the reason arch->check gives when hook_check (arm64:
 *                 an invalid encoding, address size, access flag);
 *  - granting     PGW_PERM bit k (R, W, X, U, UX = bits 0..4), with p =
 *                 perm[leaf], iff p.always has it or (e ^ p.flip) &
 *                 p.mask[k]: a bit set in flip grants while clear (x86
 *                 NX, arm64 AP[2]). Table and leaf entries of one level
 *                 may grant by different bits (arm64 APTable/XNTable
 *                 against AP/UXN) or not at all (a RISC-V pointer).
 * Permissions combine across levels and stages by AND: an arch expresses
 * a table entry's restrictions (arm64 APTable, x86 U/S on a PDE) as the
 * permissions of that entry, and gives entries that restrict nothing
 * always = PGW_PERM_ALL.
 */
struct pgw_perm_decode {
	uint64_t mask[5];         /* R, W, X, U, UX (arm64 EL0 execute) */
	uint64_t flip;
	unsigned always;
	/* The same decode as a table, filled by the core (pgw__derive) for
	 * walk.c's fast path when the masks' bits lie in two windows of at
	 * most 8 bits together: lut[idx] for idx = window 0's bits, then
	 * window 1's above them (x86 1:2 and 63, arm64 7:6 and 54:53). */
	bool lut_ok;
	unsigned char lut_lo[2], lut_bits[2];
	unsigned lut_mask[2];     /* (1 << lut_bits[i]) - 1 */
	unsigned char lut[256];
};

struct pgw_decode {
	uint64_t present;
	uint64_t leaf, leaf_xor;
	uint64_t rsvd_table, rsvd_leaf;
	uint64_t addr;
	unsigned addr_shift;
	uint64_t addr_hi;         /* a second address field, or 0 */
	unsigned addr_hi_shift;
	uint64_t load_rsvd;       /* reserved only when the root register is
				   * loaded (x86 PAE PDPTEs): a note in vtop */
	struct pgw_perm_decode perm[2];  /* [0] table entries, [1] leaves */
	bool hook_rsvd;
	bool hook_addr;
	bool hook_check;
	bool hooked;              /* any of the three (set by the core) */
	/* check() said as masks, for walk.c's fast path: entries with a
	 * bail bit, and leaves lacking a need_leaf bit, go the general way
	 * (which reports the fault). check_masked: these say all check()
	 * would refuse at this level, so hook_check does not keep the fast
	 * path away. */
	uint64_t bail_table, bail_leaf, need_leaf;
	bool check_masked;
	/* hook_addr needed only for leaves with one of these bits set
	 * (RISC-V Svnapot's N): the fast path takes the others by the
	 * masks, and leaves those to the general loop. 0: every leaf. */
	uint64_t hook_addr_bits;
	uint64_t fast_rsvd_table, fast_rsvd_leaf;  /* rsvd | bail (core) */
};

/*
 * An MMU family. The core never names one: it reaches an arch through the
 * format of a context (fmt->arch) or the context itself (c->arch), and
 * finds formats by mode in the list of arch.c.
 */
struct pgw_arch {
	const char *name;                        /* "x86", "ppc64" */
	const struct pgw_format *const *formats; /* NULL-terminated */
	const char *regs;        /* the registers a context is built from */
	const char *root_reg;    /* the register holding the root ("CR3") */
	const enum pgw_fault_reason *faults;     /* reasons it reports beyond
						  * the core's, 0-terminated */

	/* Radix formats. Required: fill c->m[level] for every level
	 * (struct pgw_decode) from c->fmt and the context's registers. */
	void (*derive)(pgw_ctx *c);
	/* Optional (if NULL, no level sets hook_rsvd): reserved encodings a
	 * mask cannot say (EPT misconfigurations), as a bit set or 0. */
	uint64_t (*rsvd)(const pgw_ctx *c, int level, uint64_t e, bool leaf);
	/* Optional (if NULL, no level sets hook_addr): a leaf's frame where
	 * its address bits are not contiguous (x86 PSE-36), or where it
	 * depends on the input index @idx (any index inside the entry's
	 * span): a RISC-V Svnapot PTE maps each of its 16 pages to
	 * PPN[43:4] | VPN[0][3:0]. */
	uint64_t (*leaf_base)(const pgw_ctx *c, int level, uint64_t e,
			      uint64_t idx);
	/* Optional (if NULL, no level sets hook_addr): the table a table
	 * entry points to where its address bits are not contiguous (arm64
	 * 52-bit LPA/LPA2). */
	uint64_t (*table_base)(const pgw_ctx *c, int level, uint64_t e);
	/* Optional (if NULL, no level sets hook_check): a fault reason for
	 * an entry that is present and free of reserved bits but still
	 * refused (arm64: a block where none may be, address size, access
	 * flag), or PGW_FAULT_NONE. */
	enum pgw_fault_reason (*check)(const pgw_ctx *c, int level, uint64_t e,
				       bool leaf);
	/* Required: may @access touch a page with @perms and @pkey? (the
	 * arch's own rules: x86 WP, SMEP, SMAP, protection keys). */
	bool (*access_ok)(const pgw_ctx *c, unsigned perms, int pkey,
			  unsigned access);
	/* Optional (if NULL, pgw_access() names the missing permission
	 * from the effective perms): why access_ok refuses @access. */
	enum pgw_deny (*access_deny)(const pgw_ctx *c, unsigned perms,
				     int pkey, unsigned access);
	/* Optional (if NULL, no code): the architecture's fault code for
	 * what pgw_access() found in @a; returns 1 when there is one. */
	int (*fault_code)(const pgw_ctx *c, const struct pgw_access *a,
			  unsigned access, uint64_t *code);
	/* Optional: set up a stage-2 context (pgw_ctx_new_nested) of
	 * c->fmt (a stage2 format) for @root; if NULL, the arch has none. */
	int (*new_stage2)(pgw_ctx *c, uint64_t root, int nxe, char *err,
			  size_t errlen);
	/* Required: `info pg` and vtop flag letters, 10 characters plus NUL,
	 * and the bits they show (runs of equal keys fold). */
	void (*flag_letters)(const struct pgw_level *lv, uint64_t e,
			     char out[11]);
	uint64_t (*flag_key)(const struct pgw_level *lv, uint64_t e);
	/* Optional (if NULL, access_ok alone decides): what the leaf entry
	 * itself says about @access once access_ok has allowed it (RISC-V
	 * Svade: A clear, or D clear on a store, faults). */
	bool (*leaf_access_ok)(const pgw_ctx *c, uint64_t leaf,
			       unsigned access);
	/* Optional: `info tlb` flag letters of a leaf, written at @p; returns
	 * the end. If NULL (and no view_tlb), info tlb is refused. */
	char *(*tlb_flags)(const struct pgw_level *lv, uint64_t e, char *p);
	/* Optional, both or neither (if NULL, `info mem` prints QEMU's x86
	 * "urw" letters of U and W, and `info tlb` the flag letters alone): a
	 * leaf's protection as `info mem` keys it (runs of equal keys merge),
	 * and the columns that key prints (arm64: EL1 and EL0 rwx, the memory
	 * type), written at @p (at most PGW_PROT_COLS bytes); returns the end.
	 * @c is the context the view was asked of. */
	uint64_t (*prot_key)(const pgw_ctx *c, const struct pgw_leaf *l);
	char *(*prot_cols)(const pgw_ctx *c, uint64_t key, char *p);

	/* Whole methods, for families that are not a radix walk (ppc64
	 * hash). Optional: if NULL, the core's radix walk serves. */
	int (*translate)(pgw_ctx *c, uint64_t va, unsigned access,
			 struct pgw_result *out, struct pgw_fault *fault,
			 struct pgw_trace *trace);
	int (*walk)(pgw_ctx *c, const struct pgw_walk_filter *filter,
		    const struct pgw_walk_ops *ops, void *payload);
	int (*view_pg)(pgw_ctx *c, const struct pgw_pg_opts *opt,
		       pgw_write_fn write, void *payload);
	int (*view_vtop)(pgw_ctx *c, uint64_t va, pgw_write_fn write,
			 void *payload);
	int (*view_tlb)(pgw_ctx *c, pgw_write_fn write, void *payload);
	/* Optional (if NULL, the core's: QEMU's x86 layout, or prot_cols):
	 * `info mem` where QEMU prints another layout for the arch (RISC-V:
	 * "vaddr paddr size attr"); radix arches build it on pgw_walk(). */
	int (*view_mem)(pgw_ctx *c, pgw_write_fn write, void *payload);
};

/* The format of @mode, from the arches of arch.c; NULL if none. */
const struct pgw_format *pgw__format(enum pgw_mode mode);

/* The registered arches, NULL-terminated (arch.c). */
extern const struct pgw_arch *const pgw__arches[];

#endif /* PGW_ARCH_H */
