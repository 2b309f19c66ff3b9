/*
 * Byte transports around the engine: a descriptor writer, the read/feed
 * loop for one connection (stdio or an accepted socket), TCP and Unix
 * listeners, and the accept loop serving reconnects one at a time.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "transport.h"

static int fd_write(const void *buf, size_t len, void *payload)
{
	const struct gdbr_fd_conn *c = payload;
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == ENOTSOCK)
			n = write(c->fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return GDBR_EIO;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

const struct gdbr_conn_ops gdbr_transport_fd_ops = { fd_write, NULL };

int gdbr_transport_serve_fd(gdbr_server *s, struct gdbr_fd_conn *conn,
                            int in_fd, int out_fd)
{
	char buf[4096];
	int rc = 0;

	gdbr_server_reset(s);
	conn->fd = out_fd;
	for (;;) {
		ssize_t n = read(in_fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* A reset peer is a disconnect like any other. */
			rc = errno == ECONNRESET ? 0 : GDBR_EIO;
			break;
		}
		if (n == 0)
			break;
		rc = gdbr_server_feed(s, buf, (size_t)n);
		if (rc)
			break;
	}
	/* Whatever state the peer left (mid-packet, running), start over. */
	gdbr_server_reset(s);
	return rc;
}

int gdbr_transport_listen_tcp(int *out_fd, const char *host, int port,
                              int *bound_port)
{
	struct addrinfo hints, *res = NULL, *ai;
	char service[16];
	int fd = -1, one = 1, rc = GDBR_EIO;

	*out_fd = -1;
	if (port < 0 || port > 65535)
		return GDBR_EINVAL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(service, sizeof(service), "%d", port);
	if (getaddrinfo(host ? host : "127.0.0.1", service, &hints, &res))
		return GDBR_EINVAL;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		            ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 8) == 0)
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		goto out;
	if (bound_port) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);

		if (getsockname(fd, (struct sockaddr *)&ss, &sl)) {
			close(fd);
			goto out;
		}
		if (ss.ss_family == AF_INET6)
			*bound_port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		else
			*bound_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	}
	*out_fd = fd;
	rc = 0;
out:
	freeaddrinfo(res);
	return rc;
}

int gdbr_transport_listen_unix(int *out_fd, const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int fd, rc;

	*out_fd = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return GDBR_EINVAL;
	strcpy(sa.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return GDBR_EINVAL;
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return GDBR_EIO;
	/* Create the socket file 0600 from the start: no window where
	 * another user could connect. */
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc == 0)
		rc = chmod(path, 0600);
	if (rc == 0)
		rc = listen(fd, 8);
	if (rc) {
		close(fd);
		return GDBR_EIO;
	}
	*out_fd = fd;
	return 0;
}

int gdbr_transport_serve_listener(gdbr_server *s, struct gdbr_fd_conn *conn,
                                  int listen_fd, int once)
{
	for (;;) {
		int one = 1;
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return GDBR_EIO;
		}
		/* Small request/reply packets: do not wait for Nagle. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		gdbr_transport_serve_fd(s, conn, fd, fd);
		close(fd);
		if (once)
			return 0;
	}
}
