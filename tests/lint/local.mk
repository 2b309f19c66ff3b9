# tests/lint/: `check` and `diff`. Synthetic dumps whose tables break each
# rule once (mkbad.c) checked rule by rule through GDB's monitor, the shell
# and --json; diffs between two synthetic images that differ in known
# ways, offline and live (pg-mark/pg-diff); the W+X verdict on the recorded
# real guests against the kernel's own CONFIG_DEBUG_WX line.
check_PROGRAMS += tests/lint/mkbad
tests_lint_mkbad_SOURCES = tests/lint/mkbad.c
tests_lint_mkbad_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/guest
tests_lint_mkbad_LDADD = tests/guest/libmkdump.la
TESTS += tests/lint/test_check.sh tests/lint/test_diff.sh \
	tests/lint/test_lint_gdb.sh
EXTRA_DIST += tests/lint/test_check.sh tests/lint/test_diff.sh \
	tests/lint/test_lint_gdb.sh tests/lint/test_lint_gdb.py
