/*
 * libgdb-remote's framer through its public API only (linked against the
 * installed libgdb-remote): every malformed-input rule once, by the event
 * each input ends in, and gdbr_rle_expand() agreeing with it; outgoing
 * framing.  The engine's answers to these events are test_packet.c's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gdb-remote.h"

#define CAP 16

struct fx {
	gdbr_framer *f;
	char buf[CAP];
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));

	if (!x || gdbr_framer_new(&x->f, x->buf, CAP))
		return -1;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	gdbr_framer_free(x->f);
	free(x);
	return 0;
}

/* Feed @wire whole; the events, one letter each, and the last payload. */
static const char *events(gdbr_framer *f, const char *wire, char *payload)
{
	static const char letter[] = "-PCMLTIN";
	static char out[64];
	size_t n = strlen(wire), o = 0;

	payload[0] = 0;
	while (n > 0) {
		size_t used, len;
		int ev = gdbr_framer_feed(f, wire, n, &used);
		const char *p;

		assert_true(used > 0 && used <= n);
		wire += used;
		n -= used;
		if (ev == GDBR_FRAME_NONE) {
			assert_int_equal(n, 0);
			break;
		}
		out[o++] = letter[ev];
		if (ev == GDBR_FRAME_PACKET) {
			p = gdbr_framer_packet(f, &len);
			memcpy(payload, p, len);
			payload[len] = 0;
		}
	}
	out[o] = 0;
	return out;
}

/* "$" + payload + "#" + its right checksum. */
static const char *frame(const char *payload)
{
	static char wire[256];
	size_t n = gdbr_packet_frame(wire, payload, strlen(payload), 0);

	wire[n] = 0;
	return wire;
}

static void test_framer__good_packets_and_rle(void **state)
{
	struct fx *x = *state;
	char pl[CAP + 1];

	assert_string_equal(events(x->f, "$qC#b4", pl), "P");
	assert_string_equal(pl, "qC");
	/* Upper-case checksum digits, and "0* " = four '0'. */
	assert_string_equal(events(x->f, "$qC#B4", pl), "P");
	assert_string_equal(events(x->f, frame("m0* "), pl), "P");
	assert_string_equal(pl, "m0000");
	/* A count may be '*' itself (42 - 29 = 13 more). */
	assert_string_equal(events(x->f, frame("a**"), pl), "P");
	assert_string_equal(pl, "aaaaaaaaaaaaaa");
	/* The empty packet. */
	assert_string_equal(events(x->f, "$#00", pl), "P");
	assert_string_equal(pl, "");
}

/* Every malformed case and what it is, in ack mode. */
static void test_framer__malformed_input_rules(void **state)
{
	struct fx *x = *state;
	char pl[CAP + 1];

	/* Damaged on the way: a wrong or non-hex checksum. */
	assert_string_equal(events(x->f, "$qC#b5", pl), "C");
	assert_string_equal(events(x->f, "$qC#zz", pl), "C");
	/* Bad runs, with right checksums: intact but undecodable. */
	assert_string_equal(events(x->f, frame("*a"), pl), "M");     /* first */
	assert_string_equal(events(x->f, frame("a*\x1f"), pl), "M"); /* n = 2 */
	assert_string_equal(events(x->f, frame("a*\x7f"), pl), "M"); /* > 126 */
	/* "*#": '#' is never a count; it ends the packet, the run has none. */
	assert_string_equal(events(x->f, "$a*#8b", pl), "M");
	/* A wrong checksum is the worse verdict. */
	assert_string_equal(events(x->f, "$a*#00", pl), "C");
	/* Longer than the buffer, literally or once expanded. */
	assert_string_equal(events(x->f, frame("0123456789abcdefX"), pl), "L");
	assert_string_equal(events(x->f, frame("0*~"), pl), "L");
	/* A bad run beats the length. */
	assert_string_equal(events(x->f, frame("0123456789abcdefX*\x1f"), pl),
			    "M");
	/* '$' cuts a packet short anywhere, "*$" too; the new one counts. */
	assert_string_equal(events(x->f, "$qSu$qC#b4", pl), "TP");
	assert_string_equal(events(x->f, "$qC*$qC#b4", pl), "TP");
	assert_string_equal(events(x->f, "$qC#b$qC#b4", pl), "TP");
	assert_string_equal(pl, "qC");
	/* Between packets: Ctrl-C, '-', and '+' or garbage ignored. */
	assert_string_equal(events(x->f, "+\x03-hello#ab", pl), "IN");
	/* 0x03 inside a packet is data. */
	assert_string_equal(events(x->f, frame("X\x03"), pl), "P");
	assert_string_equal(pl, "X\x03");
}

static void test_framer__noack_mode(void **state)
{
	struct fx *x = *state;
	char pl[CAP + 1];

	gdbr_framer_set_noack(x->f, 1);
	assert_true(gdbr_framer_noack(x->f));
	/* Checksums are ignored, even non-hex ones; '-' is no event. */
	assert_string_equal(events(x->f, "$qC#00$qC#zz-", pl), "PP");
	/* Malformed stays malformed. */
	assert_string_equal(events(x->f, "$*a#00", pl), "M");
	gdbr_framer_reset(x->f);
	assert_false(gdbr_framer_noack(x->f));
	assert_string_equal(events(x->f, "$qC#00", pl), "C");
}

static void test_framer__split_anywhere(void **state)
{
	struct fx *x = *state;
	const char *wire = "$m0* #e7$qC#b4";
	char pl[CAP + 1];
	size_t used, len;
	int got = 0;

	for (size_t i = 0; wire[i]; i++) {
		int ev = gdbr_framer_feed(x->f, wire + i, 1, &used);

		assert_int_equal(used, 1);
		if (ev == GDBR_FRAME_PACKET) {
			const char *p = gdbr_framer_packet(x->f, &len);

			memcpy(pl, p, len);
			pl[len] = 0;
			assert_string_equal(pl, got++ ? "qC" : "m0000");
		} else {
			assert_int_equal(ev, GDBR_FRAME_NONE);
		}
	}
	assert_int_equal(got, 2);
}

/* gdbr_rle_expand() gives the framer's verdict on the same payloads. */
static void test_framer__rle_expand_agrees(void **state)
{
	static const char *const payloads[] = {
		"", "qC", "m0* ", "a**", "*a", "a*\x1f", "a*\x7f", "a*",
		"0123456789abcdefX", "0*~", "0123456789abcdefX*\x1f", "ab*!cd",
	};
	struct fx *x = *state;
	char pl[CAP + 1], out[CAP];

	for (size_t i = 0; i < sizeof(payloads) / sizeof(*payloads); i++) {
		const char *ev = events(x->f, frame(payloads[i]), pl);
		long n = gdbr_rle_expand(out, CAP, payloads[i],
					 strlen(payloads[i]));

		if (!strcmp(ev, "P")) {
			assert_int_equal(n, strlen(pl));
			assert_memory_equal(out, pl, (size_t)n);
		} else {
			assert_int_equal(n, !strcmp(ev, "M") ? GDBR_EINVAL :
					    GDBR_ELIMIT);
		}
	}
	/* '#' and '$' frame: never payload bytes. */
	assert_int_equal(gdbr_rle_expand(out, CAP, "a#", 2), GDBR_EINVAL);
	assert_int_equal(gdbr_rle_expand(out, CAP, "a*$", 3), GDBR_EINVAL);
}

static void test_framer__frame_and_checksum(void **state)
{
	char wire[64];
	size_t n;

	(void)state;
	assert_int_equal(gdbr_packet_checksum("qC", 2), 0xb4);
	n = gdbr_packet_frame(wire, "OK", 2, 0);
	assert_int_equal(n, 6);
	assert_memory_equal(wire, "$OK#9a", 6);
	/* 32 '0' = '0' + 31 more ('<' = 31 + 29) */
	n = gdbr_packet_frame(wire, "00000000000000000000000000000000", 32,
			      GDBR_PACKET_RLE);
	assert_int_equal(n, 7);
	assert_memory_equal(wire, "$0*<#96", 7);
	n = gdbr_packet_frame(wire, "00000000", 8, 0);
	assert_memory_equal(wire, "$00000000#80", n);
}

static void test_framer__new_rejects_bad_arguments(void **state)
{
	gdbr_framer *f = (gdbr_framer *)1;

	(void)state;
	assert_int_equal(gdbr_framer_new(NULL, NULL, 0), GDBR_EINVAL);
	assert_int_equal(gdbr_framer_new(&f, NULL, 4), GDBR_EINVAL);
	assert_null(f);
	gdbr_framer_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_framer__good_packets_and_rle),
		T(test_framer__malformed_input_rules),
		T(test_framer__noack_mode),
		T(test_framer__split_anywhere),
		T(test_framer__rle_expand_agrees),
		cmocka_unit_test(test_framer__frame_and_checksum),
		cmocka_unit_test(test_framer__new_rejects_bad_arguments),
#undef T
	};

	return cmocka_run_group_tests_name("stub/framer", tests, NULL, NULL);
}
