/*
 * Byte transports around the engine: a descriptor writer (with a deadline
 * for peers that stop reading), the read/feed loop for one connection
 * (stdio or an accepted socket; idle connections closed, a second one
 * refused while it runs), TCP and Unix listeners, and the accept loop.
 */
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "transport.h"

/* A refused peer gets this long to send its first packet. */
#define REFUSE_WAIT_MS 2000

static const char refusal[] =
	"E.pgstub: another GDB is already attached to this stub "
	"(one session at a time); detach it first";

long long pgstub_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pgstub_transport_poll(struct pollfd *pf, int n, long long wake)
{
	long long left = wake ? wake - pgstub_now_ms() : -1;

	if (wake && left < 0)
		left = 0;
	if (left > INT_MAX)
		left = INT_MAX;
	return poll(pf, (nfds_t)n, (int)left);
}

int pgstub_transport_wait_writable(int fd, int ms)
{
	struct pollfd pf = { .fd = fd, .events = POLLOUT };
	long long end = pgstub_now_ms() + ms;

	for (;;) {
		long long left = end - pgstub_now_ms();
		int r;

		if (left < 0)
			left = 0;
		r = poll(&pf, 1, (int)left);
		if (r > 0)
			return 1;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

void pgstub_transport_log(FILE *f, const char *fmt, ...)
{
	static unsigned long dropped;
	char line[1024 + 64];
	struct pollfd pf;
	va_list ap;
	int n = 0;

	if (!f)
		return;
	pf = (struct pollfd){ .fd = fileno(f), .events = POLLOUT };
	/* Regular files and terminals always poll writable; a full pipe
	 * does not, and one line (< PIPE_BUF) fits once it does. */
	if (pf.fd < 0 || poll(&pf, 1, 0) != 1 || !(pf.revents & POLLOUT)) {
		dropped++;
		return;
	}
	if (dropped)
		n = snprintf(line, sizeof(line), "pgstub: (%lu log lines "
			     "dropped: stderr was not being read)\n", dropped);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	n = (int)strlen(line);
	if (write(pf.fd, line, (size_t)n) == n)
		dropped = 0;
	else
		dropped++;
}

/* Wait for room to write, at most @write_ms; 0 when there is. */
static int wait_room(int fd, int write_ms, const char **why)
{
	int r = pgstub_transport_wait_writable(fd, write_ms);

	if (r == 0 && why)
		*why = "the peer stopped reading (write timeout)";
	return r > 0 ? 0 : GDBR_EIO;
}

int pgstub_transport_write(int fd, const void *buf, size_t len, int write_ms,
			 const char **why)
{
	const char *p = buf;
	int is_pipe = 0;

	while (len > 0) {
		size_t chunk = len;
		ssize_t n;

		/* With a deadline, never block in send/write. A socket is
		 * tried first and waited for only when full (a wait before
		 * every reply would cost a system call each); a pipe has no
		 * non-blocking write here, so room is awaited first and what
		 * fits (PIPE_BUF when ready) written. */
		if (write_ms && is_pipe) {
			if (wait_room(fd, write_ms, why))
				return GDBR_EIO;
			if (chunk > PIPE_BUF)
				chunk = PIPE_BUF;
		}
		n = is_pipe ? write(fd, p, chunk) :
		    send(fd, p, chunk,
			 MSG_NOSIGNAL | (write_ms ? MSG_DONTWAIT : 0));
		if (n < 0 && errno == ENOTSOCK && !is_pipe) {
			is_pipe = 1;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    write_ms && !is_pipe) {
			if (wait_room(fd, write_ms, why))
				return GDBR_EIO;
			continue;
		}
		if (n < 0 && (errno == EINTR || errno == EAGAIN ||
			      errno == EWOULDBLOCK))
			continue;
		if (n <= 0)
			return GDBR_EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fd_write(const void *buf, size_t len, void *payload)
{
	struct pgstub_fd_conn *c = payload;

	return pgstub_transport_write(c->fd, buf, len, c->write_ms, &c->why);
}

const struct gdbr_conn_ops pgstub_transport_fd_ops = { fd_write, NULL };

static void refuse_done(struct pgstub_refusals *r, int i, int answer)
{
	char pkt[sizeof(refusal) + 8];
	unsigned sum = 0;
	int len;

	if (answer) {
		for (const char *q = refusal; *q; q++)
			sum += (unsigned char)*q;
		/* Ack the packet, then the error as its reply. */
		len = snprintf(pkt, sizeof(pkt), "+$%s#%02x", refusal, sum & 0xff);
		if (send(r->fd[i], pkt, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
		    errno == ENOTSOCK && write(r->fd[i], pkt, (size_t)len) < 0)
			(void)0;
		shutdown(r->fd[i], SHUT_WR);
	}
	close(r->fd[i]);
	r->n--;
	r->fd[i] = r->fd[r->n];
	r->deadline[i] = r->deadline[r->n];
}

void pgstub_refusals_accept(struct pgstub_refusals *r, int listen_fd)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (r->log)
		pgstub_transport_log(r->log, "pgstub: refused a second "
				   "connection: a GDB is attached\n");
	if (r->n == PGSTUB_MAX_REFUSALS) {
		close(fd);
		return;
	}
	r->fd[r->n] = fd;
	r->deadline[r->n] = pgstub_now_ms() + REFUSE_WAIT_MS;
	r->n++;
}

/* Read what a refused peer sent: answer once its first packet is in. */
static void refuse_read(struct pgstub_refusals *r, int i)
{
	char buf[512];
	ssize_t n = recv(r->fd[i], buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		refuse_done(r, i, 0);
	else if (memchr(buf, '#', (size_t)n))
		refuse_done(r, i, 1);
}

void pgstub_refusals_flush(struct pgstub_refusals *r)
{
	while (r->n)
		refuse_done(r, 0, 1);
}

int pgstub_refusals_poll(const struct pgstub_refusals *r, struct pollfd *pf,
                       long long *wake)
{
	for (int i = 0; i < r->n; i++) {
		pf[i] = (struct pollfd){ .fd = r->fd[i], .events = POLLIN };
		if (!*wake || r->deadline[i] < *wake)
			*wake = r->deadline[i];
	}
	return r->n;
}

void pgstub_refusals_update(struct pgstub_refusals *r, const struct pollfd *pf,
                          long long now)
{
	/* From the last down: refuse_done() moves the last entry (already
	 * seen) into the freed slot. */
	for (int i = r->n - 1; i >= 0; i--) {
		if (pf && pf[i].revents)
			refuse_read(r, i);
		else if (r->deadline[i] <= now)
			refuse_done(r, i, 1);
	}
}

/*
 * The loop of one connection; @listen_fd >= 0 also watches for connections
 * to refuse meanwhile.
 */
static int serve_conn(gdbr_server *s, struct pgstub_fd_conn *conn, int in_fd,
		      int out_fd, int listen_fd, struct pgstub_refusals *ref)
{
	long long idle_end = conn->idle_ms ? pgstub_now_ms() + conn->idle_ms : 0;
	char buf[4096];
	int rc = 0;

	gdbr_server_reset(s);
	conn->fd = out_fd;
	conn->why = NULL;
	for (;;) {
		struct pollfd pf[2 + PGSTUB_MAX_REFUSALS];
		long long now, wake = idle_end;
		int nfd = 0, li = -1, rbase, r;
		ssize_t n;

		pf[nfd++] = (struct pollfd){ .fd = in_fd, .events = POLLIN };
		if (listen_fd >= 0) {
			li = nfd;
			pf[nfd++] = (struct pollfd){ .fd = listen_fd,
						     .events = POLLIN };
		}
		rbase = nfd;
		if (ref)
			nfd += pgstub_refusals_poll(ref, pf + rbase, &wake);
		r = pgstub_transport_poll(pf, nfd, wake);
		if (r < 0 && errno != EINTR) {
			rc = GDBR_EIO;
			break;
		}
		now = pgstub_now_ms();
		/* The session's own bytes first: a peer that closed and at
		 * once reconnected must be served, not refused. */
		if (r > 0 && pf[0].revents) {
			n = read(in_fd, buf, sizeof(buf));
			if (n < 0 && errno != EINTR && errno != EAGAIN) {
				/* A reset peer is a disconnect like any other. */
				rc = errno == ECONNRESET ? 0 : GDBR_EIO;
				break;
			}
			if (n == 0)
				break;
			if (n > 0) {
				if (conn->idle_ms)
					idle_end = now + conn->idle_ms;
				rc = gdbr_server_feed(s, buf, (size_t)n);
				if (rc)
					break;
			}
		}
		if (ref)
			pgstub_refusals_update(ref, r > 0 ? pf + rbase : NULL,
					     now);
		if (r > 0 && li >= 0 && pf[li].revents) {
			/* Drain the session first: if its peer already left,
			 * the newcomer is the next session, not a refusal. */
			while ((n = recv(in_fd, buf, sizeof(buf),
					 MSG_DONTWAIT)) > 0 &&
			       !(rc = gdbr_server_feed(s, buf, (size_t)n)))
				;
			if (n == 0 || rc || (n < 0 && errno != EAGAIN &&
					     errno != EINTR))
				break;
			pgstub_refusals_accept(ref, listen_fd);
		}
		if (idle_end && now >= idle_end) {
			conn->why = "idle timeout";
			break;
		}
	}
	/* A write deadline that expired is a timeout, not an I/O failure. */
	if (rc == GDBR_EIO && conn->why)
		rc = 0;
	if (conn->why && conn->log)
		pgstub_transport_log(conn->log, "pgstub: connection closed: %s\n",
				   conn->why);
	/* Whatever state the peer left (mid-packet, running), start over. */
	gdbr_server_reset(s);
	return rc;
}

int pgstub_transport_serve_fd(gdbr_server *s, struct pgstub_fd_conn *conn,
                            int in_fd, int out_fd)
{
	return serve_conn(s, conn, in_fd, out_fd, -1, NULL);
}

int pgstub_transport_listen_tcp(int *out_fd, const char *host, int port,
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

int pgstub_transport_listen_unix(int *out_fd, const char *path)
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

void pgstub_transport_tune_socket(int fd, int idle_s)
{
	int one = 1;

	/* Small request/reply packets: do not wait for Nagle (fails
	 * harmlessly on Unix sockets). */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* A peer that vanished without a FIN is found by keepalive probes
	 * (after the idle timeout, when there is one). */
	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) == 0 &&
	    idle_s > 0)
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s,
			   sizeof(idle_s));
}

int pgstub_transport_serve_listener(gdbr_server *s, struct pgstub_fd_conn *conn,
                                  int listen_fd, int once)
{
	struct pgstub_refusals ref = { .n = 0, .log = conn->log };

	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return GDBR_EIO;
		}
		pgstub_transport_tune_socket(fd, conn->idle_ms / 1000);
		serve_conn(s, conn, fd, fd, listen_fd, &ref);
		pgstub_refusals_flush(&ref);
		close(fd);
		if (once)
			return 0;
	}
}
