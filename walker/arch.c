/*
 * The registry of MMU families: the one list naming every arch (adding one
 * is a line here), and what follows from it for any mode: its format, its
 * name and the spans of its input addresses.
 */
#include "walker_priv.h"

extern const struct pgw_arch pgw__arch_x86, pgw__arch_ppc64, pgw__arch_arm64;
extern const struct pgw_arch pgw__arch_riscv, pgw__arch_ppc64_radix;

const struct pgw_arch *const pgw__arches[] = {
	&pgw__arch_x86,
	&pgw__arch_ppc64,
	&pgw__arch_riscv,
	&pgw__arch_arm64,
	&pgw__arch_ppc64_radix,
	NULL,
};

const struct pgw_format *pgw__format(enum pgw_mode mode)
{
	for (const struct pgw_arch *const *a = pgw__arches; *a; a++)
		for (const struct pgw_format *const *f = (*a)->formats; *f; f++)
			if ((*f)->mode == mode)
				return *f;
	return NULL;
}

const char *pgw_mode_name(enum pgw_mode mode)
{
	const struct pgw_format *f = pgw__format(mode);

	if (mode == PGW_MODE_NONE)
		return "paging disabled";
	return f ? f->name : "unknown";
}

int pgw_mode_va_spans(enum pgw_mode mode, uint64_t spans[2][2])
{
	const struct pgw_format *f = pgw__format(mode);
	uint64_t half;

	if (!f)
		return 0;
	if (f->va_bits >= 64) {
		spans[0][0] = spans[0][1] = 0;  /* the whole space */
		return 1;
	}
	if (f->halves) {
		/* Two regions of va_bits each (arm64 TTBR0 and TTBR1). */
		spans[0][0] = 0;
		spans[0][1] = 1ULL << f->va_bits;
		spans[1][0] = -(1ULL << f->va_bits);
		spans[1][1] = 0;
		return 2;
	}
	if (!f->canonical) {
		spans[0][0] = 0;
		spans[0][1] = 1ULL << f->va_bits;
		return 1;
	}
	/* SDM 3A 4.5: the upper bits copy the top translated bit. */
	half = 1ULL << (f->va_bits - 1);
	spans[0][0] = 0;
	spans[0][1] = half;
	spans[1][0] = -half;
	spans[1][1] = 0;
	return 2;
}
