#!/bin/sh
# make check: pgstub's arm64 info mem, info tlb and ptov on the recorded
# arm64 guests (check_aarch64_views.py), against QEMU's gva2gpa and the
# guest's own /proc (iomem, maps, vmallocinfo) recorded with them. Needs
# the recordings test_realguest_aarch64.sh makes; skipped without them.
set -u
here=$top_srcdir/tests/realguest
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
configs="aarch64-virt-4k aarch64-virt-16k aarch64-virt-4k-el2"
[ "${PGSTUB_SANITIZED:-no}" = yes ] && configs="aarch64-virt-4k"
py=${PYTHON3:-python3}
skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "${PGSTUB_SKIP_REALGUEST:-}" = 1 ] && skip "PGSTUB_SKIP_REALGUEST=1"
command -v "${GDB_MULTIARCH:-gdb-multiarch}" >/dev/null || skip "gdb-multiarch not installed"
for c in $configs; do
	[ -f "$guests/$c/meta.json" ] || skip "no recording $guests/$c (test_realguest_aarch64.sh makes it)"
done
# shellcheck disable=SC2086
exec "$py" "$here/check_aarch64_views.py" "$PGSTUB" "$guests" $configs
