#!/bin/sh
# make check: the x86_64 guests (4- and 5-level) recorded with their
# VMCOREINFO (record_vmci.py; cached, booted only when missing or stale),
# their dumps stripped of QEMU's control registers to stand in for kdump
# vmcores, read through GDB and checked against QEMU's own gva2gpa and x
# (check_vmcoreinfo.py). The sanitizer build checks the 4-level one.
set -u
here=$top_srcdir/tests/realguest
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
levels="4l 5l"
[ "${PGSTUB_SANITIZED:-no}" = yes ] && levels="4l"
if [ "${PGSTUB_SKIP_REALGUEST:-}" = 1 ]; then
	echo "1..0 # SKIP PGSTUB_SKIP_REALGUEST=1"
	exit 0
fi
[ -x "${QEMU_X86_64:-/usr/bin/qemu-system-x86_64}" ] || {
	echo "1..0 # SKIP qemu-system-x86_64 not installed"; exit 0; }
dirs=
for l in $levels; do
	out=$guests/x86_64-$l-vmci
	dirs="$dirs $out"
	"${PYTHON3:-python3}" "$here/record_vmci.py" --$l --is-current "$out" >/dev/null && continue
	"$here/fetch.sh" >&2 && "$here/mkinitramfs.sh" x86_64 >/dev/null &&
	"${PYTHON3:-python3}" "$here/record_vmci.py" --$l "$out" >&2 || {
		echo "1..1"
		echo "not ok 1 - recording the x86_64-$l guest with VMCOREINFO (see the log above)"
		exit 1
	}
done
# shellcheck disable=SC2086
exec "${PYTHON3:-python3}" "$here/check_vmcoreinfo.py" "$PGSTUB" $dirs
