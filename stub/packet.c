/*
 * RSP framing: the byte state machine that turns "$data#cs" into packets
 * (checksums, +/- acks, NoAck mode, run-length decoding, resync on garbage,
 * truncation and oversize), and the reply side (building a payload, RLE
 * encoding it, framing, retransmission of the last packet on '-').
 */
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "gdbr_priv.h"

void gdbr__rx_reset(gdbr_server *s)
{
	s->rx_state = GDBR__RX_IDLE;
	s->rx_len = 0;
	s->rx_sum = 0;
	s->rx_overflow = 0;
	s->rx_bad_rle = 0;
}

static void rx_start(gdbr_server *s)
{
	gdbr__rx_reset(s);
	s->rx_state = GDBR__RX_DATA;
}

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
	if (s->noack)
		return 0;
	return gdbr__write_raw(s, &c, 1);
}

static void rx_store(gdbr_server *s, unsigned char c)
{
	if (s->rx_len < s->rx_cap)
		s->rx[s->rx_len++] = c;
	else
		s->rx_overflow = 1;
}

/*
 * '*' then a count character: the previous byte repeats (count - 29) more
 * times (GDB manual, "Overview").  Counts below 3 (< ' ') are invalid.
 */
static void rx_repeat(gdbr_server *s, unsigned char c)
{
	int n = (int)c - 29;
	unsigned char prev;

	if (s->rx_len == 0 || n < 3 || c > 126) {
		s->rx_bad_rle = 1;
		return;
	}
	prev = s->rx[s->rx_len - 1];
	while (n-- > 0)
		rx_store(s, prev);
}

/* A whole packet arrived: check it, ack it, hand it to the dispatcher. */
static int rx_complete(gdbr_server *s, int csum)
{
	s->rx_state = GDBR__RX_IDLE;
	/* In NoAck mode "the checksum may be ignored by the receiver". */
	if (!s->noack && (csum < 0 || csum != s->rx_sum)) {
		gdbr__set_error(s, "bad checksum %02x, computed %02x",
		                (unsigned)csum & 0xff, s->rx_sum);
		return send_ack(s, '-');
	}
	if (s->rx_bad_rle) {
		gdbr__set_error(s, "bad run-length encoding");
		if (!s->noack)
			return send_ack(s, '-');
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);
	}
	if (send_ack(s, '+'))
		return s->result;
	if (s->rx_overflow) {
		/*
		 * A NAK would make GDB resend the same packet forever; accept
		 * it and answer with an error instead.
		 */
		gdbr__set_error(s, "packet longer than PacketSize=%zx dropped",
		                s->rx_cap);
		return gdbr__reply_err(s, GDBR_RSP_E2BIG);
	}
	return gdbr__dispatch(s, (const char *)s->rx, s->rx_len);
}

int gdbr__rx_byte(gdbr_server *s, unsigned char c)
{
	int d;

	switch (s->rx_state) {
	case GDBR__RX_IDLE:
		if (c == '$')
			rx_start(s);
		else if (c == '-' && !s->noack && s->tx_valid)
			return gdbr__write_raw(s, s->tx, s->tx_len);
		else if (c == 0x03)
			return gdbr__cmd_interrupt(s);
		/* '+' and garbage between packets are ignored. */
		return 0;
	case GDBR__RX_DATA:
		if (c == '#') {
			s->rx_state = GDBR__RX_CSUM1;
		} else if (c == '$') {
			/* '$' is always escaped inside data: the previous
			 * packet was cut short.  Start over with this one. */
			gdbr__set_error(s, "truncated packet dropped");
			rx_start(s);
		} else {
			s->rx_sum = (uint8_t)(s->rx_sum + c);
			if (c == '*')
				s->rx_state = GDBR__RX_RLE;
			else
				rx_store(s, c);
		}
		return 0;
	case GDBR__RX_RLE:
		if (c == '#' || c == '$') {
			/* Forbidden as counts: treat as the framing byte. */
			s->rx_bad_rle = 1;
			if (c == '$')
				rx_start(s);
			else
				s->rx_state = GDBR__RX_CSUM1;
			return 0;
		}
		s->rx_sum = (uint8_t)(s->rx_sum + c);
		rx_repeat(s, c);
		s->rx_state = GDBR__RX_DATA;
		return 0;
	case GDBR__RX_CSUM1:
		if (c == '$') {
			gdbr__set_error(s, "truncated packet dropped");
			rx_start(s);
			return 0;
		}
		d = gdbr__hex_val(c);
		if (d < 0)
			return rx_complete(s, -1);
		s->rx_csum_hi = (uint8_t)d;
		s->rx_state = GDBR__RX_CSUM2;
		return 0;
	case GDBR__RX_CSUM2:
		if (c == '$') {
			gdbr__set_error(s, "truncated packet dropped");
			rx_start(s);
			return 0;
		}
		d = gdbr__hex_val(c);
		return rx_complete(s, d < 0 ? -1 : (s->rx_csum_hi << 4 | d));
	}
	return 0;
}

/*
 * Count characters are n + 29.  '#' and '$' must never appear (they frame
 * packets); old manuals also ban '+' and '-', which costs nothing to avoid.
 * Counts stay <= 126 - 29 so the character is printable.
 */
static int bad_count(size_t extra)
{
	int c = (int)extra + 29;

	return c == '#' || c == '$' || c == '+' || c == '-';
}

#define RLE_MAX_EXTRA ((size_t)(126 - 29))

/* How many of src[0..8) come before the first byte that starts a run of
 * four equal bytes (8: none; src[0..11) must be readable). Only such runs
 * are encoded: a shorter one goes out as it is. */
static unsigned bytes_before_run(const char *src)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t a, b, c, d, x, m;

	memcpy(&a, src, 8);
	memcpy(&b, src + 1, 8);
	memcpy(&c, src + 2, 8);
	memcpy(&d, src + 3, 8);
	/* A zero byte where src[k] == src[k + 1] == src[k + 2] == src[k + 3]. */
	x = (a ^ b) | (a ^ c) | (a ^ d);
	m = (x - ones) & ~x & (0x80 * ones);
	if (!m)
		return 8;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* The lowest flagged byte is exact (false flags only sit above a
	 * true zero byte). */
	return (unsigned)__builtin_ctzll(m) / 8;
#else
	/* Here a false flag may come first: stopping early only costs the
	 * encoder a step. */
	return (unsigned)__builtin_clzll(m) / 8;
#endif
}

#ifdef __SSE2__
/* bytes_before_run() for src[0..16) (16: none; src[0..19) readable). */
static unsigned bytes_before_run16(const char *src)
{
	__m128i a = _mm_loadu_si128((const __m128i *)(const void *)src);
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(src + 1));
	__m128i c = _mm_loadu_si128((const __m128i *)(const void *)(src + 2));
	__m128i d = _mm_loadu_si128((const __m128i *)(const void *)(src + 3));
	__m128i eq = _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(a, b),
						 _mm_cmpeq_epi8(a, c)),
				   _mm_cmpeq_epi8(a, d));
	unsigned m = (unsigned)_mm_movemask_epi8(eq);

	return m ? (unsigned)__builtin_ctz(m) : 16;
}
#endif

/* Run-length encode src into dst; the result is never longer than src. */
size_t gdbr__rle_encode(char *dst, const char *src, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		char c;
		size_t extra = 0;

		/* Most output (hex above all) has few runs: copy what comes
		 * before the next run of four in bulk. */
#ifdef __SSE2__
		if (n - i >= 19) {
			unsigned k = bytes_before_run16(src + i);

			_mm_storeu_si128((__m128i *)(void *)(dst + o),
					 _mm_loadu_si128((const __m128i *)
							 (const void *)(src + i)));
			o += k;
			i += k;
			if (k == 16)
				continue;
		} else
#endif
		if (n - i >= 11) {
			unsigned k = bytes_before_run(src + i);

			memcpy(dst + o, src + i, 8);
			o += k;
			i += k;
			if (k == 8)
				continue;
		}
		c = src[i];
		while (i + 1 + extra < n && src[i + 1 + extra] == c &&
		       extra < RLE_MAX_EXTRA)
			extra++;
		while (extra >= 3 && bad_count(extra))
			extra--;
		dst[o++] = c;
		if (extra >= 3) {
			/* "c*N" (3 bytes) stands for extra + 1 >= 4 bytes. */
			dst[o++] = '*';
			dst[o++] = (char)(extra + 29);
			i += 1 + extra;
		} else {
			i++;
		}
	}
	return o;
}

/* The RSP checksum: the payload's bytes summed modulo 256, eight at a time
 * in four 16-bit lanes (at most 2 * 255 per lane and step: flushed every
 * 128 steps, before a lane could overflow). */
static uint8_t checksum(const char *p, size_t n)
{
	const uint64_t lo = 0x00ff00ff00ff00ffULL;
	unsigned sum = 0;
	size_t i = 0;

	while (n - i >= 8) {
		uint64_t lanes = 0;

		for (unsigned step = 0; step < 128 && n - i >= 8; step++, i += 8) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			lanes += (w & lo) + ((w >> 8) & lo);
		}
		for (; lanes; lanes >>= 16)
			sum += (unsigned)(lanes & 0xffff);
	}
	for (; i < n; i++)
		sum += (unsigned char)p[i];
	return (uint8_t)sum;
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
	s->out_len += gdbr__hex_encode(s->out + s->out_len, buf, n);
	return n;
}

/* Append as many whole bytes as fit, '}'-escaped; returns bytes taken. */
size_t gdbr__put_bin(gdbr_server *s, const void *buf, size_t n)
{
	size_t used;

	s->out_len += gdbr__bin_escape(s->out + s->out_len,
	                               gdbr__reply_room(s), buf, n, &used);
	return used;
}

/* Frame the payload built so far and send it. */
int gdbr__reply_end(gdbr_server *s)
{
	static const char hexdig[] = "0123456789abcdef";
	uint8_t sum;
	size_t n;

	if (s->result)
		return s->result;
	if (s->out_overflow) {
		/* A handler tried to exceed PacketSize: a bug, not GDB's. */
		gdbr__set_error(s, "reply longer than PacketSize");
		gdbr__reply_begin(s);
		gdbr__putf(s, "E%02d", GDBR_RSP_EGENERIC);
	}
	s->tx[0] = '$';
	n = gdbr__rle_encode(s->tx + 1, s->out, s->out_len);
	sum = checksum(s->tx + 1, n);
	s->tx[n + 1] = '#';
	s->tx[n + 2] = hexdig[sum >> 4];
	s->tx[n + 3] = hexdig[sum & 0xf];
	s->tx_len = n + 4;
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
