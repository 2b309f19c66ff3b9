#!/bin/sh
# bench/run on a machine where the test suite never ran: with an empty
# guest cache it must record the x86_64-4l guest itself, through the test
# harness's recorder (record-all.sh, record.py), and say so, instead of
# stopping at a missing meta.json. The Debian downloads are reused from
# the shared cache (linked read-only; the initramfs, which the recorder
# may rebuild, is copied) so that only the recording runs: one TCG boot.
set -u
. "$top_srcdir/tests/gdb/lib.sh"
cache=${PGSTUB_CACHE:-/var/cache/pgstub}
[ "${PGSTUB_SANITIZED:-no}" = yes ] &&
	skip_all "bench/run --prepare runs no pgstub code; the other build checks it"
[ "${PGSTUB_SKIP_REALGUEST:-}" = 1 ] && skip_all "PGSTUB_SKIP_REALGUEST=1"
[ -x "${QEMU_X86_64:-/usr/bin/qemu-system-x86_64}" ] ||
	skip_all "qemu-system-x86_64 not installed"
[ -f "$cache/fetch.manifest" ] && [ -x "$cache/gdb16/gdb" ] ||
	skip_all "no Debian downloads or GDB 16 in $cache yet (tests/realguest, tests/gdb/test_gdb16.sh)"
work=$(mktemp -d "${TMPDIR:-/tmp}/pgstub-bench-prepare.XXXXXX")
trap 'rm -rf "$work"' EXIT
for d in debs pkgs kernels busybox gdb16 fetch.manifest; do
	ln -s "$cache/$d" "$work/$d"
done
cp -r "$cache/initramfs" "$work/initramfs"
plan 4

run() {
	PGSTUB_CACHE=$work PGSTUB_GUESTS= PGSTUB_GUEST_CACHE= \
	BENCH_BIN_DIR=$top_builddir/bench BENCH_PGSTUB=$PGSTUB \
		"$top_srcdir/bench/run" --prepare
}
err=$(run 2>&1 >/dev/null); st=$?
[ $st -eq 0 ]; ok "bench/run --prepare succeeds on an empty guest cache" $?
expect_has "it says it records the guest with the harness's recorder" \
	"recording it with tests/realguest/record-all.sh" "$err"
[ -f "$work/guests/x86_64-4l/meta.json" ] &&
	printf '%s\n' "$err" | grep -q "^record: x86_64-4l: starting"
st=$?
[ $st -eq 0 ] || printf '%s\n' "$err" | tail -20 | sed 's/^/#   /'
ok "record.py booted the guest and wrote meta.json" $st
err=$(run 2>&1 >/dev/null)
printf '%s\n' "$err" | grep -q "recording it"; [ $? -ne 0 ]
ok "a second run finds the recording current and records nothing" $?
[ "$failed" -eq 0 ]
