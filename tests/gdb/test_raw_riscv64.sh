#!/bin/sh
# A raw riscv64 image (--arch riscv64, tests/gdb/mkrvraw.py) through
# gdb-multiarch: --reg satp= roots the walk, and `monitor nested hgatp`
# composes a G-stage (Sv39x4) with it, so a user VA reads another page;
# without satp the refusal names --reg satp=. TAP.
. "$top_srcdir/tests/gdb/lib.sh"
GDB=${GDB_MULTIARCH:-gdb-multiarch}
command -v "$GDB" >/dev/null 2>&1 || skip_all "gdb-multiarch not found"
work=$(mktemp -d "${TMPDIR:-/tmp}/pgstub-rvraw.XXXXXX")
trap 'rm -rf "$work"' EXIT
"${PYTHON3:-python3}" "$top_srcdir/tests/gdb/mkrvraw.py" "$work/rv.img" ||
	{ echo "Bail out! mkrvraw.py failed"; exit 1; }
plan 11


raw="--raw --raw-base 0x80000000 --arch riscv64"
out=$(stdio_run $raw --reg satp=0x8000000000080001 "$work/rv.img" -- \
	-ex 'x/s 0x10000' -ex 'x/s 0xffffffff80000000' -ex 'p/x $satp' \
	-ex 'monitor nested hgatp 0x8000000000080020' \
	-ex 'x/s 0x10000' -ex 'x/s 0xffffffff80000000' \
	-ex 'monitor vtop 0x10000' -ex 'monitor nested off' -ex 'x/s 0x10000' \
	-ex 'monitor nested hgatp 0x1')
expect_line "satp from --reg: a user page" '0x10000:	"user page"' "$out"
expect_line "satp from --reg: the kernel's 2M leaf" \
	'0xffffffff80000000:	"kernel text"' "$out"
expect_line "satp reads as given" '$1 = 0x8000000000080001' "$out"
expect_line "nested hgatp: the user page's GPA is another HPA" \
	'0x10000:	"g-stage!"' "$out"
expect_has "nested hgatp: vtop walks the G-stage for every table" \
	"nested     G L0[003] @ 0x0000000080025018" "$out"
expect_has "nested hgatp: vtop's result, GPA then HPA" \
	"0x0000000000010000 -> gpa 0x0000000080010000 -> 0x0000000080011000 size 4K" "$out"
expect_line "nested off: stage 1 alone again" '0x10000:	"user page"' "$out"
expect_has "nested hgatp Bare: refused with the reason" \
	"nested: hgatp MODE 0 (Bare)" "$out"
expect_has "kernel reads stay right through the G-stage" \
	'0xffffffff80000000:	"kernel text"' "$(printf '%s\n' "$out" | sed -n '/g-stage!/,$p')"

out=$(stdio_run $raw "$work/rv.img" -- -ex 'monitor gva2gpa 0x10000' -ex 'x/s 0x10000')
expect_has "no satp: the refusal names --reg satp=" "--reg satp=" "$out"
expect_has "no satp: GDB's read refused" "Cannot access memory at address 0x10000" "$out"
exit $((failed != 0))
