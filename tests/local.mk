# Test suites; each directory's fragment appends to check_PROGRAMS and TESTS.
include tests/tools/local.mk
include tests/walker/local.mk
include tests/gdb/local.mk
