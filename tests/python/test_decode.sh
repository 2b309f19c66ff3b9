#!/bin/sh
# make check: the entry decoders of gdb-python/pgstub under plain python3.
exec "${PYTHON3:-python3}" "$top_srcdir/tests/python/test_decode.py"
