# The pgstub Python package for GDB: decoders under python3; printers,
# commands and functions under gdb batch against pgstub and a fake stub.
TESTS += tests/python/test_decode.sh tests/python/test_gdb.sh
check_PROGRAMS += tests/python/pgtypes
# Debug info is the point of this fixture: always -g, no sanitizers.
tests_python_pgtypes_SOURCES = tests/python/pgtypes.c \
	tests/python/pgtypes_32.c tests/python/pgtypes_pae.c
tests_python_pgtypes_CFLAGS = -g -O0
tests_python_pgtypes_LDFLAGS =
EXTRA_DIST += tests/python/test_decode.sh tests/python/test_gdb.sh \
	tests/python/test_decode.py tests/python/test_gdb.py \
	tests/python/oracle.py tests/python/gdb_printers.py \
	tests/python/fakestub.py
