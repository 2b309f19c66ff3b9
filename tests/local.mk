# Test suites; each directory's fragment appends to check_PROGRAMS and TESTS.
include tests/tools/local.mk
include tests/walker/local.mk
include tests/stub/local.mk
include tests/guest/local.mk
include tests/gdb/local.mk
include tests/realguest/local.mk
include tests/python/local.mk
include tests/monitor/local.mk
include tests/shell/local.mk
include tests/export/local.mk
include tests/lint/local.mk
include tests/live/local.mk
include tests/serving/local.mk
include tests/scripts/local.mk
include tests/soak/local.mk
include tests/fuzz/local.mk
include tests/install/local.mk
