#!/bin/sh
# `check` on a synthetic dump whose tables break each rule once (mkbad.c):
# through GDB's monitor every rule fires exactly at its VA and nowhere
# else, with the path of entries; --text, --range, --cpu, --json (parsed,
# versioned); the shell runs it too; bad options get one clear line and
# the session goes on. Then the recorded real guests: the W+X verdict on
# the kernel half agrees with the kernel's CONFIG_DEBUG_WX line, and every
# architecture's tables lint clean of structural errors.
. "$top_srcdir/tests/gdb/lib.sh"
[ -x "$(command -v "${GDB:-gdb}")" ] || skip_all "gdb not found"
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
img=$tmp/lint.elf
"$top_builddir/tests/lint/mkbad" lint "$img" || { echo "Bail out! mkbad"; exit 1; }
plan 29

out=$(gdb_run "$img" -ex 'monitor check --text 0xffffffff81000000 0xffffffff81400000')
# Each rule's one finding: rule, VA range, PA/size/perms and reason.
rules='wx            0000000000010000-0000000000011000 pa 0x100000 4K rwxu: writable and executable
user-kernel   ffffffff81400000-ffffffff81401000 pa 0x102000 4K r--u: user-accessible page in the kernel half
text-writable ffffffff81200000-ffffffff81400000 pa 0x400000 2M rw--: kernel text writable
reserved      0000000000200000-0000000000400000 span 2M: reserved bits set: 0x2000 at level PD
bad-table     0000000000400000-0000000000600000 span 2M: table outside physical memory
outside-ram   0000000000030000-0000000000031000 pa 0x40000000 4K rw--: maps physical memory the snapshot does not hold (MMIO, ROM or nothing)
table-loop    0000008000000000-0000010000000000 span 512G: table used at two levels (loop or shared between levels): table 0x1000 is a PML4 table and a PDPT table
wx-alias      0000000000020000-0000000000021000 pa 0x101000 4K rw-u: writable alias of a page executable elsewhere: executable at 0x0000000000011000'
got=$(printf '%s\n' "$out" | grep -E '^[a-z-]+ +[0-9a-f]{16}-')
[ "$got" = "$rules" ]; st=$?
[ $st -eq 0 ] || { echo "# got:"; printf '%s\n' "$out" | sed 's/^/#   /'; }
ok "each rule fires once, where the tables break it, and nowhere else" $st
expect_line "summary counts per rule" \
	"summary: 8 findings: wx 1, wx-alias 1, user-kernel 1, text-writable 1, reserved 1, bad-table 1, outside-ram 1, table-loop 1, misaligned 0, fault 0" "$out"
expect_line "the path of entries down to the W+X page" \
	"              PML4[000]=0x2027 > PDPT[000]=0x3027 > PD[000]=0x4027 > PT[010]=0x100027" "$out"
expect_line "the path down to the entry with reserved bits" \
	"              PML4[000]=0x2027 > PDPT[000]=0x3027 > PD[001]=0x2020a1" "$out"

out=$(gdb_run "$img" -ex 'monitor check')
expect_line "without --text or VMCOREINFO the text rule says why it is skipped" \
	"text-writable: skipped: no VMCOREINFO names the kernel text; give --text START END" "$out"
expect_has "and the others still run" "summary: 7 findings: wx 1," "$out"

out=$(gdb_run "$img" -ex 'monitor check --range 0x10000 0x20000')
expect_line "--range limits the walk: only the W+X page" \
	"summary: 1 finding: wx 1, wx-alias 0, user-kernel 0, text-writable 0, reserved 0, bad-table 0, outside-ram 0, table-loop 0, misaligned 0, fault 0" "$out"

out=$(gdb_run "$img" -ex 'monitor check --json --text 0xffffffff81000000 0xffffffff81400000')
json=$(printf '%s\n' "$out" | sed -n '/^{"schema"/,/"complete":/p')
printf '%s\n' "$json" | "${PYTHON3:-python3}" -c '
import json, sys
j = json.load(sys.stdin)
assert j["schema"] == "pgstub-check" and j["version"] == 1, j
assert j["mode"] == "4-level" and j["complete"] is True
rules = sorted((f["rule"], f["va"], f["end"]) for f in j["findings"])
assert rules == sorted([
    ("wx", "0x10000", "0x11000"), ("wx-alias", "0x20000", "0x21000"),
    ("user-kernel", "0xffffffff81400000", "0xffffffff81401000"),
    ("text-writable", "0xffffffff81200000", "0xffffffff81400000"),
    ("reserved", "0x200000", "0x400000"), ("bad-table", "0x400000", "0x600000"),
    ("outside-ram", "0x30000", "0x31000"),
    ("table-loop", "0x8000000000", "0x10000000000")]), rules
wx = [f for f in j["findings"] if f["rule"] == "wx"][0]
assert wx["pa"] == "0x100000" and wx["perms"] == "rwxu" and wx["page_size"] == "0x1000"
assert [(s["name"], s["index"]) for s in wx["path"]] == \
    [("PML4", 0), ("PDPT", 0), ("PD", 0), ("PT", 16)], wx["path"]
assert j["summary"]["misaligned"] == 0 and j["total"] == 8
assert j["skipped"] == {}, j["skipped"]
'
ok "--json: versioned schema, every finding with its path, summary" $?

out=$(gdb_run "$img" -ex 'monitor check --cpu 1' -ex 'monitor check --frob' \
	-ex 'monitor check --range 0x2000 0x1000' -ex 'echo survived\n')
expect_line "--cpu out of range" "check: invalid CPU index '1' (0..0)" "$out"
expect_line "unknown option" \
	"check: unknown option '--frob' (use --json, --all, --cpu N, --range A B, --text START END)" "$out"
expect_line "empty range" "check: --range START END: two addresses, END above START" "$out"
expect_line "the session goes on" "survived" "$out"

out=$("$PGSTUB" shell "$img" -c 'check --cpu 0' 2>&1)
expect_has "pgstub shell runs check" "summary: 7 findings: wx 1," "$out"

out=$(gdb_run "$top_builddir/demo.elf" -ex 'monitor help check')
expect_has "help lists check" "check [--json] [--all] [--cpu N]" "$out"

# The recorded real guests (tests/realguest): the kernel checks its own
# mappings at boot (CONFIG_DEBUG_WX, "x86/mm: Checked W+X mappings: …");
# check's W+X findings in the kernel half must give the same verdict.
for cfg in x86_64-4l x86_64-5l x86_64-1g i386-pae x86_64-4l-vmci; do
	d=$guests/$cfg
	line=$(grep -o 'Checked W+X mappings: .*' "$d/serial.log" 2>/dev/null | head -1)
	if [ ! -f "$d/dump.elf" ] || [ -z "$line" ]; then
		echo "ok $((n += 1)) - # SKIP $cfg: no recorded guest with a W+X line in $d"
		continue
	fi
	case $cfg in
	i386*) kstart=0xc0000000 ;;
	x86_64-5l*) kstart=0xff00000000000000 ;;
	*) kstart=0xffff800000000000 ;;
	esac
	out=$("$PGSTUB" shell "$d/dump.elf" -c 'check --json --all' 2>&1)
	printf '%s\n' "$out" | "${PYTHON3:-python3}" -c '
import json, re, sys
kstart, line = int(sys.argv[1], 16), sys.argv[2]
j = json.load(sys.stdin)
pages = sum((int(f["end"], 16) - int(f["va"], 16)) // 4096
            for f in j["findings"] if f["rule"] == "wx" and int(f["va"], 16) >= kstart)
m = re.search(r"FAILED, (\d+) W\+X pages found", line)
want = int(m.group(1)) if m else 0
assert "passed" in line or m, line
print("# %s: kernel says %r; check finds %d W+X kernel pages" % (sys.argv[3], line, pages))
sys.exit(0 if pages == want and j["complete"] else 1)
' "$kstart" "$line" "$cfg"
	ok "$cfg: W+X verdict agrees with the kernel's CONFIG_DEBUG_WX line" $?
done

# The text rule on a real kernel: _stext.._etext from the recording's
# kallsyms (meta.json) is read-only after boot (mark_rodata_ro).
d=$guests/x86_64-4l
text=$("${PYTHON3:-python3}" -c '
import json, sys
k = {l.split()[2]: l.split()[0] for l in json.load(open(sys.argv[1]))["guest"]["kallsyms"]}
print("0x%s 0x%s" % (k["_stext"], k["_etext"]))' "$d/meta.json" 2>/dev/null)
if [ -f "$d/dump.elf" ] && [ -n "$text" ]; then
	out=$("$PGSTUB" shell "$d/dump.elf" -c "check --text $text" 2>&1)
	expect_has "x86_64-4l: the kernel text ($text) is not writable" \
		"text-writable 0, reserved 0" "$out"
else
	echo "ok $((n += 1)) - # SKIP no recorded x86_64-4l guest with kallsyms in $d"
fi

# Every recorded guest, each architecture and mode: the lint completes and
# finds nothing wrong with the structure of real kernels' tables (no
# reserved bits, tables outside memory, loops, misaligned or faulting
# entries); the user-kernel rule runs where the mode has a kernel half.
# The arm64 guests through their migration streams: both halves (their
# dumps hold no TTBR0_EL1).
for cfg in x86_64-4l x86_64-5l i386-nopae i386-pae ppc64-pseries-64k ppc64-powernv8 \
	   aarch64-virt-4k aarch64-virt-16k aarch64-virt-4k-el2; do
	img=$guests/$cfg/dump.elf
	case $cfg in aarch64-*) img=$guests/$cfg/guest.mig ;; esac
	[ -f "$img" ] || img=$guests/$cfg/guest.mig
	if [ ! -f "$img" ]; then
		echo "ok $((n += 1)) - # SKIP $cfg: no recorded guest in $guests/$cfg"
		continue
	fi
	"$PGSTUB" shell "$img" -c 'check --json' 2>&1 | "${PYTHON3:-python3}" -c '
import json, sys
j = json.load(sys.stdin)
bad = {r: j["summary"][r] for r in ("reserved", "bad-table", "table-loop",
                                    "misaligned", "fault") if j["summary"][r]}
halves = j["mode"] in ("4-level", "5-level", "VMSAv8-64")
assert ("user-kernel" in j["skipped"]) != halves, j["skipped"]
print("# %s (%s): %s" % (sys.argv[1], j["mode"], j["summary"]))
sys.exit(1 if bad or not j["complete"] else 0)
' "$cfg"
	ok "$cfg: check completes, real tables structurally sound" $?
done
[ $failed -eq 0 ]
