/*
 * General query and set packets (q/Q): qSupported built from the target's
 * ops, qAttached, QStartNoAckMode, and QEMU's private packets with QEMU's
 * replies (qqemu.Supported, qqemu.sstepbits, qqemu.sstep, Qqemu.sstep=N,
 * qqemu.PhyMemMode, Qqemu.PhyMemMode:0|1), so QEMU-aware tools work as-is.
 */
#include <string.h>

#include "gdbr_priv.h"

/*
 * QEMU's single-step bits (its gdbstub's SSTEP_*), as qqemu.sstepbits
 * names them; all three are supported, and all three are the default, as in
 * QEMU under TCG.
 */
#define SSTEP_ENABLE  0x1u
#define SSTEP_NOIRQ   0x2u
#define SSTEP_NOTIMER 0x4u
#define SSTEP_ALL     (SSTEP_ENABLE | SSTEP_NOIRQ | SSTEP_NOTIMER)

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

/*
 * Qqemu.sstep=N: N in hex (QEMU parses it with base 16, "0x" allowed);
 * bits outside SSTEP_ALL are refused with E22 as QEMU does, and so is
 * anything that is not a number.
 */
static int set_sstep(gdbr_server *s, const char *v, const char *end)
{
	uint64_t bits;

	if (end - v > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		v += 2;
	v = gdbr_hex_parse(v, end, &bits);
	if (!v || v != end || (bits & ~(uint64_t)SSTEP_ALL))
		return gdbr__reply_err(s, GDBR_RSP_EINVAL);
	s->sstep_flags = (unsigned)bits;
	return gdbr__reply(s, "OK");
}

/*
 * QEMU serves qemu.sstepbits, qemu.sstep and qemu.sstep=N from one table
 * shared by q and Q, so "Qqemu.sstepbits" (what gef and pwndbg send to
 * detect QEMU) and "qqemu.sstep=1" work too.  pkt[0] is 'q' or 'Q'.
 */
static int sstep(gdbr_server *s, const char *pkt, size_t len)
{
	const char *name = pkt + 1, *end = pkt + len;
	size_t n = len - 1;

	if (gdbr__is(name, n, "qemu.sstepbits"))
		return gdbr__reply(s, "ENABLE=1,NOIRQ=2,NOTIMER=4");
	if (gdbr__is(name, n, "qemu.sstep")) {
		gdbr__reply_begin(s);
		gdbr__putf(s, "0x%x", s->sstep_flags);
		return gdbr__reply_end(s);
	}
	if (gdbr__starts(name, n, "qemu.sstep="))
		return set_sstep(s, name + strlen("qemu.sstep="), end);
	return gdbr__reply(s, "");
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
	/* QEMU system emulation's reply; its user mode says "sstepbits;sstep". */
	if (gdbr__is(pkt, len, "qqemu.Supported"))
		return gdbr__reply(s, "sstepbits;sstep;PhyMemMode");
	if (gdbr__is(pkt, len, "qqemu.PhyMemMode"))
		return gdbr__reply(s, (s->mem_flags & GDBR_MEM_PHYS) ? "1" : "0");
	if (gdbr__starts(pkt, len, "qqemu.sstep"))
		return sstep(s, pkt, len);
	/*
	 * qOffsets: QEMU answers it only in user mode ("Text=…;Data=…;
	 * Bss=…"); its system emulation answers empty, and tools tell the two
	 * apart by that.  A whole machine has no section offsets: empty too.
	 */
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

		gdbr_framer_set_noack(&s->rx, 1);
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
	if (gdbr__starts(pkt, len, "Qqemu.sstep"))
		return sstep(s, pkt, len);
	return gdbr__reply(s, "");
}
