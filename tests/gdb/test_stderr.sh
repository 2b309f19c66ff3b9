#!/bin/sh
# TAP: pgstub --stdio's stderr leaves GDB's pipe once GDB's setup is over,
# for --log FILE or nowhere (tests/gdb/test_stderr.py).
. "${srcdir:-.}/tests/gdb/lib.sh"
command -v "${GDB:-gdb}" >/dev/null || skip_all "no gdb"
T=$(mktemp -d /tmp/pgstub-stderr.XXXXXX)
trap 'rm -rf "$T"' EXIT
./tests/gdb/mklimits many "$T/many.elf" 2000 >/dev/null || exit 1
python3 "${srcdir:-.}/tests/gdb/test_stderr.py" "${PGSTUB:-./pgstub}" "$T/many.elf"
