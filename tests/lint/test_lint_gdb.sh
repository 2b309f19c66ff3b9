#!/bin/sh
# make check: the pgstub package's pg-check, pg-mark and pg-diff in GDB.
exec "${PYTHON3:-python3}" "$top_srcdir/tests/lint/test_lint_gdb.py"
