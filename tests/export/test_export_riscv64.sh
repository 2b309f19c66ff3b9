#!/bin/sh
# pgstub export --paging of the recorded riscv64 guests read back by
# gdb-multiarch (check_export_riscv64.py): RISC-V core, NT_PRSTATUS per
# hart, registers and memory equal QEMU's recorded answers.
set -u
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
configs="riscv64-sv39 riscv64-sv57"
[ "${PGSTUB_SANITIZED:-no}" = yes ] && configs="riscv64-sv39"
skip() { echo "1..0 # SKIP $*"; exit 0; }
command -v "${GDB_MULTIARCH:-gdb-multiarch}" >/dev/null || skip "gdb-multiarch not installed"
for c in $configs; do
	[ -f "$guests/$c/meta.json" ] || skip "no recording $guests/$c (tests/realguest/record_riscv64.py makes it)"
done
dir=$(mktemp -d "${TMPDIR:-/tmp}/pgstub-export-rv64.XXXXXX")
trap 'rm -rf "$dir"' EXIT
# shellcheck disable=SC2086
"${PYTHON3:-python3}" "$top_srcdir/tests/export/check_export_riscv64.py" \
	"$PGSTUB" "$guests" "$dir" $configs
