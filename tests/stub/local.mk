# tests/stub/: libgdb-remote tests.  cmocka unit tests of the framer and the
# dispatcher (linked against the engine's convenience library, so internal
# helpers are reachable), a socket protocol test against fixture_server, and
# a gdb end-to-end script.  Each program runs one cmocka group (one TAP plan).

STUB_TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/stub -I$(top_srcdir)/tests/stub \
	$(CMOCKA_CFLAGS)
STUB_TEST_LDADD = stub/libgdbr-core.la $(CMOCKA_LIBS)
STUB_TEST_HARNESS = tests/stub/harness.h tests/stub/harness.c \
	tests/stub/fixture_target.h tests/stub/fixture_target.c

check_PROGRAMS += tests/stub/test_framer tests/stub/test_packet tests/stub/test_server \
	tests/stub/test_mem tests/stub/test_xfer tests/stub/test_tdesc \
	tests/stub/test_proto_socket tests/stub/fixture_server \
	tests/stub/test_qemu_packets
TESTS += tests/stub/test_framer tests/stub/test_packet tests/stub/test_server tests/stub/test_mem \
	tests/stub/test_xfer tests/stub/test_tdesc tests/stub/test_proto_socket \
	tests/stub/test_gdb_stdio.sh tests/stub/test_qemu_packets \
	tests/stub/test_gdb_arm64.sh
EXTRA_DIST += tests/stub/test_gdb_stdio.sh tests/stub/test_gdb_arm64.sh

# The framer through the public API alone, as an installed user sees it.
tests_stub_test_framer_SOURCES = tests/stub/test_framer.c
tests_stub_test_framer_CPPFLAGS = $(AM_CPPFLAGS) $(CMOCKA_CFLAGS)
tests_stub_test_framer_LDADD = stub/libgdb-remote.la $(CMOCKA_LIBS)

tests_stub_test_packet_SOURCES = tests/stub/test_packet.c $(STUB_TEST_HARNESS)
tests_stub_test_packet_CPPFLAGS = $(STUB_TEST_CPPFLAGS)
tests_stub_test_packet_LDADD = $(STUB_TEST_LDADD)

tests_stub_test_server_SOURCES = tests/stub/test_server.c $(STUB_TEST_HARNESS)
tests_stub_test_server_CPPFLAGS = $(STUB_TEST_CPPFLAGS)
tests_stub_test_server_LDADD = $(STUB_TEST_LDADD)

tests_stub_test_mem_SOURCES = tests/stub/test_mem.c $(STUB_TEST_HARNESS)
tests_stub_test_mem_CPPFLAGS = $(STUB_TEST_CPPFLAGS)
tests_stub_test_mem_LDADD = $(STUB_TEST_LDADD)

tests_stub_test_xfer_SOURCES = tests/stub/test_xfer.c $(STUB_TEST_HARNESS)
tests_stub_test_xfer_CPPFLAGS = $(STUB_TEST_CPPFLAGS)
tests_stub_test_xfer_LDADD = $(STUB_TEST_LDADD)

tests_stub_test_qemu_packets_SOURCES = tests/stub/test_qemu_packets.c $(STUB_TEST_HARNESS)
tests_stub_test_qemu_packets_CPPFLAGS = $(STUB_TEST_CPPFLAGS)
tests_stub_test_qemu_packets_LDADD = $(STUB_TEST_LDADD)

tests_stub_test_tdesc_SOURCES = tests/stub/test_tdesc.c
tests_stub_test_tdesc_CPPFLAGS = $(STUB_TEST_CPPFLAGS)
tests_stub_test_tdesc_LDADD = $(STUB_TEST_LDADD)

# Drives fixture_server (found next to it) over TCP, a Unix socket, pipes.
tests_stub_test_proto_socket_SOURCES = tests/stub/test_proto_socket.c
tests_stub_test_proto_socket_CPPFLAGS = $(STUB_TEST_CPPFLAGS)
tests_stub_test_proto_socket_LDADD = $(CMOCKA_LIBS)

# A small stub: libgdb-remote + the program's transports + the fixture target.
tests_stub_fixture_server_SOURCES = tests/stub/fixture_server.c \
	tests/stub/fixture_target.h tests/stub/fixture_target.c \
	stub/pgstub/serving/transport.h stub/pgstub/serving/transport.c
tests_stub_fixture_server_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/stub \
	-I$(top_srcdir)/stub/pgstub/serving
tests_stub_fixture_server_LDADD = stub/libgdb-remote.la
