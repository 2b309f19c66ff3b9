# tests/shell/: `pgstub shell` — the gdbr_out sink and the disassembler as
# cmocka programs (one group each), scripted output (-c, stdin) on the demo
# image and a real dump, and a pty-driven session (completion, history).

check_PROGRAMS += tests/shell/test_out_sink tests/shell/test_disas
TESTS += tests/shell/test_out_sink tests/shell/test_disas \
	tests/shell/test_shell.sh tests/shell/test_shell_pty.sh \
	tests/shell/test_shell_riscv64.sh
EXTRA_DIST += tests/shell/test_shell.sh tests/shell/test_shell_pty.sh \
	tests/shell/test_shell_riscv64.sh \
	tests/shell/pty_shell.py

tests_shell_test_out_sink_SOURCES = tests/shell/test_out_sink.c
tests_shell_test_out_sink_CPPFLAGS = $(AM_CPPFLAGS) $(CMOCKA_CFLAGS)
tests_shell_test_out_sink_LDADD = stub/libgdbr-core.la $(CMOCKA_LIBS)

tests_shell_test_disas_SOURCES = tests/shell/test_disas.c \
	stub/pgstub/shell/disas.c stub/pgstub/shell/disas.h
tests_shell_test_disas_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/stub/pgstub \
	$(CAPSTONE_CFLAGS) $(CMOCKA_CFLAGS)
tests_shell_test_disas_LDADD = stub/libgdbr-core.la $(CAPSTONE_LIBS) \
	$(CMOCKA_LIBS)
