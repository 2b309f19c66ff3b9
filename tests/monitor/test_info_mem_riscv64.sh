#!/bin/sh
# `info mem` of the recorded riscv64 guests (QEMU 7.2, Debian trixie's 6.12
# kernel, 2 harts in Sv39, Sv48 and Sv57) byte for byte QEMU's own, per
# hart: pgstub shell on the ELF dump with the hart's satp (QEMU's riscv
# dumps hold none), against QEMU's `info mem` recorded at the same stop.
. "$top_srcdir/tests/gdb/lib.sh"
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
configs="riscv64-sv39 riscv64-sv48 riscv64-sv57"
for c in $configs; do
	[ -f "$guests/$c/meta.json" ] || skip_all "no recording $guests/$c (tests/realguest/record_riscv64.py makes it)"
done
plan 6
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgstub-rvmem.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for c in $configs; do
	d=$guests/$c
	for h in 0 1; do
		satp=$(sed -n 's/^ *satp *\([0-9a-f]*\).*/\1/p' "$d/cpu$h/info_registers.txt" | head -1)
		"$PGSTUB" shell --reg "satp=0x$satp" -c "cpu $h" -c "info mem" \
			"$d/dump.elf" >"$tmp/got" 2>&1
		tr -d '\r' <"$d/cpu$h/info_mem.txt" >"$tmp/want"
		cmp -s "$tmp/got" "$tmp/want"
		st=$?
		[ $st -eq 0 ] || diff "$tmp/got" "$tmp/want" | head -5 | sed 's/^/# /'
		[ $st -eq 0 ] && [ "$(wc -l <"$tmp/want")" -gt 100 ]
		ok "$c hart $h: info mem = QEMU's ($(wc -l <"$tmp/want") lines, satp $satp)" $?
	done
done
