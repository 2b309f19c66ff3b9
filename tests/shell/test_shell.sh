#!/bin/sh
# pgstub shell as a script runner (-c, stdin): monitor commands, disas and
# x /Ni on the demo image's known bytes, plain output when piped, bad input
# (one clear line, the shell goes on), and disassembly of a real guest dump
# checked against GDB's own disassembler through pgstub.
. "$top_srcdir/tests/gdb/lib.sh"
img=$top_builddir/demo.elf
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
plan 27

sh_run() { "$PGSTUB" shell "$@" 2>&1; }

version=$(sed -n 's/^AC_INIT(\[pgstub\], *\[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
out=$(sh_run "$img" -c 'info version')
expect_line "info version names pgstub as QEMU names itself" "$version (pgstub)" "$out"

out=$(sh_run "$img" -c 'disas $pc 3')
expect_line "disas at \$pc: the demo's nops" \
	'ffffffff81000101: 90                       nop' "$out"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 3 ]
ok "disas N lists exactly N instructions" $?

out=$(sh_run "$img" -c 'x /2i 0xffffffff81000000')
expect_line "x /Ni decodes the demo's text bytes (48 65 6c = gs insb)" \
	'ffffffff81000000: 48 65 6c                 insb byte ptr [rdi], dx' "$out"

out=$(sh_run "$img" -c 'xp/1i 0x200100' -c 'x/2bx 0x400000')
expect_line "xp/Ni disassembles physical memory" \
	'0000000000200100: 90                       nop' "$out"
expect_line "other x formats still go to the monitor" \
	'0000000000400000: 0x70 0x72' "$out"

out=$(sh_run "$img" -c 'cpu 1' -c 'disas' -c 'disas 0x402ff8 10')
expect_line "cpu 1 then disas follows vCPU 1's \$pc" \
	'0000000000400010: 00 00                    add byte ptr [rax], al' "$out"
expect_line "a listing stops cleanly at an unmapped page" \
	'0000000000403000: cannot read memory (not mapped)' "$out"

out=$(sh_run "$img" -c 'disas 0x1000' -c 'gva2gpa 0xffffffff81000010')
shst=$?
expect_line "unmapped address: one clear line" \
	'0000000000001000: cannot read memory (not mapped)' "$out"
expect_line "the shell goes on after it" 'gpa: 0x200010' "$out"
[ $shst -eq 1 ]
ok "a failed -c command makes the exit status 1" $?

out=$(sh_run "$img" -c 'disas -m riscv64 0' -c 'disas -m vax 0' -c 'set disassembler ppc64' -c 'disas 0xffffffff81000100 1')
expect_line "a mode capstone lacks: one line" \
	'disas: capstone 4.0 cannot disassemble riscv64' "$out"
expect_line "an unknown mode: one line" \
	"disas: unknown mode 'vax' (auto 16 32 64 ppc64 ppc64le riscv64 arm64 riscv32)" "$out"
expect_line "set disassembler ppc64 decodes as big-endian Power" \
	'ffffffff81000100: 90 90 90 90              stw r4, -0x6f70(r16)' "$out"

out=$(sh_run "$img" -c 'disas zz' -c 'x /3i' -c 'disas $pc 0' -c 'frobnicate' -c 'vtop 0xffffffff81000000')
expect_line "garbage address" "invalid address 'zz'" "$out"
expect_line "x /Ni without address" 'usage: x /Ni ADDR' "$out"
expect_line "zero count" 'disas: count must be 1..4096' "$out"
expect_has "after bad input the shell still works" "0xffffffff81000000 -> 0x0000000000200000 size 2M perms r-x-" "$out"

out=$(printf 'gva2gpa $sp\n# a comment\n\ninfo mem\nquit\ngva2gpa 0\n' | "$PGSTUB" shell "$img" 2>&1)
expect_line "stdin script: \$sp is substituted for the monitor" 'gpa: 0x1ff0000' "$out"
printf '%s\n' "$out" | grep -q Unmapped
[ $? -ne 0 ]
ok "stdin script: nothing runs after quit" $?

head -c 4096 /dev/urandom > "${TMPDIR:-/tmp}/pgstub-shell-garbage.$$"
out=$(sh_run "${TMPDIR:-/tmp}/pgstub-shell-garbage.$$" -c 'info mem')
st=$?
rm -f "${TMPDIR:-/tmp}/pgstub-shell-garbage.$$"
[ $st -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] &&
	printf '%s\n' "$out" | grep -q '^pgstub: '
ok "garbage image: exit 1 with one line" $?

printf '%s' "$(sh_run "$img" -c 'frobnicate' -c 'disas $pc 1')" | grep -q "$(printf '\033')"
[ $? -ne 0 ]
ok "plain output when piped" $?

# Real dumps: instruction boundaries and mnemonics from capstone must match
# GDB's own disassembler (Intel syntax) on the same guest bytes, in 64-bit
# (both vCPUs of x86_64-4l) and 32-bit (i386-pae) code.
for case in x86_64-4l:0 x86_64-4l:1 i386-pae:0; do
	cfg=${case%:*}; cpu=${case#*:}
	dump=$guests/$cfg/dump.elf
	if [ ! -r "$dump" ] || [ ! -x "${GDB:-/usr/bin/gdb}" ]; then
		n=$((n + 1)); echo "ok $n # SKIP no real guest dump ($dump)"
		continue
	fi
	mine=$(sh_run "$dump" -c "cpu $cpu" -c 'disas $pc 12' |
		sed -n 's/^0*\([0-9a-f]*\): [0-9a-f ]*  \([a-z0-9]*\).*/0x\1 \2/p')
	# Where the two name one encoding differently, GDB's spelling is mapped
	# to capstone's: 66 90 is "xchg ax,ax" to GDB and "nop" to capstone, and
	# GDB writes the redundant prefixes of padding nops (cs, data16) as
	# mnemonics where capstone folds them into the operand.
	theirs=$(gdb_run "$dump" -ex 'set disassembly-flavor intel' \
		-ex "thread $((cpu + 1))" -ex 'x/12i $pc' |
		sed -e 's/:\txchg  *ax,ax$/:\tnop/' \
		    -e 's/:\t\(\(cs\|ds\|es\|ss\|data16\) \)*nop/:\tnop/' |
		sed -n 's/^\(=>\)\{0,1\} *\(0x[0-9a-f]*\)[^:]*:\t\([a-z0-9]*\).*/\2 \3/p')
	[ "$(printf '%s\n' "$mine" | wc -l)" -eq 12 ] && [ "$mine" = "$theirs" ]
	st=$?
	[ $st -eq 0 ] || { echo "# capstone:"; echo "$mine" | sed 's/^/#   /'; echo "# gdb:"; echo "$theirs" | sed 's/^/#   /'; }
	ok "$cfg vCPU $cpu: 12 instructions at \$pc match GDB's" $st
done

# aarch64: capstone's A64 against gdb-multiarch's on the recorded arm64
# guest, vCPU 0 in kernel text (EL1) and vCPU 1 in busybox (EL0, its
# TTBR0_EL1 as QEMU had it). Capstone 4 names the mov alias of movz by the
# instruction itself: mapped to GDB's spelling. It prints the HINT-space
# instructions it does not know (pointer authentication, BTI: paciasp is
# HINT #25) as "hint": GDB's names of those are mapped to "hint" (seen
# when a recording stopped vCPU 1 in PAC-enabled code).
a64=$guests/aarch64-virt-4k
gdbm=${GDB_MULTIARCH:-gdb-multiarch}
for cpu in 0 1; do
	if [ ! -r "$a64/dump.elf" ] || ! command -v "$gdbm" >/dev/null; then
		n=$((n + 1)); echo "ok $n # SKIP no recorded aarch64 guest or gdb-multiarch"
		continue
	fi
	ttbr0=$(sed -n 's/.*"TTBR0_EL1": *"\(0x[0-9a-f]*\)".*/\1/p' "$a64/cpu1/gdbstub_registers.json")
	mine=$(sh_run --reg "ttbr0_el1=$ttbr0" "$a64/dump.elf" -c "cpu $cpu" -c 'disas $pc 16' |
		sed -n 's/^0*\([0-9a-f]*\): [0-9a-f ]*  \([a-z0-9.]*\).*/0x\1 \2/p' |
		sed 's/ movz$/ mov/')
	theirs=$("$gdbm" -q -batch -nx -ex 'set architecture aarch64' \
		-ex "target remote | $PGSTUB --stdio --reg ttbr0_el1=$ttbr0 $a64/dump.elf" \
		-ex "thread $((cpu + 1))" -ex 'x/16i $pc' 2>&1 |
		sed -n 's/^\(=>\)\{0,1\} *\(0x[0-9a-f]*\)[^:]*:\t\([a-z0-9.]*\).*/\2 \3/p' |
		sed -E 's/ (pac|aut)(ia|ib)(sp|z|1716)$/ hint/; s/ (xpaclri|bti|esb|psb|csdb|dgh|tsb)$/ hint/')
	[ "$(printf '%s\n' "$mine" | wc -l)" -eq 16 ] && [ "$mine" = "$theirs" ]
	st=$?
	[ $st -eq 0 ] || { echo "# capstone:"; echo "$mine" | sed 's/^/#   /'; echo "# gdb-multiarch:"; echo "$theirs" | sed 's/^/#   /'; }
	ok "aarch64-virt-4k vCPU $cpu: 16 A64 instructions at \$pc match gdb-multiarch's" $st
done
exit $((failed > 0))
