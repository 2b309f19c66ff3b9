#!/bin/sh
# make check: pgstub's `monitor info registers` on the ppc64 migration
# streams against QEMU 7.2's recorded output (check_registers_ppc64.py);
# recording is test_realguest_ppc64.sh's job, not this one's.
set -u
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
if [ "${PGSTUB_SKIP_REALGUEST:-}" = 1 ]; then
	echo "1..0 # SKIP PGSTUB_SKIP_REALGUEST=1"; exit 0
fi
command -v "${GDB_MULTIARCH:-gdb-multiarch}" >/dev/null || {
	echo "1..0 # SKIP gdb-multiarch not installed"; exit 0; }
configs=
for c in ppc64-pseries-64k ppc64-pseries-16m ppc64-pseries-4k ppc64-powernv8; do
	grep -qs '"complete": true' "$guests/$c/meta.json" && configs="$configs $c"
done
[ -n "$configs" ] || { echo "1..0 # SKIP no recorded ppc64 guest in $guests"; exit 0; }
exec "${PYTHON3:-python3}" "$top_srcdir/tests/realguest/check_registers.py" ppc64 \
	"$PGSTUB" "$guests" $configs
