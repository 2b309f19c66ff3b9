/*
 * Register packets: g (all registers, laid out by the tdesc), G, p, P.
 * Registers of GDB's selected thread (Hg) are read one by one through the
 * target's read_register; unavailable values are sent as "xx" per byte.
 */
#include <string.h>

#include "gdbr_priv.h"

static void put_unavailable(gdbr_server *s, size_t size)
{
	while (size--)
		gdbr__put(s, "xx", 2);
}

/* Append register regno; returns 0 or -1 after an error reply. */
static int put_register(gdbr_server *s, int regno)
{
	size_t size = (size_t)gdbr_tdesc_reg_size(s->tdesc, regno);
	int rc = s->target->read_register(s->tid_g, regno, s->scratch, size,
	                                  s->target_payload);

	if (rc < 0) {
		if (!gdbr__fatal(s, rc)) {
			gdbr__set_error(s, "reading register %d failed", regno);
			gdbr__reply_err(s, GDBR_RSP_EGENERIC);
		}
		return -1;
	}
	if ((size_t)rc > size)
		rc = (int)size;
	gdbr__put_hex(s, s->scratch, (size_t)rc);
	put_unavailable(s, size - (size_t)rc);
	return 0;
}

static int write_register(gdbr_server *s, int regno, const char *hex,
                          size_t size)
{
	int rc;

	if (gdbr_hex_decode(s->scratch, hex, 2 * size) < 0)
		return GDBR_RSP_EINVAL;
	rc = s->target->write_register(s->tid_g, regno, s->scratch, size,
	                               s->target_payload);
	if (rc < 0)
		return gdbr__fatal(s, rc) ? -1 : GDBR_RSP_EGENERIC;
	return 0;
}

static int cmd_g(gdbr_server *s)
{
	int i, n = gdbr_tdesc_nregs(s->tdesc);

	gdbr__reply_begin(s);
	for (i = 0; i < n; i++) {
		if (put_register(s, i))
			return s->result;
	}
	return gdbr__reply_end(s);
}

static int cmd_G(gdbr_server *s, const char *pkt, size_t len)
{
	const char *p = pkt + 1;
	int i, rc, n = gdbr_tdesc_nregs(s->tdesc);

	if (len - 1 != 2 * gdbr_tdesc_regs_size(s->tdesc))
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);
	if (!s->target->write_register)
		return gdbr__reply_err(s, GDBR_RSP_EROFS);
	for (i = 0; i < n; i++) {
		size_t size = (size_t)gdbr_tdesc_reg_size(s->tdesc, i);

		rc = write_register(s, i, p, size);
		if (rc < 0)
			return s->result;
		if (rc > 0)
			return gdbr__reply_err(s, rc);
		p += 2 * size;
	}
	return gdbr__reply(s, "OK");
}

static int cmd_p(gdbr_server *s, const char *pkt, size_t len)
{
	const char *end = pkt + len, *p;
	uint64_t regno;

	p = gdbr_hex_parse(pkt + 1, end, &regno);
	if (!p || p != end || regno >= (uint64_t)gdbr_tdesc_nregs(s->tdesc))
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);
	gdbr__reply_begin(s);
	if (put_register(s, (int)regno))
		return s->result;
	return gdbr__reply_end(s);
}

static int cmd_P(gdbr_server *s, const char *pkt, size_t len)
{
	const char *end = pkt + len, *p;
	uint64_t regno;
	size_t size;
	int rc;

	p = gdbr_hex_parse(pkt + 1, end, &regno);
	if (!p || p == end || *p != '=' ||
	    regno >= (uint64_t)gdbr_tdesc_nregs(s->tdesc))
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);
	p++;
	size = (size_t)gdbr_tdesc_reg_size(s->tdesc, (int)regno);
	if ((size_t)(end - p) != 2 * size)
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);
	if (!s->target->write_register)
		return gdbr__reply_err(s, GDBR_RSP_EROFS);
	rc = write_register(s, (int)regno, p, size);
	if (rc < 0)
		return s->result;
	if (rc > 0)
		return gdbr__reply_err(s, rc);
	return gdbr__reply(s, "OK");
}

int gdbr__cmd_regs(gdbr_server *s, const char *pkt, size_t len)
{
	if (!s->tdesc)
		return gdbr__reply_err(s, GDBR_RSP_EGENERIC);
	switch (pkt[0]) {
	case 'g':
		if (len != 1)
			return gdbr__reply_err(s, GDBR_RSP_EINVAL);
		return cmd_g(s);
	case 'G':
		return cmd_G(s, pkt, len);
	case 'p':
		return cmd_p(s, pkt, len);
	default:
		return cmd_P(s, pkt, len);
	}
}
