#!/bin/sh
# make check: record QEMU's truth for every real-guest configuration (cached
# outside the repo; boots only what is missing or stale), then check pgstub
# against it through GDB. The sanitizer build checks one configuration.
set -u
here=$top_srcdir/tests/realguest
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
configs="x86_64-4l x86_64-5l x86_64-1g i386-pae i386-nopae x86_64-nopaging"
[ "${PGSTUB_SANITIZED:-no}" = yes ] && configs="x86_64-4l"
[ -n "${PGSTUB_REALGUEST_CONFIGS:-}" ] && configs=$PGSTUB_REALGUEST_CONFIGS
if [ "${PGSTUB_SKIP_REALGUEST:-}" = 1 ]; then
	echo "1..0 # SKIP PGSTUB_SKIP_REALGUEST=1"
	exit 0
fi
[ -x "${QEMU_X86_64:-/usr/bin/qemu-system-x86_64}" ] || {
	echo "1..0 # SKIP qemu-system-x86_64 not installed"; exit 0; }
start=$(date +%s)
if ! "$here/record-all.sh" $configs >&2; then
	echo "1..1"
	echo "not ok 1 - recording QEMU's truth (see the log above)"
	exit 1
fi
echo "# recorded/cached in $(( $(date +%s) - start )) s" >&2
exec "${PYTHON3:-python3}" "$here/check.py" "$PGSTUB" "$guests" $configs
