/*
 * What ppc64 radix tree entries say: each level's decode masks, the
 * encodings a mask cannot refuse (an NLS that is not the tree's next
 * level, a misaligned NLB, a leaf at the root or a pointer at the last
 * level), the EAA access rules, and the flag letters of `info pg`, vtop
 * and `info tlb`.
 */
#include "radix_priv.h"

static void derive_level(const pgw_ctx *c, unsigned i, struct pgw_decode *k)
{
	const struct pgw_level *lv = &c->fmt->lv[i];

	*k = (struct pgw_decode){
		.present = RX_V,
		.leaf = RX_L,
		/* Tables: NLB is the table's real address as is. Leaves go
		 * through leaf_base (RPN, without the key bits above it). */
		.addr = RX_NLB,
		.rsvd_table = RX_PDE_RSVD,
		/* A leaf above the last level maps 2^shift bytes: RPN bits
		 * below that are not part of any real address. */
		.rsvd_leaf = RX_PTE_RSVD |
			     (pgw__bits(lv->shift - 1, 12) & RX_RPN),
		.perm = {
			/* A PDE restricts nothing. */
			[0] = { .always = PGW_PERM_ALL },
			/* EAA: read, write, execute; problem state unless
			 * privileged. */
			[1] = { .mask = { RX_EAA_R, RX_EAA_W, RX_EAA_X,
					  RX_EAA_P },
				.flip = RX_EAA_P },
		},
		.hook_rsvd = true,
		.hook_addr = true,
	};
}

void pgw__radix_derive(pgw_ctx *c)
{
	for (unsigned i = 0; i < c->fmt->nlevels; i++)
		derive_level(c, i, &c->m[i]);
}

uint64_t pgw__radix_leaf_base(const pgw_ctx *c, int level, uint64_t e,
			      uint64_t idx)
{
	(void)idx;
	return e & RX_RPN & ~((1ULL << c->fmt->lv[level].shift) - 1);
}

uint64_t pgw__radix_rsvd(const pgw_ctx *c, int level, uint64_t e, bool leaf)
{
	const struct pgw_format *f = c->fmt;
	const struct pgw_level *next;
	uint64_t misaligned;

	if (leaf) {
		/* The root maps no pages in any supported tree; at the last
		 * level a PDE has no level left to point to: L is what
		 * would make either entry count. */
		if (level == 0 && f->lv[0].leaf != PGW_LEAF_ALWAYS)
			return RX_L;
		if (f->lv[level].leaf == PGW_LEAF_ALWAYS && !(e & RX_L))
			return RX_L;
		return 0;
	}
	/* The walk takes the next table's size from the PDE's NLS: one
	 * that is not the tree's next level would index another tree. */
	next = &f->lv[level + 1];
	if ((e & RX_NLS) != next->bits)
		return (e & RX_NLS) ? e & RX_NLS : RX_NLS;
	/* NLB is aligned to the table's size (2^(NLS+3) bytes). */
	misaligned = e & RX_NLB & ((8ULL << next->bits) - 1);
	return misaligned;
}

/* EAA: problem state (MSR[PR], or PGW_ACC_USER) needs a non-privileged
 * page; privileged state may touch both (Linux guards user pages with
 * AMR/IAMR keys, not modelled). */
bool pgw__radix_access_ok(const pgw_ctx *c, unsigned perms, int pkey,
			  unsigned access)
{
	bool user = (access & PGW_ACC_USER) || pgw__radix(c)->problem;

	(void)pkey;
	if (user && !(perms & PGW_PERM_U))
		return false;
	if ((access & PGW_ACC_READ) && !(perms & PGW_PERM_R))
		return false;
	if ((access & PGW_ACC_WRITE) && !(perms & PGW_PERM_W))
		return false;
	return !((access & PGW_ACC_EXEC) && !(perms & PGW_PERM_X));
}

uint64_t pgw__radix_flag_key(const struct pgw_level *lv, uint64_t e)
{
	(void)lv;
	if (!(e & RX_L))
		return e & RX_V;
	return e & (RX_V | RX_L | RX_R | RX_C | RX_ATT | 0xfULL);
}

/* Leaf letters after V: L, R (reference), C (change), the ATT ('-'
 * normal, 'S' strong access ordering, 'N' non-idempotent I/O, 'T'
 * tolerant I/O), then the EAA: P (privileged), r, w, x. */
static char *put_leaf(uint64_t e, char *p)
{
	*p++ = 'L';
	*p++ = (e & RX_R) ? 'R' : '-';
	*p++ = (e & RX_C) ? 'C' : '-';
	*p++ = "-SNT"[(e & RX_ATT) >> RX_ATT_SHIFT];
	*p++ = (e & RX_EAA_P) ? 'P' : '-';
	*p++ = (e & RX_EAA_R) ? 'r' : '-';
	*p++ = (e & RX_EAA_W) ? 'w' : '-';
	*p++ = (e & RX_EAA_X) ? 'x' : '-';
	return p;
}

void pgw__radix_flag_letters(const struct pgw_level *lv, uint64_t e,
			     char out[11])
{
	char *p = out;

	e = pgw__radix_flag_key(lv, e);
	*p++ = (e & RX_V) ? 'V' : '-';
	if (e & RX_L) {
		p = put_leaf(e, p);
		*p++ = '-';
	} else {
		for (unsigned i = 0; i < 9; i++)
			*p++ = '-';
	}
	*p = 0;
}

char *pgw__radix_tlb_flags(const struct pgw_level *lv, uint64_t e, char *p)
{
	return put_leaf(pgw__radix_flag_key(lv, e), p);
}
