#!/bin/sh
# pgstub export --paging of the recorded arm64 guests read back by
# gdb-multiarch (check_export_aarch64.py): AArch64 core, NT_PRSTATUS per
# vCPU, registers and memory equal QEMU's recorded answers.
set -u
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
configs="aarch64-virt-4k aarch64-virt-16k"
[ "${PGSTUB_SANITIZED:-no}" = yes ] && configs="aarch64-virt-4k"
skip() { echo "1..0 # SKIP $*"; exit 0; }
command -v "${GDB_MULTIARCH:-gdb-multiarch}" >/dev/null || skip "gdb-multiarch not installed"
for c in $configs; do
	[ -f "$guests/$c/meta.json" ] || skip "no recording $guests/$c (test_realguest_aarch64.sh makes it)"
done
dir=$(mktemp -d "${TMPDIR:-/tmp}/pgstub-export-a64.XXXXXX")
trap 'rm -rf "$dir"' EXIT
# shellcheck disable=SC2086
"${PYTHON3:-python3}" "$top_srcdir/tests/export/check_export_aarch64.py" \
	"$PGSTUB" "$guests" "$dir" $configs
