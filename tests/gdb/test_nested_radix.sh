#!/bin/sh
# A powernv POWER9 radix dump holding a KVM guest (tests/gdb/mkradixnest.py)
# through gdb-multiarch: `monitor nested radix LPID [PID]` shows the guest
# as it sees itself (EA -> guest real -> host real) in every view, GDB's
# reads included, until `nested off`; each refusal says why. TAP.
. "$top_srcdir/tests/gdb/lib.sh"
GDB=${GDB_MULTIARCH:-gdb-multiarch}
command -v "$GDB" >/dev/null 2>&1 || skip_all "gdb-multiarch not found"
work=$(mktemp -d "${TMPDIR:-/tmp}/pgstub-nradix.XXXXXX")
trap 'rm -rf "$work"' EXIT
"${PYTHON3:-python3}" "$top_srcdir/tests/gdb/mkradixnest.py" "$work/p9.elf" ||
	{ echo "Bail out! mkradixnest.py failed"; exit 1; }
plan 27

# The dump is little-endian ppc64.
GDB_ARCH=powerpc:common64
GDB_ENDIAN=little

K=0xc000000000001000
out=$(stdio_run --reg ptcr=0x10000 "$work/p9.elf" -- \
	-ex "x/s $K" -ex 'monitor nested radix 1' \
	-ex "monitor gva2gpa $K" -ex "monitor vtop $K" -ex "x/s $K" \
	-ex 'monitor info tlb' -ex 'x/s 0x10000' \
	-ex 'monitor nested radix 1 5' -ex 'monitor gva2gpa 0x10000' \
	-ex 'x/s 0x10000' -ex "x/s $K" -ex 'monitor info mem' \
	-ex 'monitor info pg' -ex 'monitor nested off' -ex "x/s $K" \
	-ex 'x/s 0x10000')
expect_line "the hypervisor's view first" "$K:	\"host kernel\"" \
	"$(printf '%s\n' "$out" | grep -m1 "^$K:")"
expect_line "nested radix 1: gva2gpa gives the guest real address" \
	"gpa: 0x2000" "$out"
expect_has "vtop: the guest's table read through the partition tree" \
	"guest        L1[000] @ 0x0000000000420000 = 0x8000000000030009" "$out"
expect_has "vtop: the partition-scoped levels" \
	"nested     P L3[000] @ 0x0000000000031000 = 0xc000000000400187 VLRC--rwx- 2M page" "$out"
expect_has "vtop: EA -> guest real -> host real" \
	"$K -> gpa 0x0000000000002000 -> 0x0000000000402000 size 4K perms rw--" "$out"
expect_line "GDB reads the guest kernel's page" "$K:	\"guest kernel\"" "$out"
expect_line "info tlb: the guest kernel's page" \
	"c000000000001000: 0000000000002000 LRC-Prw-" "$out"
expect_has "PID 0 leaves the user page unmapped" \
	"Cannot access memory at address 0x10000" \
	"$(printf '%s\n' "$out" | sed -n '/"guest kernel"/,/gpa: 0x5000/p')"
expect_line "nested radix 1 5: the user page's guest real address" \
	"gpa: 0x5000" "$out"
expect_line "GDB reads the user page of PID 5" '0x10000:	"guest user"' "$out"
expect_line "info mem: the user page" \
	"0000000000010000-0000000000011000 0000000000001000 urw" "$out"
expect_has "info pg: the guest's quadrant 0 by PID" \
	"quadrant 0 (PID 5, 52-bit, 4K pages)" "$out"
expect_has "info pg: the partition-scoped tree as the host section" \
	"Info pg, host mode (ppc64 radix partition-scoped)" "$out"
after=$(printf '%s\n' "$out" | sed -n '/host mode/,$p')
expect_line "nested off: the hypervisor's view again" \
	"$K:	\"host kernel\"" "$after"
expect_has "nested off: the guest's user page is gone" \
	"Cannot access memory at address 0x10000" "$after"

out=$(stdio_run --reg ptcr=0x10000 "$work/p9.elf" -- \
	-ex 'monitor nested radix 256' -ex 'monitor nested radix 2' \
	-ex 'monitor nested radix 0' -ex 'monitor nested radix 1x' \
	-ex 'monitor nested radix 1 0x100000' -ex 'monitor nested radix' \
	-ex 'monitor help nested')
expect_has "an LPID beyond the partition table" \
	"nested radix: LPID 256 is beyond the partition table (PTCR 0x10000: 256 entries)" "$out"
expect_has "a PATE with HR clear is a hash partition" \
	"nested radix: PATE[2] 0x0000000000100000 has HR = 0: the partition uses the hashed page table" "$out"
expect_has "LPID 0 is the hypervisor" \
	"nested radix: LPID 0 is the hypervisor's own partition" "$out"
expect_line "a bad LPID" "nested radix: invalid LPID '1x'" "$out"
expect_has "a PID beyond 20 bits" "nested radix: invalid PID '0x100000'" "$out"
expect_has "no LPID: the usage names the mode" "nested radix LPID [PID] | nested off" "$out"
expect_has "help lists the mode" "radix LPID [PID]" "$out"

out=$(stdio_run "$work/p9.elf" -- -ex 'monitor nested radix 1')
expect_has "no PTCR: the refusal names --reg ptcr=" \
	"nested radix: vCPU 0: no PTCR known (a powernv migration stream holds it, a dump does not): give --reg ptcr=PTCR" "$out"
out=$(stdio_run --reg ptcr=0x10000 --reg lpcr=0x1 "$work/p9.elf" -- \
	-ex 'monitor nested radix 1')
expect_has "LPCR[HR] clear: a hash vCPU" \
	"nested radix: vCPU 0: the vCPU uses the hashed page table" "$out"
out=$(timeout 120 "$GDB" -q -batch -nx -ex 'set confirm off' \
	-ex "target remote | $PGSTUB --stdio --raw --raw-base 0x80000000 --arch riscv64 $work/p9.elf" \
	-ex 'monitor nested radix 1' 2>&1)
expect_has "not ppc64: refused" "nested radix: vCPU 0: not a ppc64 guest" "$out"
# A failed nested radix leaves the session as it was; a new one replaces
# the view (and the session ends cleanly under the sanitizers).
out=$(stdio_run --reg ptcr=0x10000 "$work/p9.elf" -- \
	-ex 'monitor nested radix 1 5' -ex 'monitor nested radix 2' \
	-ex 'x/s 0x10000' -ex 'monitor nested radix 1' -ex 'x/s 0x10000')
expect_line "a refused nested radix keeps the view" '0x10000:	"guest user"' "$out"
expect_has "a new nested radix replaces the view" \
	"Cannot access memory at address 0x10000" \
	"$(printf '%s\n' "$out" | sed -n '/"guest user"/,$p')"
exit $((failed != 0))
