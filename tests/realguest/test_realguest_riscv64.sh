#!/bin/sh
# make check: check pgstub on recorded riscv64 guests (Debian trixie's
# kernel in Sv57, Sv48 and Sv39) through gdb-multiarch against QEMU 7.2's
# own answers (check_riscv64.py), on the ELF dump, the kdump dump and the
# migration stream of each: registers, the kernel root pgstub finds
# without satp, gva2gpa, vtop, x and xp per hart, every address with
# --reg satp= as QEMU had it, and from the stream every CSR and address.
# The truth is recorded by record_riscv64.py (cached outside the repo; one
# boot per configuration, only when missing or stale). The sanitizer build
# checks Sv57.
set -u
here=$top_srcdir/tests/realguest
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
configs="riscv64-sv57 riscv64-sv48 riscv64-sv39"
[ "${PGSTUB_SANITIZED:-no}" = yes ] && configs="riscv64-sv57"
[ -n "${PGSTUB_REALGUEST_RISCV64_CONFIGS:-}" ] && configs=$PGSTUB_REALGUEST_RISCV64_CONFIGS
py=${PYTHON3:-python3}
skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "${PGSTUB_SKIP_REALGUEST:-}" = 1 ] && skip "PGSTUB_SKIP_REALGUEST=1"
command -v qemu-system-riscv64 >/dev/null || skip "qemu-system-riscv64 not installed (scripts/setup-deps)"
command -v "${GDB_MULTIARCH:-gdb-multiarch}" >/dev/null || skip "gdb-multiarch not installed"

start=$(date +%s)
for c in $configs; do
	out=$guests/$c
	"$py" "$here/record_riscv64.py" --is-current "$c" "$out" >/dev/null 2>&1 && continue
	echo "# recording $c" >&2
	if ! "$here/fetch-riscv64.sh" >&2 ||
	   ! "$py" "$here/record_riscv64.py" "$c" "$out" >&2; then
		echo "1..1"
		echo "not ok 1 - recording QEMU's truth for $c (see the log above)"
		exit 1
	fi
done
echo "# recorded/cached in $(( $(date +%s) - start )) s" >&2
# shellcheck disable=SC2086
exec "$py" "$here/check_riscv64.py" "$PGSTUB" "$guests" $configs
