#!/bin/sh
# TAP: README.md's "Using it" command lines, each run as written
# (tests/scripts/test_readme_usage.py).
command -v "${GDB:-gdb}" >/dev/null || { echo "1..0 # SKIP no gdb"; exit 0; }
exec python3 "$top_srcdir/tests/scripts/test_readme_usage.py" \
	"$top_srcdir/README.md" "$(pwd)" "$top_srcdir"
