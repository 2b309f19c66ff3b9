/*
 * One side of the live proxy: a descriptor pair with buffered input, framed
 * by libgdb-remote's framer (the engine's own, so both agree on every
 * malformed input), acks and retransmission, and framed output.
 */
#include "proxy.h"
#include "serving/transport.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

int rsp_conn_init(struct rsp_conn *c, int in_fd, int out_fd)
{
	gdbr_framer *fr = c->fr;

	memset(c, 0, offsetof(struct rsp_conn, pkt));
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->len = c->in_pos = c->in_len = c->last_len = 0;
	/* The framer outlives connections: made once, reset for each. */
	if (fr)
		gdbr_framer_reset(fr);
	else if (gdbr_framer_new(&fr, c->pkt, PROXY_PACKET_SIZE))
		return -1;
	c->fr = fr;
	return 0;
}

void rsp_conn_release(struct rsp_conn *c)
{
	gdbr_framer_free(c->fr);
	c->fr = NULL;
}

void rsp_conn_set_noack(struct rsp_conn *c, int on)
{
	gdbr_framer_set_noack(c->fr, on);
}

/* PGSTUB_LIVE_TRACE=FILE: every packet both ways, for diagnosis. */
static FILE *trace_file(void)
{
	static FILE *f;
	static int tried;

	if (!tried) {
		const char *path = getenv("PGSTUB_LIVE_TRACE");

		tried = 1;
		f = path ? fopen(path, "a") : NULL;
	}
	return f;
}

static void trace(const struct rsp_conn *c, const char *dir, const char *p,
		  size_t len)
{
	FILE *f = trace_file();

	if (f) {
		struct timespec t;

		clock_gettime(CLOCK_MONOTONIC, &t);
		fprintf(f, "%lld.%06ld fd%d %s %.*s%s\n", (long long)t.tv_sec,
			t.tv_nsec / 1000, c->in_fd, dir,
			(int)(len > 120 ? 120 : len), p, len > 120 ? "..." : "");
		fflush(f);
	}
}

/*
 * What the proxy does with each framer event is what libgdb-remote's engine
 * does (gdb-remote.h, gdbr_framer): '-' for a damaged packet, '+' and an
 * error reply for a malformed or oversize one, the last packet again on a
 * '-'.  Either peer: a malformed reply from QEMU reaches GDB as that error.
 */
int rsp_conn_next(struct rsp_conn *c)
{
	while (c->in_pos < c->in_len) {
		size_t used;
		int noack = gdbr_framer_noack(c->fr);
		int ev = gdbr_framer_feed(c->fr, c->in + c->in_pos,
					  c->in_len - c->in_pos, &used);
		const char *pkt;

		c->in_pos += used;
		switch (ev) {
		case GDBR_FRAME_PACKET:
			pkt = gdbr_framer_packet(c->fr, &c->len);
			c->pkt[c->len] = 0;  /* pkt is c->pkt: NUL added */
			trace(c, "<-", pkt, c->len);
			if (!noack)
				rsp_conn_raw(c, "+", 1);
			return RSP_PACKET;
		case GDBR_FRAME_MALFORMED:
		case GDBR_FRAME_TOOLONG:
			c->len = (size_t)snprintf(c->pkt, sizeof(c->pkt), "E%02d",
						  ev == GDBR_FRAME_TOOLONG ?
						  7 : 22);
			trace(c, "<- malformed, answered", c->pkt, c->len);
			if (!noack)
				rsp_conn_raw(c, "+", 1);
			return RSP_MALFORMED;
		case GDBR_FRAME_CORRUPT:
			rsp_conn_raw(c, "-", 1);
			break;
		case GDBR_FRAME_NAK:
			if (c->last_len)
				rsp_conn_raw(c, c->last, c->last_len);
			break;
		case GDBR_FRAME_INTERRUPT:
			return RSP_INTERRUPT;
		default:  /* NONE, or TRUNCATED: the partial packet is gone */
			break;
		}
	}
	return RSP_NONE;
}

int rsp_conn_fill(struct rsp_conn *c, int timeout_ms)
{
	struct pollfd p = { .fd = c->in_fd, .events = POLLIN };
	ssize_t n;
	int r;

	if (c->eof)
		return -1;
	if (c->in_pos == c->in_len)
		c->in_pos = c->in_len = 0;
	if (c->in_len == sizeof(c->in)) {
		/* Unframed input fills the buffer: keep the tail. */
		memmove(c->in, c->in + c->in_pos, c->in_len - c->in_pos);
		c->in_len -= c->in_pos;
		c->in_pos = 0;
	}
	if (timeout_ms >= 0) {
		do
			r = poll(&p, 1, timeout_ms);
		while (r < 0 && errno == EINTR);
		if (r == 0)
			return 0;
	}
	do
		n = read(c->in_fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		c->eof = 1;
		return -1;
	}
	c->in_len += (size_t)n;
	if (c->quickack) {
		int one = 1;

		/* QEMU's gdbstub socket runs Nagle and writes its '+' and
		 * the reply separately: ack at once, not 40 ms later. */
		setsockopt(c->in_fd, IPPROTO_TCP, TCP_QUICKACK, &one,
			   sizeof(one));
	}
	return (int)n;
}

int rsp_conn_raw(struct rsp_conn *c, const void *buf, size_t len)
{
	if (len == 1 && *(const char *)buf == 3)
		trace(c, "->", "^C", 2);
	if (!c->eof && pgstub_transport_write(c->out_fd, buf, len, c->write_ms,
					 &c->why) != 0)
		c->eof = 1;
	return c->eof ? -1 : 0;
}

int rsp_conn_send(struct rsp_conn *c, const char *payload, size_t len)
{
	if (len > PROXY_PACKET_SIZE)
		return -1;
	c->last_len = gdbr_packet_frame(c->last, payload, len, 0);
	trace(c, "->", payload, len);
	return rsp_conn_raw(c, c->last, c->last_len);
}

int rsp_conn_send_many(struct rsp_conn *c, const char *const *pkts,
		       size_t n)
{
	size_t total = 0, o = 0;
	char *buf;
	int rc;

	for (size_t i = 0; i < n; i++)
		total += strlen(pkts[i]) + 4;
	buf = malloc(total + 1);
	if (!buf)
		return -1;
	for (size_t i = 0; i < n; i++)
		o += gdbr_packet_frame(buf + o, pkts[i], strlen(pkts[i]), 0);
	for (size_t i = 0; i < n; i++)
		trace(c, "->", pkts[i], strlen(pkts[i]));
	/* One write: the peer gets the batch in one segment. */
	rc = rsp_conn_raw(c, buf, o);
	free(buf);
	return rc;
}

int rsp_conn_send_str(struct rsp_conn *c, const char *payload)
{
	return rsp_conn_send(c, payload, strlen(payload));
}

int rsp_nodelay(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int one = 1;

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
	    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		return 1;
	}
	return 0;
}

int rsp_is_console(const char *pkt, size_t len)
{
	if (len < 3 || pkt[0] != 'O' || !(len & 1))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!isxdigit((unsigned char)pkt[i]))
			return 0;
	return 1;
}

int rsp_is_stop(const char *pkt, size_t len)
{
	return len >= 3 && strchr("TSWX", pkt[0]) &&
	       isxdigit((unsigned char)pkt[1]) &&
	       isxdigit((unsigned char)pkt[2]);
}
