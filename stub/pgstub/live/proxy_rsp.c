/*
 * RSP framing for the proxy, both sides: a byte framer that hands whole
 * packets over undispatched (libgdb-remote's framer is fused with its
 * dispatcher), buffered descriptor input, and framed output with acks.
 */
#include "proxy.h"
#include "serving/transport.h"

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

enum { S_IDLE, S_DATA, S_RLE, S_CSUM1, S_CSUM2 };

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void rsp_conn_init(struct rsp_conn *c, int in_fd, int out_fd)
{
	memset(c, 0, offsetof(struct rsp_conn, pkt));
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->len = c->in_pos = c->in_len = c->last_len = 0;
}

static void start(struct rsp_conn *c)
{
	c->state = S_DATA;
	c->len = 0;
	c->sum = 0;
	c->overflow = c->bad_rle = 0;
}

static void store(struct rsp_conn *c, unsigned char b)
{
	if (c->len < PROXY_PACKET_SIZE)
		c->pkt[c->len++] = (char)b;
	else
		c->overflow = 1;
}

/* A packet ended: its checksum decides (ignored in NoAck mode). */
static int complete(struct rsp_conn *c, int csum)
{
	c->state = S_IDLE;
	c->pkt[c->len] = 0;
	if (!c->noack && csum != c->sum)
		return RSP_BAD;
	if (c->bad_rle || c->overflow) {
		/* Still a packet: the handler answers it with an error. */
		c->len = 0;
		c->pkt[0] = 0;
	}
	return RSP_PACKET;
}

static int byte(struct rsp_conn *c, unsigned char b)
{
	int d;

	switch (c->state) {
	case S_IDLE:
		if (b == '$')
			start(c);
		else if (b == 0x03)
			return RSP_INTERRUPT;
		else if (b == '-')
			return RSP_NAK;
		return RSP_NONE;
	case S_DATA:
		if (b == '#') {
			c->state = S_CSUM1;
		} else if (b == '$') {
			start(c);  /* the previous packet was cut short */
		} else {
			c->sum = (unsigned char)(c->sum + b);
			if (b == '*')
				c->state = S_RLE;
			else
				store(c, b);
		}
		return RSP_NONE;
	case S_RLE:
		c->sum = (unsigned char)(c->sum + b);
		c->state = S_DATA;
		/* GDB manual, "Overview": count char = repeats + 29. */
		if (c->len == 0 || b < 32 || b > 126) {
			c->bad_rle = 1;
		} else {
			unsigned char prev = (unsigned char)c->pkt[c->len - 1];

			for (int n = b - 29; n > 0; n--)
				store(c, prev);
		}
		return RSP_NONE;
	case S_CSUM1:
		d = hexval(b);
		if (d < 0)
			return complete(c, -1);
		c->hi = (unsigned char)d;
		c->state = S_CSUM2;
		return RSP_NONE;
	default:
		d = hexval(b);
		return complete(c, d < 0 ? -1 : (c->hi << 4 | d));
	}
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

int rsp_conn_next(struct rsp_conn *c)
{
	while (c->in_pos < c->in_len) {
		int ev = byte(c, c->in[c->in_pos++]);

		if (ev == RSP_BAD) {
			rsp_conn_raw(c, "-", 1);
			continue;
		}
		if (ev == RSP_PACKET)
			trace(c, "<-", c->pkt, c->len);
		if (ev == RSP_PACKET && !c->noack)
			rsp_conn_raw(c, "+", 1);
		if (ev == RSP_NAK) {
			if (!c->noack && c->last_len)
				rsp_conn_raw(c, c->last, c->last_len);
			continue;
		}
		if (ev != RSP_NONE)
			return ev;
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
	if (!c->eof && gdbr_transport_write(c->out_fd, buf, len, c->write_ms,
					 &c->why) != 0)
		c->eof = 1;
	return c->eof ? -1 : 0;
}

int rsp_conn_send(struct rsp_conn *c, const char *payload, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char sum = 0;

	if (len > PROXY_PACKET_SIZE)
		return -1;
	c->last[0] = '$';
	for (size_t i = 0; i < len; i++) {
		sum = (unsigned char)(sum + (unsigned char)payload[i]);
		c->last[i + 1] = payload[i];
	}
	c->last[len + 1] = '#';
	c->last[len + 2] = hex[sum >> 4];
	c->last[len + 3] = hex[sum & 15];
	c->last_len = len + 4;
	trace(c, "->", payload, len);
	return rsp_conn_raw(c, c->last, c->last_len);
}

int rsp_conn_send_many(struct rsp_conn *c, const char *const *pkts,
		       size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t total = 0, o = 0;
	char *buf;
	int rc;

	for (size_t i = 0; i < n; i++)
		total += strlen(pkts[i]) + 4;
	buf = malloc(total + 1);
	if (!buf)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char sum = 0;

		buf[o++] = '$';
		for (const char *q = pkts[i]; *q; q++) {
			sum = (unsigned char)(sum + (unsigned char)*q);
			buf[o++] = *q;
		}
		buf[o++] = '#';
		buf[o++] = hex[sum >> 4];
		buf[o++] = hex[sum & 15];
	}
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
		if (hexval((unsigned char)pkt[i]) < 0)
			return 0;
	return 1;
}

int rsp_is_stop(const char *pkt, size_t len)
{
	return len >= 3 && strchr("TSWX", pkt[0]) &&
	       hexval((unsigned char)pkt[1]) >= 0 &&
	       hexval((unsigned char)pkt[2]) >= 0;
}
