/*
 * rsp_rcmd: time a monitor command over the GDB remote protocol the way a
 * client must run it end to end: send qRcmd, read every O packet (checksum,
 * run-length and hex decoding) up to the final OK. A C client, so that the
 * measurement is the stub and the transport, not a Python decoder.
 */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

struct conn {
	int fd;
	int noack;
	char *buf;                /* received, [pos, len) unread */
	size_t pos, len, cap;
	char *pkt;                /* the current packet, un-RLE'd */
	size_t plen, pcap;
};

static void die(const char *msg)
{
	fprintf(stderr, "rsp_rcmd: %s\n", msg);
	exit(1);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void send_all(struct conn *c, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("send failed");
		p += w;
		n -= (size_t)w;
	}
}

static void send_pkt(struct conn *c, const char *payload)
{
	size_t n = strlen(payload);
	char *b = malloc(n + 5);
	unsigned sum = 0;

	if (!b)
		die("out of memory");
	for (size_t i = 0; i < n; i++)
		sum += (unsigned char)payload[i];
	b[0] = '$';
	memcpy(b + 1, payload, n);
	snprintf(b + 1 + n, 4, "#%02x", sum & 0xff);
	send_all(c, b, n + 4);
	free(b);
}

static void fill(struct conn *c)
{
	ssize_t r;

	if (c->pos == c->len) {
		c->pos = c->len = 0;
	} else if (c->pos > c->cap / 2) {
		memmove(c->buf, c->buf + c->pos, c->len - c->pos);
		c->len -= c->pos;
		c->pos = 0;
	}
	if (c->cap - c->len < 65536) {
		c->cap = c->cap ? 2 * c->cap : 1 << 20;
		if (c->cap > (1u << 30))
			die("packet larger than 1 GiB");
		c->buf = realloc(c->buf, c->cap);
		if (!c->buf)
			die("out of memory");
	}
	do
		r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		die("connection closed");
	if (r < 0)
		die(errno == EAGAIN ? "timed out waiting for a reply"
				    : "recv failed");
	c->len += (size_t)r;
}

static void reserve(struct conn *c, size_t more)
{
	if (c->pcap - c->plen >= more)
		return;
	while (c->pcap - c->plen < more)
		c->pcap = c->pcap ? 2 * c->pcap : 65536;
	c->pkt = realloc(c->pkt, c->pcap);
	if (!c->pkt)
		die("out of memory");
}

/* Next packet into c->pkt/plen, checksum checked, runs expanded. */
static void recv_pkt(struct conn *c)
{
	const unsigned char *d, *h, *q;
	unsigned sum = 0, want;

	for (;;) {
		d = c->len > c->pos ?
		    memchr(c->buf + c->pos, '$', c->len - c->pos) : NULL;
		if (d) {
			h = memchr(d, '#', c->len - (size_t)((const char *)d -
							     c->buf));
			if (h && (size_t)((const char *)h - c->buf) + 3 <= c->len)
				break;
		}
		fill(c);
	}
	for (q = d + 1; q < h; q++)
		sum += *q;
	c->plen = 0;
	for (q = d + 1; q < h;) {
		const unsigned char *star = memchr(q, '*', (size_t)(h - q));
		size_t span = (size_t)((star ? star : h) - q);
		int n;

		reserve(c, span);
		memcpy(c->pkt + c->plen, q, span);
		c->plen += span;
		if (!star)
			break;
		/* GDB manual "Overview": X*N stands for X repeated N-29
		 * more times. */
		if (c->plen == 0 || star + 1 >= h)
			die("bad run-length encoding");
		n = star[1] - 29;
		if (n < 3 || n > 97)
			die("bad run-length count");
		reserve(c, (size_t)n);
		memset(c->pkt + c->plen, c->pkt[c->plen - 1], (size_t)n);
		c->plen += (size_t)n;
		q = star + 2;
	}
	if (sscanf((const char *)h + 1, "%2x", &want) != 1 ||
	    want != (sum & 0xff))
		die("bad checksum");
	c->pos = (size_t)((const char *)h - c->buf) + 3;
	if (!c->noack)
		send_all(c, "+", 1);
}

/* Hex digit values; -1 for anything else. */
static signed char hexv[256];

static void hex_init(void)
{
	memset(hexv, -1, sizeof(hexv));
	for (int i = 0; i < 10; i++)
		hexv['0' + i] = (signed char)i;
	for (int i = 0; i < 6; i++)
		hexv['a' + i] = hexv['A' + i] = (signed char)(10 + i);
}

/* Run one monitor command; its console output goes to *out (grown). */
static void run_rcmd(struct conn *c, const char *cmd, char **out,
		     size_t *olen, size_t *ocap)
{
	size_t n = strlen(cmd);
	char *p = malloc(7 + 2 * n);

	if (!p)
		die("out of memory");
	memcpy(p, "qRcmd,", 6);
	for (size_t i = 0; i < n; i++)
		snprintf(p + 6 + 2 * i, 3, "%02x", (unsigned char)cmd[i]);
	send_pkt(c, p);
	free(p);
	*olen = 0;
	for (;;) {
		recv_pkt(c);
		if (c->plen == 2 && !memcmp(c->pkt, "OK", 2))
			return;
		if (c->plen >= 1 && c->pkt[0] == 'E')
			die("the stub answered an error");
		if (c->plen < 1 || c->pkt[0] != 'O' || c->plen % 2 != 1)
			die("unexpected packet");
		if (*ocap - *olen < c->plen / 2) {
			*ocap = 2 * (*ocap + c->plen);
			*out = realloc(*out, *ocap);
			if (!*out)
				die("out of memory");
		}
		{
			const unsigned char *x = (const unsigned char *)c->pkt;
			char *o = *out + *olen;
			int bad = 0;

			for (size_t i = 1; i < c->plen; i += 2) {
				int hi = hexv[x[i]], lo = hexv[x[i + 1]];

				bad |= hi | lo;
				*o++ = (char)(hi << 4 | lo);
			}
			if (bad < 0)
				die("bad hex in an O packet");
			*olen = (size_t)(o - *out);
		}
	}
}

/* @path's bytes without '\r' (QMP's human-monitor-command text). */
static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t cap = 0;
	int ch;

	*n = 0;
	if (!f)
		die("cannot open the expected-output file");
	while ((ch = getc(f)) != EOF) {
		if (ch == '\r')
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 1 << 20;
			b = realloc(b, cap);
			if (!b)
				die("out of memory");
		}
		b[(*n)++] = (char)ch;
	}
	fclose(f);
	return b;
}

int main(int argc, char **argv)
{
	struct conn c = { .fd = -1 };
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	struct timeval tv = { .tv_sec = 60 };
	char host[256], *colon, *out = NULL, *want = NULL;
	size_t olen = 0, ocap = 0, wlen = 0, lines = 0;
	int reps, same = -1;

	if (argc < 4) {
		fprintf(stderr, "usage: rsp_rcmd HOST:PORT COMMAND REPS "
			"[EXPECTED-OUTPUT-FILE]\n");
		return 2;
	}
	hex_init();
	reps = atoi(argv[3]);
	if (reps < 1 || reps > 1000)
		die("REPS must be 1..1000");
	colon = strrchr(argv[1], ':');
	if (!colon || (size_t)(colon - argv[1]) >= sizeof(host))
		die("address must be HOST:PORT");
	memcpy(host, argv[1], (size_t)(colon - argv[1]));
	host[colon - argv[1]] = 0;
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
		die("cannot resolve the address");
	c.fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (c.fd < 0 || connect(c.fd, ai->ai_addr, ai->ai_addrlen) < 0)
		die("cannot connect");
	freeaddrinfo(ai);
	setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	send_pkt(&c, "qSupported:multiprocess+");
	recv_pkt(&c);
	if (c.plen < 65536 && memmem(c.pkt, c.plen, "QStartNoAckMode+", 16)) {
		send_pkt(&c, "QStartNoAckMode");
		recv_pkt(&c);
		c.noack = 1;
	}
	printf("{\"bench\":\"rsp_rcmd\",\"command\":\"%s\",\"s\":[", argv[2]);
	for (int r = 0; r < reps; r++) {
		double t0 = now();

		run_rcmd(&c, argv[2], &out, &olen, &ocap);
		printf("%s%.6f", r ? "," : "", now() - t0);
	}
	for (size_t i = 0; i < olen; i++)
		lines += out[i] == '\n';
	if (argc > 4) {
		want = slurp(argv[4], &wlen);
		same = wlen == olen && !memcmp(want, out, olen);
	}
	printf("],\"bytes\":%zu,\"lines\":%zu,\"same_as_expected\":%s}\n",
	       olen, lines, same < 0 ? "null" : same ? "true" : "false");
	send_pkt(&c, "D");
	close(c.fd);
	free(out);
	free(want);
	free(c.buf);
	free(c.pkt);
	return 0;
}
