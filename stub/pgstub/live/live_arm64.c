/*
 * An aarch64 vCPU of a live QEMU: where its registers are in QEMU's
 * gdbstub (learned from the target description at connection: QEMU names
 * the system registers TTBR0_EL1, TCR_EL1, SCTLR, … and numbers them in
 * its hash table's order) and reading them, per vCPU, in one round trip.
 */
#include "proxy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the walker cannot do without (guest/arm64_root.c). */
static const enum guest_arm64_sysreg required[] = {
	GUEST_A64_SCTLR, GUEST_A64_TTBR0, GUEST_A64_TTBR1, GUEST_A64_TCR,
};

static int is_required(int r)
{
	for (size_t i = 0; i < sizeof(required) / sizeof(*required); i++)
		if ((int)required[i] == r)
			return 1;
	return 0;
}

int qemu_arm64_layout(struct qemu_conn *q, const struct live_tdesc *t,
		      char *err, size_t errlen)
{
	struct qemu_a64_layout *l = &q->a64;
	const struct live_tdesc_reg *cpsr = live_tdesc_find(t, "cpsr");

	for (int r = 0; r < GUEST_A64_NSYS; r++) {
		const char *name = guest_arm64_sysreg_name(r);
		const struct live_tdesc_reg *d = name ? live_tdesc_find(t, name) :
						 NULL;

		l->sys[r] = d && d->bits == 64 ? d->regnum : -1;
		if (l->sys[r] < 0 && is_required(r)) {
			snprintf(err, errlen, "QEMU's aarch64 target description "
				 "has no 64-bit %s (%zu registers): pgstub needs "
				 "the system registers QEMU 7.2's gdbstub gives",
				 name ? name : "?", t->n);
			return -1;
		}
	}
	l->cpsr = cpsr && cpsr->bits <= 64 ? cpsr->regnum : -1;
	l->x0 = live_tdesc_g_offset_of(t, "x0", 64);
	l->sp = live_tdesc_g_offset_of(t, "sp", 64);
	l->pc = live_tdesc_g_offset_of(t, "pc", 64);
	if (l->cpsr < 0 || l->x0 < 0 || l->sp < 0 || l->pc < 0) {
		snprintf(err, errlen, "QEMU's aarch64 target description lacks "
			 "the core registers (x0, sp, pc, cpsr) in `g` order");
		return -1;
	}
	q->arch = GUEST_ARCH_AARCH64;
	q->pc_off = (size_t)l->pc;
	q->pc_size = 8;
	return 0;
}

static int parse_core(const struct qemu_a64_layout *l, const char *rep,
		      size_t len, struct guest_arm64_cpu *out)
{
	long end = l->x0 + 31 * 8;
	unsigned char *b;

	if (l->sp + 8 > end)
		end = l->sp + 8;
	if (l->pc + 8 > end)
		end = l->pc + 8;
	if (rep[0] == 'E' || len / 2 < (size_t)end)
		return -1;
	if (!(b = malloc(len / 2)) || gdbr_hex_decode(b, rep, len & ~(size_t)1) < 0) {
		free(b);
		return -1;
	}
	for (int i = 0; i < 31; i++)
		out->x[i] = qemu_le(b + l->x0 + 8 * i, 8);
	out->sp = qemu_le(b + l->sp, 8);
	out->pc = qemu_le(b + l->pc, 8);
	free(b);
	return 0;
}

int qemu_arm64_regs(struct qemu_conn *q, int cpu,
		    struct guest_arm64_cpu *out, char *err, size_t errlen)
{
	const struct qemu_a64_layout *l = &q->a64;
	/* `g`, cpsr, then each system register QEMU has. */
	enum { MAXREQ = 2 + GUEST_A64_NSYS };
	char pbuf[MAXREQ][16], *rep[MAXREQ];
	const char *reqs[MAXREQ];
	int which[MAXREQ];
	size_t lens[MAXREQ], n = 0;
	uint64_t v;
	int rc = -1;

	reqs[n++] = "g";
	snprintf(pbuf[n], sizeof(pbuf[n]), "p%x", l->cpsr);
	reqs[n] = pbuf[n];
	n++;
	for (int r = 0; r < GUEST_A64_NSYS; r++) {
		if (l->sys[r] < 0)
			continue;
		snprintf(pbuf[n], sizeof(pbuf[n]), "p%x", l->sys[r]);
		reqs[n] = pbuf[n];
		which[n++] = r;
	}
	if (qemu_on_cpu(q, cpu, reqs, n, rep, lens, err, errlen))
		return -1;
	memset(out, 0, sizeof(*out));
	if (parse_core(l, rep[0], lens[0], out) ||
	    qemu_p_value(rep[1], lens[1], &out->pstate)) {
		snprintf(err, errlen, "vCPU %d: QEMU's aarch64 register reply "
			 "is not what its target description says ('%.20s', "
			 "%zu bytes; cpsr '%.20s')", cpu, rep[0], lens[0] / 2,
			 rep[1]);
		goto out;
	}
	out->valid = GUEST_ARM64_HAS_GPRS;
	for (size_t i = 2; i < n; i++) {
		if (qemu_p_value(rep[i], lens[i], &v)) {
			if (!is_required(which[i]))
				continue;
			snprintf(err, errlen, "vCPU %d: QEMU does not read %s "
				 "('%.20s')", cpu,
				 guest_arm64_sysreg_name(which[i]), rep[i]);
			goto out;
		}
		out->sys[which[i]] = v;
		out->valid |= GUEST_ARM64_HAS_SYS(which[i]);
	}
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(rep[i]);
	return rc;
}
