/*
 * Hex and binary coding for RSP payloads (documented in gdb-remote.h): hex
 * digits and numbers, thread-id syntax, and the '}' escaping of binary data
 * (GDB manual, "Overview": the bytes '#', '$', '}' and '*' travel as '}'
 * followed by the byte XOR 0x20).
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "gdbr_priv.h"

int gdbr__hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Two digits per byte value: one copy per byte instead of two lookups. */
static const char hexpair[256][2] = {
#define D(v) ((v) < 10 ? '0' + (v) : 'a' + (v) - 10)
#define P(h) { D((h) >> 4), D((h) & 15) }
#define R16(h) P(h), P(h + 1), P(h + 2), P(h + 3), P(h + 4), P(h + 5), \
	P(h + 6), P(h + 7), P(h + 8), P(h + 9), P(h + 10), P(h + 11), \
	P(h + 12), P(h + 13), P(h + 14), P(h + 15)
	R16(0x00), R16(0x10), R16(0x20), R16(0x30), R16(0x40), R16(0x50),
	R16(0x60), R16(0x70), R16(0x80), R16(0x90), R16(0xa0), R16(0xb0),
	R16(0xc0), R16(0xd0), R16(0xe0), R16(0xf0),
#undef R16
#undef P
#undef D
};

size_t gdbr_hex_encode(char *dst, const void *src, size_t n)
{
	const unsigned char *p = src;
	size_t i = 0;

#ifdef __SSE2__
	/* Memory and console replies are mostly hex: 16 bytes a step. Each
	 * nibble becomes '0' + v, plus 'a' - '0' - 10 where v > 9. */
	const __m128i low4 = _mm_set1_epi8(0x0f), nine = _mm_set1_epi8(9);
	const __m128i zero = _mm_set1_epi8('0');
	const __m128i letters = _mm_set1_epi8('a' - '0' - 10);

	for (; n - i >= 16; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), low4);
		__m128i lo = _mm_and_si128(v, low4);

		hi = _mm_add_epi8(_mm_add_epi8(hi, zero),
				  _mm_and_si128(_mm_cmpgt_epi8(hi, nine), letters));
		lo = _mm_add_epi8(_mm_add_epi8(lo, zero),
				  _mm_and_si128(_mm_cmpgt_epi8(lo, nine), letters));
		_mm_storeu_si128((__m128i *)(void *)(dst + 2 * i),
				 _mm_unpacklo_epi8(hi, lo));
		_mm_storeu_si128((__m128i *)(void *)(dst + 2 * i + 16),
				 _mm_unpackhi_epi8(hi, lo));
	}
#endif
	for (; i < n; i++)
		memcpy(dst + 2 * i, hexpair[p[i]], 2);
	return 2 * n;
}

int gdbr_hex_decode(void *dst, const char *src, size_t nchars)
{
	unsigned char *d = dst;
	size_t i;

	if (nchars % 2)
		return GDBR_EINVAL;
	for (i = 0; i < nchars; i += 2) {
		int hi = gdbr__hex_val((unsigned char)src[i]);
		int lo = gdbr__hex_val((unsigned char)src[i + 1]);

		if (hi < 0 || lo < 0)
			return GDBR_EINVAL;
		d[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return (int)(nchars / 2);
}

const char *gdbr_hex_parse(const char *p, const char *end, uint64_t *v)
{
	uint64_t val = 0;
	const char *start = p;
	int d;

	while (p < end && (d = gdbr__hex_val((unsigned char)*p)) >= 0) {
		if (val >> 60)
			return NULL;
		val = val << 4 | (uint64_t)d;
		p++;
	}
	if (p == start)
		return NULL;
	*v = val;
	return p;
}

/*
 * Parse a thread-id (GDB manual, "thread-id syntax"): a positive hex
 * number, "0" (any thread) or "-1" (all threads).  Multiprocess "pP.T" is
 * not accepted since we never advertise multiprocess+.
 */
const char *gdbr__parse_tid(const char *p, const char *end, int *tid)
{
	uint64_t v;

	if (end - p >= 2 && p[0] == '-' && p[1] == '1') {
		*tid = -1;
		return p + 2;
	}
	p = gdbr_hex_parse(p, end, &v);
	if (!p || v > 0x7fffffff)
		return NULL;
	*tid = (int)v;
	return p;
}

static int needs_escape(unsigned char c)
{
	return c == '#' || c == '$' || c == '}' || c == '*';
}

/*
 * How many of the 16 bytes at p come before the first one that needs an
 * escape (16: none).  Guest memory rarely holds one: the escaper copies
 * the bytes before it in bulk.
 */
#ifdef __SSE2__
static unsigned bytes_before_escape16(const unsigned char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i hit = _mm_or_si128(
		_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('#')),
			     _mm_cmpeq_epi8(v, _mm_set1_epi8('$'))),
		_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('}')),
			     _mm_cmpeq_epi8(v, _mm_set1_epi8('*'))));
	unsigned m = (unsigned)_mm_movemask_epi8(hit);

	return m ? (unsigned)__builtin_ctz(m) : 16;
}
#endif

size_t gdbr_bin_escape(char *dst, size_t dst_cap, const void *src, size_t n,
                        size_t *consumed)
{
	const unsigned char *p = src;
	size_t i = 0, o = 0;

	while (i < n) {
#ifdef __SSE2__
		if (n - i >= 16 && dst_cap - o >= 16) {
			unsigned k = bytes_before_escape16(p + i);

			memcpy(dst + o, p + i, 16);
			o += k;
			i += k;
			if (k == 16)
				continue;
		}
#endif
		if (needs_escape(p[i])) {
			if (o + 2 > dst_cap)
				break;
			dst[o++] = '}';
			dst[o++] = (char)(p[i] ^ 0x20);
		} else {
			if (o + 1 > dst_cap)
				break;
			dst[o++] = (char)p[i];
		}
		i++;
	}
	*consumed = i;
	return o;
}

long gdbr_bin_unescape(void *dst, const char *src, size_t n)
{
	unsigned char *d = dst;
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (src[i] == '}') {
			if (++i == n)
				return GDBR_EINVAL;
			d[o++] = (unsigned char)(src[i] ^ 0x20);
		} else {
			d[o++] = (unsigned char)src[i];
		}
	}
	return (long)o;
}

/* Does the packet (p, len) begin with prefix? */
int gdbr__starts(const char *p, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(p, prefix, n) == 0;
}

/* Is the packet (p, len) exactly str? */
int gdbr__is(const char *p, size_t len, const char *str)
{
	return len == strlen(str) && memcmp(p, str, len) == 0;
}
