/*
 * The engine's side of framing: what it does with each framer event (acks,
 * retransmission of the last reply on '-', error replies to malformed and
 * oversize packets, dispatch), and building, framing and sending replies.
 * The framing rules themselves are framer.c's.
 */
#include <stdio.h>
#include <string.h>

#include "gdbr_priv.h"

int gdbr__write_raw(gdbr_server *s, const void *buf, size_t len)
{
	if (s->result)
		return s->result;
	if (s->conn->write(buf, len, s->conn_payload) < 0) {
		gdbr__set_error(s, "connection write failed");
		s->state = GDBR_STATE_DISCONNECTED;
		s->result = GDBR_EIO;
	}
	return s->result;
}

static int send_ack(gdbr_server *s, char c)
{
	if (s->rx.noack)
		return 0;
	return gdbr__write_raw(s, &c, 1);
}

int gdbr__rx_event(gdbr_server *s, int ev)
{
	switch (ev) {
	case GDBR_FRAME_PACKET:
		if (send_ack(s, '+'))
			return s->result;
		return gdbr__dispatch(s, (const char *)s->rx.buf, s->rx.len);
	case GDBR_FRAME_CORRUPT:
		gdbr__set_error(s, "bad checksum %02x, computed %02x",
		                (unsigned)s->rx.csum_got & 0xff, s->rx.sum);
		return send_ack(s, '-');
	case GDBR_FRAME_MALFORMED:
		gdbr__set_error(s, "bad run-length encoding");
		if (send_ack(s, '+'))
			return s->result;
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);
	case GDBR_FRAME_TOOLONG:
		/* A NAK would make GDB resend the same packet forever. */
		gdbr__set_error(s, "packet longer than PacketSize=%zx dropped",
		                s->rx_cap);
		if (send_ack(s, '+'))
			return s->result;
		return gdbr__reply_err(s, GDBR_RSP_E2BIG);
	case GDBR_FRAME_TRUNCATED:
		gdbr__set_error(s, "truncated packet dropped");
		return 0;
	case GDBR_FRAME_INTERRUPT:
		return gdbr__cmd_interrupt(s);
	case GDBR_FRAME_NAK:
		if (s->tx_valid)
			return gdbr__write_raw(s, s->tx, s->tx_len);
		return 0;
	}
	return 0;
}

void gdbr__reply_begin(gdbr_server *s)
{
	s->out_len = 0;
	s->out_overflow = 0;
}

size_t gdbr__reply_room(const gdbr_server *s)
{
	return s->rx_cap - s->out_len;
}

int gdbr__put(gdbr_server *s, const void *buf, size_t n)
{
	if (n > gdbr__reply_room(s)) {
		s->out_overflow = 1;
		return -1;
	}
	memcpy(s->out + s->out_len, buf, n);
	s->out_len += n;
	return 0;
}

int gdbr__put_str(gdbr_server *s, const char *str)
{
	return gdbr__put(s, str, strlen(str));
}

int gdbr__putf(gdbr_server *s, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		s->out_overflow = 1;
		return -1;
	}
	return gdbr__put(s, tmp, (size_t)n);
}

/* Append as many whole bytes as fit, hex encoded; returns bytes taken. */
size_t gdbr__put_hex(gdbr_server *s, const void *buf, size_t n)
{
	size_t fit = gdbr__reply_room(s) / 2;

	if (n > fit)
		n = fit;
	s->out_len += gdbr_hex_encode(s->out + s->out_len, buf, n);
	return n;
}

/* Append as many whole bytes as fit, '}'-escaped; returns bytes taken. */
size_t gdbr__put_bin(gdbr_server *s, const void *buf, size_t n)
{
	size_t used;

	s->out_len += gdbr_bin_escape(s->out + s->out_len,
	                               gdbr__reply_room(s), buf, n, &used);
	return used;
}

/* Frame the payload built so far and send it. */
int gdbr__reply_end(gdbr_server *s)
{
	if (s->result)
		return s->result;
	if (s->out_overflow) {
		/* A handler tried to exceed PacketSize: a bug, not GDB's. */
		gdbr__set_error(s, "reply longer than PacketSize");
		gdbr__reply_begin(s);
		gdbr__putf(s, "E%02d", GDBR_RSP_EGENERIC);
	}
	s->tx_len = gdbr_packet_frame(s->tx, s->out, s->out_len,
	                              GDBR_PACKET_RLE);
	s->tx_valid = 1;
	return gdbr__write_raw(s, s->tx, s->tx_len);
}

int gdbr__reply(gdbr_server *s, const char *str)
{
	gdbr__reply_begin(s);
	gdbr__put_str(s, str);
	return gdbr__reply_end(s);
}

int gdbr__reply_err(gdbr_server *s, int code)
{
	gdbr__reply_begin(s);
	gdbr__putf(s, "E%02d", code);
	return gdbr__reply_end(s);
}

/* Stop reply (GDB manual, "Stop Reply Packets"): T AA thread:tid; */
int gdbr__reply_stop(gdbr_server *s, int signal, int tid)
{
	gdbr__reply_begin(s);
	gdbr__putf(s, "T%02xthread:%02x;", (unsigned)signal & 0xff,
	           (unsigned)tid);
	return gdbr__reply_end(s);
}
