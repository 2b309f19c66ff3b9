#!/bin/sh
# make check: pgstub's `monitor info registers` against QEMU 7.2's recorded
# output on every real-guest configuration already recorded (complete
# meta.json); recording is test_realguest.sh's job, not this one's.
set -u
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
if [ "${PGSTUB_SKIP_REALGUEST:-}" = 1 ]; then
	echo "1..0 # SKIP PGSTUB_SKIP_REALGUEST=1"; exit 0
fi
configs=
for c in x86_64-4l x86_64-5l x86_64-1g i386-pae i386-nopae x86_64-nopaging; do
	grep -qs '"complete": true' "$guests/$c/meta.json" && configs="$configs $c"
done
[ -n "$configs" ] || { echo "1..0 # SKIP no recorded real guest in $guests"; exit 0; }
exec "${PYTHON3:-python3}" "$top_srcdir/tests/realguest/check_registers.py" x86 \
	"$PGSTUB" "$guests" $configs
