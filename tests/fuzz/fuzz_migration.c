/*
 * libFuzzer target: the QEMU migration stream source (migration.c, the
 * JSON description in migration_vmdesc.c, spapr/htab through pgw_htab, the
 * aarch64 cpreg list in arm64_mig.c) on a whole stream; then what pgstub
 * does with it, hash and VMSAv8-64 contexts included.
 */
#include "guest_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	guest *g = fz_open(data, size, GUEST_FMT_MIGRATION);
	const pgw_htab *h;

	if (!g)
		return 0;
	FZ_CHECK(guest_format(g) == GUEST_FMT_MIGRATION);
	FZ_CHECK(!strncmp(guest_describe(g), "QEMU migration stream (", 23));
	fz_check_arch(g);
	h = guest_ppc64_htab(g);
	if (h) {
		unsigned s = pgw_htab_shift(h);

		FZ_CHECK(guest_arch(g) == GUEST_ARCH_PPC64);
		FZ_CHECK(s >= 18 && s <= 46);
		FZ_CHECK(pgw_htab_entries(h) == 1ULL << (s - 4));
	}
	if (guest_arch(g) == GUEST_ARCH_PPC64)
		FZ_CHECK(guest_ppc64_cpu(g, 0) != NULL);
	/* An aarch64 stream opens only with every vCPU's core registers. */
	if (guest_arch(g) == GUEST_ARCH_AARCH64)
		for (int i = 0; i < guest_ncpus(g); i++)
			FZ_CHECK(guest_arm64_cpu(g, i) != NULL &&
				 guest_arm64_cpu(g, i)->valid &
				 GUEST_ARM64_HAS_GPRS);
	/* Pages never sent are holes inside RAM: reads may come back short. */
	fz_exercise(g, 0);
	guest_phys_ranges(g, fz_reread, g);
	guest_close(g);
	return 0;
}
