/*
 * x86 flag letters: `info pg` and vtop's "XGSDACTUWP" (EPT "UDAS" + "XWR")
 * with the bits they show, and `info tlb`'s QEMU letters "XGPDACTUW".
 */
#include "x86_priv.h"

#include <string.h>

static const uint64_t x86_flag_bits[10] = {
	X86_NX, X86_G, X86_PS, X86_D, X86_A, X86_PCD, X86_PWT, X86_US,
	X86_RW, X86_P,
};

uint64_t pgw__x86_flag_key(const struct pgw_level *lv, uint64_t e)
{
	if (lv->kind == X86_KIND_EPT)
		return e & ((1ULL << 10) | (1ULL << 9) | (1ULL << 8) | X86_PS |
			    EPT_X | EPT_W | EPT_R);
	if (lv->leaf == PGW_LEAF_ALWAYS)
		e &= ~X86_PS;  /* bit 7 of a last-level entry is PAT */
	return e & (X86_NX | X86_G | X86_PS | X86_D | X86_A | X86_PCD |
		    X86_PWT | X86_US | X86_RW | X86_P);
}

void pgw__x86_flag_letters(const struct pgw_level *lv, uint64_t e, char out[11])
{
	if (lv->kind == X86_KIND_EPT) {
		/* SDM 3C 29.3.2: bit 10 user-mode execute, 9 dirty,
		 * 8 accessed, 7 page size; no present bit. */
		out[0] = (e & (1ULL << 10)) ? 'U' : '-';
		out[1] = (e & (1ULL << 9)) ? 'D' : '-';
		out[2] = (e & (1ULL << 8)) ? 'A' : '-';
		out[3] = (e & X86_PS) ? 'S' : '-';
		out[4] = (e & EPT_X) ? 'X' : '-';
		out[5] = (e & EPT_W) ? 'W' : '-';
		out[6] = (e & EPT_R) ? 'R' : '-';
		memset(out + 7, ' ', 3);
		out[10] = 0;
		return;
	}
	e = pgw__x86_flag_key(lv, e);
	for (unsigned i = 0; i < 10; i++)
		out[i] = (e & x86_flag_bits[i]) ? "XGSDACTUWP"[i] : '-';
	out[10] = 0;
}

char *pgw__x86_tlb_flags(const struct pgw_level *lv, uint64_t e, char *p)
{
	/* QEMU 7.2 target/i386/monitor.c print_pte(); it clears bit 7 of
	 * 4K entries: there it is PAT, not PS. */
	if (lv->leaf == PGW_LEAF_ALWAYS)
		e &= ~X86_PS;
	*p++ = (e & X86_NX) ? 'X' : '-';
	*p++ = (e & X86_G) ? 'G' : '-';
	*p++ = (e & X86_PS) ? 'P' : '-';
	*p++ = (e & X86_D) ? 'D' : '-';
	*p++ = (e & X86_A) ? 'A' : '-';
	*p++ = (e & X86_PCD) ? 'C' : '-';
	*p++ = (e & X86_PWT) ? 'T' : '-';
	*p++ = (e & X86_US) ? 'U' : '-';
	*p++ = (e & X86_RW) ? 'W' : '-';
	return p;
}
