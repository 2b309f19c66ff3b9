/*
 * arm64 `info mem` and `info tlb` protection columns: what a page allows
 * at EL1 (EL2 in the EL2 regimes) and at EL0 (read, write, execute), and
 * its memory type from
 * MAIR_EL1 by the descriptor's AttrIndx. docs/info-mem-arm64.md shows the
 * layout.
 */
#include "arm64_priv.h"

#include <stdio.h>
#include <string.h>

/* Key bits: EL1 rwx in 2:0, EL0 rwx in 5:3, the memory type above: the
 * MAIR attribute byte itself where MAIR_EL1 is known (so that indexes
 * naming one type merge), else AttrIndx. */
#define K_R 1u
#define K_W 2u
#define K_X 4u
#define K_EL0_SHIFT 3
#define K_ATTR_SHIFT 8
#define K_S2 (1ULL << 16)    /* a stage-2 context's own MemAttr[3:0] */
#define K_MAIR (1ULL << 17)  /* bits 15:8 are a MAIR attribute byte */
#define K_EL2 (1ULL << 18)   /* an EL2 regime: "el2:" for "el1:" */

uint64_t pgw__arm64_prot_key(const pgw_ctx *c, const struct pgw_leaf *l)
{
	const struct pgw_arm64_state *st = pgw__arm64(c);
	unsigned p = l->perms, el1 = 0, el0 = 0;
	bool w = p & PGW_PERM_W, u = p & PGW_PERM_U;
	uint64_t el2 = st->regime != PGW_ARM64_REGIME_EL10 ? K_EL2 : 0;

	if (st->s2) {
		/* D8.4.2: S2AP and XN[1], the same for every EL (XN[0] of
		 * FEAT_XNX is not decoded, as in the walk). */
		el1 = (p & PGW_PERM_R ? K_R : 0) | (w ? K_W : 0) |
		      (p & PGW_PERM_X ? K_X : 0);
		return el1 | (uint64_t)el1 << K_EL0_SHIFT |
		       (uint64_t)A64_MEMATTR(l->entry) << K_ATTR_SHIFT | K_S2;
	}
	/* D8.4.1: AP[2:1] (and APTable) give EL1 read always, write unless
	 * read-only; EL0 both only with AP[1]. Memory EL0 may write is never
	 * executable at EL1; SCTLR.WXN makes writable memory execute-never
	 * at both. EL0 execution needs UXN clear only (execute-only pages).
	 * PAN is a state of the moment, not of the page: not applied. */
	el1 = K_R | (w ? K_W : 0);
	if ((p & PGW_PERM_X) && !(u && w) && !(st->wxn && w))
		el1 |= K_X;
	if (u)
		el0 = K_R | (w ? K_W : 0);
	if ((p & PGW_PERM_UX) && !(st->wxn && w))
		el0 |= K_X;
	if (st->has_mair)
		return el1 | (uint64_t)el0 << K_EL0_SHIFT | K_MAIR | el2 |
		       ((st->mair >> (8 * A64_ATTRINDX(l->entry))) & 0xff)
		       << K_ATTR_SHIFT;
	return el1 | (uint64_t)el0 << K_EL0_SHIFT | el2 |
	       (uint64_t)A64_ATTRINDX(l->entry) << K_ATTR_SHIFT;
}

static char *put_rwx(char *p, const char *label, unsigned k)
{
	size_t n = strlen(label);

	memcpy(p, label, n);
	p += n;
	*p++ = (k & K_R) ? 'r' : '-';
	*p++ = (k & K_W) ? 'w' : '-';
	*p++ = (k & K_X) ? 'x' : '-';
	return p;
}

/* One half of a Normal MAIR attribute (Attr[7:4] outer, Attr[3:0] inner,
 * D19.2 MAIR_EL1): 0b0100 Non-cacheable, 0b00RW/0b10RW Write-Through,
 * 0b01RW/0b11RW Write-Back (RW != 00 for the transient 0b0xRW). */
static const char *cacheability(unsigned n)
{
	if (n == 4)
		return "NC";
	if ((n & 3) == 0 && n < 8)
		return NULL;  /* 0b0000: Device (outer), UNPREDICTABLE (inner) */
	return (n & 4) ? "WB" : "WT";
}

/* The memory type of MAIR attribute @a, at most 23 characters. */
static void mem_type(uint8_t a, char out[24])
{
	static const char *const device[4] = {
		"Device-nGnRnE", "Device-nGnRE", "Device-nGRE", "Device-GRE",
	};
	const char *o = cacheability(a >> 4), *i = cacheability(a & 0xf);

	if ((a & 0xf3) == 0) {       /* 0b0000dd00 */
		snprintf(out, 24, "%s", device[(a >> 2) & 3]);
	} else if (a == 0xf0) {      /* FEAT_MTE2 Tagged Normal, WB */
		snprintf(out, 24, "Normal-WB-Tagged");
	} else if (o && i && !strcmp(o, i)) {
		snprintf(out, 24, "Normal-%s", o);
	} else if (o && i) {
		snprintf(out, 24, "Normal-i%s-o%s", i, o);
	} else {                     /* FEAT_XS encodings and the like */
		snprintf(out, 24, "MAIR=0x%02x", a);
	}
}

char *pgw__arm64_prot_cols(const pgw_ctx *c, uint64_t key, char *p)
{
	unsigned attr = (unsigned)(key >> K_ATTR_SHIFT) & 0xff;
	char t[24];
	size_t n;

	(void)c;  /* the key holds all it prints */
	p = put_rwx(p, key & K_EL2 ? "el2:" : "el1:", (unsigned)key & 7);
	*p++ = ' ';
	p = put_rwx(p, "el0:", (unsigned)(key >> K_EL0_SHIFT) & 7);
	*p++ = ' ';
	if (key & K_S2)
		snprintf(t, sizeof(t), "MemAttr=0x%x", attr);
	else if (key & K_MAIR)
		mem_type((uint8_t)attr, t);
	else
		snprintf(t, sizeof(t), "AttrIndx=%u", attr);
	n = strlen(t);
	memcpy(p, t, n);
	return p + n;
}
