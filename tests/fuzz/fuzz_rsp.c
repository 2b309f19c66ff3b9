/*
 * libFuzzer target: bytes from "GDB" into pgstub's protocol engine serving
 * the demo guest, exactly as the program serves a snapshot — framing, acks,
 * escapes, every packet, qXfer windows, monitor commands.  Everything the
 * server writes back must be well framed: '+'/'-' acks and $…#xx packets
 * whose checksum is right.
 */
#include "serving/session.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PACKET_SIZE (64 * 1024)   /* what the pgstub program advertises */

static guest *demo;
static struct session sess;
static gdbr_server *srv;
static unsigned char packet[PACKET_SIZE];

/* The server's output, checked as it is written. */
static struct {
	int in_packet;     /* between '$' and '#' */
	int csum_digits;   /* checksum digits still to come */
	uint8_t sum, want;
} tx;

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int check_write(const void *buf, size_t len, void *payload)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++) {
		int c = p[i];

		if (tx.csum_digits) {
			int v = hexval(c);

			if (v < 0)
				abort();  /* checksum digits are lower-case hex */
			tx.want = (uint8_t)(tx.want << 4 | v);
			if (--tx.csum_digits == 0 && tx.want != tx.sum)
				abort();  /* wrong checksum */
		} else if (tx.in_packet) {
			if (c == '$')
				abort();  /* unescaped '$' inside a packet */
			if (c == '#') {
				tx.in_packet = 0;
				tx.csum_digits = 2;
				tx.want = 0;
			} else {
				tx.sum = (uint8_t)(tx.sum + c);
			}
		} else if (c == '$') {
			tx.in_packet = 1;
			tx.sum = 0;
		} else if (c != '+' && c != '-') {
			abort();  /* stray byte between packets */
		}
	}
	return 0;
}

static const struct gdbr_conn_ops check_conn = { .write = check_write };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *image = getenv("PGSTUB_FUZZ_IMAGE");
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	struct gdbr_server_config cfg = GDBR_SERVER_CONFIG_INIT;
	char err[256];

	if (!image)
		image = "demo.elf";
	if (guest_open(&demo, image, &o, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_rsp: %s (set PGSTUB_FUZZ_IMAGE to the demo guest)\n", err);
		exit(1);
	}
	session_init(&sess, demo);
	cfg.conn = &check_conn;
	cfg.target = &session_target_ops;
	cfg.target_payload = &sess;
	cfg.tdesc = sess.tdesc;
	cfg.packet_buf = packet;
	cfg.packet_size = sizeof(packet);
	if (gdbr_server_new(&srv, &cfg) < 0)
		exit(1);
	sess.server = srv;
	return 0;
}

/*
 * The first byte picks how the rest is cut into gdbr_server_feed() calls
 * (1..64 bytes, or all at once), so packets split anywhere are exercised;
 * a 0x03 byte in the stream is also delivered out of band now and then.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t chunk, off = 1;

	if (size == 0)
		return 0;
	chunk = data[0] & 0x3f ? data[0] & 0x3f : size;
	session_fini(&sess);
	session_init(&sess, demo);
	sess.server = srv;
	gdbr_server_reset(srv);
	memset(&tx, 0, sizeof(tx));
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;

		if (data[0] & 0x40 && data[off] == 0x03)
			gdbr_server_interrupt(srv);
		if (gdbr_server_feed(srv, data + off, n) < 0)
			break;  /* D, k or a fatal error: the session is over */
		off += n;
	}
	/* Whatever ended the input, the last packet written was complete. */
	if (tx.in_packet || tx.csum_digits)
		abort();
	return 0;
}
