/*
 * RSP framing, both directions, for any caller (the engine, the live proxy):
 * the receive state machine that turns "$data#cs" into packets (checksums,
 * NoAck, run-length expansion, resync on '$', Ctrl-C and '-' between
 * packets), the malformed-input rules in one place, and outgoing framing.
 */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "gdbr_priv.h"

void gdbr__framer_init(gdbr_framer *f, void *buf, size_t cap)
{
	f->buf = buf;
	f->cap = cap;
	gdbr_framer_reset(f);
}

int gdbr_framer_new(gdbr_framer **out, void *buf, size_t cap)
{
	gdbr_framer *f;

	if (!out)
		return GDBR_EINVAL;
	*out = NULL;
	if (!buf && cap)
		return GDBR_EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return GDBR_ENOMEM;
	gdbr__framer_init(f, buf, cap);
	*out = f;
	return 0;
}

void gdbr_framer_free(gdbr_framer *f)
{
	free(f);
}

static void start(gdbr_framer *f)
{
	f->state = GDBR__RX_DATA;
	f->len = 0;
	f->sum = 0;
	f->overflow = 0;
	f->bad_rle = 0;
}

void gdbr_framer_reset(gdbr_framer *f)
{
	start(f);
	f->state = GDBR__RX_IDLE;
	f->noack = 0;
}

void gdbr_framer_set_noack(gdbr_framer *f, int on)
{
	f->noack = on != 0;
}

int gdbr_framer_noack(const gdbr_framer *f)
{
	return f->noack;
}

const char *gdbr_framer_packet(const gdbr_framer *f, size_t *len)
{
	*len = f->len;
	return (const char *)f->buf;
}

static inline void store(gdbr_framer *f, unsigned char c)
{
	if (f->len < f->cap)
		f->buf[f->len++] = c;
	else
		f->overflow = 1;
}

/*
 * The repeat a count character stands for, or -1.  GDB manual, "Overview":
 * '*' then a character n + 29 repeats the previous one n more times; the
 * count stays printable (<= 126), and '#' and '$' may never be counts
 * (they frame packets: GDB sends a 6- or 7-fold run as a 5-fold one plus
 * literals).  Counts below 3 (< ' ') are never produced either.
 */
static inline int rle_count(unsigned char c)
{
	if (c < ' ' || c > 126 || c == '#' || c == '$')
		return -1;
	return (int)c - 29;
}

static inline void repeat(gdbr_framer *f, unsigned char c)
{
	int n = rle_count(c);
	unsigned char prev;

	if (f->len == 0 || n < 0) {
		f->bad_rle = 1;
		return;
	}
	prev = f->buf[f->len - 1];
	while (n-- > 0)
		store(f, prev);
}

/*
 * "$...#cs" is over.  One verdict per packet, the worst first: a wrong
 * checksum means it was damaged on the way (retransmit; NoAck mode ignores
 * checksums, as "the checksum may be ignored by the receiver"), a bad run
 * arrived intact but cannot be decoded (an error reply, not a '-': the
 * peer would resend the same bytes), and a packet past the buffer is
 * answered with an error too.
 */
static int complete(gdbr_framer *f, int csum)
{
	f->state = GDBR__RX_IDLE;
	f->csum_got = csum;
	if (!f->noack && csum != f->sum)
		return GDBR_FRAME_CORRUPT;
	if (f->bad_rle)
		return GDBR_FRAME_MALFORMED;
	if (f->overflow)
		return GDBR_FRAME_TOOLONG;
	return GDBR_FRAME_PACKET;
}

/* One byte: 0, or the event it completes. */
static inline int byte(gdbr_framer *f, unsigned char c)
{
	int d;

	switch (f->state) {
	case GDBR__RX_IDLE:
		if (c == '$')
			start(f);
		else if (c == 0x03)
			return GDBR_FRAME_INTERRUPT;
		else if (c == '-' && !f->noack)
			return GDBR_FRAME_NAK;
		/* '+' and garbage between packets are ignored. */
		return 0;
	case GDBR__RX_DATA:
		if (c == '#') {
			f->state = GDBR__RX_CSUM1;
		} else if (c == '$') {
			/* '$' is never data: the packet was cut short. */
			start(f);
			return GDBR_FRAME_TRUNCATED;
		} else {
			f->sum = (uint8_t)(f->sum + c);
			if (c == '*')
				f->state = GDBR__RX_RLE;
			else
				store(f, c);
		}
		return 0;
	case GDBR__RX_RLE:
		/* "*#" and "*$": the byte frames (it is no count), and the
		 * run has no count: malformed, or cut short. */
		if (c == '#') {
			f->bad_rle = 1;
			f->state = GDBR__RX_CSUM1;
			return 0;
		}
		if (c == '$') {
			start(f);
			return GDBR_FRAME_TRUNCATED;
		}
		f->sum = (uint8_t)(f->sum + c);
		repeat(f, c);
		f->state = GDBR__RX_DATA;
		return 0;
	case GDBR__RX_CSUM1:
	case GDBR__RX_CSUM2:
		if (c == '$') {
			start(f);
			return GDBR_FRAME_TRUNCATED;
		}
		d = gdbr__hex_val(c);
		if (d < 0)
			return complete(f, -1);
		if (f->state == GDBR__RX_CSUM1) {
			f->csum_hi = (uint8_t)d;
			f->state = GDBR__RX_CSUM2;
			return 0;
		}
		return complete(f, f->csum_hi << 4 | d);
	}
	return 0;
}

int gdbr_framer_feed(gdbr_framer *f, const void *buf, size_t len,
                     size_t *used)
{
	const unsigned char *p = buf;
	size_t i = 0;
	int ev = GDBR_FRAME_NONE;

	while (i < len) {
		ev = byte(f, p[i++]);
		if (ev)
			break;
	}
	*used = i;
	return ev;
}

long gdbr_rle_expand(char *dst, size_t cap, const char *src, size_t n)
{
	/* The framer's own steps over dst, so that the two can never
	 * disagree on what is malformed. */
	gdbr_framer f;
	size_t i;

	gdbr__framer_init(&f, dst, cap);
	start(&f);
	for (i = 0; i < n && !f.bad_rle; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c == '#' || c == '$')
			f.bad_rle = 1;  /* they would frame the packet */
		else if (c != '*')
			store(&f, c);
		else if (++i == n)
			f.bad_rle = 1;  /* as "*#": a run without a count */
		else
			repeat(&f, (unsigned char)src[i]);
	}
	if (f.bad_rle)
		return GDBR_EINVAL;
	if (f.overflow)
		return GDBR_ELIMIT;
	return (long)f.len;
}

/* ------------------------------------------------------------ sending */

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

size_t gdbr_rle_encode(char *dst, const char *src, size_t n)
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

/* The payload's bytes summed modulo 256, eight at a time in four 16-bit
 * lanes (at most 2 * 255 per lane and step: flushed every 128 steps,
 * before a lane could overflow). */
uint8_t gdbr_packet_checksum(const void *payload, size_t n)
{
	const uint64_t lo = 0x00ff00ff00ff00ffULL;
	const unsigned char *p = payload;
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
		sum += p[i];
	return (uint8_t)sum;
}

size_t gdbr_packet_frame(char *dst, const void *payload, size_t len,
                         unsigned flags)
{
	static const char hexdig[] = "0123456789abcdef";
	uint8_t sum;
	size_t n;

	dst[0] = '$';
	if (flags & GDBR_PACKET_RLE) {
		n = gdbr_rle_encode(dst + 1, payload, len);
	} else {
		memcpy(dst + 1, payload, len);
		n = len;
	}
	sum = gdbr_packet_checksum(dst + 1, n);
	dst[n + 1] = '#';
	dst[n + 2] = hexdig[sum >> 4];
	dst[n + 3] = hexdig[sum & 0xf];
	return n + 4;
}
