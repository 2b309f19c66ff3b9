/*
 * Internals of the QEMU migration-stream source, shared by the stream
 * walker (migration.c) and the JSON-description reader that sizes device
 * sections and decodes the CPU sections (migration_vmdesc.c).
 */
#ifndef PGSTUB_MIGRATION_PRIV_H
#define PGSTUB_MIGRATION_PRIV_H

#include "guest_priv.h"

#include <jansson.h>

/* Stream bytes (QEMU migration/savevm.c and ram.c, version 3 streams). */
#define MIG_MAGIC            0x5145564du  /* "QEVM" */
#define MIG_VERSION          3u
#define MIG_VERSION_COMPAT   2u           /* pre-0.13 streams: refused */
#define MIG_EOF              0x00
#define MIG_SECTION_START    0x01
#define MIG_SECTION_PART     0x02
#define MIG_SECTION_END      0x03
#define MIG_SECTION_FULL     0x04
#define MIG_SUBSECTION       0x05
#define MIG_VMDESCRIPTION    0x06
#define MIG_CONFIGURATION    0x07
#define MIG_COMMAND          0x08
#define MIG_SECTION_FOOTER   0x7e

/* A bounded reader over the mapped stream; the first failure sticks. */
struct mig_cur {
	const uint8_t *base;
	uint64_t off, end;
	const char *what;     /* section being read, for messages */
	char *err;
	size_t errlen;
	int failed;
};

/* A flattened field of a device section located through the JSON. */
struct mig_field {
	char name[96];        /* "env.gpr", "cpu/slb:env.slb", "env.segs.base" */
	uint64_t off;         /* file offset of element 0 */
	uint64_t stride;      /* bytes between elements */
	uint64_t size;        /* bytes of one element (of this member) */
	uint64_t n;           /* element count */
};

/* One device (FULL) section. */
struct mig_dev {
	char name[257];
	uint32_t instance, version;
	uint64_t off, end;    /* data bytes [off, end) in the file */
	json_t *desc;         /* borrowed from the parsed description */
};

/* One RAMBlock of the stream. */
struct mig_block {
	char name[257];
	uint64_t len;         /* used_length */
	uint64_t gpa;         /* where it is mapped; MIG_NOT_MAPPED if not */
	uint64_t npages;
	/* Per page, in chunks of MIG_CHUNK_PAGES allocated when a page of
	 * theirs is sent (NULL: none was): 0 never sent; MIG_ZERO_PAGE | fill
	 * byte; else the file offset of its TARGET_PAGE_SIZE bytes (always >
	 * 8: the magic). */
	uint64_t **chunk;
	/* Indexes of the chunks allocated, so that freeing visits those and
	 * not every slot of a 2^52-byte block's 2^24-entry directory. */
	uint32_t *used;
	size_t nused, capused;
};
#define MIG_CHUNK_SHIFT 16
#define MIG_CHUNK_PAGES (1u << MIG_CHUNK_SHIFT)   /* 256 MiB of RAM */
/* Guest-physical addresses have at most 52 bits (x86 MAXPHYADDR, the
 * Power ISA's real addresses are no wider in QEMU): no RAMBlock is larger. */
#define MIG_MAX_BLOCK   (1ULL << 52)
#define MIG_NOT_MAPPED  UINT64_MAX
#define MIG_ZERO_PAGE   (1ULL << 63)
#define MIG_PAGE_SIZE   4096u

struct mig {
	char machine[257];    /* configuration section, e.g. "pseries-7.2" */
	char ram_note[96];    /* for the description: RAM from a backend */
	uint64_t ram_total;
	struct mig_block *blk;
	size_t nblk;
	struct mig_dev *dev;
	size_t ndev;
	json_t *vmdesc;
	uint64_t vmdesc_off;  /* offset of the JSON text */
	/* spapr/htab: the HPT rebuilt from the chunk records (libpgwalk's
	 * decoder); htab_shift 0 when there is no such section, -1 when it
	 * says "no HPT" (radix guest). */
	int htab_shift;
	pgw_htab *htab;
	uint64_t htab_sections;
	/* RAM record state that spans sections (RAM_SAVE_FLAG_CONTINUE). */
	struct mig_block *last_blk;
	uint64_t pages_normal, pages_zero;
	/* Guest-physical placement: physmap tag -> (block, offset). */
	struct mig_place { size_t blk; uint64_t blk_off; } place[8];
	size_t nplace;
};

/* migration_vmdesc.c */
/**
 * Size the device section at @p c->off described by @p desc (an element of
 * the description's "devices"), checking every subsection header.
 * @return 0 with c->off past the section's data, or -1 (message set)
 */
int mig__vmdesc_skip(struct mig_cur *c, json_t *desc);
/**
 * Locate the fields of a device section (flattened; struct members named
 * "field.member", subsection fields "subsection:field").
 * @return number of fields (caller frees *out), or -1
 */
int mig__vmdesc_fields(const guest *g, const struct mig_dev *d,
		       struct mig_field **out, char *err, size_t errlen);
/** Decode the "cpu" sections into g->cpu / g->ppc / g->a64. */
int mig__cpus_decode(guest *g, struct mig *m, char *err, size_t errlen);
/** pseries: the process-table entry of section "spapr" (subsection
 *  spapr_patb_entry) into g->ppc_patb, when the stream has one. */
int mig__spapr_patb(guest *g, struct mig *m, char *err, size_t errlen);

/* The located fields of one "cpu" section, for the per-architecture
 * decoders (migration_vmdesc.c, arm64_mig.c). */
struct mig_cpu_fields {
	const guest *g;
	const struct mig_field *f;
	int n;
	const struct mig_dev *d;
	char *err;
	size_t errlen;
	int missing;          /* a field had the wrong shape (message set) */
};
/**
 * The field @p name when it has @p size-byte elements and at least
 * @p min_n of them; NULL when absent, or (message set, cf->missing) when
 * its shape differs.
 */
const struct mig_field *mig__cpu_field(struct mig_cpu_fields *cf,
				       const char *name, uint64_t size,
				       uint64_t min_n);
/** Element @p i of a big-endian integer field. */
uint64_t mig__cpu_get(const struct mig_cpu_fields *cf,
		      const struct mig_field *f, uint64_t i);
/** 0 when @p f is there; else -1, saying the section lacks @p name. */
int mig__cpu_need(struct mig_cpu_fields *cf, const struct mig_field *f,
		  const char *name);

/* arm64_mig.c */
/** vmstate_arm_cpu's version in QEMU 7.2 (target/arm/machine.c). */
#define MIG_ARM_CPU_VERSION 22u
/** Nonzero when the located fields are an Arm "cpu" section. */
int mig__arm64_is_cpu(struct mig_cpu_fields *cf);
/** Decode an Arm "cpu" section into @p a (core registers and the system
 *  registers of its cpreg list). @return 0, or -1 (message set) */
int mig__arm64_cpu(struct mig_cpu_fields *cf, struct guest_arm64_cpu *a);

/* riscv_mig.c */
/** vmstate_riscv_cpu's version in QEMU 7.2 (target/riscv/machine.c). */
#define MIG_RISCV_CPU_VERSION 5u
/** XLEN (64 or 32) when the located fields are a RISC-V "cpu" section,
 *  else 0. */
int mig__riscv_is_cpu(struct mig_cpu_fields *cf);
/** Decode a RISC-V "cpu" section into @p c (x1-x31, pc, priv, the CSRs;
 *  sstatus from mstatus). @return 0, or -1 (message set) */
int mig__riscv_cpu(struct mig_cpu_fields *cf, struct guest_riscv_cpu *c);

/* Cursor helpers (migration.c). */
int mig__fail(struct mig_cur *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int mig__need(struct mig_cur *c, uint64_t n);
uint8_t mig__u8(struct mig_cur *c);
uint32_t mig__be32(struct mig_cur *c);

static inline uint32_t mig__load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

#endif /* PGSTUB_MIGRATION_PRIV_H */
