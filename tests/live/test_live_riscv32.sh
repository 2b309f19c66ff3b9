#!/bin/sh
# TAP: pgstub --qemu against the riscv32 guest of tests/realguest/rv32
# (tests/live/test_live_riscv32.py). PGSTUB_SKIP_LIVE=1 (or
# PGSTUB_SKIP_REALGUEST=1) skips it.
if [ -n "$PGSTUB_SKIP_LIVE$PGSTUB_SKIP_REALGUEST" ]; then
	echo "1..0 # SKIP PGSTUB_SKIP_LIVE/PGSTUB_SKIP_REALGUEST set"
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
PGSTUB=${PGSTUB:-$(pwd)/pgstub} exec python3 "$here/test_live_riscv32.py"
