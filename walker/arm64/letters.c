/*
 * arm64 flag letters, for `info pg`, vtop and `info tlb` alike (QEMU has
 * no Arm `info tlb` to match). Leaves "XPCDNARUBV": UXN, PXN, Contiguous,
 * DBM, nG, AF, AP[2] (read-only), AP[1] (EL0), B block / T table, valid.
 * Table entries "XP----RKTV": UXNTable, PXNTable, APTable[1] (read-only
 * below), APTable[0] (no EL0 below). Stage-2 leaves "XPC--AWRBV": XN[1],
 * XN[0], Contiguous, AF, S2AP[1] (write), S2AP[0] (read). In the EL2
 * regime (no EL0) AP[1], PXN, PXNTable and APTable[0] mean nothing and
 * show as '-'; bit 54 is its one XN.
 */
#include "arm64_priv.h"

static bool is_table(const struct pgw_level *lv, uint64_t e)
{
	return lv->leaf != PGW_LEAF_ALWAYS && (e & A64_TABLE);
}

/* Descriptor bits without meaning in the EL2 regime's stage 1. */
#define EL2_IGNORED (A64_AP1 | A64_PXN | A64_PXNTABLE | A64_APTABLE0)

uint64_t pgw__arm64_flag_key(const struct pgw_level *lv, uint64_t e)
{
	uint64_t k;

	if (is_table(lv, e))
		k = e & ((lv->kind & A64_KIND_S2 ? 0 :
			  A64_UXNTABLE | A64_PXNTABLE | A64_APTABLE1 |
			  A64_APTABLE0) | A64_TABLE | A64_VALID);
	else
		k = e & (A64_UXN | A64_PXN | A64_CONT | A64_DBM | A64_NG |
			 A64_AF | A64_AP2 | A64_AP1 | A64_TABLE | A64_VALID);
	return lv->kind & A64_KIND_EL2 ? k & ~EL2_IGNORED : k;
}

void pgw__arm64_flag_letters(const struct pgw_level *lv, uint64_t e,
			     char out[11])
{
	bool s2 = lv->kind & A64_KIND_S2;
	unsigned i;

	if (lv->kind & A64_KIND_EL2)
		e &= ~EL2_IGNORED;
	for (i = 0; i < 10; i++)
		out[i] = '-';
	out[10] = 0;
	out[9] = (e & A64_VALID) ? 'V' : '-';
	if (is_table(lv, e)) {
		out[8] = 'T';
		if (s2)
			return;
		out[0] = (e & A64_UXNTABLE) ? 'X' : '-';
		out[1] = (e & A64_PXNTABLE) ? 'P' : '-';
		out[6] = (e & A64_APTABLE1) ? 'R' : '-';
		out[7] = (e & A64_APTABLE0) ? 'K' : '-';
		return;
	}
	out[8] = lv->leaf == PGW_LEAF_ALWAYS ? '-' : 'B';
	out[0] = (e & A64_UXN) ? 'X' : '-';
	out[1] = (e & A64_PXN) ? 'P' : '-';
	out[2] = (e & A64_CONT) ? 'C' : '-';
	out[5] = (e & A64_AF) ? 'A' : '-';
	if (s2) {
		out[6] = (e & A64_AP2) ? 'W' : '-';
		out[7] = (e & A64_AP1) ? 'R' : '-';
		return;
	}
	out[3] = (e & A64_DBM) ? 'D' : '-';
	out[4] = (e & A64_NG) ? 'N' : '-';
	out[6] = (e & A64_AP2) ? 'R' : '-';
	out[7] = (e & A64_AP1) ? 'U' : '-';
}

char *pgw__arm64_tlb_flags(const struct pgw_level *lv, uint64_t e, char *p)
{
	char l[11];

	pgw__arm64_flag_letters(lv, e, l);
	for (unsigned i = 0; i < 10; i++)
		*p++ = l[i];
	return p;
}
