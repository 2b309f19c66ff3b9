/*
 * Protocol tests over real sockets against the fixture_server program:
 * raw packets on TCP (well-formed, malformed, oversized, Ctrl-C), peer
 * disconnects mid-packet and reconnects, detach, a Unix socket (mode 0600)
 * and --stdio over pipes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

static char server_path[4096];

struct child {
	pid_t pid;
	int port;
	char sock_path[108];
};

static struct child tcp_server;

/* Start fixture_server with args; first stdout line goes to line. */
static pid_t spawn(char *const argv[], char *line, size_t size)
{
	int out[2];
	pid_t pid;
	FILE *f;

	if (pipe(out))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		execv(server_path, argv);
		_exit(127);
	}
	close(out[1]);
	f = fdopen(out[0], "r");
	if (!f || !fgets(line, (int)size, f))
		line[0] = '\0';
	if (f)
		fclose(f);
	return pid;
}

static void stop_child(pid_t pid)
{
	int st;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
}

static int connect_tcp(int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
}

static void send_str(int fd, const char *s)
{
	send_all(fd, s, strlen(s));
}

static const char *frame(const char *payload)
{
	static char buf[16384];
	unsigned sum = 0;
	size_t i;

	for (i = 0; payload[i]; i++)
		sum += (unsigned char)payload[i];
	snprintf(buf, sizeof(buf), "$%s#%02x", payload, sum & 0xff);
	return buf;
}

/* Read exactly strlen(want) bytes (2 s timeout) and compare them. */
static void expect(int fd, const char *want)
{
	static char got[16384];
	size_t len = strlen(want), have = 0;

	while (have < len) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		assert_int_equal(poll(&p, 1, 2000), 1);
		n = read(fd, got + have, len - have);
		assert_true(n > 0);
		have += (size_t)n;
	}
	got[have] = '\0';
	assert_string_equal(got, want);
}

/* Nothing more arrives within 100 ms. */
static void expect_silence(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	assert_int_equal(poll(&p, 1, 100), 0);
}

/* The peer closes: read returns 0. */
static void expect_eof(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char c;

	assert_int_equal(poll(&p, 1, 2000), 1);
	assert_int_equal(read(fd, &c, 1), 0);
}

static void send_pkt(int fd, const char *payload)
{
	send_str(fd, frame(payload));
}

static char read_byte(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char c;

	assert_int_equal(poll(&p, 1, 2000), 1);
	assert_int_equal(read(fd, &c, 1), 1);
	return c;
}

/*
 * Read one packet, check its checksum, expand run-length encoding and
 * compare the payload with want.
 */
static void expect_packet(int fd, const char *want)
{
	static char got[16384];
	unsigned sum = 0;
	size_t o = 0;
	char c, cs[3], exp_cs[3];

	assert_int_equal(read_byte(fd), '$');
	while ((c = read_byte(fd)) != '#') {
		sum += (unsigned char)c;
		if (c == '*') {
			char n = read_byte(fd);
			int k = n - 29;

			sum += (unsigned char)n;
			assert_true(o > 0 && k >= 3);
			while (k-- > 0) {
				got[o] = got[o - 1];
				o++;
			}
		} else {
			got[o++] = c;
		}
		assert_true(o < sizeof(got) - 100);
	}
	got[o] = '\0';
	cs[0] = read_byte(fd);
	cs[1] = read_byte(fd);
	cs[2] = '\0';
	snprintf(exp_cs, sizeof(exp_cs), "%02x", sum & 0xff);
	assert_string_equal(cs, exp_cs);
	assert_string_equal(got, want);
}

/* Ack mode: '+' then the packet. */
static void expect_reply(int fd, const char *payload)
{
	assert_int_equal(read_byte(fd), '+');
	expect_packet(fd, payload);
}

static int group_setup(void **state)
{
	char *argv[] = { "fixture_server", "--tcp", "127.0.0.1:0", NULL };
	char line[64];

	(void)state;
	tcp_server.pid = spawn(argv, line, sizeof(line));
	if (tcp_server.pid < 0 || sscanf(line, "port %d", &tcp_server.port) != 1)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	stop_child(tcp_server.pid);
	return 0;
}

static void test_proto__handshake_and_reads(void **state)
{
	int fd = connect_tcp(tcp_server.port);

	(void)state;
	send_pkt(fd, "qSupported:multiprocess+;swbreak+;hwbreak+");
	expect_reply(fd, "PacketSize=1000;QStartNoAckMode+;binary-upload+;"
	                 "qXfer:features:read+;qXfer:memory-map:read+");
	send_str(fd, "+");
	send_pkt(fd, "?");
	expect_reply(fd, "T05thread:01;");
	send_pkt(fd, "m1040,4");
	expect_reply(fd, "40414243");
	send_pkt(fd, "x1022,3");
	expect_reply(fd, "b\"}\x03}\x04");
	send_pkt(fd, "p1d");
	expect_reply(fd, "0010000000000000");
	send_pkt(fd, "qfThreadInfo");
	expect_reply(fd, "m1,2");
	send_pkt(fd, "QStartNoAckMode");
	expect_reply(fd, "OK");
	send_str(fd, "+");
	send_pkt(fd, "qC");
	expect_packet(fd, "QC1");
	close(fd);
}

static void test_proto__malformed_packets_keep_connection(void **state)
{
	static char big[6000];
	int fd = connect_tcp(tcp_server.port);

	(void)state;
	send_str(fd, "$qC#00");
	expect(fd, "-");
	send_str(fd, "garbage\r\n");
	expect_silence(fd);
	memset(big, 'q', sizeof(big) - 1);
	send_pkt(fd, big);
	expect_reply(fd, "E07");
	send_pkt(fd, "mzz,4");
	expect_reply(fd, "E22");
	send_pkt(fd, "M1000,1:00");
	expect_reply(fd, "E30");
	send_pkt(fd, "m0,4");
	expect_reply(fd, "E14");
	send_pkt(fd, "qC");
	expect_reply(fd, "QC1");
	/* NAK: the last reply again */
	send_str(fd, "-");
	expect_packet(fd, "QC1");
	close(fd);
}

static void test_proto__ctrl_c(void **state)
{
	int fd = connect_tcp(tcp_server.port);

	(void)state;
	send_str(fd, "\x03");
	expect_packet(fd, "T02thread:01;");
	close(fd);
}

static void test_proto__disconnect_mid_packet_then_reconnect(void **state)
{
	int fd = connect_tcp(tcp_server.port);

	(void)state;
	/* Enter NoAck mode and select thread 2, then vanish mid-packet. */
	send_pkt(fd, "QStartNoAckMode");
	expect_reply(fd, "OK");
	send_pkt(fd, "Hg2");
	expect_packet(fd, "OK");
	send_str(fd, "$m1000,4#");
	close(fd);

	/* The next connection starts clean: ack mode, thread 1. */
	fd = connect_tcp(tcp_server.port);
	send_pkt(fd, "qC");
	expect_reply(fd, "QC1");
	close(fd);
}

static void test_proto__detach_closes_then_reconnect(void **state)
{
	int fd = connect_tcp(tcp_server.port);

	(void)state;
	send_pkt(fd, "D");
	expect_reply(fd, "OK");
	expect_eof(fd);
	close(fd);
	fd = connect_tcp(tcp_server.port);
	send_pkt(fd, "k");
	expect(fd, "+");
	expect_eof(fd);
	close(fd);
	fd = connect_tcp(tcp_server.port);
	send_pkt(fd, "qAttached");
	expect_reply(fd, "1");
	close(fd);
}

static void test_proto__unix_socket(void **state)
{
	struct child c;
	char *argv[] = { "fixture_server", "--unix", c.sock_path, "--once",
	                 NULL };
	struct sockaddr_un sa;
	struct stat st;
	char line[64];
	int fd, status;

	(void)state;
	snprintf(c.sock_path, sizeof(c.sock_path), "/tmp/gdbr-test-%d.sock",
	         (int)getpid());
	c.pid = spawn(argv, line, sizeof(line));
	assert_string_equal(line, "ready\n");
	assert_int_equal(stat(c.sock_path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, c.sock_path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	send_pkt(fd, "qC");
	expect_reply(fd, "QC1");
	close(fd);
	/* --once: the server exits after the connection and removes it. */
	assert_int_equal(waitpid(c.pid, &status, 0), c.pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(access(c.sock_path, F_OK), -1);
}

static void test_proto__stdio(void **state)
{
	int to[2], from[2], status;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(to), 0);
	assert_int_equal(pipe(from), 0);
	pid = fork();
	if (pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[0]); close(to[1]); close(from[0]); close(from[1]);
		execl(server_path, "fixture_server", "--stdio", (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	assert_int_equal(write(to[1], "$qC#b4", 6), 6);
	expect(from[0], "+$QC1#c5");
	assert_int_equal(write(to[1], "$m10", 4), 4);
	close(to[1]);   /* EOF mid-packet: the server ends cleanly */
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(from[0]);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proto__handshake_and_reads),
		cmocka_unit_test(test_proto__malformed_packets_keep_connection),
		cmocka_unit_test(test_proto__ctrl_c),
		cmocka_unit_test(test_proto__disconnect_mid_packet_then_reconnect),
		cmocka_unit_test(test_proto__detach_closes_then_reconnect),
		cmocka_unit_test(test_proto__unix_socket),
		cmocka_unit_test(test_proto__stdio),
	};
	const char *slash = strrchr(argv[0], '/');

	(void)argc;
	/* fixture_server sits next to this program. */
	snprintf(server_path, sizeof(server_path), "%.*sfixture_server",
	         slash ? (int)(slash - argv[0] + 1) : 0, argv[0]);
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("stub/proto_socket", tests,
	                                   group_setup, group_teardown);
}
