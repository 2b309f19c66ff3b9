/*
 * Harness implementation: capture connection, packet framing helpers and
 * cmocka setup/teardown creating a server over the fixture target.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

static int cap_write(const void *buf, size_t len, void *payload)
{
	struct harness *h = payload;

	if (h->fail_writes)
		return -1;
	assert_true(h->out_len + len < H_OUT_MAX);
	memcpy(h->out + h->out_len, buf, len);
	h->out_len += len;
	h->out[h->out_len] = '\0';
	return 0;
}

static const struct gdbr_conn_ops cap_conn = { cap_write, NULL };

struct harness *h_new(const struct gdbr_target_ops *ops, size_t packet_size,
                      int nthreads)
{
	struct gdbr_server_config cfg = GDBR_SERVER_CONFIG_INIT;
	struct harness *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	fixture_init(&h->fx, nthreads);
	h->ops = *ops;
	h->pkt_size = packet_size;
	h->pkt = malloc(packet_size);
	h->out = malloc(H_OUT_MAX);
	assert_non_null(h->pkt);
	assert_non_null(h->out);
	h->out[0] = '\0';
	cfg.conn = &cap_conn;
	cfg.conn_payload = h;
	cfg.target = &h->ops;
	cfg.target_payload = &h->fx;
	/* x86-64's g reply needs 1216 bytes; smaller buffers go without. */
	if (packet_size >= 2 * gdbr_tdesc_regs_size(gdbr_tdesc_x86_64()))
		cfg.tdesc = gdbr_tdesc_x86_64();
	cfg.packet_buf = h->pkt;
	cfg.packet_size = packet_size;
	assert_int_equal(gdbr_server_new(&h->s, &cfg), 0);
	return h;
}

void h_free(struct harness *h)
{
	if (!h)
		return;
	gdbr_server_free(h->s);
	free(h->pkt);
	free(h->out);
	free(h);
}

const char *h_frame(const char *payload)
{
	static char buf[H_OUT_MAX];
	unsigned sum = 0;
	size_t i, n = strlen(payload);

	for (i = 0; i < n; i++)
		sum += (unsigned char)payload[i];
	snprintf(buf, sizeof(buf), "$%s#%02x", payload, sum & 0xff);
	return buf;
}

const char *h_ack_reply(const char *payload)
{
	static char buf[H_OUT_MAX + 1];
	const char *f = h_frame(payload);

	buf[0] = '+';
	memcpy(buf + 1, f, strlen(f) + 1);
	return buf;
}

int h_feed(struct harness *h, const void *buf, size_t len)
{
	h->last_rc = gdbr_server_feed(h->s, buf, len);
	return h->last_rc;
}

int h_feed_str(struct harness *h, const char *bytes)
{
	return h_feed(h, bytes, strlen(bytes));
}

int h_send(struct harness *h, const char *payload)
{
	return h_feed_str(h, h_frame(payload));
}

static char take_buf[H_OUT_MAX];
static size_t take_len;

const char *h_take(struct harness *h)
{
	char *buf = take_buf;

	memcpy(buf, h->out, h->out_len + 1);
	take_len = h->out_len;
	h->out_len = 0;
	h->out[0] = '\0';
	return buf;
}

size_t h_payload_len;

const char *h_next_payload(const char **cursor)
{
	static char buf[H_OUT_MAX];
	const char *p = *cursor, *end;
	unsigned sum = 0;
	size_t o = 0;
	char cs[3];

	/* Output taken with h_take may hold NUL bytes (binary replies). */
	if (p >= take_buf && p <= take_buf + take_len)
		end = take_buf + take_len;
	else
		end = p + strlen(p);
	while (p < end && *p == '+')
		p++;
	if (p == end)
		return NULL;
	assert_int_equal(*p, '$');
	for (p++; *p != '#'; p++) {
		assert_true(p < end && *p != '$');
		sum += (unsigned char)*p;
		if (*p == '*') {
			int k = p[1] - 29;

			assert_true(o > 0 && k >= 3);
			sum += (unsigned char)p[1];
			while (k-- > 0) {
				buf[o] = buf[o - 1];
				o++;
			}
			p++;
		} else {
			buf[o++] = *p;
		}
	}
	snprintf(cs, sizeof(cs), "%02x", sum & 0xff);
	assert_memory_equal(p + 1, cs, 2);
	*cursor = p + 3;
	buf[o] = '\0';
	h_payload_len = o;
	return buf;
}

const char *h_payload(const char *s)
{
	const char *cur = s;
	const char *r = h_next_payload(&cur);

	assert_non_null(r);
	return r;
}

int cmocka_setup_full(void **state)
{
	*state = h_new(&fixture_ops_full, 4096, 2);
	return 0;
}

int cmocka_setup_readonly(void **state)
{
	*state = h_new(&fixture_ops_readonly, 4096, 2);
	return 0;
}

int cmocka_teardown(void **state)
{
	h_free(*state);
	return 0;
}
