#!/bin/sh
# make check: the x86_64-4l guest recorded with its VMCOREINFO
# (record_vmci.py; cached, booted only when missing or stale), its dumps
# stripped of QEMU's control registers to stand in for kdump vmcores, read
# through GDB and checked against QEMU's own gva2gpa and x (check_vmcoreinfo.py).
set -u
here=$top_srcdir/tests/realguest
out=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}/x86_64-4l-vmci
if [ "${PGSTUB_SKIP_REALGUEST:-}" = 1 ]; then
	echo "1..0 # SKIP PGSTUB_SKIP_REALGUEST=1"
	exit 0
fi
[ -x "${QEMU_X86_64:-/usr/bin/qemu-system-x86_64}" ] || {
	echo "1..0 # SKIP qemu-system-x86_64 not installed"; exit 0; }
if ! "${PYTHON3:-python3}" "$here/record_vmci.py" --is-current "$out" >/dev/null; then
	"$here/fetch.sh" >&2 && "$here/mkinitramfs.sh" x86_64 >/dev/null &&
	"${PYTHON3:-python3}" "$here/record_vmci.py" "$out" >&2 || {
		echo "1..1"
		echo "not ok 1 - recording the x86_64 guest with VMCOREINFO (see the log above)"
		exit 1
	}
fi
exec "${PYTHON3:-python3}" "$here/check_vmcoreinfo.py" "$PGSTUB" "$out"
