#!/bin/sh
# GDB (gdb-multiarch) on a synthetic aarch64 QEMU dump with hand-built
# VMSAv8-64 tables (tests/guest/mkarm64): it attaches through pgstub's
# aarch64 description, reads registers by QEMU's names (a system register
# the dump lacks is unavailable, not 0), threads are vCPUs, and kernel
# virtual addresses translate through the tables VMCOREINFO names (L3
# pages and a 2M block) in `x`, `monitor vtop`, `monitor gva2gpa` and
# `monitor info pg`. A user address without TTBR0_EL1 is refused with the
# option that supplies it; with --reg ttbr0_el1 it reads; through the
# dump's stage-2 tables (`monitor nested s2`) it reads another page;
# without VMCOREINFO nothing translates. TAP.

. "$top_srcdir/tests/gdb/lib.sh"
GDB=${GDB_MULTIARCH:-gdb-multiarch}
command -v "$GDB" >/dev/null 2>&1 || skip_all "gdb-multiarch not found"
work=$(mktemp -d "${TMPDIR:-/tmp}/pgstub-arm64.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$top_builddir/tests/guest/mkarm64" "$work/a64.elf" &&
	"$top_builddir/tests/guest/mkarm64" --no-vmcoreinfo "$work/bare.elf" ||
	{ echo "Bail out! mkarm64 failed"; exit 1; }
plan 28


out=$(stdio_run "$work/a64.elf" -- -ex 'info registers pc sp cpsr x1' \
	-ex 'info registers TTBR0_EL1 SCTLR' -ex 'p/x $v0.q.u[0]' \
	-ex 'p/x $fpcr' -ex 'info threads' -ex 'thread 2' \
	-ex 'info registers pc' -ex 'thread 1' \
	-ex 'x/2gx 0xffff800008000000' -ex 'x/2gx 0xffff800008200000' \
	-ex 'x/gx 0xffff800008001000' \
	-ex 'monitor vtop 0xffff800008001008' \
	-ex 'monitor gva2gpa 0xffff800008200008' \
	-ex 'monitor info pg' \
	-ex 'x/gx 0x400000' -ex 'monitor gva2gpa 0x400000')
expect_has "pc from NT_PRSTATUS" "pc             0xffff800008000000" "$out"
expect_has "cpsr (32-bit)" "cpsr           0x3c5" "$out"
expect_has "x1" "x1             0x1001" "$out"
expect_line "TTBR0_EL1 the dump lacks is unavailable" \
	"TTBR0_EL1      <unavailable>" "$out"
expect_line "QEMU's name SCTLR, unavailable too" "SCTLR          <unavailable>" "$out"
expect_line "v0, 128 bits from NT_PRFPREG" \
	'$1 = 0xfedcba98765432100123456789abcdef' "$out"
expect_has "two vCPUs as threads" "Thread 2 (CPU#1)" "$out"
expect_has "vCPU 1's pc" "pc             0xffff800008000004" "$out"
expect_line "kernel VA through L3 pages" \
	"0xffff800008000000:	0x1122334455667788	0x99aabbccddeeff00" "$out"
expect_line "kernel VA through the 2M block" \
	"0xffff800008200000:	0x1122334455667788	0x99aabbccddeeff00" "$out"
expect_line "second kernel page" "0xffff800008001000:	0x6b65726e656c2031" "$out"
expect_has "vtop: L3 entry" "L3[001] @ 0x0000000040005008 = 0x0060000040001703" "$out"
expect_has "vtop: result" "0xffff800008001008 -> 0x0000000040001008 size 4K" "$out"
expect_line "gva2gpa in the block" "gpa: 0x40000008" "$out"
expect_has "info pg: the 2M block at L2[041]" "L2[041]" "$out"
expect_has "user VA without TTBR0_EL1: GDB refused" \
	"Cannot access memory at address 0x400000" "$out"
expect_has "user VA without TTBR0_EL1: gva2gpa names the option" \
	"0x400000: a user (TTBR0_EL1) address, and TTBR0_EL1 is unknown: user addresses need the task's TTBR0_EL1: --reg ttbr0_el1=ROOT" "$out"

out=$(stdio_run --reg ttbr0_el1=0x40006000 "$work/a64.elf" -- \
	-ex 'x/gx 0x400000' -ex 'info registers TTBR0_EL1')
expect_line "user VA with --reg ttbr0_el1" "0x400000:	0x7573657275736572" "$out"
expect_has "TTBR0_EL1 as given" "TTBR0_EL1      0x40006000" "$out"

# Stage 2 (mkarm64's VTTBR): the user page's IPA is another PA; stage-1
# tables are fetched through stage 2 too (identity for them).
out=$(stdio_run --reg ttbr0_el1=0x40006000 "$work/a64.elf" -- \
	-ex 'monitor nested s2 0x4000a000 0x20060' \
	-ex 'x/gx 0x400000' -ex 'x/gx 0xffff800008001000' \
	-ex 'monitor gva2gpa 0x400000' -ex 'monitor vtop 0x400008' \
	-ex 'monitor nested off' -ex 'x/gx 0x400000' \
	-ex 'monitor nested s2 0x4000a000 0x3f' -ex 'monitor nested s2')
expect_line "nested s2: the user page through stage 2" \
	"0x400000:	0x3265676174732d32" "$out"
expect_line "nested s2: kernel text, identity at stage 2" \
	"0xffff800008001000:	0x6b65726e656c2031" "$out"
expect_line "nested s2: gva2gpa gives the guest's physical (the IPA)" \
	"gpa: 0x40010000" "$out"
expect_has "nested s2: vtop shows the stage-2 leaf" "S2 L3[010]" "$out"
expect_has "nested s2: vtop's result, IPA then PA" \
	"0x0000000000400008 -> gpa 0x0000000040010008 -> 0x0000000040011008 size 4K" "$out"
expect_line "nested off: back to stage 1 only" \
	"0x400000:	0x7573657275736572" "$out"
expect_has "nested s2: a bad VTCR refused with the reason" "nested: " "$out"
expect_has "nested s2 without VTTBR: usage" \
	"usage: nested ept|npt ROOT [--5level] | nested s2 VTTBR [VTCR] | nested hgatp HGATP | nested radix LPID [PID] | nested off" "$out"

out=$(stdio_run "$work/bare.elf" -- -ex 'x/gx 0xffff800008000000' \
	-ex 'monitor gva2gpa 0xffff800008000000')
expect_has "no VMCOREINFO: kernel VA refused, --vmcoreinfo named" \
	"no VMCOREINFO; give --vmcoreinfo FILE" "$out"
exit $((failed != 0))
