#!/bin/sh
# make check: check pgstub on recorded arm64 guests (bookworm 4K/48-bit,
# trixie 16K/52-bit LPA2, and bookworm 4K on a CPU with EL2, where the
# kernel runs at EL2 with VHE) through gdb-multiarch against QEMU 7.2's own
# answers (check_aarch64.py), on the ELF dump, the kdump dump and the
# migration stream of each. The truth is recorded by record_aarch64.py
# (cached outside the repo; one boot per configuration, only when missing or
# stale). Skipped, with the reason, while pgstub does not serve aarch64
# snapshots; a refused migration stream fails. The sanitizer build checks
# the 4K configuration.
set -u
here=$top_srcdir/tests/realguest
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
configs="aarch64-virt-4k aarch64-virt-16k aarch64-virt-4k-el2"
[ "${PGSTUB_SANITIZED:-no}" = yes ] && configs="aarch64-virt-4k"
[ -n "${PGSTUB_REALGUEST_AARCH64_CONFIGS:-}" ] && configs=$PGSTUB_REALGUEST_AARCH64_CONFIGS
py=${PYTHON3:-python3}
skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "${PGSTUB_SKIP_REALGUEST:-}" = 1 ] && skip "PGSTUB_SKIP_REALGUEST=1"
command -v qemu-system-aarch64 >/dev/null || skip "qemu-system-aarch64 not installed"
command -v "${GDB_MULTIARCH:-gdb-multiarch}" >/dev/null || skip "gdb-multiarch not installed"

# Before booting anything: does pgstub serve an aarch64 core at all?
why=$("$py" "$here/probe_aarch64.py" "$PGSTUB") || skip "$why"

start=$(date +%s)
for c in $configs; do
	out=$guests/$c
	"$py" "$here/record_aarch64.py" --is-current "$c" "$out" >/dev/null 2>&1 && continue
	flavour=arm64
	[ "$c" = aarch64-virt-16k ] && flavour=arm64-16k
	echo "# recording $c" >&2
	if ! "$here/fetch-aarch64.sh" "$flavour" >&2 ||
	   ! "$py" "$here/record_aarch64.py" "$c" "$out" >&2; then
		echo "1..1"
		echo "not ok 1 - recording QEMU's truth for $c (see the log above)"
		exit 1
	fi
done
echo "# recorded/cached in $(( $(date +%s) - start )) s" >&2
# shellcheck disable=SC2086
exec "$py" "$here/check_aarch64.py" "$PGSTUB" "$guests" $configs
