/*
 * fixture_server: a small GDB stub built from libgdb-remote and the test
 * fixture target (8 KiB at 0x1000, two x86-64 threads), served over
 * --stdio, --tcp HOST:PORT (port 0: pick one, printed) or --unix PATH.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture_target.h"
#include "transport.h"

static int usage(void)
{
	fprintf(stderr, "usage: fixture_server [--threads N] [--once] "
	        "[--i386] --stdio | --tcp HOST:PORT | --unix PATH\n");
	return 2;
}

int main(int argc, char **argv)
{
	static unsigned char packet[4096];
	static struct fixture fx;
	struct gdbr_server_config cfg = GDBR_SERVER_CONFIG_INIT;
	struct pgstub_fd_conn conn = { .fd = -1 };
	const char *tcp = NULL, *unix_path = NULL;
	int stdio = 0, once = 0, nthreads = 2, i386 = 0, lfd = -1, rc, i;
	gdbr_server *s;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--stdio") == 0)
			stdio = 1;
		else if (strcmp(argv[i], "--once") == 0)
			once = 1;
		else if (strcmp(argv[i], "--i386") == 0)
			i386 = 1;
		else if (strcmp(argv[i], "--tcp") == 0 && i + 1 < argc)
			tcp = argv[++i];
		else if (strcmp(argv[i], "--unix") == 0 && i + 1 < argc)
			unix_path = argv[++i];
		else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
			nthreads = atoi(argv[++i]);
		else
			return usage();
	}
	if (stdio + !!tcp + !!unix_path != 1 || nthreads < 1)
		return usage();

	fixture_init(&fx, nthreads);
	cfg.conn = &pgstub_transport_fd_ops;
	cfg.conn_payload = &conn;
	cfg.target = &fixture_ops_readonly;
	cfg.target_payload = &fx;
	/* --i386: same fixture values, laid out by the i386 description */
	cfg.tdesc = i386 ? gdbr_tdesc_i386() : gdbr_tdesc_x86_64();
	cfg.packet_buf = packet;
	cfg.packet_size = sizeof(packet);
	if (gdbr_server_new(&s, &cfg)) {
		fprintf(stderr, "fixture_server: cannot create server\n");
		return 1;
	}

	if (stdio) {
		rc = pgstub_transport_serve_fd(s, &conn, 0, 1);
		gdbr_server_free(s);
		return rc == GDBR_EIO ? 1 : 0;
	}
	if (tcp) {
		char host[256];
		const char *colon = strrchr(tcp, ':');
		int port;

		if (!colon || (size_t)(colon - tcp) >= sizeof(host))
			return usage();
		memcpy(host, tcp, (size_t)(colon - tcp));
		host[colon - tcp] = '\0';
		if (pgstub_transport_listen_tcp(&lfd, host, atoi(colon + 1),
		                              &port)) {
			fprintf(stderr, "fixture_server: cannot listen on %s\n",
			        tcp);
			return 1;
		}
		printf("port %d\n", port);
	} else {
		if (pgstub_transport_listen_unix(&lfd, unix_path)) {
			fprintf(stderr, "fixture_server: cannot listen on %s\n",
			        unix_path);
			return 1;
		}
		printf("ready\n");
	}
	fflush(stdout);
	rc = pgstub_transport_serve_listener(s, &conn, lfd, once);
	close(lfd);
	if (unix_path)
		unlink(unix_path);
	gdbr_server_free(s);
	return rc ? 1 : 0;
}
