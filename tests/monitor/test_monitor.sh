#!/bin/sh
# QEMU-compatible monitor behaviour on the demo guest: `info registers` in
# QEMU 7.2's x86-64 layout (exact lines; fields a dump lacks are absent),
# `help` (QEMU's commands first, in QEMU's words, then pgstub's own),
# `info` alone, and unknown commands answered as QEMU's monitor does.
. "$top_srcdir/tests/gdb/lib.sh"
[ -x "$(command -v "${GDB:-gdb}")" ] || skip_all "gdb not found"
img=$top_builddir/demo.elf
plan 16

out=$(gdb_run "$img" -ex 'monitor info registers')
want='
CPU#0
RAX=0000000000001111 RBX=0000000000000000 RCX=0000000000000000 RDX=0000000000000000
RSI=0000000000000000 RDI=0000000000000000 RBP=0000000000000000 RSP=ffff888001ff0000
R8 =0000000000000000 R9 =0000000000000000 R10=0000000000000000 R11=0000000000000000
R12=0000000000000000 R13=0000000000000000 R14=0000000000000000 R15=0000000000000000
RIP=ffffffff81000100 RFL=00000246 [---Z-P-] CPL=0
ES =0000 0000000000000000 00000000 00000000
CS =0010 0000000000000000 ffffffff 00af9b00 DPL=0 CS64 [-RA]
SS =0018 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]
DS =0000 0000000000000000 00000000 00000000
FS =0000 0000000000000000 00000000 00000000
GS =0000 0000000000000000 00000000 00000000
LDT=0000 0000000000000000 00000000 00000000
TR =0000 0000000000000000 00000000 00000000
GDT=     fffffe0000001000 0000007f
IDT=     fffffe0000000000 00000fff
CR0=80050033 CR2=0000000000000000 CR3=0000000000100000 CR4=003506f0'
got=$(printf '%s\n' "$out" | sed -n '/^$/,$p' | grep -v '^\[Inferior')
[ "$got" = "$want" ]; st=$?
[ $st -eq 0 ] || { echo "# got:"; printf '%s\n' "$got" | sed 's/^/#   /'; }
ok "info registers: QEMU's 64-bit layout, exact" $st
expect_none() {  # NAME TEXT HAYSTACK: no line contains TEXT
	printf '%s\n' "$3" | grep -qF -- "$2"; st=$?
	[ $st -ne 0 ] || printf '%s\n' "$3" | sed 's/^/#   /' | head -30
	ok "$1" $((st == 0))
}
expect_none "info registers: no invented II/A20/SMM/HLT" "A20=" "$out"
expect_none "info registers: no invented DR/EFER/FPU lines (not in the dump)" "EFER=" "$out"

out=$(gdb_run "$img" -ex 'thread 2' -ex 'monitor info registers -a')
expect_line "info registers -a: both vCPUs" "CPU#1" "$out"
expect_line "info registers -a: vCPU 1 at CPL 3" \
	"RIP=0000000000400010 RFL=00000246 [---Z-P-] CPL=3" "$out"

out=$(gdb_run "$img" -ex 'monitor help')
expect_line "help: QEMU's info entry" \
	"info [subcommand] -- show various information about the system state" "$out"
expect_line "help: QEMU's help entry" "help|? [cmd] -- show the help" "$out"
expect_line "help: pgstub's own, marked" \
	"vtop ADDR -- walk the page tables for ADDR, level by level (pgstub)" "$out"
first_own=$(printf '%s\n' "$out" | grep -n '(pgstub)$' | head -1 | cut -d: -f1)
last_qemu=$(printf '%s\n' "$out" | grep -n -- ' -- ' | grep -v '(pgstub)$' | tail -1 | cut -d: -f1)
[ -n "$first_own" ] && [ -n "$last_qemu" ] && [ "$last_qemu" -lt "$first_own" ]
ok "help: QEMU's commands before pgstub's" $?

out=$(gdb_run "$img" -ex 'monitor info')
expect_line "info alone lists subcommands like QEMU" \
	"info tlb  -- show virtual to physical memory mappings" "$out"
expect_line "info registers help in QEMU 7.2's words" \
	"info registers [-a] -- show the cpu registers (-a: all - show register info for all cpus)" "$out"

out=$(gdb_run "$img" -ex 'monitor frobnicate' -ex 'monitor info frob' -ex 'monitor help frob' -ex 'echo survived\n')
expect_line "unknown command as QEMU" "unknown command: 'frobnicate'" "$out"
expect_line "unknown info subcommand as QEMU" "unknown command: 'info frob'" "$out"
expect_line "help of an unknown command as QEMU" "unknown command: 'frob'" "$out"
expect_none "unknown commands are not protocol errors" "Protocol error" "$out"
expect_line "session survives" "survived" "$out"
[ $failed -eq 0 ]
