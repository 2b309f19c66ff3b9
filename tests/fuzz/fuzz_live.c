/*
 * libFuzzer target: what the live proxy parses from its two peers.  The
 * first byte picks one of
 *   - a proxy connection (proxy_conn.c: libgdb-remote's framer, as the
 *     engine uses it) on arbitrary bytes, fed in fuzzer-chosen pieces, in
 *     ack or NoAck mode: every packet it hands over fits its buffer and is
 *     NUL-terminated, every malformed one gets E22 or E07;
 *   - the connection on one packet with a right checksum around a fuzzer
 *     payload ('*' runs included): it must come back exactly as
 *     gdbr_rle_expand() expands it, or be malformed exactly when that
 *     says so (one rule for malformed input, wherever it is applied);
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

static void check_malformed(const struct rsp_conn *c)
{
	if (strcmp(c->pkt, "E22") && strcmp(c->pkt, "E07"))
		abort();
}

/* Arbitrary bytes in pieces whose sizes come from the input itself. */
static void framer_stream(const uint8_t *d, size_t n, int noack)
{
	if (rsp_conn_init(&conn, -1, sink_fd()))
		abort();
	rsp_conn_set_noack(&conn, noack);
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
			else if (ev == RSP_MALFORMED)
				check_malformed(&conn);
	}
}

/* "$payload#cs" for a payload without '$' or '#': what comes out is what
 * gdbr_rle_expand() makes of the payload, or its verdict. */
static void framer_roundtrip(const uint8_t *d, size_t n)
{
	static char wire[PROXY_PACKET_SIZE + 8], want[PROXY_PACKET_SIZE];
	static char payload[PROXY_PACKET_SIZE];
	long expanded;
	size_t len;
	int ev, got = 0;

	if (n > PROXY_PACKET_SIZE)
		n = PROXY_PACKET_SIZE;
	for (size_t i = 0; i < n; i++)
		payload[i] = d[i] == '$' || d[i] == '#' ? '.' : (char)d[i];
	expanded = gdbr_rle_expand(want, sizeof(want), payload, n);
	len = gdbr_packet_frame(wire, payload, n, 0);
	if (rsp_conn_init(&conn, -1, sink_fd()))
		abort();
	memcpy(conn.in, wire, len);
	conn.in_len = len;
	while ((ev = rsp_conn_next(&conn)) != RSP_NONE) {
		if (got++)
			abort();
		if (expanded >= 0 ? ev != RSP_PACKET ||
				    conn.len != (size_t)expanded ||
				    memcmp(conn.pkt, want, conn.len) :
		    ev != RSP_MALFORMED ||
		    strcmp(conn.pkt, expanded == GDBR_ELIMIT ? "E07" : "E22"))
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
