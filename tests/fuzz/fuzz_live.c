/*
 * libFuzzer target: what the live proxy parses from its two peers.  The
 * first byte picks one of
 *   - the proxy's own RSP framer (proxy_rsp.c) on arbitrary bytes, fed in
 *     fuzzer-chosen pieces, in ack or NoAck mode: every packet it hands
 *     over fits its buffer and is NUL-terminated;
 *   - the framer on one well-formed packet around a fuzzer payload: it must
 *     come back byte for byte;
 *   - the `info mtree -f` parser (live_layout.c) that turns QEMU's monitor
 *     text into the guest-physical layout: ranges ascending, non-empty and
 *     not overlapping.
 */
#include "live/proxy.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rsp_conn conn;   /* ~640 KiB: not on the stack */

static int sink_fd(void)
{
	static int fd = -1;

	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	return fd;
}

static void check_packet(const struct rsp_conn *c)
{
	if (c->len > PROXY_PACKET_SIZE || c->pkt[c->len] != 0)
		abort();
}

/* Arbitrary bytes in pieces whose sizes come from the input itself. */
static void framer_stream(const uint8_t *d, size_t n, int noack)
{
	rsp_conn_init(&conn, -1, sink_fd());
	conn.noack = noack;
	while (n) {
		size_t piece = 1 + (size_t)d[0] * 97 % 4096;

		if (piece > n)
			piece = n;
		if (conn.in_pos == conn.in_len)
			conn.in_pos = conn.in_len = 0;
		if (piece > sizeof(conn.in) - conn.in_len)
			piece = sizeof(conn.in) - conn.in_len;
		memcpy(conn.in + conn.in_len, d, piece);
		conn.in_len += piece;
		d += piece;
		n -= piece;
		for (int ev; (ev = rsp_conn_next(&conn)) != RSP_NONE;)
			if (ev == RSP_PACKET)
				check_packet(&conn);
	}
}

/* "$payload#cs" for a payload without framing bytes: comes back intact. */
static void framer_roundtrip(const uint8_t *d, size_t n)
{
	static char wire[PROXY_PACKET_SIZE + 8];
	unsigned char sum = 0;
	size_t len = 0;
	int ev, got = 0;

	if (n > PROXY_PACKET_SIZE)
		n = PROXY_PACKET_SIZE;
	wire[len++] = '$';
	for (size_t i = 0; i < n; i++) {
		char ch = (char)d[i];

		if (ch == '$' || ch == '#' || ch == '*')
			ch = '.';
		wire[len++] = ch;
		sum = (unsigned char)(sum + (unsigned char)ch);
	}
	len += (size_t)snprintf(wire + len, 4, "#%02x", sum);
	rsp_conn_init(&conn, -1, sink_fd());
	memcpy(conn.in, wire, len);
	conn.in_len = len;
	while ((ev = rsp_conn_next(&conn)) != RSP_NONE) {
		if (ev != RSP_PACKET || got++ || conn.len != n ||
		    memcmp(conn.pkt, wire + 1, n))
			abort();
	}
	if (!got)
		abort();
}

static void mtree(const uint8_t *d, size_t n, int named)
{
	char *text = malloc(n + 1), err[256];
	struct guest_live_range *r = NULL;
	size_t nr = 0;

	if (!text)
		return;
	memcpy(text, d, n);
	text[n] = 0;
	if (live_layout_parse(text, named ? "pc.ram" : NULL, &r, &nr, err,
			      sizeof(err)) == 0) {
		for (size_t i = 0; i < nr; i++) {
			if (r[i].len == 0 || r[i].pa + r[i].len - 1 < r[i].pa)
				abort();
			if (i && r[i].pa <= r[i - 1].pa + r[i - 1].len - 1)
				abort();
		}
	} else if (r || nr || !memchr(err, 0, sizeof(err)) || !*err) {
		abort();
	}
	free(r);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 5) {
	case 0: framer_stream(data + 1, size - 1, 0); break;
	case 1: framer_stream(data + 1, size - 1, 1); break;
	case 2: framer_roundtrip(data + 1, size - 1); break;
	case 3: mtree(data + 1, size - 1, 0); break;
	default: mtree(data + 1, size - 1, 1); break;
	}
	return 0;
}
