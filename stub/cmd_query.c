/*
 * General query and set packets (q/Q): qSupported built from the target's
 * ops, qAttached, QStartNoAckMode, and QEMU's physical-memory mode extension
 * (qqemu.Supported, qqemu.PhyMemMode, Qqemu.PhyMemMode:0|1).
 */
#include <string.h>

#include "gdbr_priv.h"

static int has_features(const gdbr_server *s)
{
	return s->target->target_xml != NULL || s->tdesc != NULL;
}

/*
 * qSupported: advertise only what the target can do (style rule 6).
 * PacketSize is the caller's real receive buffer, in hex.
 */
static int supported(gdbr_server *s)
{
	gdbr__reply_begin(s);
	gdbr__putf(s, "PacketSize=%zx;QStartNoAckMode+", s->rx_cap);
	/* GDB 16 "x": reply is 'b' + binary (GDB manual, "Packets"). */
	gdbr__put_str(s, ";binary-upload+");
	if (has_features(s))
		gdbr__put_str(s, ";qXfer:features:read+");
	if (s->target->memory_map)
		gdbr__put_str(s, ";qXfer:memory-map:read+");
	return gdbr__reply_end(s);
}

int gdbr__cmd_query(gdbr_server *s, const char *pkt, size_t len)
{
	if (gdbr__starts(pkt, len, "qSupported") &&
	    (len == 10 || pkt[10] == ':'))
		return supported(s);
	/* Attached to an existing "process": detach must not kill it. */
	if (gdbr__is(pkt, len, "qAttached") ||
	    gdbr__starts(pkt, len, "qAttached:"))
		return gdbr__reply(s, "1");
	if (gdbr__is(pkt, len, "qqemu.Supported"))
		return gdbr__reply(s, "PhyMemMode");
	if (gdbr__is(pkt, len, "qqemu.PhyMemMode"))
		return gdbr__reply(s, (s->mem_flags & GDBR_MEM_PHYS) ? "1" : "0");
	return gdbr__reply(s, "");
}

int gdbr__cmd_set(gdbr_server *s, const char *pkt, size_t len)
{
	if (gdbr__is(pkt, len, "QStartNoAckMode")) {
		/*
		 * The OK still travels in ack mode; GDB acks it and both
		 * sides then stop acking (GDB manual, "Packet
		 * Acknowledgment").  Our '+' for this packet is already out.
		 */
		int rc = gdbr__reply(s, "OK");

		s->noack = 1;
		return rc;
	}
	if (gdbr__starts(pkt, len, "Qqemu.PhyMemMode:")) {
		const char *v = pkt + strlen("Qqemu.PhyMemMode:");

		if (v + 1 == pkt + len && (*v == '0' || *v == '1')) {
			if (*v == '1')
				s->mem_flags |= GDBR_MEM_PHYS;
			else
				s->mem_flags &= ~GDBR_MEM_PHYS;
			return gdbr__reply(s, "OK");
		}
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);
	}
	return gdbr__reply(s, "");
}
