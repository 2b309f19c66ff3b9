/*
 * A RISC-V hart of a live QEMU (qemu-system-riscv64 or -riscv32): where
 * its registers are in QEMU's gdbstub (learned from the target description
 * at connection: QEMU numbers its CSRs by CSR address, and the virtual
 * "priv" after the FPU's registers; every one is XLEN bits wide) and
 * reading them, per hart, in one round trip.
 */
#include "proxy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a context is built from (guest/riscv_root.c, guest/live.c). */
static const enum guest_riscv_csr required[] = {
	GUEST_RV_SATP, GUEST_RV_SSTATUS, GUEST_RV_PRIV,
};

static int is_required(int r)
{
	for (size_t i = 0; i < sizeof(required) / sizeof(*required); i++)
		if ((int)required[i] == r)
			return 1;
	return 0;
}

int qemu_riscv_layout(struct qemu_conn *q, const struct live_tdesc *t,
		      char *err, size_t errlen)
{
	struct qemu_rv_layout *l = &q->rv;
	const struct live_tdesc_reg *pc = live_tdesc_find(t, "pc");
	const char *arch;

	/* XLEN is pc's width: QEMU describes rv32 and rv64 alike. */
	l->xlen_bytes = pc && pc->bits == 32 ? 4 : 8;
	arch = l->xlen_bytes == 4 ? "riscv32" : "riscv64";
	for (int r = 0; r < GUEST_RV_NCSR; r++) {
		const char *name = guest_riscv_csr_name(r);
		const struct live_tdesc_reg *d = name ? live_tdesc_find(t, name) :
						 NULL;

		l->csr[r] = d && d->bits == 8 * l->xlen_bytes ? d->regnum : -1;
		if (l->csr[r] < 0 && is_required(r)) {
			snprintf(err, errlen, "QEMU's %s target description "
				 "has no %d-bit %s (%zu registers): pgstub needs "
				 "the CSRs QEMU 7.2's gdbstub gives", arch,
				 8 * l->xlen_bytes, name ? name : "?", t->n);
			return -1;
		}
	}
	/* QEMU 7.2's `g` carries the core feature: zero (x0) … t6, pc. */
	l->x0 = live_tdesc_g_offset_of(t, "zero", 8 * l->xlen_bytes);
	l->pc = live_tdesc_g_offset_of(t, "pc", 8 * l->xlen_bytes);
	if (l->x0 < 0 || l->pc < 0) {
		snprintf(err, errlen, "QEMU's %s target description lacks "
			 "the core registers (zero … t6, pc) in `g` order",
			 arch);
		return -1;
	}
	q->arch = l->xlen_bytes == 4 ? GUEST_ARCH_RISCV32 : GUEST_ARCH_RISCV64;
	q->pc_off = (size_t)l->pc;
	q->pc_size = (size_t)l->xlen_bytes;
	return 0;
}

static int parse_core(const struct qemu_rv_layout *l, const char *rep,
		      size_t len, struct guest_riscv_cpu *out)
{
	const int w = l->xlen_bytes;
	long end = l->x0 + 32 * w;
	unsigned char *b;

	if (l->pc + w > end)
		end = l->pc + w;
	if (rep[0] == 'E' || len / 2 < (size_t)end)
		return -1;
	b = malloc(len / 2);
	if (!b || gdbr_hex_decode(b, rep, len & ~(size_t)1) < 0) {
		free(b);
		return -1;
	}
	for (int i = 0; i < 32; i++)
		out->x[i] = qemu_le(b + l->x0 + w * i, w);
	out->pc = qemu_le(b + l->pc, w);
	free(b);
	return 0;
}

int qemu_riscv_regs(struct qemu_conn *q, int cpu,
		    struct guest_riscv_cpu *out, char *err, size_t errlen)
{
	const struct qemu_rv_layout *l = &q->rv;
	/* `g`, then each CSR QEMU has. */
	enum { MAXREQ = 1 + GUEST_RV_NCSR };
	char pbuf[MAXREQ][16], *rep[MAXREQ];
	const char *reqs[MAXREQ];
	int which[MAXREQ];
	size_t lens[MAXREQ], n = 0;
	uint64_t v;
	int rc = -1;

	reqs[n++] = "g";
	for (int r = 0; r < GUEST_RV_NCSR; r++) {
		if (l->csr[r] < 0)
			continue;
		snprintf(pbuf[n], sizeof(pbuf[n]), "p%x", l->csr[r]);
		reqs[n] = pbuf[n];
		which[n++] = r;
	}
	if (qemu_on_cpu(q, cpu, reqs, n, rep, lens, err, errlen))
		return -1;
	memset(out, 0, sizeof(*out));
	if (parse_core(l, rep[0], lens[0], out)) {
		snprintf(err, errlen, "hart %d: QEMU's %s register reply "
			 "is not what its target description says ('%.20s', "
			 "%zu bytes)", cpu, guest_arch_name(q->arch), rep[0],
			 lens[0] / 2);
		goto out;
	}
	out->valid = GUEST_RISCV_HAS_GPRS;
	for (size_t i = 1; i < n; i++) {
		if (qemu_p_value(rep[i], lens[i], &v)) {
			if (!is_required(which[i]))
				continue;
			snprintf(err, errlen, "hart %d: QEMU does not read %s "
				 "('%.20s')", cpu,
				 guest_riscv_csr_name(which[i]), rep[i]);
			goto out;
		}
		out->csr[which[i]] = v;
		out->valid |= GUEST_RISCV_HAS_CSR(which[i]);
	}
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(rep[i]);
	return rc;
}
