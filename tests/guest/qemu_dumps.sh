#!/bin/sh
# Real QEMU 7.2 dumps through guest/: dump one paused (never started) QEMU
# instance as ELF and as every kdump format it offers, check that they agree
# (registers, ranges, sampled physical bytes), that reset state is read
# (RIP=0xfff0, CS base 0xffff0000), that truncated files are refused with a
# message, and, when the real-guest harness has produced dumps under
# /var/cache/pgstub/guests, that each vCPU's CR3 matches QEMU's info
# registers and that ELF and kdump agree there too. TAP output.

qemu=${QEMU_X86_64:-qemu-system-x86_64}
py=${PYTHON3:-python3}
info=${top_builddir:-.}/tests/guest/guest_dumpinfo
guests=${PGSTUB_GUESTS:-/var/cache/pgstub/guests}

if ! command -v "$qemu" >/dev/null 2>&1 || test "$qemu" = no; then
	echo "1..0 # SKIP qemu-system-x86_64 not found"
	exit 0
fi
if ! command -v "$py" >/dev/null 2>&1 || test "$py" = no; then
	echo "1..0 # SKIP python3 not found (needed for QMP)"
	exit 0
fi

tmp=$(mktemp -d /tmp/pgstub-qemu-dumps.XXXXXX) || exit 1
qpid=
cleanup() {
	test -n "$qpid" && kill "$qpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $*"; }
check() { # check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then ok "$d"; else notok "$d"; fi
}

"$qemu" -S -m 64M -smp 2 -display none -nodefaults -monitor none \
	-serial none -qmp "unix:$tmp/q.sock,server=on,wait=off" \
	2>"$tmp/qemu.err" &
qpid=$!

# Dump as ELF and every kdump-* format QEMU 7.2 offers (without paging).
"$py" - "$tmp/q.sock" "$tmp" >"$tmp/formats" 2>"$tmp/qmp.err" <<'EOF'
import json, socket, sys, time
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
for _ in range(200):
    try:
        s.connect(path)
        break
    except OSError:
        time.sleep(0.05)
f = s.makefile("rw")
def cmd(name, **args):
    msg = {"execute": name}
    if args:
        msg["arguments"] = args
    f.write(json.dumps(msg) + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "event" not in r:
            if "error" in r:
                raise SystemExit("%s: %s" % (name, r["error"]))
            return r["return"]
json.loads(f.readline())
cmd("qmp_capabilities")
for fmt in cmd("query-dump-guest-memory-capability")["formats"]:
    if fmt == "elf" or fmt.startswith("kdump-"):
        cmd("dump-guest-memory", paging=False, format=fmt,
            protocol="file:%s/x.%s" % (out, fmt))
        print(fmt)
cmd("quit")
EOF
if ! grep -q '^elf$' "$tmp/formats"; then
	echo "1..1"
	echo "not ok 1 - QEMU dumped nothing: $(cat "$tmp/qmp.err" "$tmp/qemu.err")"
	exit 1
fi
wait "$qpid" 2>/dev/null
qpid=

# Sampled physical ranges: reset vector, low RAM across the VGA hole, the
# 1 MiB boundary, the end of RAM (hole after), the BIOS ROM, a pure hole.
samples="0xffff0 16 0 0x100000 0x9f000 0x2000 0xf0000 0x20000
	0x3fff000 0x2000 0xfffc0000 0x40000 0x8000000 16"

# Everything but the lines naming the format.
body() { grep -v -e '^format ' -e '^describe ' "$1"; }

# shellcheck disable=SC2086
"$info" "$tmp/x.elf" $samples >"$tmp/elf.out" 2>&1
check "ELF dump opens ($(sed -n 's/^describe //p' "$tmp/elf.out"))" \
	grep -q '^describe QEMU ELF dump' "$tmp/elf.out"
check "ELF: vCPU 0 at reset, RIP=0xfff0" \
	grep -q '^cpu0 valid=0x[0-9a-f]* rip=0xfff0 ' "$tmp/elf.out"
check "ELF: CS base 0xffff0000 at reset" \
	grep -q '^cpu1 .* cs=f000/0000ffff/[0-9a-f]*/ffff0000 ' "$tmp/elf.out"
check "ELF: hole at 0x8000000 reads short" \
	grep -q '^read 0x8000000 0x10 -> 0x0 ' "$tmp/elf.out"

for fmt in $(grep '^kdump-' "$tmp/formats"); do
	# shellcheck disable=SC2086
	"$info" "$tmp/x.$fmt" $samples >"$tmp/$fmt.out" 2>&1
	check "$fmt opens ($(sed -n 's/^describe //p' "$tmp/$fmt.out"))" \
		grep -q '^describe kdump-compressed dump (flattened' \
		"$tmp/$fmt.out"
	body "$tmp/elf.out" >"$tmp/a"
	body "$tmp/$fmt.out" >"$tmp/b"
	if diff "$tmp/a" "$tmp/b" >"$tmp/diff"; then
		ok "$fmt: registers, ranges and sampled bytes equal the ELF's"
	else
		notok "$fmt: differs from the ELF"
		sed 's/^/# /' "$tmp/diff"
	fi
done

# Truncated copies must be refused with a message naming the problem.
for fmt in $(cat "$tmp/formats"); do
	f=$tmp/x.$fmt
	size=$(wc -c <"$f")
	for cut in 8 100 3000 $((size / 3)) $((size / 2)) $((size - 1)); do
		head -c "$cut" "$f" >"$tmp/cut"
		out=$("$info" "$tmp/cut" 2>&1)
		case $out in
		"error: $tmp/cut: "*truncated*|"error: $tmp/cut: "*"past end"*)
			ok "$fmt cut at $cut refused: ${out#error: $tmp/cut: }" ;;
		*)	notok "$fmt cut at $cut: $(echo "$out" | head -1)" ;;
		esac
	done
done

# Real Linux guests, when the harness has run.
found=0
for dir in "$guests"/*/; do
	cfg=$(basename "$dir")
	# x86 guests only: aarch64 ones have qemu_dumps_aarch64.sh, riscv64
	# ones tests/realguest/test_realguest_riscv64.sh (no CR3 to match).
	case $cfg in aarch64-*|riscv64-*) continue ;; esac
	for f in "$dir"dump.elf "$dir"dump.kdump; do
		test -r "$f" || continue
		found=1
		"$info" "$f" 0x1000 0x1000 0x100000 0x100000 0x1000000 0x10000 \
			>"$tmp/real.out" 2>&1
		bad=
		cpus=0
		for regs in "$dir"cpu*/info_registers.txt; do
			test -r "$regs" || continue
			c=$(basename "$(dirname "$regs")")
			want=$(sed -n 's/.*CR3=\([0-9a-fA-F]*\).*/\1/p' "$regs" |
			       head -1)
			got=$(sed -n "s/^$c CR0=.* CR3=\([0-9a-f]*\) .*/\1/p" \
			      "$tmp/real.out")
			cpus=$((cpus + 1))
			test -n "$got" &&
			test "$(printf '%x' "0x$want")" = "$got" ||
				bad="$bad $c(want $want got ${got:-none})"
		done
		if test -z "$bad" && test "$cpus" -gt 0; then
			ok "$cfg/$(basename "$f"): CR3 of $cpus vCPUs match info registers"
		else
			notok "$cfg/$(basename "$f"): CR3 mismatch:$bad $(head -1 "$tmp/real.out")"
		fi
		body "$tmp/real.out" >"$tmp/real.$(basename "$f")"
	done
	if test -r "$tmp/real.dump.elf" && test -r "$tmp/real.dump.kdump"; then
		check "$cfg: ELF and kdump agree (registers, ranges, bytes)" \
			cmp -s "$tmp/real.dump.elf" "$tmp/real.dump.kdump"
	fi
	rm -f "$tmp/real.dump.elf" "$tmp/real.dump.kdump"
done
test "$found" = 1 || skip "no real guest dumps under $guests"

echo "1..$n"
test "$fails" = 0
