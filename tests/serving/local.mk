# The program's serving subsystem (stub/pgstub/serving/) as units, no GDB or QEMU.
check_PROGRAMS += tests/serving/test_memory_map
TESTS += tests/serving/test_memory_map
tests_serving_test_memory_map_SOURCES = tests/serving/test_memory_map.c
tests_serving_test_memory_map_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_serving_test_memory_map_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/stub/pgstub -I$(top_srcdir)/guest \
	-I$(top_srcdir)/tests/guest
tests_serving_test_memory_map_LDADD = stub/pgstub/libpgstub.la \
	tests/guest/libmkdump.la $(CMOCKA_LIBS)

# The command-line module: option tables and the shared parsers.
check_PROGRAMS += tests/serving/test_cli
TESTS += tests/serving/test_cli
tests_serving_test_cli_SOURCES = tests/serving/test_cli.c
tests_serving_test_cli_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_serving_test_cli_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/stub/pgstub -I$(top_srcdir)/guest
tests_serving_test_cli_LDADD = stub/pgstub/libpgstub.la $(CMOCKA_LIBS)
