/*
 * Writes the seed corpora of the walker fuzz targets (corpus/walk, nested,
 * hash) into DIR: one input per mode with real chained tables built by the
 * walker tests' ptbuilder, laid out as fuzz_walk.c, fuzz_nested.c and
 * fuzz_hash.c read them. Run once: tests/fuzz/mkwalkseeds DIR.
 */
#include "ptbuilder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define P  0x1ULL
#define W  0x2ULL
#define U  0x4ULL
#define PS 0x80ULL
#define G  0x100ULL
#define NX (1ULL << 63)
#define ERWX 0x7ULL
#define EWB (6ULL << 3)

/* Little-endian output buffer. */
struct buf {
	unsigned char b[80 * 1024];
	size_t n;
};

static void put(struct buf *o, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		o->b[o->n++] = (unsigned char)(v >> (8 * i));
}

static void save(const char *dir, const char *sub, const char *name,
		 const struct buf *o)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(o->b, 1, o->n, f) != o->n || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* The used part of fake memory: every page up to the last table. */
static void put_mem(struct buf *o, const struct ptb *b)
{
	memcpy(o->b + o->n, b->mem, b->next);
	o->n += b->next;
}

/* ---- fuzz_walk -------------------------------------------------------- */

static void walk_seed(const char *dir, const char *name, unsigned mode,
		      unsigned ctl, const struct ptb *b, uint64_t cr3,
		      const uint64_t va[4], uint64_t start, uint64_t last)
{
	static struct buf o;

	o.n = 0;
	put(&o, mode, 1);
	put(&o, ctl, 1);
	put(&o, 0, 1);        /* MAXPHYADDR 52 */
	put(&o, 40, 1);       /* alias: bits from 52 up ignored */
	put(&o, 31, 1);       /* budget 32 tables */
	put(&o, 0x3, 1);      /* read+write */
	put(&o, 0x08, 1);     /* need U */
	put(&o, 0, 1);
	put(&o, cr3, 8);
	put(&o, 0, 8);        /* cr0, cr4, efer (raw mode only) */
	put(&o, 0, 8);
	put(&o, 0, 8);
	put(&o, 0, 4);        /* pkru, pkrs */
	put(&o, 0, 4);
	for (int i = 0; i < 4; i++)
		put(&o, 0, 8);
	for (int i = 0; i < 4; i++)
		put(&o, va[i], 8);
	put(&o, start, 8);
	put(&o, last, 8);
	put(&o, 0x200000, 8); /* not-RAM [2M, 3M) */
	put(&o, 0x300000, 8);
	put_mem(&o, b);
	save(dir, "walk", name, &o);
}

static void walk_seeds(const char *dir)
{
	struct ptb b;
	uint64_t root;

	/* 32-bit with PSE: PD[0]→PT[1] 4K, PD[1] 4M, PD[0x300] 4M above 4G
	 * (PSE-36 bits 39:32 = 1). */
	ptb_init(&b, 64 * 1024);
	root = ptb_page(&b);
	ptb_map(&b, PGW_MODE_X86_32, root, 0x1000, 1, 0x5000 | P | W | U,
		P | W | U);
	ptb_map(&b, PGW_MODE_X86_32, root, 0x2000, 1, 0x6000 | P, P | W | U);
	ptb_map(&b, PGW_MODE_X86_32, root, 0x400000, 0, 0x800000 | PS | P | W,
		0);
	ptb_map(&b, PGW_MODE_X86_32, root, 0xc0000000, 0,
		0x1000000 | (1 << 13) | PS | P | G, 0);
	walk_seed(dir, "x86_32-pse", 0, 0x1 | 0x4, &b, root,
		  (const uint64_t[4]){ 0x1234, 0x400abc, 0xc0123456, 0x3000 },
		  0, 0xffffffff);
	ptb_fini(&b);

	/* PAE: PDPT (32 bytes) → PD[0]→PT 4K pages, PD[1] 2M NX. */
	ptb_init(&b, 64 * 1024);
	root = ptb_page(&b);
	ptb_map(&b, PGW_MODE_X86_PAE, root, 0x1000, 2, 0x7000 | P | W | U,
		P | W | U);
	ptb_map(&b, PGW_MODE_X86_PAE, root, 0x2000, 2, 0x8000 | P | U, P | W | U);
	ptb_map(&b, PGW_MODE_X86_PAE, root, 0x200000, 1,
		0x400000 | PS | P | W | NX, P | W | U);
	ptb_map(&b, PGW_MODE_X86_PAE, root, 0xc0000000, 2, 0x9000 | P | W,
		P | W);
	walk_seed(dir, "pae", 1, 0x2 | 0x4, &b, root,
		  (const uint64_t[4]){ 0x1abc, 0x2fffff, 0xc0000123, 0x40000000 },
		  0x1000, 0x3fffff);
	ptb_fini(&b);

	/* 4-level: 4K, 2M, 1G, a kernel half mapping, a PT with a run. */
	ptb_init(&b, 64 * 1024);
	root = ptb_page(&b);
	for (uint64_t i = 0; i < 8; i++)
		ptb_map(&b, PGW_MODE_X86_4L, root, 0x400000 + i * 0x1000, 3,
			(0x100000 + i * 0x1000) | P | W | U, P | W | U);
	ptb_map(&b, PGW_MODE_X86_4L, root, 0x600000, 2,
		0x200000 | PS | P | W | U | NX, P | W | U);
	ptb_map(&b, PGW_MODE_X86_4L, root, 0x40000000, 1,
		0x40000000 | PS | P | W, P | W | U);
	ptb_map(&b, PGW_MODE_X86_4L, root, 0xffffffff81000000ULL, 2,
		0x1000000 | PS | P | G, P | W);
	ptb_map(&b, PGW_MODE_X86_4L, root, 0x7ffffffff000ULL, 3,
		0x3000 | P | U | NX, P | W | U);
	walk_seed(dir, "x86_4l", 2, 0x2 | 0x4 | 0x8, &b, root,
		  (const uint64_t[4]){ 0x400123, 0x6abcde, 0xffffffff81234567ULL,
				       0x7ffffffffabcULL },
		  0x401000, 0xffffffff80000000ULL);
	/* The same tables read through map(), with keys on. */
	walk_seed(dir, "x86_4l-map-pke", 2 | 8, 0x2 | 0x20, &b, root,
		  (const uint64_t[4]){ 0x400123, 0x40000000, 0x800000000000ULL,
				       0x7ffffffffabcULL },
		  0, ~0ULL);
	/* And mapped at a misaligned host address (RAM at an odd dump
	 * offset). */
	walk_seed(dir, "x86_4l-map-misaligned", 2 | 8 | 64, 0x2 | 0x4, &b, root,
		  (const uint64_t[4]){ 0x400123, 0x6abcde, 0xffffffff81234567ULL,
				       0x40000000 },
		  0, ~0ULL);
	ptb_fini(&b);

	/* 4-level tables that alias themselves: every entry of the one
	 * page points back to it, at every level (512^3 tables, and 2^36
	 * pages for the walk budget to cut short). */
	ptb_init(&b, 8 * 1024);
	root = ptb_page(&b);
	for (unsigned i = 0; i < 512; i++)
		ptb_put(&b, root + 8 * i, root | P | W | U, 8);
	walk_seed(dir, "x86_4l-self-alias", 2, 0x4, &b, root,
		  (const uint64_t[4]){ 0, 0x7fffffffffffULL, 0x123456789000ULL,
				       0xffff800000000000ULL },
		  0x1000, 0x1fffff);
	ptb_fini(&b);

	/* 5-level: a page above the 4-level space, and a 1G page. */
	ptb_init(&b, 64 * 1024);
	root = ptb_page(&b);
	ptb_map(&b, PGW_MODE_X86_5L, root, 0x1000, 4, 0xa000 | P | W | U,
		P | W | U);
	ptb_map(&b, PGW_MODE_X86_5L, root, 0x100000000000000ULL - 0x1000, 4,
		0xb000 | P | W, P | W | U);
	ptb_map(&b, PGW_MODE_X86_5L, root, 0xff00000000000000ULL, 2,
		0x80000000 | PS | P | W, P | W);
	walk_seed(dir, "x86_5l", 3 | 8, 0x2 | 0x4, &b, root,
		  (const uint64_t[4]){ 0x1fff, 0xfffffffff000ULL,
				       0xff00000012345678ULL, 0xfffff000ULL },
		  0, ~0ULL);
	ptb_fini(&b);
}

/* ---- fuzz_nested ------------------------------------------------------ */

/*
 * Host memory (64K): nested tables from 0x1000; GPA [0, 32K) is HPA
 * [32K, 64K) in 4K nested pages, where the guest's own tables live.
 */
#define GBASE 0x8000ULL

static void nested_seed(const char *dir, const char *name, unsigned gmode,
			unsigned nmode)
{
	static const enum pgw_mode gm[4] = {
		PGW_MODE_X86_32, PGW_MODE_X86_PAE, PGW_MODE_X86_4L,
		PGW_MODE_X86_5L,
	};
	static const enum pgw_mode nm[4] = {
		PGW_MODE_EPT4, PGW_MODE_EPT5, PGW_MODE_NPT4, PGW_MODE_NPT5,
	};
	static struct buf o;
	enum pgw_mode g = gm[gmode & 3], n = nm[nmode & 3];
	int ept = (nmode & 3) < 2;
	uint64_t tf = ept ? ERWX : P | W | U, leaf = ept ? ERWX | EWB : P | W | U;
	struct ptb host, gv;
	uint64_t nroot, groot;
	const struct ptb_geom *gg = ptb_geom(g), *ng = ptb_geom(n);
	uint64_t va[4];

	ptb_init(&host, 64 * 1024);
	nroot = ptb_page(&host);
	for (uint64_t gpa = 0; gpa < 0x8000; gpa += 0x1000)
		ptb_map(&host, n, nroot, gpa, (int)ng->levels - 1,
			(GBASE + gpa) | leaf, tf);
	/* GPA 2M as a 2M nested page, read-only. */
	ptb_map(&host, n, nroot, 0x200000, (int)ng->levels - 2,
		0x400000 | PS | (ept ? 1 | EWB : P | U), tf);
	gv.mem = host.mem + GBASE;
	gv.size = 0x8000;
	gv.next = 0x1000;
	groot = ptb_page(&gv);
	/* GVA 0x1000 → GPA 0x2000 (a guest table page: readable); GVA
	 * 0x3000 → GPA 0x200000 (the 2M nested page); GVA 0x5000 → GPA
	 * 0x10000 (not in the nested tables). */
	ptb_map(&gv, g, groot, 0x1000, (int)gg->levels - 1, 0x2000 | P | W | U,
		P | W | U);
	ptb_map(&gv, g, groot, 0x3000, (int)gg->levels - 1,
		0x200000 | P | W | U, P | W | U);
	ptb_map(&gv, g, groot, 0x5000, (int)gg->levels - 1, 0x10000 | P | W,
		P | W | U);
	/* A large guest page over 4K nested pages. */
	ptb_map(&gv, g, groot, 0x400000, (int)gg->levels - 2,
		0 | PS | P | W | U, P | W | U);
	va[0] = 0x1234;
	va[1] = 0x3456;
	va[2] = 0x5000;
	va[3] = 0x401abc;
	o.n = 0;
	put(&o, gmode, 1);
	put(&o, nmode | 4, 1);   /* NPT honours NX */
	put(&o, 0x5, 1);         /* CR4.PSE, CR0.WP */
	put(&o, 0, 1);
	put(&o, 0, 1);
	put(&o, 40, 1);
	put(&o, 31, 1);
	put(&o, 0x3, 1);
	put(&o, 0, 1);
	put(&o, 0, 1);
	put(&o, 0, 6);
	put(&o, groot, 8);
	put(&o, nroot | (ept ? (uint64_t)(ng->levels - 1) << 3 | 6 : 0), 8);
	put(&o, 0, 4);
	put(&o, 0, 4);
	for (int i = 0; i < 4; i++)
		put(&o, 0, 8);
	for (int i = 0; i < 4; i++)
		put(&o, va[i], 8);
	put(&o, 0, 8);
	put(&o, ~0ULL, 8);
	memcpy(o.b + o.n, host.mem, 0x8000 + gv.next);
	o.n += 0x8000 + gv.next;
	save(dir, "nested", name, &o);
	ptb_fini(&host);
}

/* ---- fuzz_hash -------------------------------------------------------- */

#define HV   PGW_HPTE0_V
#define HL   PGW_HPTE0_L
#define HH   PGW_HPTE0_H
#define ESV  PGW_SLB_ESID_V
#define B1T  PGW_SLB_VSID_B_1T

static void be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

/* HPTE (grp, slot) of a 2^18 table, aliased into the 64K image. */
static void hpte(unsigned char *img, uint64_t grp, unsigned slot,
		 uint64_t pte0, uint64_t pte1)
{
	unsigned char *p = img + (((grp * 8 + slot) * 16) & 0xffff);

	be64(p, pte0);
	be64(p + 8, pte1);
}

static void hash_seed(const char *dir, const char *name, unsigned src,
		      const struct pgw_ppc64_slbe *slb, unsigned nslb,
		      const uint64_t va[4], const unsigned char *img)
{
	static struct buf o;

	o.n = 0;
	put(&o, nslb, 1);
	put(&o, src, 1);
	put(&o, 0, 1);           /* 2^18 */
	put(&o, 4, 1);           /* alias: bits from 16 up ignored */
	put(&o, 15, 1);          /* budget */
	put(&o, 0x1, 1);         /* read */
	put(&o, 0, 1);
	put(&o, 0, 1);
	put(&o, 0x40000, 8);     /* SDR1: HTABORG 256K, HTABSIZE 0 */
	put(&o, 0, 8);           /* AMR, IAMR */
	put(&o, 0, 8);
	for (int i = 0; i < 4; i++)
		put(&o, va[i], 8);
	put(&o, 0, 8);
	put(&o, ~0ULL, 8);
	for (unsigned i = 0; i < 16; i++) {
		put(&o, i < nslb ? slb[i].esid : 0, 8);
		put(&o, i < nslb ? slb[i].vsid : 0, 8);
	}
	memcpy(o.b + o.n, img, 0x10000);
	o.n += 0x10000;
	save(dir, "hash", name, &o);
}

static void hash_seeds(const char *dir)
{
	static unsigned char img[0x10000];
	const struct pgw_ppc64_slbe slb[] = {
		{ 0xc000000000000000ULL | ESV,
		  (0x789ULL << 12) | PGW_SLB_VSID_16M | PGW_SLB_VSID_KP },
		{ 0x10000000 | ESV, (0x123ULL << 12) | PGW_SLB_VSID_KP },
		{ 0xd000000000000000ULL | ESV,
		  (0x99ULL << 12) | PGW_SLB_VSID_64K | PGW_SLB_VSID_KP },
		{ 0x30000000000ULL | ESV, B1T | (0x1234ULL << 24) },
		{ 0x200000000000ULL | ESV, B1T | (5ULL << 24) | PGW_SLB_VSID_16G },
		{ 0x20000000 | ESV, (0x456ULL << 12) | PGW_SLB_VSID_64K },
	};
	const uint64_t va[4] = { 0xc000000003123456ULL, 0x10000abc,
				 0x30012345678ULL, 0x200412345678ULL };

	/* The walker tests' mixed table (test_ppc64_hash.c build_mixed). */
	hpte(img, 0x78a, 7, (0x789ULL << 12) | 0x300 | HL | HV, 0x5000000);
	hpte(img, 0x789, 0, (0x789ULL << 12) | HL | HV, 0x4000000 | 3);
	hpte(img, 0x126, 0, (0x123ULL << 12) | HV, 0x7654000 | 2);
	hpte(img, ~0x126ULL & 0x7ff, 0, (0x123ULL << 12) | HH | HV, 0x1111000);
	hpte(img, 0x123 ^ 6, 1, (0x123ULL << 12) | HV, 0x7655000 | 2);
	hpte(img, 0x132, 0, (0x99ULL << 12) | 0x180 | HL | HV,
	     0x6000000 | (0x8 << 12));
	hpte(img, 0x171, 2, B1T | (0x1234ULL << 24) | 0x1200 | HV, 0x9999000);
	hpte(img, 0x500, 0, (0x5555ULL << 12) | HV, 0x1000);
	hpte(img, 4, 1, B1T | (5ULL << 24) | 0x40000 | HL | HV,
	     0x800000000ULL | (0x3 << 12));
	hpte(img, 0x575, 0, (0x456ULL << 12) | 0x100 | HL | HV,
	     0x40000000 | (0x1 << 12));
	hash_seed(dir, "hpte-ops", 0, slb, 6, va, img);
	hash_seed(dir, "hpte-ops-next-used-json", 0x2 | 0x4 | 0x20, slb, 6, va,
		  img);
	hash_seed(dir, "htab-in-memory-map", 0x1 | 0x80, slb, 6, va, img);
	hash_seed(dir, "htab-in-memory-amr-isl", 0x1 | 0x10 | 0x40, slb, 6, va,
		  img);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	mkdir(argv[1], 0755);
	walk_seeds(argv[1]);
	for (unsigned g = 0; g < 4; g++)
		for (unsigned n = 0; n < 4; n++) {
			static const char *gn[] = { "x86_32", "pae", "4l", "5l" };
			static const char *nn[] = { "ept4", "ept5", "npt4", "npt5" };
			char name[64];

			/* Every guest mode over one nested mode, and a
			 * 4-level guest over every nested mode. */
			if (g != 2 && n != (g & 3))
				continue;
			snprintf(name, sizeof(name), "%s-over-%s", gn[g], nn[n]);
			nested_seed(argv[1], name, g | (g == 1 ? 0 : 4), n);
		}
	/* 4-level over EPT, zero-copy from a misaligned image. */
	nested_seed(argv[1], "4l-over-ept4-misaligned", 2 | 4 | 32, 0);
	hash_seeds(argv[1]);
	return 0;
}
