#!/bin/sh
# pgstub export --paging: the core's segments and notes as readelf and plain
# `gdb -c` see them (demo image; a synthetic image of 70001 segments through
# e_phnum = PN_XNUM; real x86_64 and i386 PAE dumps compared with pgstub
# itself), the progress bar, and failures (unwritable path, file size
# limit, full tmpfs, interruption) that leave no file behind and an
# existing OUT untouched.
. "$top_srcdir/tests/gdb/lib.sh"
[ -x "${GDB:-/usr/bin/gdb}" ] || skip_all "gdb not found"
command -v readelf >/dev/null || skip_all "readelf not found"
img=$top_builddir/demo.elf
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
dir=$(mktemp -d "${TMPDIR:-/tmp}/pgstub-export.XXXXXX")
trap 'rm -rf "$dir"' EXIT
plan 33

core() { "${GDB:-gdb}" -q -batch -nx -ex 'set pagination off' -c "$@" 2>&1; }
noleft() { [ -z "$(ls -A "$1" 2>/dev/null)" ]; }

# --- the demo image ------------------------------------------------------
"$PGSTUB" export --paging -q "$img" "$dir/demo.core" 2>"$dir/err"
ok "export of the demo succeeds quietly" $(( $? + $(wc -c < "$dir/err") ))
ph=$(readelf -lW "$dir/demo.core" 2>&1)
expect_line "readelf: kernel text, VA with its PA, R E" \
	'  LOAD           0x201000 0xffffffff81000000 0x0000000000200000 0x200000 0x200000 R E 0' "$ph"
expect_line "readelf: the 32 MiB direct map is one merged segment" \
	'  LOAD           0x001000 0xffff888000000000 0x0000000000000000 0x2000000 0x2000000 RW  0' "$ph"
expect_line "readelf: user stack stays in the user half" \
	'  LOAD           0x811000 0x00007ffffffde000 0x0000000000810000 0x004000 0x004000 RW  0' "$ph"
[ "$(printf '%s\n' "$ph" | grep -c '^  LOAD')" -eq 13 ]
ok "13 segments: VA-and-PA-discontiguous vmalloc pages stay apart" $?
printf '%s\n' "$ph" | grep -q 0xfec00000
[ $? -ne 0 ]
ok "the fixmap page on I/O memory is left out" $?
[ "$(wc -c < "$dir/demo.core")" -lt $((34 << 20)) ]
ok "aliases share file bytes: the core is about the size of RAM" $?

out=$(core "$dir/demo.core" -ex 'x/s 0xffffffff81000000' -ex 'x/s 0xffffc90000000000' \
	-ex 'x/s 0x400000' -ex 'x/x 0xffffffffff5fd000' -ex 'p/x $rip' -ex 'p/x $rax' \
	-ex 'thread 2' -ex 'p/x $rip' -ex 'p/x $rsp')
expect_line "gdb -c reads kernel text by VA" \
	'0xffffffff81000000:	"Hello from the pgstub demo guest!"' "$out"
expect_line "gdb -c reads a vmalloc page" '0xffffc90000000000:	"vmalloc page 0"' "$out"
expect_line "gdb -c reads vCPU 0's user page" '0x400000:	"process A"' "$out"
expect_has "I/O pages are not readable" 'Cannot access memory at address 0xffffffffff5fd000' "$out"
expect_line "registers of vCPU 0 from NT_PRSTATUS" '$1 = 0xffffffff81000100' "$out"
expect_line "rax of vCPU 0" '$2 = 0x1111' "$out"
expect_line "vCPU 1 is thread 2" '$3 = 0x400010' "$out"
expect_line "rsp of vCPU 1" '$4 = 0x7ffffffe1f00' "$out"

"$PGSTUB" export --paging -q --cpu 1 "$img" "$dir/demo1.core"
out=$(core "$dir/demo1.core" -ex 'x/s 0x400000')
expect_line "--cpu 1 exports vCPU 1's address space" '0x400000:	"process B"' "$out"

# --- more than 65535 segments ------------------------------------------
"${PYTHON3:-python3}" "$top_srcdir/tests/export/mkmany.py" "$dir/many.raw"
"$PGSTUB" export --paging -q --raw --mode 4level --cr3 0x1000 \
	"$dir/many.raw" "$dir/many.core"
hdr=$(readelf -hW "$dir/many.core" 2>&1)
expect_line "e_phnum is PN_XNUM, the count in section 0's sh_info" \
	'  Number of program headers:         65535 (70002)' "$hdr"
[ "$(readelf -lW "$dir/many.core" | grep -c '^  LOAD')" -eq 70001 ]
ok "readelf lists all 70001 PT_LOADs" $?
out=$(core "$dir/many.core" -ex 'x/s 0x10000000' -ex 'x/s 0x10000000+69999*4096' \
	-ex 'x/s 0xffff800000000000' -ex 'x/x 0x10000000+70000*4096')
expect_has "gdb -c reads the first of 70000 pages" '0x10000000:	"page A page A' "$out"
expect_has "gdb -c reads the last one, past segment 65535" '0x2116f000:	"page B page B' "$out"
expect_line "and the kernel-half page" '0xffff800000000000:	"kernel half"' "$out"

# --- failures leave no file behind ---------------------------------------
mkdir "$dir/f"
err=$("$PGSTUB" export --paging "$img" "$dir/nonexistent/x.core" 2>&1)
st=$?
[ $st -eq 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
	printf '%s\n' "$err" | grep -q "cannot create .*No such file or directory"
ok "unwritable path: exit 1 and one clear line" $?

head -c 100000 /dev/urandom > "$dir/garbage.img"
err=$("$PGSTUB" export --paging "$dir/garbage.img" "$dir/f/g.core" 2>&1)
st=$?
[ $st -eq 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && noleft "$dir/f"
ok "garbage image: exit 1, one line, no file" $?
err=$("$PGSTUB" export --paging --cpu 7 "$img" "$dir/f/g.core" 2>&1;
      "$PGSTUB" export "$img" "$dir/f/g.core" 2>&1)
[ "$err" = "pgstub export: --cpu: $img has vCPUs 0..1
pgstub export: only --paging exports exist (the dump itself is the physical one)" ] && noleft "$dir/f"
ok "absent vCPU, missing --paging: clear errors, no file" $?

echo old > "$dir/f/out.core"
err=$( (ulimit -f 1024; "$PGSTUB" export --paging "$img" "$dir/f/out.core") 2>&1)
st=$?
[ $st -eq 1 ] && printf '%s\n' "$err" | grep -q "write failed: File too large" &&
	[ "$(cat "$dir/f/out.core")" = old ] && [ "$(ls "$dir/f")" = out.core ]
ok "file size limit: clear error, no temporary left, old OUT intact" $?

mkdir "$dir/small"
if mount -t tmpfs -o size=1m tmpfs "$dir/small" 2>/dev/null; then
	err=$("$PGSTUB" export --paging "$img" "$dir/small/out.core" 2>&1)
	st=$?
	[ $st -eq 1 ] && printf '%s\n' "$err" | grep -q "No space left on device" &&
		noleft "$dir/small"
	ok "full disk: clear error and an empty directory" $?
	umount "$dir/small"
else
	n=$((n + 1)); echo "ok $n # SKIP cannot mount a small tmpfs"
fi

if [ -r "$guests/x86_64-4l/dump.elf" ]; then
	real=$guests/x86_64-4l
	mkdir "$dir/int"
	"$PGSTUB" export --paging -q "$real/dump.elf" "$dir/int/out.core" 2>/dev/null &
	pid=$!
	sleep 0.3
	kill -TERM $pid 2>/dev/null
	wait $pid
	noleft "$dir/int"
	ok "an interrupted export leaves no half file" $?

	# On a terminal, a large export draws a progress bar on stderr; piped,
	# it does not.
	"${PYTHON3:-python3}" -c 'import pty, sys; pty.spawn(sys.argv[1:])' \
		"$PGSTUB" export --paging "$real/dump.elf" "$dir/tty.core" \
		> "$dir/tty.log" 2>&1 < /dev/null
	grep -q "100% 512/512 MiB" "$dir/tty.log"
	ok "progress bar on a terminal" $?
	"$PGSTUB" export --paging "$real/dump.elf" "$dir/pipe.core" 2> "$dir/pipe.log"
	! grep -q "$(printf '\r')" "$dir/pipe.log" && grep -q "segments, 512 MiB" "$dir/pipe.log"
	ok "no progress bar when stderr is not a terminal" $?
	rm -f "$dir/tty.core" "$dir/pipe.core"
else
	for i in 1 2 3; do n=$((n + 1)); echo "ok $n # SKIP no real guest dump"; done
fi

# Sampled VAs of real guests: gdb on the core reads what gdb reads through
# pgstub (mapped, symbols, holes, edges), 64-bit and 32-bit PAE.
for cfg in x86_64-4l i386-pae; do
	real=$guests/$cfg
	if [ ! -r "$real/dump.elf" ]; then
		n=$((n + 1)); echo "ok $n # SKIP no real guest dump ($real)"
		n=$((n + 1)); echo "ok $n # SKIP no real guest dump"
		continue
	fi
	"$PGSTUB" export --paging -q "$real/dump.elf" "$dir/real.core"
	set --
	for va in $(awk -F'\t' '$2 ~ /^(mapped|ksym|hole|edge)/ { print $1 }' \
			"$real/cpu0/samples.tsv"); do
		set -- "$@" -ex "x/2wx $va & ~7"
	done
	mine=$(core "$dir/real.core" -ex 'p/x $pc' "$@" | grep -E '^0x[0-9a-f]+:|Cannot access|^\$1')
	theirs=$(gdb_run "$real/dump.elf" -ex 'p/x $pc' "$@" | grep -E '^0x[0-9a-f]+:|Cannot access|^\$1')
	[ -n "$mine" ] && [ "$mine" = "$theirs" ]
	st=$?
	[ $st -eq 0 ] || { printf '%s\n' "$mine" > "$dir/a"; printf '%s\n' "$theirs" > "$dir/b"; diff "$dir/a" "$dir/b" | head -20 | sed 's/^/# /'; }
	ok "$cfg: \$pc and $(($(printf '%s\n' "$mine" | wc -l) - 1)) sampled VAs read the same through gdb -c and pgstub" $st
	[ "$(printf '%s\n' "$mine" | grep -c '^0x')" -gt 100 ]
	ok "$cfg: more than 100 of the samples are readable memory" $?
	rm -f "$dir/real.core"
done
exit $((failed > 0))
