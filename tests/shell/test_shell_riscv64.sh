#!/bin/sh
# pgstub shell on a recorded riscv64 guest (QEMU 7.2 ELF dump, Sv39):
# `disas` picks riscv64 for a riscv64 guest by itself, and with a capstone
# that lacks RISC-V (Debian 12's 4.0) says so in one line instead of
# decoding the bytes as x86; with one that has it, the kernel's first
# instruction decodes.
. "$top_srcdir/tests/gdb/lib.sh"
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
d=$guests/riscv64-sv39
[ -f "$d/meta.json" ] || { echo "1..0 # SKIP no recording $d (tests/realguest/record_riscv64.py makes it)"; exit 0; }
plan 2
satp=$(sed -n 's/.*"satp": "\(0x[0-9a-f]*\)".*/\1/p' "$d/meta.json" | head -1)
# _stext - 0x2000 = 0xffffffff80000000: the image's first word, "c.li
# s4,-13" (0x5a4d, the "MZ" of its EFI header), then a jump.
out=$("$PGSTUB" shell --reg "satp=$satp" -c 'disas 0xffffffff80000000 2' "$d/dump.elf" 2>&1)
if printf '%s\n' "$out" | grep -q 'cannot disassemble riscv64'; then
	expect_line "auto mode on a riscv64 guest is riscv64 (capstone lacks it: one line)" \
		'disas: capstone 4.0 cannot disassemble riscv64' "$out"
	printf '%s\n' "$out" | grep -q 'ptr \[\|eax\|rax'
	[ $? -ne 0 ]
	ok "no x86 decoding of riscv64 bytes" $?
else
	expect_has "auto mode on a riscv64 guest decodes RISC-V" \
		'ffffffff80000000: 4d 5a ' "$out"
	printf '%s\n' "$out" | grep -q 'ptr \[\|eax\|rax'
	[ $? -ne 0 ]
	ok "no x86 decoding of riscv64 bytes" $?
fi
