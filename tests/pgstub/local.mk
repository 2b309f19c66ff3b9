# The pgstub program's own parts (stub/pgstub/) as units, no GDB or QEMU.
check_PROGRAMS += tests/pgstub/test_memory_map
TESTS += tests/pgstub/test_memory_map
tests_pgstub_test_memory_map_SOURCES = tests/pgstub/test_memory_map.c
tests_pgstub_test_memory_map_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_pgstub_test_memory_map_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/stub/pgstub -I$(top_srcdir)/stub -I$(top_srcdir)/guest \
	-I$(top_srcdir)/tests/guest
tests_pgstub_test_memory_map_LDADD = stub/pgstub/libpgstub.la \
	tests/guest/libmkdump.la $(CMOCKA_LIBS)
