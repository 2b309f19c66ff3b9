/*
 * Unit-test harness for libgdb-remote: a server wired to the fixture
 * target and a capturing connection, with helpers to frame packets, feed
 * bytes and take the exact bytes the server wrote.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stddef.h>

#include "fixture_target.h"

#define H_OUT_MAX (256 * 1024)

struct harness {
	gdbr_server *s;
	struct fixture fx;
	struct gdbr_target_ops ops;
	unsigned char *pkt;
	size_t pkt_size;
	char *out;
	size_t out_len;
	int fail_writes;
	int last_rc;
};

/* Create a harness: ops copied from *ops, packet buffer of packet_size;
 * the x86-64 tdesc is set when packet_size can hold a g reply (1216). */
struct harness *h_new(const struct gdbr_target_ops *ops, size_t packet_size,
                      int nthreads);
void h_free(struct harness *h);

/* "$payload#cs" in a static buffer (no RLE, payload taken literally). */
const char *h_frame(const char *payload);
/* Feed raw bytes / a framed packet; the return code lands in last_rc. */
int h_feed(struct harness *h, const void *buf, size_t len);
int h_feed_str(struct harness *h, const char *bytes);
int h_send(struct harness *h, const char *payload);
/* Everything written since the last take, NUL-terminated; then cleared. */
const char *h_take(struct harness *h);
/* Expected bytes for an acked reply: "+" + h_frame(payload). */
const char *h_ack_reply(const char *payload);
/*
 * Payload of the next packet at *cursor (acks skipped): checks the checksum,
 * expands RLE, advances *cursor.  NULL when no packet is left.  Static
 * buffer, NUL-terminated; h_payload_len holds its length.
 */
const char *h_next_payload(const char **cursor);
/* h_next_payload of the first packet in s; it must exist. */
const char *h_payload(const char *s);
extern size_t h_payload_len;

int cmocka_setup_full(void **state);
int cmocka_setup_readonly(void **state);
int cmocka_teardown(void **state);

#endif /* HARNESS_H */
