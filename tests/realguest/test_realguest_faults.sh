#!/bin/sh
# make check: pgstub's `monitor access` against the page faults a real x86
# CPU model took: the x86_64-4l guest whose busy processes are fault probes
# (record_faults.py; cached, booted only when missing or stale), its dumps
# read through GDB (check_faults.py).
set -u
here=$top_srcdir/tests/realguest
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
out=$guests/x86_64-faults
if [ "${PGSTUB_SKIP_REALGUEST:-}" = 1 ]; then
	echo "1..0 # SKIP PGSTUB_SKIP_REALGUEST=1"
	exit 0
fi
[ -x "${QEMU_X86_64:-/usr/bin/qemu-system-x86_64}" ] || {
	echo "1..0 # SKIP qemu-system-x86_64 not installed"; exit 0; }
if ! "${PYTHON3:-python3}" "$here/record_faults.py" --is-current "$out" >/dev/null; then
	"$here/fetch.sh" >&2 &&
	"${PYTHON3:-python3}" "$here/record_faults.py" "$out" >&2 || {
		echo "1..1"
		echo "not ok 1 - recording the x86_64-faults guest (see the log above)"
		exit 1
	}
fi
exec "${PYTHON3:-python3}" "$here/check_faults.py" "$PGSTUB" "$out"
