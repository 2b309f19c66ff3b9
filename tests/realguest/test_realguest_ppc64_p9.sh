#!/bin/sh
# make check: record QEMU's truth for the POWER9 guests (pseries radix,
# pseries hash with disable_radix, powernv9 radix; cached outside the repo,
# booted only when missing or stale: record_ppc64_p9.py), then check pgstub
# on each guest.mig, and on the radix guests' dump.elf and dump.kdump with
# --reg, through gdb-multiarch against it. The sanitizer build checks the pseries radix one.
set -u
here=$top_srcdir/tests/realguest
guests=${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}
configs="ppc64-pseries-p9 ppc64-pseries-p9-hash ppc64-powernv9"
[ "${PGSTUB_SANITIZED:-no}" = yes ] && configs="ppc64-pseries-p9"
[ -n "${PGSTUB_REALGUEST_PPC64_P9_CONFIGS:-}" ] && configs=$PGSTUB_REALGUEST_PPC64_P9_CONFIGS
if [ "${PGSTUB_SKIP_REALGUEST:-}" = 1 ]; then
	echo "1..0 # SKIP PGSTUB_SKIP_REALGUEST=1"
	exit 0
fi
command -v qemu-system-ppc64 >/dev/null || {
	echo "1..0 # SKIP qemu-system-ppc64 not installed"; exit 0; }
command -v "${GDB_MULTIARCH:-gdb-multiarch}" >/dev/null || {
	echo "1..0 # SKIP gdb-multiarch not installed"; exit 0; }
start=$(date +%s)
if ! "$here/fetch-ppc64.sh" >&2; then
	echo "1..1"
	echo "not ok 1 - fetching the ppc64el kernel and busybox (see the log above)"
	exit 1
fi
for c in $configs; do
	out=$guests/$c
	"${PYTHON3:-python3}" "$here/record_ppc64_p9.py" --is-current "$c" "$out" >/dev/null 2>&1 && continue
	echo "# recording $c" >&2
	# Once, under QEMU 7.2, powernv8's firmware (skiboot) never finished
	# its PCI set-up (CPUs spinning in cpu_wait_job, no kernel in 240 s):
	# a boot that hangs like that is tried once more.
	"${PYTHON3:-python3}" "$here/record_ppc64_p9.py" "$c" "$out" >&2 || {
		echo "# recording $c failed; trying once more" >&2
		"${PYTHON3:-python3}" "$here/record_ppc64_p9.py" "$c" "$out" >&2
	} || {
		echo "1..1"
		echo "not ok 1 - recording QEMU's truth for $c (see the log above)"
		exit 1
	}
done
echo "# recorded/cached in $(( $(date +%s) - start )) s" >&2
exec "${PYTHON3:-python3}" "$here/check_ppc64_p9.py" "$PGSTUB" "$guests" $configs
