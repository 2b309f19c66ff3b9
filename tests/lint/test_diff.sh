#!/bin/sh
# `diff` between two synthetic dumps that differ in known ways (mkbad.c
# lint vs lint2): each change found, nothing else; exit status; --json;
# the same result whatever the window (the lock-step streaming), also on
# two real guests; live pg-mark / pg-diff through GDB's monitor (the demo's
# two vCPUs map their user pages differently); bad input.
. "$top_srcdir/tests/gdb/lib.sh"
[ -x "$(command -v "${GDB:-gdb}")" ] || skip_all "gdb not found"
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
a=$tmp/a.elf b=$tmp/b.elf
"$top_builddir/tests/lint/mkbad" lint "$a" &&
	"$top_builddir/tests/lint/mkbad" lint2 "$b" || { echo "Bail out! mkbad"; exit 1; }
plan 16

out=$("$PGSTUB" diff "$a" "$b" 2>&1); code=$?
# The recursive slot (PML4[001] -> the PML4) maps the tables themselves:
# PD[009] becoming a table shows there as a changed page too.
want="diff: a = $a, b = $b
changed 0000000000011000-0000000000012000 perms r-xu -> rwxu entry 0x101025 -> 0x101027 (bits 0x2)
changed 0000000000020000-0000000000021000 pa 0x101000 -> 0x103000
removed 0000000000030000-0000000000031000 pa 0x40000000 4K rw--
changed 0000000000041000-0000000000042000 entry 0x8000000000103025 -> 0x8000000000103065 (bits 0x40)
added   0000000000050000-0000000000051000 pa 0x104000 4K r--u
changed 000000ffffc09000-000000ffffc0a000 pa 0x400000 -> 0x8000 perms rw-- -> rwxu
changed ffffffff81200000-ffffffff81400000 page 2M -> 4K
summary: 1 added (0x1000 bytes), 1 removed (0x1000 bytes), 5 changed (0x204000 bytes)"
[ "$out" = "$want" ]; r=$?
[ $r -eq 0 ] || { echo "# got:"; printf '%s\n' "$out" | sed 's/^/#   /'; }
ok "every known change, and nothing else" $r
ok "exit status 1: differences" $((code != 1))

out=$("$PGSTUB" diff "$a" "$a" 2>&1); code=$?
expect_line "an image against itself: nothing" \
	"summary: 0 added (0x0 bytes), 0 removed (0x0 bytes), 0 changed (0x0 bytes)" "$out"
ok "exit status 0: no differences" $code

"$PGSTUB" diff --json "$a" "$b" | "${PYTHON3:-python3}" -c '
import json, sys
j = json.load(sys.stdin)
assert j["schema"] == "pgstub-diff" and j["version"] == 1 and j["complete"]
ch = {c["va"]: c for c in j["changes"]}
assert ch["0x41000"]["kind"] == "changed"
assert int(ch["0x41000"]["a"]["entry"], 16) ^ int(ch["0x41000"]["b"]["entry"], 16) == 0x40
assert ch["0x50000"]["kind"] == "added" and ch["0x50000"]["a"] is None
assert ch["0x30000"]["kind"] == "removed" and ch["0x30000"]["b"] is None
assert ch["0xffffffff81200000"]["a"]["page_size"] == "0x200000"
assert ch["0xffffffff81200000"]["b"]["page_size"] == "0x1000"
assert j["summary"]["added"] == 1 and j["summary"]["changed"] == 5
'
ok "--json: versioned, both sides of each change" $?

same=0
for w in 1 2 3 5; do
	"$PGSTUB" diff --window $w "$a" "$b" > "$tmp/w$w" 2>&1
	printf '%s\n' "$want" | cmp -s - "$tmp/w$w" || same=1
done
ok "windows of 1..5 runs give the same diff (lock-step streaming)" $same

out=$("$PGSTUB" diff --range 0x40000 0x60000 "$a" "$b" 2>&1)
expect_line "--range limits both walks" \
	"summary: 1 added (0x1000 bytes), 0 removed (0x0 bytes), 1 changed (0x1000 bytes)" "$out"

out=$("$PGSTUB" diff "$a" "$tmp/nope.elf" 2>&1); code=$?
expect_line "a missing image: one clear line" \
	"pgstub diff: $tmp/nope.elf: No such file or directory" "$out"
ok "exit status 2 on trouble" $((code != 2))

# Live: pg-mark at one point, pg-diff later (here on the other vCPU, whose
# user half maps the same VAs to other pages).
out=$(gdb_run "$top_builddir/demo.elf" -ex 'monitor pg-diff' -ex 'monitor pg-mark' \
	-ex 'monitor pg-diff' -ex 'monitor pg-diff --cpu 1' -ex 'monitor pg-mark --frob' \
	-ex 'echo survived\n')
expect_line "pg-diff before any mark says so" "pg-diff: no mark: run pg-mark first" "$out"
expect_line "pg-mark says what it holds" "pg-mark: vCPU 0, 29 runs of mappings marked" "$out"
expect_line "pg-diff at the same stop: nothing" \
	"summary: 0 added (0x0 bytes), 0 removed (0x0 bytes), 0 changed (0x0 bytes)" "$out"
expect_line "pg-diff against vCPU 1: its user pages" \
	"changed 0000000000400000-0000000000403000 pa 0x800000 -> 0x900000" "$out"
expect_line "and its stack" \
	"changed 00007ffffffde000-00007ffffffe2000 pa 0x810000 -> 0x910000" "$out"
expect_line "bad option, and the session goes on" "survived" "$out"

# Two real guests (different kernels, different layouts): a window of a
# few runs must give the default's diff, line for line.
x=$guests/x86_64-4l/dump.elf y=$guests/x86_64-1g/dump.elf
if [ -f "$x" ] && [ -f "$y" ]; then
	"$PGSTUB" diff "$x" "$y" > "$tmp/d0"
	"$PGSTUB" diff --window 3 "$x" "$y" > "$tmp/d3"
	cmp -s "$tmp/d0" "$tmp/d3" && [ "$(wc -l < "$tmp/d0")" -gt 100 ]
	ok "real guests: a 3-run window gives the default's diff" $?
else
	echo "ok $((n += 1)) - # SKIP no recorded x86_64-4l and x86_64-1g guests in $guests"
fi
[ $failed -eq 0 ]
