/*
 * Memory packets: m (read, hex), x (read, binary; GDB 16 binary-upload,
 * reply "b" + escaped bytes), M (write, hex), X (write, binary).  Replies
 * never exceed PacketSize; short target reads give short replies.
 */
#include <string.h>

#include "gdbr_priv.h"

/* Parse "ADDR,LEN" at p; *rest gets what follows. */
static int parse_addr_len(const char *p, const char *end, uint64_t *addr,
                          uint64_t *len, const char **rest)
{
	p = gdbr_hex_parse(p, end, addr);
	if (!p || p == end || *p != ',')
		return -1;
	p = gdbr_hex_parse(p + 1, end, len);
	if (!p)
		return -1;
	*rest = p;
	return 0;
}

/*
 * Read up to n bytes into the scratch buffer.  Returns the count read, or
 * -1 after sending the error reply (or ending the session on EFATAL).
 */
static long read_target(gdbr_server *s, uint64_t addr, size_t n)
{
	int rc = s->target->read_memory(addr, s->scratch, n, s->mem_flags,
	                                s->target_payload);

	if (rc <= 0) {
		if (rc < 0 && gdbr__fatal(s, rc))
			return -1;
		gdbr__set_error(s, "read of %zu bytes at 0x%llx failed (%d)",
		                n, (unsigned long long)addr, rc);
		gdbr__reply_err(s, rc == GDBR_ENODATA ? GDBR_RSP_ENODATA
		                                      : GDBR_RSP_EFAULT);
		return -1;
	}
	/* A target claiming more than asked is clamped, not trusted. */
	return (size_t)rc > n ? (long)n : rc;
}

static int cmd_read(gdbr_server *s, const char *pkt, size_t len, int binary)
{
	const char *end = pkt + len, *rest;
	uint64_t addr, n;
	size_t cap;
	long got;

	if (parse_addr_len(pkt + 1, end, &addr, &n, &rest) || rest != end)
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);
	/* Hex takes 2 chars a byte; binary at least 1 after the 'b'. */
	cap = binary ? s->rx_cap - 1 : s->rx_cap / 2;
	if (n > cap)
		n = cap;
	if (n == 0)
		return gdbr__reply(s, binary ? "b" : "");
	got = read_target(s, addr, (size_t)n);
	if (got < 0)
		return s->result;
	gdbr__reply_begin(s);
	if (binary) {
		gdbr__put(s, "b", 1);
		/* Escapes may stop it short: a shorter reply is allowed. */
		gdbr__put_bin(s, s->scratch, (size_t)got);
	} else {
		gdbr__put_hex(s, s->scratch, (size_t)got);
	}
	return gdbr__reply_end(s);
}

static int cmd_write(gdbr_server *s, const char *pkt, size_t len, int binary)
{
	const char *end = pkt + len, *data;
	uint64_t addr, n;
	long got;
	int rc;

	if (parse_addr_len(pkt + 1, end, &addr, &n, &data) || data == end ||
	    *data != ':')
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);
	data++;
	if (binary) {
		got = gdbr_bin_unescape(s->scratch, data, (size_t)(end - data));
	} else if ((size_t)(end - data) / 2 <= s->scratch_cap) {
		got = gdbr_hex_decode(s->scratch, data, (size_t)(end - data));
	} else {
		got = -1;
	}
	if (got < 0 || (uint64_t)got != n)
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);
	if (!s->target->write_memory)
		return gdbr__reply_err(s, GDBR_RSP_EROFS);
	if (n == 0)
		return gdbr__reply(s, "OK");
	rc = s->target->write_memory(addr, s->scratch, (size_t)n, s->mem_flags,
	                             s->target_payload);
	if (rc < 0) {
		if (gdbr__fatal(s, rc))
			return s->result;
		return gdbr__reply_err(s, GDBR_RSP_EFAULT);
	}
	return gdbr__reply(s, "OK");
}

int gdbr__cmd_mem(gdbr_server *s, const char *pkt, size_t len)
{
	switch (pkt[0]) {
	case 'm':
		return cmd_read(s, pkt, len, 0);
	case 'x':
		return cmd_read(s, pkt, len, 1);
	case 'M':
		return cmd_write(s, pkt, len, 0);
	default:
		return cmd_write(s, pkt, len, 1);
	}
}
