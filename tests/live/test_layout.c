/*
 * The live guest-physical layout from QEMU's `info mtree -f` text
 * (stub/pgstub/live_layout.c), on trees QEMU 7.2 printed for a pc machine
 * with 256 MiB, a q35 machine with 5 GiB in a shared memory backend and
 * an Arm virt machine with RAM above its flash, and on trees no QEMU
 * prints.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "live/proxy.h"

/* QEMU 7.2, -M pc -m 256: the "memory" view is the first. */
static const char pc_tree[] =
	"FlatView #0\n"
	" AS \"memory\", root: system\n"
	" AS \"cpu-memory-0\", root: system\n"
	" Root memory region: system\n"
	"  0000000000000000-00000000000bffff (prio 0, ram): pc.ram\n"
	"  00000000000c0000-00000000000dffff (prio 1, rom): pc.rom\n"
	"  00000000000e0000-00000000000fffff (prio 0, rom): pc.bios @0000000000020000\n"
	"  0000000000100000-000000000fffffff (prio 0, ram): pc.ram @0000000000100000\n"
	"  00000000fec00000-00000000fec00fff (prio 0, i/o): ioapic\n"
	"  00000000fed00000-00000000fed003ff (prio 0, i/o): hpet\n"
	"  00000000fee00000-00000000feefffff (prio 4096, i/o): apic-msi\n"
	"  00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios\n"
	"\n"
	"FlatView #1\n"
	" AS \"cpu-smm-0\", root: memory\n"
	" Root memory region: memory\n"
	"  0000000000000000-00000000000bffff (prio 0, ram): pc.ram\n";

/* QEMU 7.2, -M q35 -m 5G, memory-backend-file id=ram0: other views come
 * first, and RAM above 4 GiB continues the backend at 2 GiB. */
static const char q35_tree[] =
	"FlatView #0\n"
	" AS \"I/O\", root: io\n"
	" Root memory region: io\n"
	"  0000000000000000-0000000000000007 (prio 0, i/o): dma-chan\n"
	"\n"
	"FlatView #1\n"
	" AS \"mch\", root: bus master container\n"
	" Root memory region: (none)\n"
	"  No rendered FlatView\n"
	"\n"
	"FlatView #2\n"
	" AS \"memory\", root: system\n"
	" AS \"cpu-memory-0\", root: system\n"
	" Root memory region: system\n"
	"  0000000000000000-00000000000bffff (prio 0, ram): ram0\n"
	"  00000000000c0000-00000000000dffff (prio 1, rom): pc.rom\n"
	"  00000000000e0000-00000000000fffff (prio 0, rom): pc.bios @0000000000020000\n"
	"  0000000000100000-000000007fffffff (prio 0, ram): ram0 @0000000000100000\n"
	"  00000000fec00000-00000000fec00fff (prio 0, i/o): ioapic\n"
	"  00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios\n"
	"  0000000100000000-00000001bfffffff (prio 0, ram): ram0 @0000000080000000\n"
	"\n"
	"FlatView #3\n"
	" AS \"cpu-smm-0\", root: memory\n";

/* QEMU 7.2, -M virt -m 512M (qemu-system-aarch64), memory-backend-file
 * id=ram0 (the virtio-mmio lines left out): flash below RAM at 1 GiB. */
static const char virt_tree[] =
	"FlatView #2\n"
	" AS \"memory\", root: system\n"
	" AS \"cpu-memory-0\", root: system\n"
	" AS \"cpu-memory-1\", root: system\n"
	" Root memory region: system\n"
	"  0000000000000000-0000000003ffffff (prio 0, romd): virt.flash0\n"
	"  0000000004000000-0000000007ffffff (prio 0, romd): virt.flash1\n"
	"  0000000008000000-0000000008000fff (prio 0, i/o): gic_dist\n"
	"  0000000009000000-0000000009000fff (prio 0, i/o): pl011\n"
	"  0000000010000000-000000003efeffff (prio 0, i/o): gpex_mmio_window @0000000010000000\n"
	"  000000003eff0000-000000003effffff (prio 0, i/o): gpex_ioport_window\n"
	"  0000000040000000-000000005fffffff (prio 0, ram): ram0\n"
	"  0000004010000000-000000401fffffff (prio 0, i/o): pcie-mmcfg-mmio\n"
	"  0000008000000000-000000ffffffffff (prio 0, i/o): gpex_mmio_window @0000008000000000\n";

struct want {
	uint64_t pa, len, off;
};

static void check(const char *text, const char *backend,
		  const struct want *w, size_t nw)
{
	struct guest_live_range *r = NULL;
	char err[256] = "";
	size_t n = 0;

	assert_int_equal(live_layout_parse(text, backend, &r, &n, err,
					   sizeof(err)), 0);
	assert_int_equal(n, nw);
	for (size_t i = 0; i < nw; i++) {
		assert_int_equal(r[i].pa, w[i].pa);
		assert_int_equal(r[i].len, w[i].len);
		assert_int_equal(r[i].file_off, w[i].off);
	}
	free(r);
}

static const uint64_t NOFILE = UINT64_MAX;

static void test_layout__pc_ram_at_0_is_the_backend(void **state)
{
	/* pc.rom and pc.bios merge (adjacent, neither in the file); the
	 * 768 KiB hole below 1 MiB keeps RAM's file offsets apart. */
	const struct want w[] = {
		{ 0, 0xc0000, 0 },
		{ 0xc0000, 0x40000, NOFILE },
		{ 0x100000, 0xff00000, 0x100000 },
		{ 0xfffc0000, 0x40000, NOFILE },
	};

	(void)state;
	check(pc_tree, NULL, w, 4);
	check(pc_tree, "pc.ram", w, 4);
}

static void test_layout__q35_high_ram_and_view_order(void **state)
{
	const struct want w[] = {
		{ 0, 0xc0000, 0 },
		{ 0xc0000, 0x40000, NOFILE },
		{ 0x100000, 0x7ff00000, 0x100000 },
		{ 0xfffc0000, 0x40000, NOFILE },
		{ 0x100000000ULL, 0xc0000000ULL, 0x80000000ULL },
	};

	(void)state;
	check(q35_tree, "ram0", w, 5);
	check(q35_tree, NULL, w, 5);
}

static void test_layout__qmp_crlf_lines(void **state)
{
	const struct want w[] = {
		{ 0, 0xc0000, 0 },
		{ 0xc0000, 0x40000, NOFILE },
		{ 0x100000, 0xff00000, 0x100000 },
		{ 0xfffc0000, 0x40000, NOFILE },
	};
	char crlf[sizeof(pc_tree) * 2];
	size_t o = 0;

	(void)state;
	for (const char *p = pc_tree; *p; p++) {
		if (*p == '\n')
			crlf[o++] = '\r';
		crlf[o++] = *p;
	}
	crlf[o] = 0;
	check(crlf, NULL, w, 4);
}

/* A backend that names no range: every range is read through QEMU, and
 * adjacent ones are one. */
static void test_layout__other_backend_has_no_file_offsets(void **state)
{
	const struct want w[] = {
		{ 0, 0x10000000, NOFILE },
		{ 0xfffc0000, 0x40000, NOFILE },
	};

	(void)state;
	check(pc_tree, "ram1", w, 2);
}

/* No RAM at 0 (Arm virt): the lowest RAM region is the backend. */
static void test_layout__virt_ram_above_flash_is_the_backend(void **state)
{
	const struct want w[] = {
		{ 0, 0x8000000, NOFILE },
		{ 0x40000000, 0x20000000, 0 },
	};

	(void)state;
	check(virt_tree, NULL, w, 2);
	check(virt_tree, "ram0", w, 2);
}

static void expect_error(const char *text, const char *backend,
			 const char *words)
{
	struct guest_live_range *r = (void *)1;
	char err[256] = "";
	size_t n = 7;

	assert_int_equal(live_layout_parse(text, backend, &r, &n, err,
					   sizeof(err)), -1);
	assert_null(r);
	assert_int_equal(n, 0);
	if (!strstr(err, words))
		fail_msg("error '%s' lacks '%s'", err, words);
}

static void test_layout__trees_no_qemu_prints_are_refused(void **state)
{
	(void)state;
	expect_error("FlatView #0\n AS \"I/O\", root: io\n", NULL,
		     "no \"memory\" address space");
	expect_error("FlatView #0\n AS \"memory\", root: system\n"
		     "  00000000000c0000-00000000000dffff (prio 1, rom): pc.rom\n",
		     NULL, "no RAM region");
	expect_error("FlatView #0\n AS \"memory\", root: system\n"
		     "  0000000000000000-000000000009ffff (prio 0, ram): r\n"
		     "  0000000000080000-00000000000fffff (prio 0, ram): r\n",
		     NULL, "out of order, overlaps");
	expect_error("FlatView #0\n AS \"memory\", root: system\n"
		     "  0000000000100000-00000000001fffff (prio 0, ram): r\n"
		     "  0000000000000000-000000000000ffff (prio 0, ram): r\n",
		     "r", "out of order, overlaps");
	/* A number too long for 64 bits reads as 2^64 - 1. */
	expect_error("FlatView #0\n AS \"memory\", root: system\n"
		     "  0000000000000000-0000000000000fff (prio 0, ram): r\n"
		     "  0000000000001000-fffffffffffffffffff (prio 0, ram): r\n",
		     NULL, "ends at 2^64");
	expect_error("FlatView #0\n AS \"memory\", root: system\n"
		     "  0000000000000000-0000000000000fff (prio 0, i/o): d\n",
		     "d", "no RAM");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout__pc_ram_at_0_is_the_backend),
		cmocka_unit_test(test_layout__q35_high_ram_and_view_order),
		cmocka_unit_test(test_layout__qmp_crlf_lines),
		cmocka_unit_test(test_layout__other_backend_has_no_file_offsets),
		cmocka_unit_test(test_layout__virt_ram_above_flash_is_the_backend),
		cmocka_unit_test(test_layout__trees_no_qemu_prints_are_refused),
	};

	return cmocka_run_group_tests_name("live_layout", tests, NULL, NULL);
}
