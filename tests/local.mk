# Test suites; each directory's fragment appends to check_PROGRAMS and TESTS.
include tests/walker/local.mk
