#!/bin/sh
# make check: an x86_64 QEMU migration stream (x86_64-4l config), recorded
# beside an ELF dump of the same stopped guest (cached; booted only when
# missing or stale), checked against QEMU's info registers / info tlb and
# against the dump through GDB.
set -u
here=$top_srcdir/tests/realguest
out=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}/x86_64-4l-mig
if [ "${PGSTUB_SKIP_REALGUEST:-}" = 1 ]; then
	echo "1..0 # SKIP PGSTUB_SKIP_REALGUEST=1"
	exit 0
fi
[ -x "${QEMU_X86_64:-/usr/bin/qemu-system-x86_64}" ] || {
	echo "1..0 # SKIP qemu-system-x86_64 not installed"; exit 0; }
if ! "${PYTHON3:-python3}" "$here/record_x86mig.py" --is-current "$out"; then
	"$here/fetch.sh" >&2 && "$here/mkinitramfs.sh" x86_64 >/dev/null &&
	"${PYTHON3:-python3}" "$here/record_x86mig.py" "$out" >&2 || {
		echo "1..1"
		echo "not ok 1 - recording the x86_64 migration stream (see the log above)"
		exit 1
	}
fi
exec "${PYTHON3:-python3}" "$here/check_x86mig.py" "$PGSTUB" "$out"
