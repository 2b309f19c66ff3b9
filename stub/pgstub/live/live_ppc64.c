/*
 * A ppc64 vCPU of a live QEMU: where its registers are in QEMU's gdbstub
 * (learned from the target description at connection: the core feature's
 * pc, msr, cr, lr, ctr, xer, and the SPRs QEMU names in its power-spr
 * feature, lower-case) and reading them, per vCPU, in one round trip.
 *
 * QEMU sends a ppc64 vCPU's registers in the byte order the vCPU runs in
 * at that moment (MSR[LE]): little-endian in a ppc64el kernel, big-endian
 * in firmware or a big-endian guest. The MSR says which, itself included.
 */
#include "proxy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMEOUT_MS 15000

/* The SPRs pgstub reads (homes in guest_ppc64_cpu.spr[], by number). */
static const struct {
	const char *name;  /* QEMU's name in its description */
	unsigned sprn;     /* Power ISA SPR number */
} sprs[QEMU_PPC_NSPR] = {
	{ "pid", 48 }, { "lpcr", 318 }, { "lpidr", 319 }, { "ptcr", 464 },
	{ "pvr", 287 }, { "amr", 29 }, { "sdr1", 25 },
};

/* The core registers read with `p`, besides the GPRs in `g`. */
enum { CORE_PC, CORE_MSR, CORE_CR, CORE_LR, CORE_CTR, CORE_XER, NCORE };
static const char *const core_name[NCORE] = {
	"pc", "msr", "cr", "lr", "ctr", "xer",
};

int qemu_ppc64_layout(struct qemu_conn *q, const struct live_tdesc *t,
		      char *err, size_t errlen)
{
	struct qemu_ppc_layout *l = &q->ppc;
	const struct live_tdesc_reg *r0 = live_tdesc_find(t, "r0");
	const struct live_tdesc_reg *r31 = live_tdesc_find(t, "r31");

	for (int i = 0; i < NCORE; i++) {
		/* The core feature comes first: its lr, ctr and xer are the
		 * ones found, not the power-spr feature's copies. */
		const struct live_tdesc_reg *d = live_tdesc_find(t, core_name[i]);

		l->core[i] = d && (d->bits == 64 || d->bits == 32) ?
			     d->regnum : -1;
		l->core_bits[i] = d ? d->bits : 0;
		if (l->core[i] < 0) {
			snprintf(err, errlen, "QEMU's ppc64 target description "
				 "has no %s (%zu registers)", core_name[i], t->n);
			return -1;
		}
	}
	/* `g` starts with r0 … r31 (then pc, msr, …). */
	if (!r0 || !r31 || r0->regnum != 0 || r31->regnum != 31 ||
	    r0->bits != 64 || live_tdesc_g_offset_of(t, "r31", 64) != 31 * 8) {
		snprintf(err, errlen, "QEMU's ppc64 target description lacks "
			 "the general registers r0 … r31 at the start of `g`");
		return -1;
	}
	for (int i = 0; i < QEMU_PPC_NSPR; i++) {
		const struct live_tdesc_reg *d = live_tdesc_find(t, sprs[i].name);

		l->spr[i] = d && d->bits == 64 ? d->regnum : -1;
	}
	if (l->spr[1] < 0) {
		snprintf(err, errlen, "QEMU's ppc64 target description has no "
			 "LPCR (%zu registers): pgstub needs the SPRs QEMU "
			 "7.2's gdbstub gives", t->n);
		return -1;
	}
	q->arch = GUEST_ARCH_PPC64;
	/* No PC prefetch: where the PC is in `g` is fixed, its byte order
	 * is not. */
	q->pc_off = 0;
	q->pc_size = 0;
	return 0;
}

/* The value of @n bytes at @b, big-endian unless @le. */
static uint64_t value(const unsigned char *b, size_t n, int le)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | b[le ? n - 1 - i : i];
	return v;
}

/* A `p` reply of @bits: its bytes into @b. @return 0, or -1 */
static int reply_bytes(const char *rep, size_t len, int bits,
		       unsigned char *b)
{
	size_t n = (size_t)bits / 8;

	if (rep[0] == 'E' || len != 2 * n ||
	    gdbr_hex_decode(b, rep, len) != (int)n)
		return -1;
	return 0;
}

/*
 * The byte order of @msr's 8 bytes: 1 little-endian, 0 big-endian. Read
 * in the right order, MSR[LE] (bit 0) says that order, and MSR[SF] (bit
 * 63) is set in 64-bit mode; where both orders are consistent, the
 * 64-bit one wins.
 */
static int msr_order(const unsigned char *msr)
{
	uint64_t le = value(msr, 8, 1), be = value(msr, 8, 0);
	int le_ok = le & 1, be_ok = !(be & 1);

	if (le_ok && be_ok)
		return (le >> 63) || !(be >> 63);
	return le_ok;
}

/* QEMU's monitor (through the gdbstub) runs @cmd: its output in *@out. */
static int monitor(struct qemu_conn *q, const char *cmd, char **out)
{
	return qemu_monitor_text(q, cmd, out, TIMEOUT_MS);
}

/*
 * QEMU 7.2's gdbstub reads SPRs on vCPU 0 only (it numbers them in the
 * first vCPU's tables: the others answer E14), but its monitor's
 * `p $NAME` reads any vCPU's: those of vCPU @cpu not read yet (@got, a
 * bit per sprs[] entry) come from there, the monitor's vCPU restored.
 */
static int monitor_sprs(struct qemu_conn *q, int cpu,
			struct guest_ppc64_cpu *out, unsigned got)
{
	char cmd[32], *text, *star;
	int was = -1, rc = 0;

	if (monitor(q, "info cpus", &text))
		return -1;
	star = strstr(text, "* CPU #");
	if (star)
		was = atoi(star + 7);
	free(text);
	snprintf(cmd, sizeof(cmd), "cpu %d", cpu);
	if (monitor(q, cmd, &text))
		return -1;
	free(text);
	for (int i = 0; i < QEMU_PPC_NSPR && !rc; i++) {
		char *end;
		unsigned long long v;

		if (got & 1u << i)
			continue;
		snprintf(cmd, sizeof(cmd), "p $%s", sprs[i].name);
		if (monitor(q, cmd, &text)) {
			rc = -1;
			break;
		}
		v = strtoull(text, &end, 0);
		/* "unknown register" where the CPU has none (SDR1 on POWER9) */
		if (end != text && (*end == '\n' || *end == '\r' || !*end))
			out->spr[sprs[i].sprn] = v;
		free(text);
	}
	if (was >= 0) {
		snprintf(cmd, sizeof(cmd), "cpu %d", was);
		if (monitor(q, cmd, &text))
			return -1;
		free(text);
	}
	return rc;
}

int qemu_ppc64_regs(struct qemu_conn *q, int cpu,
		    struct guest_ppc64_cpu *out, char *err, size_t errlen)
{
	const struct qemu_ppc_layout *l = &q->ppc;
	enum { MAXREQ = 1 + NCORE + QEMU_PPC_NSPR };
	char pbuf[MAXREQ][16], *rep[MAXREQ];
	const char *reqs[MAXREQ];
	unsigned char b[8], *g = NULL;
	size_t lens[MAXREQ], n = 0;
	int which[MAXREQ], le, rc = -1;
	unsigned got = 0;

	reqs[n++] = "g";
	for (int i = 0; i < NCORE; i++) {
		snprintf(pbuf[n], sizeof(pbuf[n]), "p%x", l->core[i]);
		reqs[n] = pbuf[n];
		which[n++] = i;
	}
	for (int i = 0; i < QEMU_PPC_NSPR; i++) {
		if (l->spr[i] < 0)
			continue;
		snprintf(pbuf[n], sizeof(pbuf[n]), "p%x", l->spr[i]);
		reqs[n] = pbuf[n];
		which[n++] = NCORE + i;
	}
	if (qemu_on_cpu(q, cpu, reqs, n, rep, lens, err, errlen))
		return -1;
	memset(out, 0, sizeof(*out));
	/* The MSR first: it says the order of everything else. */
	if (reply_bytes(rep[1 + CORE_MSR], lens[1 + CORE_MSR], 64, b)) {
		snprintf(err, errlen, "vCPU %d: QEMU does not read the MSR "
			 "('%.20s')", cpu, rep[1 + CORE_MSR]);
		goto out;
	}
	le = msr_order(b);
	g = malloc(lens[0] / 2 + 1);
	if (!g || rep[0][0] == 'E' || lens[0] < 2 * 32 * 8 ||
	    gdbr_hex_decode(g, rep[0], 2 * 32 * 8) != 32 * 8) {
		snprintf(err, errlen, "vCPU %d: QEMU's ppc64 register reply is "
			 "not what its target description says ('%.20s', %zu "
			 "bytes)", cpu, rep[0], lens[0] / 2);
		goto out;
	}
	for (int i = 0; i < 32; i++)
		out->gpr[i] = value(g + 8 * i, 8, le);
	for (size_t i = 1; i < n; i++) {
		int w = which[i];
		int bits = w < NCORE ? l->core_bits[w] : 64;
		uint64_t v;

		if (reply_bytes(rep[i], lens[i], bits, b)) {
			if (w >= NCORE)
				continue;  /* an SPR QEMU does not read here */
			snprintf(err, errlen, "vCPU %d: QEMU does not read %s "
				 "('%.20s')", cpu, core_name[w], rep[i]);
			goto out;
		}
		v = value(b, (size_t)bits / 8, le);
		switch (w) {
		case CORE_PC: out->nip = v; break;
		case CORE_MSR: out->msr = v; break;
		case CORE_CR: out->cr = (uint32_t)v; break;
		case CORE_LR: out->lr = v; break;
		case CORE_CTR: out->ctr = v; break;
		case CORE_XER: out->xer = v; break;
		default:
			out->spr[sprs[w - NCORE].sprn] = v;
			got |= 1u << (w - NCORE);
			break;
		}
	}
	/* Each SPR the description has was read, or is asked of the
	 * monitor (vCPUs after the first, on QEMU 7.2). */
	for (int i = 0; i < QEMU_PPC_NSPR; i++)
		if (l->spr[i] < 0)
			got |= 1u << i;
	if (got != (1u << QEMU_PPC_NSPR) - 1 &&
	    monitor_sprs(q, cpu, out, got)) {
		snprintf(err, errlen, "vCPU %d: %s", cpu, q->alive ? "QEMU's "
			 "monitor does not read its SPRs" : q->why);
		goto out;
	}
	out->lpcr = out->spr[318];
	out->pvr = out->spr[287];
	out->amr = out->spr[29];
	out->sdr1 = out->spr[25];
	/* No SLB: QEMU's gdbstub does not show it. */
	out->valid = GUEST_PPC64_HAS_GPRS | GUEST_PPC64_HAS_SPRS;
	rc = 0;
out:
	free(g);
	for (size_t i = 0; i < n; i++)
		free(rep[i]);
	return rc;
}
