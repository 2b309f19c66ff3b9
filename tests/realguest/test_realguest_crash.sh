#!/bin/sh
# make check: a real kdump of an x86_64 Debian guest (record_crash.py;
# cached, booted only when missing or stale: about a minute under TCG),
# its vmcores (/proc/vmcore as ELF, makedumpfile -c -d 31 and -E -d 31)
# read through GDB and checked against QEMU's truth from before the crash
# (check_crash.py).
set -u
here=$top_srcdir/tests/realguest
out=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}/x86_64-crash
skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "${PGSTUB_SKIP_REALGUEST:-}" = 1 ] && skip "PGSTUB_SKIP_REALGUEST=1"
[ -x "${QEMU_X86_64:-/usr/bin/qemu-system-x86_64}" ] || skip "qemu-system-x86_64 not installed"
if ! "${PYTHON3:-python3}" "$here/record_crash.py" --is-current "$out" >/dev/null; then
	"$here/fetch.sh" >&2 ||
		skip "fetch.sh could not get the kernel, kexec-tools and makedumpfile (see the log)"
	start=$(date +%s)
	"${PYTHON3:-python3}" "$here/record_crash.py" "$out" >&2 || {
		echo "1..1"
		echo "not ok 1 - recording the x86_64-crash guest (see the log above)"
		exit 1
	}
	echo "# recorded x86_64-crash in $(( $(date +%s) - start )) s" >&2
fi
# The sanitizer build checks the plain ELF and the filtered compressed one.
[ "${PGSTUB_SANITIZED:-no}" = yes ] &&
	export PGSTUB_VMCORES="vmcore.elf vmcore-c-d31.kdump"
exec "${PYTHON3:-python3}" "$here/check_crash.py" "$PGSTUB" "$out"
