#!/bin/sh
# make check: check pgstub on the recorded riscv32 guest (tests/realguest/rv32,
# a bare-metal program: Debian has no riscv32 kernel) through gdb-multiarch
# against QEMU 7.2's own answers (check_riscv32.py), on its ELF32 dump, kdump
# dump and migration stream: registers, the refusal without satp, and with
# each hart's satp every sampled address (gva2gpa, vtop, x, xp), info
# registers and info mem. The truth is recorded by record_riscv32.py (cached
# outside the repo; about 10 s, only when missing or stale).
set -u
here=$top_srcdir/tests/realguest
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
config=riscv32-sv32
py=${PYTHON3:-python3}
skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "${PGSTUB_SKIP_REALGUEST:-}" = 1 ] && skip "PGSTUB_SKIP_REALGUEST=1"
for tool in qemu-system-riscv32 clang ld.lld "${GDB_MULTIARCH:-gdb-multiarch}"; do
	command -v "$tool" >/dev/null || skip "$tool not installed (scripts/setup-deps)"
done

out=$guests/$config
if ! "$py" "$here/record_riscv32.py" --is-current "$config" "$out" >/dev/null 2>&1; then
	echo "# recording $config" >&2
	if ! "$py" "$here/record_riscv32.py" "$config" "$out" >&2; then
		echo "1..1"
		echo "not ok 1 - recording QEMU's truth for $config (see the log above)"
		exit 1
	fi
fi
exec "$py" "$here/check_riscv32.py" "$PGSTUB" "$guests" "$config"
