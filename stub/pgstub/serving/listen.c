/*
 * The GDB-side listener of the pgstub program, shared by snapshot serving
 * and the live-QEMU proxy: --unix PATH or --listen HOST:PORT, loopback
 * port 1234 by default, with a warning when it reaches beyond this machine.
 */
#include "cli.h"
#include "session.h"
#include "serve.h"
#include "transport.h"

#include <stdio.h>
#include <string.h>

/* "HOST:PORT", ":PORT" or "PORT"; the host defaults to loopback. */
static int split_hostport(const char *s, char *host, size_t hlen, int *port)
{
	const char *colon = strrchr(s, ':');
	uint64_t p;

	snprintf(host, hlen, "127.0.0.1");
	if (colon) {
		if (colon != s)
			snprintf(host, hlen, "%.*s", (int)(colon - s), s);
		s = colon + 1;
	}
	if (parse_u64(s, &p) || p > 65535)
		return -1;
	*port = (int)p;
	return 0;
}

int pgstub_listen(const char *listen, const char *unix_path, int *fd)
{
	char host[256] = "127.0.0.1";
	int port = 1234;

	if (unix_path) {
		if (pgstub_transport_listen_unix(fd, unix_path) < 0) {
			fprintf(stderr, "pgstub: cannot listen on %s\n", unix_path);
			return -1;
		}
		fprintf(stderr, "pgstub: listening on %s\n", unix_path);
		return 0;
	}
	if (listen && split_hostport(listen, host, sizeof(host), &port)) {
		fprintf(stderr, "pgstub: --listen: expected HOST:PORT\n");
		return -1;
	}
	if (strcmp(host, "127.0.0.1") && strcmp(host, "localhost") &&
	    strcmp(host, "::1"))
		fprintf(stderr, "pgstub: warning: listening on %s exposes "
			"guest memory beyond this machine\n", host);
	if (pgstub_transport_listen_tcp(fd, host, port, &port) < 0) {
		fprintf(stderr, "pgstub: cannot listen on %s:%d\n", host, port);
		return -1;
	}
	fprintf(stderr, "pgstub: listening on %s:%d\n", host, port);
	return 0;
}
