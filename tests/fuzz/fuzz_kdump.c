/*
 * libFuzzer target: the kdump-compressed source (kdump.c) on a whole file,
 * flat or makedumpfile-flattened (reassembled into a memfd), with
 * libkdumpfile serving pages; then what pgstub does with an open dump.
 */
#include "guest_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	guest *g = fz_open(data, size, GUEST_FMT_KDUMP);

	if (!g)
		return 0;
	FZ_CHECK(guest_format(g) == GUEST_FMT_KDUMP);
	FZ_CHECK(!strncmp(guest_describe(g), "kdump-compressed dump (", 23));
	fz_check_arch(g);
	/* Pages may be undecodable: reads inside RAM may come back short. */
	fz_exercise(g, 0);
	guest_phys_ranges(g, fz_reread, g);
	guest_close(g);
	return 0;
}
