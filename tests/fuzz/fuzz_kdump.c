/*
 * libFuzzer target: the kdump-compressed source (kdump.c) on a whole file,
 * flat or makedumpfile-flattened (reassembled into a memfd), with
 * libkdumpfile serving pages; then what pgstub does with an open dump.
 */
#include "guest_common.h"

/* A page read twice gives the same bytes (libkdumpfile's cache agrees
 * with its decompressor). */
static int reread(uint64_t pa, uint64_t size, void *payload)
{
	guest *g = payload;
	uint8_t a[4096], b[4096];
	size_t n = size < sizeof(a) ? (size_t)size : sizeof(a);
	size_t got = guest_phys_read(g, pa, a, n);

	FZ_CHECK(got <= n);
	FZ_CHECK(guest_phys_read(g, pa, b, got) == got);
	FZ_CHECK(!memcmp(a, b, got));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	guest *g = fz_open(data, size, GUEST_FMT_KDUMP);

	if (!g)
		return 0;
	FZ_CHECK(guest_format(g) == GUEST_FMT_KDUMP);
	FZ_CHECK(!strncmp(guest_describe(g), "kdump-compressed dump (", 23));
	FZ_CHECK(guest_arch(g) == GUEST_ARCH_X86_64 ||
		 guest_arch(g) == GUEST_ARCH_I386);
	/* Pages may be undecodable: reads inside RAM may come back short. */
	fz_exercise(g, 0);
	guest_phys_ranges(g, reread, g);
	guest_close(g);
	return 0;
}
