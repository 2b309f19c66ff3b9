/*
 * Framer tests for libgdb-remote (stub/packet.c, stub/hex.c): checksums and
 * acks, NAK retransmission, NoAck mode, run-length coding both ways, '}'
 * escapes both ways, oversize/truncated/garbage input, Ctrl-C.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gdbr_priv.h"
#include "harness.h"

static void test_packet__good_checksum_acks_and_replies(void **state)
{
	struct harness *h = *state;

	/* 'Q' + 'C' + '1' = 0xc5 */
	assert_int_equal(h_feed_str(h, "$qC#b4"), 0);
	assert_string_equal(h_take(h), "+$QC1#c5");
}

static void test_packet__uppercase_checksum_digits(void **state)
{
	struct harness *h = *state;

	assert_int_equal(h_feed_str(h, "$qC#B4"), 0);
	assert_string_equal(h_take(h), "+$QC1#c5");
}

static void test_packet__bad_checksum_naks_without_dispatch(void **state)
{
	struct harness *h = *state;

	assert_int_equal(h_feed_str(h, "$qC#b5"), 0);
	assert_string_equal(h_take(h), "-");
	/* GDB resends it correctly. */
	assert_int_equal(h_feed_str(h, "$qC#b4"), 0);
	assert_string_equal(h_take(h), "+$QC1#c5");
	/* A non-hex checksum digit is a bad checksum too. */
	assert_int_equal(h_feed_str(h, "$qC#zz"), 0);
	assert_string_equal(h_take(h), "-");
}

static void test_packet__nak_retransmits_last_reply(void **state)
{
	struct harness *h = *state;

	h_send(h, "qC");
	assert_string_equal(h_take(h), "+$QC1#c5");
	h_feed_str(h, "-");
	assert_string_equal(h_take(h), "$QC1#c5");
	h_feed_str(h, "-");
	assert_string_equal(h_take(h), "$QC1#c5");
	h_feed_str(h, "+");
	assert_string_equal(h_take(h), "");
}

static void test_packet__nak_before_any_reply_is_ignored(void **state)
{
	struct harness *h = *state;

	h_feed_str(h, "-");
	assert_string_equal(h_take(h), "");
}

static void test_packet__noack_mode(void **state)
{
	struct harness *h = *state;

	h_send(h, "QStartNoAckMode");
	/* The OK itself still follows an ack. */
	assert_string_equal(h_take(h), "+$OK#9a");
	h_feed_str(h, "+");             /* GDB's ack of the OK */
	assert_string_equal(h_take(h), "");
	h_send(h, "qC");
	assert_string_equal(h_take(h), "$QC1#c5");
	/* Checksums are not checked any more ("may be ignored"). */
	h_feed_str(h, "$qC#00");
	assert_string_equal(h_take(h), "$QC1#c5");
	/* And '-' does not retransmit. */
	h_feed_str(h, "-");
	assert_string_equal(h_take(h), "");
	/* A reset (new connection) is back in ack mode. */
	gdbr_server_reset(h->s);
	h_send(h, "qC");
	assert_string_equal(h_take(h), "+$QC1#c5");
}

static void test_packet__rle_decoded_in_incoming_packet(void **state)
{
	struct harness *h = *state;
	int i;

	memset(h->fx.vmem, 0x55, 8);
	/* "0*," = '0' + 15 more (',' = 15 + 29): 16 hex zeros = 8 bytes */
	h_send(h, "M1000,8:0*,");
	assert_string_equal(h_take(h), "+$OK#9a");
	for (i = 0; i < 8; i++)
		assert_int_equal(h->fx.vmem[i], 0);
	assert_int_equal(h->fx.vmem[8], 8);
}

/* The framer's verdict (test_framer.c has every case) as the engine
 * answers it: acked, since it arrived intact, and refused with E22. */
static void test_packet__rle_bad_count_acked_and_refused(void **state)
{
	struct harness *h = *state;

	/* '*' with nothing before it; checksum "*a" = 0x8b is right */
	h_feed_str(h, "$*a#8b");
	assert_string_equal(h_take(h), h_ack_reply("E22"));
	assert_string_equal(gdbr_server_errmsg(h->s), "bad run-length encoding");
	/* count below 3 (0x1f - 29 = 2) */
	h_send(h, "m0*\x1f");
	assert_string_equal(h_take(h), h_ack_reply("E22"));
	h_send(h, "qC");
	assert_string_equal(h_take(h), "+$QC1#c5");
	/* NoAck mode: the same reply, without the ack. */
	h_send(h, "QStartNoAckMode");
	h_take(h);
	h_feed_str(h, "$*a#00");
	assert_string_equal(h_take(h), h_frame("E22"));
}

static size_t rle_decode(char *dst, const char *src, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (src[i] == '*') {
			int k = src[++i] - 29;

			while (k-- > 0) {
				dst[o] = dst[o - 1];
				o++;
			}
		} else {
			dst[o++] = src[i];
		}
	}
	return o;
}

static void test_packet__rle_encode_exact(void **state)
{
	char out[64];
	size_t n;

	(void)state;
	n = gdbr_rle_encode(out, "000", 3);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "000", 3);
	n = gdbr_rle_encode(out, "0000", 4);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "0* ", 3);
	/* 7 = 1 + 6, but 6 + 29 = '#': use 5 ('"') and one literal */
	n = gdbr_rle_encode(out, "0000000", 7);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "0*\"0", 4);
	/* 8 = 1 + 7, 7 + 29 = '$': same trick, two literals */
	n = gdbr_rle_encode(out, "00000000", 8);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "0*\"00", 5);
	/* 15 = 1 + 14, 14 + 29 = '+', avoided too */
	n = gdbr_rle_encode(out, "aaaaaaaaaaaaaaa", 15);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "a**a", 4);
}

static void test_packet__rle_encode_roundtrip_all_lengths(void **state)
{
	char src[300], enc[300], dec[300];
	size_t run, i, n;

	(void)state;
	for (run = 1; run <= 250; run++) {
		memset(src, 'b', sizeof(src));
		memset(src + 10, 'f', run);
		n = gdbr_rle_encode(enc, src, run + 20);
		assert_true(n <= run + 20);
		for (i = 0; i < n; i++) {
			if (enc[i] == '*') {
				char c = enc[i + 1];

				assert_true(c != '#' && c != '$' && c != '+' &&
				            c != '-');
				assert_true(c >= ' ' && c <= '~');
				i++;
			}
		}
		assert_int_equal(rle_decode(dec, enc, n), run + 20);
		assert_memory_equal(dec, src, run + 20);
	}
}

/* The encoder's definition, one byte at a time: the fast one must agree. */
static size_t rle_reference(char *dst, const char *src, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		size_t extra = 0;

		while (i + 1 + extra < n && src[i + 1 + extra] == src[i] &&
		       extra < 126 - 29)
			extra++;
		while (extra >= 3 && strchr("#$+-", (int)extra + 29))
			extra--;
		dst[o++] = src[i];
		if (extra >= 3) {
			dst[o++] = '*';
			dst[o++] = (char)(extra + 29);
			i += extra + 1;
		} else {
			i++;
		}
	}
	return o;
}

static void test_packet__rle_encode_matches_reference_on_mixed_text(void **state)
{
	static char src[20000], fast[20000], ref[20000];
	uint32_t x = 12345;

	(void)state;
	/* Hex-like text with pairs, short and long runs at every offset. */
	for (size_t i = 0; i < sizeof(src);) {
		size_t run;

		x = x * 1103515245u + 12345u;
		run = (x >> 16) % 7 == 0 ? (x >> 8) % 140 + 1 : (x >> 20) % 3 + 1;
		for (size_t k = 0; k < run && i < sizeof(src); k++)
			src[i++] = "0123456789abcdef"[(x >> 24) & 15];
	}
	for (size_t n = 0; n <= 300; n++)
		assert_int_equal(gdbr_rle_encode(fast, src + n % 17, n),
				 rle_reference(ref, src + n % 17, n));
	assert_int_equal(gdbr_rle_encode(fast, src, sizeof(src)),
			 rle_reference(ref, src, sizeof(src)));
	assert_memory_equal(fast, ref, rle_reference(ref, src, sizeof(src)));
}

/* Every byte value at every alignment and length around the 16-byte
 * steps: the same digits as printf's. */
static void test_packet__hex_encode_every_byte(void **state)
{
	unsigned char bin[300];
	char got[600], want[601];

	(void)state;
	for (unsigned i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)(i * 7 + (i >> 8));
	for (size_t off = 0; off < 17; off++) {
		for (size_t n = 0; off + n <= 256 + 17 && n <= 70; n++) {
			for (size_t k = 0; k < n; k++)
				snprintf(want + 2 * k, 3, "%02x", bin[off + k]);
			assert_int_equal(gdbr_hex_encode(got, bin + off, n), 2 * n);
			assert_memory_equal(got, want, 2 * n);
		}
	}
	for (unsigned k = 0; k < 256; k++) {
		bin[k] = (unsigned char)k;
		snprintf(want + 2 * k, 3, "%02x", k);
	}
	gdbr_hex_encode(got, bin, 256);
	assert_memory_equal(got, want, 512);
}

static void test_packet__long_reply_checksum(void **state)
{
	struct harness *h = *state;
	const char *r, *hash;
	unsigned sum = 0, want;

	/* 0x700 bytes of varied memory: a 3584-character payload, summed in
	 * 8-byte steps past one 128-step flush. */
	for (unsigned i = 0; i < 0x700; i++)
		h->fx.vmem[0x200 + i] = (uint8_t)(i * 37 + (i >> 3));
	h_send(h, "m1200,700");
	r = h_take(h);
	assert_true(r[0] == '+' && r[1] == '$');
	hash = strchr(r, '#');
	assert_non_null(hash);
	for (const char *p = r + 2; p < hash; p++)
		sum += (unsigned char)*p;
	assert_int_equal(sscanf(hash + 1, "%2x", &want), 1);
	assert_int_equal(sum & 0xff, want);
	assert_true(hash - (r + 2) > 3000);
}

static void test_packet__reply_is_rle_encoded(void **state)
{
	struct harness *h = *state;

	/* 16 zero bytes = 32 '0' chars = '0' + 31 more ('<' = 31 + 29) */
	h_send(h, "m1100,10");
	assert_string_equal(h_take(h), "+$0*<#96");
}

static void test_packet__escape_unescape_helpers(void **state)
{
	const unsigned char raw[] = { 'a', '#', '$', '}', '*', 0x03, 0 };
	char enc[32];
	unsigned char dec[32];
	size_t used, n;
	long m;

	(void)state;
	n = gdbr_bin_escape(enc, sizeof(enc), raw, sizeof(raw), &used);
	assert_int_equal(used, sizeof(raw));
	assert_int_equal(n, 11);
	assert_memory_equal(enc, "a}\x03}\x04}]}\x0a\x03\x00", 11);
	m = gdbr_bin_unescape(dec, enc, n);
	assert_int_equal(m, sizeof(raw));
	assert_memory_equal(dec, raw, sizeof(raw));
	/* An escape never gets split by the capacity. */
	n = gdbr_bin_escape(enc, 2, raw, sizeof(raw), &used);
	assert_int_equal(n, 1);
	assert_int_equal(used, 1);
	/* Data ending in '}' is malformed. */
	assert_int_equal(gdbr_bin_unescape(dec, "ab}", 3), GDBR_EINVAL);
}

/* The escaper one byte at a time, as the GDB manual describes it. */
static size_t escape_reference(char *dst, size_t cap, const unsigned char *src,
			       size_t n, size_t *used)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int esc = src[i] == '#' || src[i] == '$' || src[i] == '}' ||
			  src[i] == '*';

		if (o + 1 + (size_t)esc > cap)
			break;
		if (esc)
			dst[o++] = '}';
		dst[o++] = (char)(esc ? src[i] ^ 0x20 : src[i]);
	}
	*used = i;
	return o;
}

/* Bytes to escape at every alignment, spans of none, every capacity near
 * the 16-byte steps: the same bytes out, the same stopping point. */
static void test_packet__bin_escape_matches_reference(void **state)
{
	static const unsigned char specials[] = { '#', '$', '}', '*' };
	unsigned char src[400];
	char fast[800], ref[800];
	uint32_t x = 777;

	(void)state;
	for (size_t i = 0; i < sizeof(src); i++) {
		x = x * 1103515245u + 12345u;
		src[i] = (x >> 16) % 9 == 0 ? specials[(x >> 8) & 3] :
			 (unsigned char)(x >> 24);
	}
	memset(src + 200, 'A', 60);  /* a long span with nothing to escape */
	for (size_t off = 0; off < 17; off++) {
		for (size_t n = 0; off + n <= sizeof(src) && n <= 90; n++) {
			for (size_t cap = 0; cap <= 2 * n + 1; cap += 1 + cap / 8) {
				size_t uf, ur, nf, nr;

				nf = gdbr_bin_escape(fast, cap, src + off, n, &uf);
				nr = escape_reference(ref, cap, src + off, n, &ur);
				assert_int_equal(nf, nr);
				assert_int_equal(uf, ur);
				assert_memory_equal(fast, ref, nr);
			}
		}
	}
	{
		size_t uf, ur, nr = escape_reference(ref, sizeof(ref), src,
						     sizeof(src), &ur);

		assert_int_equal(gdbr_bin_escape(fast, sizeof(fast), src,
						  sizeof(src), &uf), nr);
		assert_int_equal(uf, sizeof(src));
		assert_memory_equal(fast, ref, nr);
	}
}

static void test_packet__x_reply_escapes_special_bytes(void **state)
{
	struct harness *h = *state;
	const char *r;

	/* bytes 0x22..0x2b: '"' '#' '$' '%' '&' '\'' '(' ')' '*' '+' */
	h_send(h, "x1022,a");
	r = h_take(h);
	assert_string_equal(r, h_ack_reply("b\"}\x03}\x04%&'()}\x0a+"));
	/* 0x7d is '}' itself */
	h_send(h, "x107d,1");
	assert_string_equal(h_take(h), h_ack_reply("b}]"));
}

static void test_packet__X_unescapes_binary_data(void **state)
{
	struct harness *h = *state;

	h_send(h, "X1000,5:}\x03}\x04}]}\x0a\x03");
	assert_string_equal(h_take(h), "+$OK#9a");
	assert_memory_equal(h->fx.vmem, "#$}*\x03", 5);
	/* The declared length must match the decoded data. */
	h_send(h, "X1000,6:}\x03}\x04}]}\x0a\x03");
	assert_string_equal(h_take(h), h_ack_reply("E22"));
}

static void test_packet__oversized_packet_rejected_then_resync(void **state)
{
	struct harness *h = h_new(&fixture_ops_readonly, 256, 2);
	char big[400];

	(void)state;
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	h_send(h, big);
	assert_string_equal(h_take(h), h_ack_reply("E07"));
	assert_string_equal(gdbr_server_errmsg(h->s),
	                    "packet longer than PacketSize=100 dropped");
	h_send(h, "qC");
	assert_string_equal(h_take(h), "+$QC1#c5");
	h_free(h);
}

static void test_packet__truncated_packet_then_new_packet(void **state)
{
	struct harness *h = *state;

	h_feed_str(h, "$qSupp");
	assert_string_equal(h_take(h), "");
	h_send(h, "qC");
	assert_string_equal(h_take(h), "+$QC1#c5");
	/* Cut inside the checksum too. */
	h_feed_str(h, "$qC#b");
	h_send(h, "qC");
	assert_string_equal(h_take(h), "+$QC1#c5");
}

static void test_packet__garbage_between_packets_ignored(void **state)
{
	struct harness *h = *state;

	h_feed_str(h, "hello\r\n#ab");
	h_send(h, "qC");
	h_feed_str(h, "xyz+++");
	assert_string_equal(h_take(h), "+$QC1#c5");
}

static void test_packet__bytes_split_across_feeds(void **state)
{
	struct harness *h = *state;
	const char *f = "$qC#b4$qC#b4";
	size_t i;

	for (i = 0; f[i]; i++)
		assert_int_equal(h_feed(h, f + i, 1), 0);
	assert_string_equal(h_take(h), "+$QC1#c5+$QC1#c5");
}

static void test_packet__ctrl_c_out_of_band(void **state)
{
	struct harness *h = *state;

	/* Stopped target: a stop reply with SIGINT right away. */
	h_feed_str(h, "\x03");
	assert_string_equal(h_take(h), h_frame("T02thread:01;"));
	assert_int_equal(gdbr_server_interrupt(h->s), 0);
	assert_string_equal(h_take(h), h_frame("T02thread:01;"));
	/* Inside a packet 0x03 is just a data byte. */
	h_send(h, "X1000,1:\x03");
	assert_string_equal(h_take(h), "+$OK#9a");
	assert_int_equal(h->fx.vmem[0], 3);
}

static void test_packet__writer_failure_disconnects(void **state)
{
	struct harness *h = *state;

	h->fail_writes = 1;
	assert_int_equal(h_send(h, "qC"), GDBR_EIO);
	assert_int_equal(gdbr_server_state(h->s), GDBR_STATE_DISCONNECTED);
	assert_int_equal(h_send(h, "qC"), GDBR_EIO);
	h->fail_writes = 0;
	gdbr_server_reset(h->s);
	assert_int_equal(h_send(h, "qC"), 0);
	assert_string_equal(h_take(h), "+$QC1#c5");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, cmocka_setup_full, \
                                             cmocka_teardown)
		T(test_packet__good_checksum_acks_and_replies),
		T(test_packet__long_reply_checksum),
		cmocka_unit_test(test_packet__rle_encode_matches_reference_on_mixed_text),
		cmocka_unit_test(test_packet__hex_encode_every_byte),
		T(test_packet__uppercase_checksum_digits),
		T(test_packet__bad_checksum_naks_without_dispatch),
		T(test_packet__nak_retransmits_last_reply),
		T(test_packet__nak_before_any_reply_is_ignored),
		T(test_packet__noack_mode),
		T(test_packet__rle_decoded_in_incoming_packet),
		T(test_packet__rle_bad_count_acked_and_refused),
		T(test_packet__rle_encode_exact),
		T(test_packet__rle_encode_roundtrip_all_lengths),
		T(test_packet__reply_is_rle_encoded),
		T(test_packet__escape_unescape_helpers),
		cmocka_unit_test(test_packet__bin_escape_matches_reference),
		T(test_packet__x_reply_escapes_special_bytes),
		T(test_packet__X_unescapes_binary_data),
		T(test_packet__oversized_packet_rejected_then_resync),
		T(test_packet__truncated_packet_then_new_packet),
		T(test_packet__garbage_between_packets_ignored),
		T(test_packet__bytes_split_across_feeds),
		T(test_packet__ctrl_c_out_of_band),
		T(test_packet__writer_failure_disconnects),
#undef T
	};

	return cmocka_run_group_tests_name("stub/packet", tests, NULL, NULL);
}
