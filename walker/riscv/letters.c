/*
 * RISC-V flag letters: `info pg` and vtop's "NTDAGUXWRV" (Svnapot N, the
 * Svpbmt memory type, then D A G U X W R V) with the bits they show, and
 * `info tlb`'s "NTDAGUXWR" (every TLB entry is valid).
 */
#include "riscv_priv.h"

uint64_t pgw__riscv_flag_key(const struct pgw_level *lv, uint64_t e)
{
	(void)lv;
	return e & (RV_N | RV_PBMT | 0xffULL);
}

/* Svpbmt: 0 PMA (as the physical memory attributes say), 1 NC
 * (non-cacheable memory), 2 IO, 3 reserved. */
static char mem_type(uint64_t e)
{
	return "-CI3"[(e & RV_PBMT) >> RV_PBMT_SHIFT];
}

static char *put_letters(uint64_t e, char *p, bool valid)
{
	static const char bits[] = "DAGUXWR";

	*p++ = (e & RV_N) ? 'N' : '-';
	*p++ = mem_type(e);
	for (unsigned i = 0; i < 7; i++)
		*p++ = (e & (1ULL << (7 - i))) ? bits[i] : '-';
	if (valid)
		*p++ = (e & RV_V) ? 'V' : '-';
	return p;
}

void pgw__riscv_flag_letters(const struct pgw_level *lv, uint64_t e,
			     char out[11])
{
	*put_letters(pgw__riscv_flag_key(lv, e), out, true) = 0;
}

char *pgw__riscv_tlb_flags(const struct pgw_level *lv, uint64_t e, char *p)
{
	return put_letters(pgw__riscv_flag_key(lv, e), p, false);
}
