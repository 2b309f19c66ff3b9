#!/bin/sh
# make check: makedumpfile's formats (kdump-compressed zlib/lzo/plain,
# flattened and reassembled, ELF; filtered with -d 31 and not), made at test
# time from the x86_64-4l-vmci recording (record_vmci.py; cached, booted
# only when missing or stale), read through GDB and checked against the ELF
# they were made from (check_kdump_formats.py).
set -u
here=$top_srcdir/tests/realguest
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
out=$guests/x86_64-4l-vmci
if [ "${PGSTUB_SKIP_REALGUEST:-}" = 1 ]; then
	echo "1..0 # SKIP PGSTUB_SKIP_REALGUEST=1"
	exit 0
fi
[ -x "${QEMU_X86_64:-/usr/bin/qemu-system-x86_64}" ] || {
	echo "1..0 # SKIP qemu-system-x86_64 not installed"; exit 0; }
command -v "${MAKEDUMPFILE:-makedumpfile}" >/dev/null 2>&1 || {
	echo "1..0 # SKIP makedumpfile not installed (scripts/setup-deps)"; exit 0; }
"${PYTHON3:-python3}" "$here/record_vmci.py" --4l --is-current "$out" >/dev/null ||
{ "$here/fetch.sh" >&2 && "$here/mkinitramfs.sh" x86_64 >/dev/null &&
  "${PYTHON3:-python3}" "$here/record_vmci.py" --4l "$out" >&2; } || {
	echo "1..1"
	echo "not ok 1 - recording the x86_64-4l guest with VMCOREINFO (see the log above)"
	exit 1
}
# The sanitizer build reads one unfiltered, one filtered and one ELF file.
[ "${PGSTUB_SANITIZED:-no}" = yes ] &&
	export PGSTUB_KDUMP_FORMATS="lzo zlib-d31 elf-d31"
exec "${PYTHON3:-python3}" "$here/check_kdump_formats.py" "$PGSTUB" "$out"
