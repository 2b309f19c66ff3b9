#!/bin/sh
# TAP: pgstub --qemu against a real POWER9 powernv guest (tests/live/test_live_ppc64.py).
# PGSTUB_SKIP_LIVE=1 (or PGSTUB_SKIP_REALGUEST=1) skips it.
if [ -n "$PGSTUB_SKIP_LIVE$PGSTUB_SKIP_REALGUEST" ]; then
	echo "1..0 # SKIP PGSTUB_SKIP_LIVE/PGSTUB_SKIP_REALGUEST set"
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
PGSTUB=${PGSTUB:-$(pwd)/pgstub} exec python3 "$here/test_live_ppc64.py"
