#!/bin/sh
# GDB 16 reads memory with the binary "x" packet (binary-upload+) where GDB
# 13 uses hex "m". Debian 13's GDB 16 (tests/tools/fetch_gdb16.py, fetched
# once into the cache) and the system GDB read the same kernel text of the
# real x86_64-4l guest through pgstub --stdio: the same bytes, each through
# its own packet, including bytes that "x" must escape.
. "$top_srcdir/tests/gdb/lib.sh"
cache=${PGSTUB_CACHE:-/var/cache/pgstub}
guest=${PGSTUB_GUESTS:-$cache/guests}/x86_64-4l
gdb16=${GDB16:-$cache/gdb16/gdb}
[ -x "${GDB:-/usr/bin/gdb}" ] || skip_all "gdb not found"
[ -f "$guest/dump.elf" ] || skip_all "no x86_64-4l guest in $guest (tests/realguest)"
if [ ! -x "$gdb16" ]; then
	"${PYTHON3:-python3}" "$top_srcdir/tests/tools/fetch_gdb16.py" "$cache" >&2 ||
		skip_all "GDB 16 could not be fetched (tests/tools/fetch_gdb16.py)"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/pgstub-gdb16.XXXXXX")
trap 'rm -rf "$work"' EXIT
text=$("${PYTHON3:-python3}" -c '
import json, sys
m = json.load(open(sys.argv[1]))
print([l.split()[0] for l in m["guest"]["kallsyms"] if l.endswith(" _text")][0])
' "$guest/meta.json")
plan 6

# read GDB OUT [gdb args]: 4 MiB of kernel text into OUT, packets logged.
read_text() {
	g=$1 out=$2; shift 2
	"$g" -q -batch -nx -ex 'set pagination off' -ex 'set debug remote 1' \
		-ex "target remote | $PGSTUB --stdio $guest/dump.elf" \
		-ex "dump binary memory $out 0x$text 0x$text+0x400000" \
		-ex 'detach' "$@" 2>&1
}
log16=$(read_text "$gdb16" "$work/x.bin")
log13=$(read_text "${GDB:-gdb}" "$work/m.bin")

expect_has "the fetched GDB is GDB 16" "GNU gdb (Debian 16." "$("$gdb16" -nx -batch -ex 'show version' 2>&1)"
expect_has "pgstub offers binary-upload to GDB 16" "binary-upload+" "$log16"
n16=$(printf '%s\n' "$log16" | grep -c "Sending packet: \$x$(echo "$text" | cut -c1-6)")
n13=$(printf '%s\n' "$log13" | grep -c "Sending packet: \$m$(echo "$text" | cut -c1-6)")
[ "$n16" -gt 0 ]; ok "GDB 16 reads the text with x ($n16 packets)" $?
[ "$n13" -gt 0 ]; ok "GDB 13 reads the text with m ($n13 packets)" $?
cmp -s "$work/x.bin" "$work/m.bin" && [ "$(wc -c <"$work/x.bin")" -eq 4194304 ]
ok "x and m give the same 4 MiB" $?
# Kernel text holds every byte value "x" escapes ('#' '$' '}' '*').
"${PYTHON3:-python3}" -c '
import sys
d = open(sys.argv[1], "rb").read()
sys.exit(0 if all(d.count(c) > 100 for c in b"#$}*") else 1)
' "$work/x.bin"
ok "the bytes read include many of each escaped value" $?
[ "$failed" -eq 0 ]
