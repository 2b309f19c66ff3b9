#!/bin/sh
# make check: run qemu_tool.py (a GDB script doing what QEMU-aware kernel
# debugger extensions do) against pgstub on the demo guest and, when their
# recordings are cached, on the real guests' ELF dumps (every vCPU).
set -u
here=$top_srcdir/tests/monitor
[ -x "$(command -v "${GDB:-gdb}")" ] || { echo "1..0 # SKIP gdb not found"; exit 0; }
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
images="demo=$top_builddir/demo.elf"
if [ "${PGSTUB_SKIP_REALGUEST:-}" != 1 ]; then
	configs="x86_64-4l x86_64-5l i386-pae i386-nopae x86_64-nopaging"
	[ "${PGSTUB_SANITIZED:-no}" = yes ] && configs="x86_64-4l"
	for c in $configs; do
		[ -r "$guests/$c/dump.elf" ] && images="$images $c=$guests/$c/dump.elf"
	done
fi
exec "${PYTHON3:-python3}" "$here/run_gdb_script.py" "$PGSTUB" \
	"$here/qemu_tool.py" $images
