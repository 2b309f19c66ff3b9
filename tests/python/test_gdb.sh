#!/bin/sh
# make check: GDB in batch mode with the pgstub package (printers,
# commands, functions, error paths) against pgstub and a fake stub.
exec "${PYTHON3:-python3}" "$top_srcdir/tests/python/test_gdb.py"
