/*
 * ppc64 hashed page table: SLB lookup, both hashes and segment sizes, every
 * page size, MPSS, secondary PTEGs, protection, invalid SLB/HPTE cases, the
 * reverse walk and the hash views, on an HPT built by hand (2^18 bytes).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pgwalk.h"

#define SHIFT 18                      /* 256 KiB: 2048 PTEGs */
#define NHPTE (1u << (SHIFT - 4))
#define MASK  0x7ffULL
#define V     PGW_HPTE0_V
#define L     PGW_HPTE0_L
#define H     PGW_HPTE0_H
#define B1T   PGW_SLB_VSID_B_1T
#define ESV   PGW_SLB_ESID_V

struct fx {
	unsigned char hpt[NHPTE * 16];
	struct pgw_ppc64_slbe slb[8];
	unsigned nslb;
	struct pgw_ppc64_regs regs;
	pgw_ctx *ctx;
	int reads;
};

static int hpt_read(uint64_t index, unsigned n, void *buf, void *payload)
{
	struct fx *f = payload;

	f->reads++;
	if (index + n > NHPTE)
		return -1;
	memcpy(buf, f->hpt + index * 16, (size_t)n * 16);
	return 0;
}

static const struct pgw_hpte_ops hpt_ops = { .read = hpt_read };

static void put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

/* HPTE @slot of PTEG @grp. */
static void hpte(struct fx *f, uint64_t grp, unsigned slot, uint64_t pte0,
		 uint64_t pte1)
{
	unsigned char *p = f->hpt + (grp * 8 + slot) * 16;

	put_be64(p, pte0);
	put_be64(p + 8, pte1);
}

static void slb(struct fx *f, unsigned i, uint64_t esid, uint64_t vsid)
{
	f->slb[i].esid = esid;
	f->slb[i].vsid = vsid;
	if (i + 1 > f->nslb)
		f->nslb = i + 1;
}

static pgw_ctx *mk(struct fx *f)
{
	char err[128];

	pgw_ctx_free(f->ctx);
	f->ctx = NULL;
	f->regs.version = PGW_PPC64_REGS_VERSION;
	f->regs.slb = f->slb;
	f->regs.nslb = f->nslb;
	f->regs.htab_shift = SHIFT;
	assert_int_equal(pgw_ctx_new_ppc64_hash(&f->ctx, &f->regs, &hpt_ops, f,
						NULL, NULL, err, sizeof(err)),
			 0);
	assert_int_equal(pgw_ctx_mode(f->ctx), PGW_MODE_PPC64_HASH);
	return f->ctx;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	pgw_ctx_free(f->ctx);
	free(f);
	return 0;
}

/* 256M segment ESID 1, VSID 0x123, 4K base: ea 0x10005abc has p = 5, hash
 * 0x123 ^ 5 = 0x126, AVPN = VSID << 12 (EA bits 27:23 zero). */
static void test_ppc64_hash__4k_256m_primary(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_trace t;

	slb(f, 0, 0x10000000 | ESV, 0x123ULL << 12);
	hpte(f, 0x126, 3, (0x123ULL << 12) | V, 0x7654000 | 0x2);
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005abc, 0, &r, NULL, &t), 0);
	assert_int_equal(r.out_pa, 0x7654abc);
	assert_int_equal(r.out_page_size, 4096);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_X |
			 PGW_PERM_U);
	assert_int_equal(r.out_entry, 0x7654002);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.step[0].level_name, "SLB");
	assert_int_equal(t.step[0].entry2, 0x123000);
	assert_string_equal(t.step[1].level_name, "PTEG");
	assert_int_equal(t.step[1].hash, 0x126);
	assert_int_equal(t.step[1].index, 0x126);
	assert_string_equal(t.step[2].level_name, "HPTE");
	assert_int_equal(t.step[2].index, 3);
	assert_int_equal(t.step[2].entry, 0x123001);
	assert_int_equal(t.step[2].entry2, 0x7654002);
	assert_int_equal(t.step[2].entry_addr, (0x126 * 8 + 3) * 16);
	/* The next 4K page hashes to PTEG 0x125, which is empty. */
	assert_int_equal(pgw_translate(f->ctx, 0x10006000, 0, &r, NULL, NULL),
			 PGW_ENOTMAPPED);
}

/* 64K base, 64K page (LP 0x1): ea 0x21234567, p = 0x123, VSID 0x456, hash
 * 0x575, AVPN holds EA bits 27:23 = 0x100 >> 7. */
static void test_ppc64_hash__64k_page(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;

	slb(f, 0, 0x20000000 | ESV, (0x456ULL << 12) | PGW_SLB_VSID_64K);
	hpte(f, 0x575, 0, (0x456ULL << 12) | 0x100 | L | V,
	     0x40000000 | (0x1 << 12));
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x21234567, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x40004567);
	assert_int_equal(r.out_page_size, 0x10000);
}

/* 16M base, 16M page (LP 0): kernel ESID 0xc000000000000000 + 0x3000000,
 * p = 3, VSID 0x789, hash 0x78a, AVPN = EA bits 27:23 = 0x300 >> 7. */
static void test_ppc64_hash__16m_page(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;

	slb(f, 0, 0xc000000000000000ULL | ESV,
	    (0x789ULL << 12) | PGW_SLB_VSID_16M);
	hpte(f, 0x78a, 7, (0x789ULL << 12) | 0x300 | L | V, 0x5000000);
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0xc000000003123456ULL, 0, &r,
				       NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x5123456);
	assert_int_equal(r.out_page_size, 0x1000000);
}

/* 1T segment at 0x200000000000, VSID 5, 16G base (LLP 0x120): ea_seg
 * 0x412345678 is in 16G page p = 1; hash = 5 ^ (5 << 25) ^ 1, PTEG 4;
 * AVPN = EA bits 39:23 = 0x40000 >> 7; RPN 0x800000000 with LP 0x3. */
static void test_ppc64_hash__16g_page_1t_hash(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_trace t;

	slb(f, 0, 0x200000000000ULL | ESV,
	    B1T | (5ULL << 24) | PGW_SLB_VSID_16G);
	hpte(f, 4, 1, B1T | (5ULL << 24) | 0x40000 | L | V,
	     0x800000000ULL | (0x3 << 12));
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x200412345678ULL, 0, &r, NULL,
				       &t), 0);
	assert_int_equal(r.out_pa, 0x812345678ULL);
	assert_int_equal(r.out_page_size, 1ULL << 34);
	assert_int_equal(t.step[1].hash, 5 ^ (5ULL << 25) ^ 1);
}

/* 1T segment, 4K base, VSID 0x1234: ea_seg 0x12345000, p = 0x12345,
 * hash = 0x1234 ^ (0x1234 << 25) ^ 0x12345, PTEG 0x171; AVPN = EA bits
 * 39:23 = 0x12345000 >> 16 & ~0x7f = 0x1200. */
static void test_ppc64_hash__4k_1t_hash(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;

	slb(f, 0, 0x30000000000ULL | ESV, B1T | (0x1234ULL << 24));
	hpte(f, 0x171, 2, B1T | (0x1234ULL << 24) | 0x1200 | V, 0x9999000);
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x30012345678ULL, 0, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_pa, 0x9999678);
	/* Same page number in a 256M segment of the same VSID hashes with
	 * the 256M function, to another PTEG. */
	slb(f, 1, 0x40000000 | ESV, 0x1234ULL << 12);
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x42345678, 0, &r, NULL, NULL),
			 PGW_ENOTMAPPED);
}

/* A 16M page (LP 0x8) in a 64K-base segment (MPSS). ea_seg 0x1ab1234: p = 0x1ab at base 64K, VSID 0x99,
 * hash 0x132, AVPN EA bits 27:23 = 0x180 >> 7. Only that 64K subpage's
 * hash finds the HPTE; the page size reported is 16M. */
static void test_ppc64_hash__mpss_16m_in_64k_segment(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	slb(f, 0, 0xc000000000000000ULL | ESV,
	    (0x99ULL << 12) | PGW_SLB_VSID_64K);
	hpte(f, 0x132, 0, (0x99ULL << 12) | 0x180 | L | V,
	     0x6000000 | (0x8 << 12));
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0xc000000001ab1234ULL, 0, &r,
				       NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x6ab1234);
	assert_int_equal(r.out_page_size, 0x1000000);
	assert_int_equal(pgw_translate(f->ctx, 0xc000000001ac0000ULL, 0, &r,
				       &flt, NULL), PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NO_HPTE);
	/* The same LP in a 4K-base segment is no valid encoding. */
	f->slb[0].vsid = 0x99ULL << 12;
	hpte(f, (0x99 ^ 0x1ab1) & MASK, 0, (0x99ULL << 12) | 0x180 | L | V,
	     0x6000000 | (0x8 << 12));
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0xc000000001ab1234ULL, 0, &r,
				       &flt, NULL), PGW_ENOTMAPPED);
	/* ... but LP 0x38 is 16M in a 4K segment. */
	hpte(f, (0x99 ^ 0x1ab1) & MASK, 0, (0x99ULL << 12) | 0x180 | L | V,
	     0x6000000 | (0x38 << 12));
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0xc000000001ab1234ULL, 0, &r,
				       NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x6ab1234);
	assert_int_equal(r.out_page_size, 0x1000000);
}

/* Eight other HPTEs fill the primary PTEG: the page is in the secondary
 * (~hash & mask) with H set; without H it does not match there. */
static void test_ppc64_hash__full_group_uses_secondary(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_trace t;

	slb(f, 0, 0x10000000 | ESV, 0x123ULL << 12);
	for (unsigned i = 0; i < 8; i++)  /* other VSIDs colliding */
		hpte(f, 0x126, i, ((0x123ULL + 0x800 * (i + 1)) << 12) | V,
		     0x100000);
	hpte(f, ~0x126ULL & MASK, 5, (0x123ULL << 12) | H | V, 0x7654000);
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005abc, 0, &r, NULL, &t), 0);
	assert_int_equal(r.out_pa, 0x7654abc);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.step[2].level_name, "PTEG2");
	assert_int_equal(t.step[2].index, 0x6d9);
	assert_int_equal(t.step[3].index, 5);
	hpte(f, ~0x126ULL & MASK, 5, (0x123ULL << 12) | V, 0x7654000);
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005abc, 0, &r, NULL, NULL),
			 PGW_ENOTMAPPED);
}

static void test_ppc64_hash__invalid_avpn_mismatch(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	slb(f, 0, 0x10000000 | ESV, 0x123ULL << 12);
	/* EA bits 27:23 = 1 in the AVPN: the page at 0x10805000, not ours. */
	hpte(f, 0x126, 0, (0x123ULL << 12) | 0x80 | V, 0x7654000);
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005abc, 0, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NO_HPTE);
	assert_int_equal(flt.out_entry, 0x123001);  /* the key searched for */
	assert_int_equal(flt.out_index, 0x126);
	assert_int_equal(pgw_translate(f->ctx, 0x10805abc, 0, &r, NULL, NULL),
			 0);
	assert_int_equal(r.out_pa, 0x7654abc);
}

static void test_ppc64_hash__invalid_hpte_not_valid(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	slb(f, 0, 0x10000000 | ESV, 0x123ULL << 12);
	hpte(f, 0x126, 0, 0x123ULL << 12, 0x7654000);  /* V clear */
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005abc, 0, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NO_HPTE);
}

static void test_ppc64_hash__invalid_slb(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	hpte(f, 0x126, 0, (0x123ULL << 12) | V, 0x7654000);
	slb(f, 0, 0x10000000, 0x123ULL << 12);  /* V clear */
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005abc, 0, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NO_SLB);
	/* Reserved encodings: L=1 LP=11, L=0 LP=01, B=0b10. Not used. */
	static const uint64_t bad[] = { 0x130, 0x010, 0x8000000000000000ULL };
	for (unsigned i = 0; i < 3; i++) {
		slb(f, 0, 0x10000000 | ESV, (0x123ULL << 12) | bad[i]);
		mk(f);
		assert_int_equal(pgw_translate(f->ctx, 0x10005abc, 0, &r, &flt,
					       NULL), PGW_ENOTMAPPED);
		assert_int_equal(flt.out_reason, PGW_FAULT_BAD_SLB);
		assert_int_equal(flt.out_index, 0);
		assert_int_equal(pgw_ppc64_slb_base_size(bad[i]), 0);
	}
	/* A good entry after the bad one is used. */
	slb(f, 1, 0x10000000 | ESV, 0x123ULL << 12);
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005abc, 0, &r, NULL, NULL),
			 0);
	/* A 4K HPTE (L=0) in a 64K segment is not used. */
	slb(f, 1, 0x10000000 | ESV, (0x123ULL << 12) | PGW_SLB_VSID_64K);
	hpte(f, 0x123, 0, (0x123ULL << 12) | V, 0x7654000);
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005abc, 0, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NO_HPTE);
	assert_int_equal(pgw_ppc64_slb_base_size(PGW_SLB_VSID_64K), 0x10000);
}

/* pp/key (ISA table 21), N/G, segment N, AMR/IAMR, access checks. */
static void test_ppc64_hash__protection(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;
	const unsigned rwx = PGW_PERM_R | PGW_PERM_W | PGW_PERM_X;

	slb(f, 0, 0x10000000 | ESV, (0x123ULL << 12) | PGW_SLB_VSID_KP);
	/* pp = 0: privileged (Ks=0) rwx, problem state (Kp=1) nothing. */
	hpte(f, 0x126, 0, (0x123ULL << 12) | V, 0x7654000);
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, rwx);
	assert_int_equal(pgw_translate(f->ctx, 0x10005000,
				       PGW_ACC_READ | PGW_ACC_USER, &r, &flt,
				       NULL), PGW_EACCES);
	assert_int_equal(flt.out_reason, PGW_FAULT_ACCESS);
	f->regs.msr = PGW_MSR_PR;
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, 0);
	f->regs.msr = 0;
	/* pp = 3: read-only for both keys; pp = 2 with N: no execute. */
	hpte(f, 0x126, 0, (0x123ULL << 12) | V, 0x7654000 | 3);
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_X | PGW_PERM_U);
	assert_int_equal(pgw_translate(f->ctx, 0x10005000, PGW_ACC_WRITE, &r,
				       NULL, NULL), PGW_EACCES);
	hpte(f, 0x126, 0, (0x123ULL << 12) | V,
	     0x7654000 | PGW_HPTE1_N | 2);
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_U);
	/* pp0:pp = 0b110: read-only with key 0, nothing with key 1. */
	hpte(f, 0x126, 0, (0x123ULL << 12) | V,
	     0x7654000 | PGW_HPTE1_PP0 | PGW_HPTE1_G | 2);
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R);
	/* Segment N removes execute; AMR key 3 write-disable, IAMR key 3. */
	slb(f, 0, 0x10000000 | ESV, (0x123ULL << 12) | PGW_SLB_VSID_N);
	hpte(f, 0x126, 0, (0x123ULL << 12) | V, 0x7654000 | (3ULL << 9) | 2);
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_U);
	assert_int_equal(r.out_pkey, 3);
	f->slb[0].vsid = 0x123ULL << 12;
	f->regs.flags = PGW_PPC64_AMR;
	f->regs.amr = 2ULL << (2 * (31 - 3));
	f->regs.iamr = 1ULL << (2 * (31 - 3));
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_U);
	f->regs.flags = 0;
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x10005000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, rwx | PGW_PERM_U);
}

struct leaves {
	unsigned n;
	struct pgw_leaf l[16];
};

static int grab(const struct pgw_leaf *l, void *payload)
{
	struct leaves *s = payload;

	if (s->n < 16)
		s->l[s->n] = *l;
	s->n++;
	return 0;
}

/* Several segments; the walk returns every reachable HPTE once, in EA
 * order, and leaves out shadowed and unreachable ones. */
static void build_mixed(struct fx *f)
{
	/* SLB 0: kernel 16M segment; 1: user 4K; 2: 64K MPSS; 3: 1T 4K. */
	slb(f, 0, 0xc000000000000000ULL | ESV,
	    (0x789ULL << 12) | PGW_SLB_VSID_16M | PGW_SLB_VSID_KP);
	slb(f, 1, 0x10000000 | ESV, (0x123ULL << 12) | PGW_SLB_VSID_KP);
	slb(f, 2, 0xd000000000000000ULL | ESV,
	    (0x99ULL << 12) | PGW_SLB_VSID_64K | PGW_SLB_VSID_KP);
	slb(f, 3, 0x30000000000ULL | ESV, B1T | (0x1234ULL << 24));
	hpte(f, 0x78a, 7, (0x789ULL << 12) | 0x300 | L | V, 0x5000000);
	hpte(f, 0x789, 0, (0x789ULL << 12) | L | V, 0x4000000 | 3);
	hpte(f, 0x126, 0, (0x123ULL << 12) | V, 0x7654000 | 2);
	/* The same page again in its secondary PTEG: shadowed. */
	hpte(f, ~0x126ULL & MASK, 0, (0x123ULL << 12) | H | V, 0x1111000);
	hpte(f, 0x123 ^ 6, 1, (0x123ULL << 12) | V, 0x7655000 | 2);
	hpte(f, 0x132, 0, (0x99ULL << 12) | 0x180 | L | V,
	     0x6000000 | (0x8 << 12));
	hpte(f, 0x171, 2, B1T | (0x1234ULL << 24) | 0x1200 | V, 0x9999000);
	/* Valid but its VSID is in no SLB entry. */
	hpte(f, 0x500, 0, (0x5555ULL << 12) | V, 0x1000);
}

static void test_ppc64_hash__walk_reverse_maps_in_ea_order(void **state)
{
	struct fx *f = *state;
	struct leaves s = { 0 };
	struct pgw_walk_ops ops = { .leaf = grab };
	struct pgw_walk_filter flt = PGW_WALK_FILTER_INIT;

	build_mixed(f);
	mk(f);
	assert_int_equal(pgw_walk(f->ctx, NULL, &ops, &s), 0);
	assert_int_equal(s.n, 6);
	assert_int_equal(s.l[0].va, 0x10005000);
	assert_int_equal(s.l[0].pa, 0x7654000);
	assert_int_equal(s.l[0].size, 0x1000);
	assert_int_equal(s.l[0].index, 0x126 * 8);
	assert_int_equal(s.l[1].va, 0x10006000);
	assert_int_equal(s.l[1].pa, 0x7655000);
	assert_int_equal(s.l[2].va, 0x30012345000ULL);
	assert_int_equal(s.l[2].pa, 0x9999000);
	assert_int_equal(s.l[3].va, 0xc000000000000000ULL);
	assert_int_equal(s.l[3].pa, 0x4000000);
	assert_int_equal(s.l[3].size, 0x1000000);
	assert_int_equal(s.l[3].perms, PGW_PERM_R | PGW_PERM_X | PGW_PERM_U);
	assert_int_equal(s.l[4].va, 0xc000000003000000ULL);
	assert_int_equal(s.l[4].pa, 0x5000000);
	assert_int_equal(s.l[5].va, 0xd000000001ab0000ULL);
	assert_int_equal(s.l[5].pa, 0x6ab0000);
	assert_int_equal(s.l[5].size, 0x10000);
	/* Every reported leaf translates back to itself. */
	for (unsigned i = 0; i < 6; i++) {
		struct pgw_result r;

		assert_int_equal(pgw_translate(f->ctx, s.l[i].va, 0, &r, NULL,
					       NULL), 0);
		assert_int_equal(r.out_pa, s.l[i].pa);
	}
	/* Filters apply during the walk. */
	memset(&s, 0, sizeof(s));
	flt.start = 0xc000000000000000ULL;
	flt.last = 0xcfffffffffffffffULL;
	flt.deny = PGW_PERM_W;
	assert_int_equal(pgw_walk(f->ctx, &flt, &ops, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.l[0].va, 0xc000000000000000ULL);
}

/* The algebra on every base size and both segment sizes: place one HPTE
 * for each of many EAs through translate's own hash, then walk. */
static void test_ppc64_hash__walk_algebra_round_trip(void **state)
{
	struct fx *f = *state;
	static const struct { uint64_t esid, vsid; unsigned shift; } seg[] = {
		{ 0x70000000, (0xabcdeULL << 12), 12 },
		{ 0x80000000, (0x13579ULL << 12) | PGW_SLB_VSID_64K, 16 },
		{ 0x90000000, (0x2468aULL << 12) | PGW_SLB_VSID_16M, 24 },
		{ 0x50000000000ULL, B1T | (0x777ULL << 24), 12 },
		{ 0x60000000000ULL, B1T | (0x333ULL << 24) | PGW_SLB_VSID_64K,
		  16 },
		{ 0x80000000000ULL, B1T | (0x555ULL << 24) | PGW_SLB_VSID_16G,
		  34 },
	};
	static const uint64_t offs[] = { 0, 0x0abc1000ULL, 0x0ff0f000ULL,
					 0x0800000ULL, 0x123456789ULL,
					 0xfff0000000ULL };

	for (unsigned s = 0; s < 6; s++) {
		memset(f->hpt, 0, sizeof(f->hpt));
		f->nslb = 0;
		slb(f, 0, seg[s].esid | ESV, seg[s].vsid);
		for (unsigned k = 0; k < 6; k++) {
			unsigned segsh = (seg[s].vsid & B1T) ? 40 : 28;
			unsigned b = seg[s].shift;
			uint64_t off = offs[k] & ((1ULL << segsh) - 1) &
				       ~((1ULL << b) - 1);
			uint64_t vsid = (seg[s].vsid & PGW_SLB_VSID_VSID) >>
					(segsh == 40 ? 24 : 12);
			uint64_t hash = (segsh == 40 ? vsid ^ (vsid << 25) : vsid)
					^ (off >> b);
			uint64_t pte0 = (seg[s].vsid & (PGW_SLB_VSID_B |
							 PGW_SLB_VSID_VSID)) |
					((off >> 16) & PGW_HPTE0_AVPN) | V;
			uint64_t lp = b == 16 ? 0x1 : b == 34 ? 0x3 : 0;
			uint64_t pa = ((uint64_t)(k + 1) << 34);

			if (b > 12)
				pte0 |= L;
			hpte(f, hash & MASK, k, pte0, pa | (lp << 12));
		}
		mk(f);
		struct leaves got = { 0 };
		struct pgw_walk_ops ops = { .leaf = grab };

		assert_int_equal(pgw_walk(f->ctx, NULL, &ops, &got), 0);
		for (unsigned i = 0; i < got.n; i++) {
			struct pgw_result r;

			assert_int_equal(pgw_translate(f->ctx, got.l[i].va, 0,
						       &r, NULL, NULL), 0);
			assert_int_equal(r.out_pa, got.l[i].pa);
			assert_int_equal(got.l[i].size, 1ULL << seg[s].shift);
			if (i)
				assert_true(got.l[i].va > got.l[i - 1].va);
		}
		/* Distinct offsets per segment size (some coincide after
		 * masking to the segment or page). */
		unsigned want = 0;
		for (unsigned k = 0; k < 6; k++) {
			unsigned segsh = (seg[s].vsid & B1T) ? 40 : 28;
			uint64_t o = offs[k] & ((1ULL << segsh) - 1) &
				     ~((1ULL << seg[s].shift) - 1);
			bool dup = false;

			for (unsigned j = 0; j < k; j++)
				dup |= (offs[j] & ((1ULL << segsh) - 1) &
					~((1ULL << seg[s].shift) - 1)) == o;
			want += !dup;
		}
		assert_int_equal(got.n, want);
	}
}

/* powernv: the HTAB in physical memory at SDR1's HTABORG. */
struct phys {
	uint64_t base;
	unsigned char *mem;
	size_t len;
};

static int phys_read(uint64_t pa, void *buf, size_t len, void *payload)
{
	struct phys *p = payload;

	if (pa < p->base || pa - p->base + len > p->len)
		return -1;
	memcpy(buf, p->mem + (pa - p->base), len);
	return 0;
}

static void test_ppc64_hash__htab_in_memory_from_sdr1(void **state)
{
	struct fx *f = *state;
	static const struct pgw_mem_ops mops = { .read = phys_read };
	struct phys p = { 0x4000000, f->hpt, sizeof(f->hpt) };
	struct pgw_ppc64_regs r = PGW_PPC64_REGS_INIT;
	struct pgw_result res;
	struct pgw_trace t;
	pgw_ctx *c = NULL;
	char err[128];

	slb(f, 0, 0x10000000 | ESV, 0x123ULL << 12);
	hpte(f, 0x126, 3, (0x123ULL << 12) | V, 0x7654000 | 0x2);
	r.slb = f->slb;
	r.nslb = 1;
	r.sdr1 = 0x4000000 | 0;  /* HTABSIZE 0: 2^18 bytes */
	assert_int_equal(pgw_ctx_new_ppc64_hash(&c, &r, NULL, NULL, &mops, &p,
						err, sizeof(err)), 0);
	assert_int_equal(pgw_translate(c, 0x10005abc, 0, &res, NULL, &t), 0);
	assert_int_equal(res.out_pa, 0x7654abc);
	assert_int_equal(t.step[2].entry_addr, 0x4000000 + (0x126 * 8 + 3) * 16);
	pgw_ctx_free(c);
	/* HTABSIZE 1 doubles the table, which memory does not hold: the
	 * secondary PTEG of 0x10006000 (0xeda) is outside it. */
	r.sdr1 = 0x4000000 | 1;
	assert_int_equal(pgw_ctx_new_ppc64_hash(&c, &r, NULL, NULL, &mops, &p,
						err, sizeof(err)), 0);
	assert_int_equal(pgw_translate(c, 0x10005abc, 0, &res, NULL, NULL), 0);
	assert_int_equal(pgw_translate(c, 0x10006000, 0, &res, NULL, NULL),
			 PGW_EIO);
	pgw_ctx_free(c);
	/* Bad arguments. */
	r.sdr1 = 29;
	assert_int_equal(pgw_ctx_new_ppc64_hash(&c, &r, NULL, NULL, &mops, &p,
						err, sizeof(err)), PGW_EINVAL);
	assert_non_null(strstr(err, "2^47"));
	r.sdr1 = 0;
	assert_int_equal(pgw_ctx_new_ppc64_hash(&c, &r, NULL, NULL, NULL, NULL,
						err, sizeof(err)), PGW_EINVAL);
	r.nslb = PGW_PPC64_SLB_MAX + 1;
	assert_int_equal(pgw_ctx_new_ppc64_hash(&c, &r, NULL, NULL, &mops, &p,
						err, sizeof(err)), PGW_EINVAL);
	assert_null(c);
}

/* POWER9 powernv HPT mode: B lives in pte1 bits 59:58. */
static void test_ppc64_hash__isa3_hpte_format(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;

	slb(f, 0, 0x30000000000ULL | ESV, B1T | (0x1234ULL << 24));
	hpte(f, 0x171, 2, (0x1234ULL << 24) | 0x1200 | V,
	     0x9999000 | (1ULL << 58));
	f->regs.flags = PGW_PPC64_HPTE_V3;
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x30012345678ULL, 0, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_pa, 0x9999678);
	assert_int_equal(r.out_entry, 0x9999000);
	f->regs.flags = 0;
	mk(f);
	assert_int_equal(pgw_translate(f->ctx, 0x30012345678ULL, 0, &r, NULL,
				       NULL), PGW_ENOTMAPPED);
}

struct sbuf {
	char s[8192];
	size_t n;
};

static int sink(const char *buf, size_t len, void *payload)
{
	struct sbuf *b = payload;

	if (b->n + len >= sizeof(b->s))
		return -1;
	memcpy(b->s + b->n, buf, len);
	b->n += len;
	b->s[b->n] = 0;
	return 0;
}

static void test_ppc64_hash__views(void **state)
{
	struct fx *f = *state;
	struct sbuf b = { .n = 0 };

	build_mixed(f);
	f->slb[5].esid = 0;  /* an empty slot is not listed */
	f->nslb = 6;
	mk(f);
	assert_int_equal(pgw_view_slb(f->ctx, sink, &b), 0);
	assert_string_equal(b.s,
		"SLB\tESID\t\t\tVSID\n"
		"0\t0xc000000008000000\t0x0000000000789500\n"
		"1\t0x0000000018000000\t0x0000000000123400\n"
		"2\t0xd000000008000000\t0x0000000000099510\n"
		"3\t0x0000030008000000\t0x4000001234000000\n");
	/* QEMU's ppc `info tlb` is the SLB dump. */
	b.n = 0;
	assert_int_equal(pgw_view_tlb(f->ctx, sink, &b), 0);
	assert_non_null(strstr(b.s, "SLB\tESID"));
	b.n = 0;
	assert_int_equal(pgw_view_gva2gpa(f->ctx, 0x10005abc, sink, &b), 0);
	assert_string_equal(b.s, "gpa: 0x7654abc\n");
	b.n = 0;
	assert_int_equal(pgw_view_gva2gpa(f->ctx, 0x10007000, sink, &b), 0);
	assert_string_equal(b.s, "Unmapped\n");
	b.n = 0;
	assert_int_equal(pgw_view_hpt(f->ctx, sink, &b), 0);
	assert_string_equal(b.s,
		"HPT: from HPTE source (not in guest memory), size 0x40000 "
		"(2^18 bytes), 2048 PTEGs, 16384 HPTEs\n"
		"valid HPTEs: 8 (bolted 0, secondary 1)\n"
		"  4K   5\n  64K  0\n  16M  3\n  16G  0\n");
	b.n = 0;
	assert_int_equal(pgw_view_vtop(f->ctx, 0x10005abc, sink, &b), 0);
	assert_string_equal(b.s,
		"vtop 0x0000000010005abc (ppc64 hash, MSR[PR]=0)\n"
		"  SLB[1]  esid 0x0000000018000000 vsid 0x0000000000123400 "
		"(256M, base 4K, Kp)\n"
		"  PTEG    0x126 hash 0x126 (HPTEs 0x930-0x937 @ "
		"0x0000000000009300)\n"
		"  HPTE[0] @ 0x0000000000009300 = 0x0000000000123001 "
		"0x0000000007654002 (AVPN 0x2460, pp 2, key 0, WIMG 0)\n"
		"0x0000000010005abc -> 0x0000000007654abc size 4K perms rwxu\n");
	b.n = 0;
	assert_int_equal(pgw_view_vtop(f->ctx, 0x20000000, sink, &b), 0);
	assert_string_equal(b.s,
		"vtop 0x0000000020000000 (ppc64 hash, MSR[PR]=0)\n"
		"fault translating 0x0000000020000000: no SLB entry for the "
		"segment\n");
	b.n = 0;
	assert_int_equal(pgw_view_pg(f->ctx, NULL, sink, &b), 0);
	assert_string_equal(b.s,
		"Info pg, ppc64 hash (HTAB 2^18 bytes, 6 SLB entries)\n"
		"VPN range                     Entries     Flags Size Physical "
		"page(s)\n"
		"SLB[1] ESID 0x0000000018000000 VSID 0x0000000000123400 256M "
		"base 4K Kp\n"
		"  [0000000010005-0000000010006] HPTE x2      rwxu 4K  "
		"0000007654-0000007655\n"
		"SLB[3] ESID 0x0000030008000000 VSID 0x4000001234000000 1T "
		"base 4K\n"
		"  [0000030012345-0000030012345] HPTE x1      rwxu 4K  "
		"0000009999\n"
		"SLB[0] ESID 0xc000000008000000 VSID 0x0000000000789500 256M "
		"base 16M Kp\n"
		"  [c000000000000-c000000000fff] HPTE x1      r-xu 16M "
		"0000004000-0000004fff\n"
		"  [c000000003000-c000000003fff] HPTE x1      rwx- 16M "
		"0000005000-0000005fff\n"
		"SLB[2] ESID 0xd000000008000000 VSID 0x0000000000099510 256M "
		"base 64K Kp\n"
		"  [d000000001ab0-d000000001abf] HPTE x1      rwx- 64K "
		"0000006ab0-0000006abf\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(n) cmocka_unit_test_setup_teardown(n, setup, teardown)
		T(test_ppc64_hash__4k_256m_primary),
		T(test_ppc64_hash__64k_page),
		T(test_ppc64_hash__16m_page),
		T(test_ppc64_hash__16g_page_1t_hash),
		T(test_ppc64_hash__4k_1t_hash),
		T(test_ppc64_hash__mpss_16m_in_64k_segment),
		T(test_ppc64_hash__full_group_uses_secondary),
		T(test_ppc64_hash__invalid_avpn_mismatch),
		T(test_ppc64_hash__invalid_hpte_not_valid),
		T(test_ppc64_hash__invalid_slb),
		T(test_ppc64_hash__protection),
		T(test_ppc64_hash__walk_reverse_maps_in_ea_order),
		T(test_ppc64_hash__walk_algebra_round_trip),
		T(test_ppc64_hash__htab_in_memory_from_sdr1),
		T(test_ppc64_hash__isa3_hpte_format),
		T(test_ppc64_hash__views),
	};

	return cmocka_run_group_tests_name("ppc64_hash", tests, NULL, NULL);
}
