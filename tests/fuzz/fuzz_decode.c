/*
 * libFuzzer target: the coders of libgdb-remote on arbitrary bytes.  Each
 * decoder must stay inside its buffers, and each coder must agree with its
 * inverse: hex, numbers, thread ids, binary escapes and run-length encoding.
 */
#include "gdbr_priv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_hex(const char *s, size_t n)
{
	unsigned char *bin = malloc(n / 2 + 1);
	char *back = malloc(n + 1);
	int got = gdbr_hex_decode(bin, s, n & ~(size_t)1);

	if (got >= 0) {
		if ((size_t)got != n / 2)
			abort();
		gdbr_hex_encode(back, bin, (size_t)got);
		for (size_t i = 0; i < (size_t)got * 2; i++)
			if (back[i] != (char)(s[i] | ((s[i] >= 'A' && s[i] <= 'F') ? 0x20 : 0)))
				abort();
	}
	free(bin);
	free(back);
}

static void check_numbers(const char *s, size_t n)
{
	uint64_t v;
	int tid;
	const char *end = gdbr_hex_parse(s, s + n, &v);

	if (end) {
		size_t digits = (size_t)(end - s);
		char tmp[80];

		if (digits == 0 || end > s + n)
			abort();
		/* Same value as the C library reads from the same digits. */
		if (digits < sizeof(tmp)) {
			memcpy(tmp, s, digits);
			tmp[digits] = 0;
			if (strtoull(tmp, NULL, 16) != v)
				abort();
		}
	}
	end = gdbr__parse_tid(s, s + n, &tid);
	if (end && (end > s + n || end <= s || tid < -1))
		abort();
}

static void check_binary(const uint8_t *d, size_t n)
{
	char *esc = malloc(2 * n + 1);
	uint8_t *back = malloc(n + 1);
	size_t cap = n ? (size_t)d[0] % (2 * n + 1) : 0, used;
	size_t len = gdbr_bin_escape(esc, cap, d, n, &used);
	long got;

	if (len > cap || used > n)
		abort();
	for (size_t i = 0; i < len; i++)
		if (esc[i] == '#' || esc[i] == '$' || esc[i] == '*')
			abort();
	got = gdbr_bin_unescape(back, esc, len);
	if (got != (long)used || memcmp(back, d, used) != 0)
		abort();
	/* Unescaping raw input: never more bytes out than in. */
	got = gdbr_bin_unescape(back, (const char *)d, n);
	if (got > (long)n)
		abort();
	free(esc);
	free(back);
}

static void check_rle(const uint8_t *d, size_t n)
{
	char *src = malloc(n + 1), *enc = malloc(n + 1), *dec = malloc(n + 1);
	size_t len;

	/* Replies never hold a bare '*', '#' or '$' (binary data is
	 * escaped). */
	for (size_t i = 0; i < n; i++)
		src[i] = d[i] == '*' || d[i] == '#' || d[i] == '$' ? '.' :
			 (char)d[i];
	len = gdbr_rle_encode(enc, src, n);
	if (len > n)
		abort();
	/* A count is never a character that frames or acks a packet. */
	for (size_t i = 0; i < len; i++) {
		if (enc[i] != '*')
			continue;
		if (i + 1 == len || memchr("#$+-", enc[++i], 4))
			abort();
	}
	/* The framer's expansion (gdbr_rle_expand) gives it back. */
	if (gdbr_rle_expand(dec, n, enc, len) != (long)n ||
	    memcmp(dec, src, n) != 0)
		abort();
	free(src);
	free(enc);
	free(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_hex((const char *)data, size);
	check_numbers((const char *)data, size);
	check_binary(data, size);
	check_rle(data, size);
	return 0;
}
