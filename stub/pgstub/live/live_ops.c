/*
 * What pgstub answers itself on a live guest: the engine's target ops
 * (monitor commands — pgstub's views, or QEMU's monitor relayed —, the
 * memory map, fast-path memory reads) and the live guest's callbacks.
 * Nothing here talks to QEMU while the guest runs.
 */
#include "proxy_priv.h"
#include "monitor/monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUNNING_MSG "the guest is running; interrupt it (Ctrl-C) first"

/* ------------------------------------------------ live guest callbacks */

static size_t guest_phys(uint64_t pa, void *buf, size_t len, void *payload)
{
	struct proxy *p = payload;

	if (p->running || !p->q.alive)
		return 0;
	return qemu_phys_read(&p->q, pa, buf, len);
}

static int guest_regs(int cpu, struct guest_x86_cpu *out, char *err,
		      size_t errlen, void *payload)
{
	struct proxy *p = payload;

	if (p->running) {
		snprintf(err, errlen, RUNNING_MSG);
		return -1;
	}
	return qemu_cpu_regs(&p->q, cpu, out, err, errlen);
}

static int guest_arm64_regs(int cpu, struct guest_arm64_cpu *out, char *err,
			    size_t errlen, void *payload)
{
	struct proxy *p = payload;

	if (p->running) {
		snprintf(err, errlen, RUNNING_MSG);
		return -1;
	}
	return qemu_arm64_regs(&p->q, cpu, out, err, errlen);
}

static int guest_riscv_regs(int cpu, struct guest_riscv_cpu *out, char *err,
			    size_t errlen, void *payload)
{
	struct proxy *p = payload;

	if (p->running) {
		snprintf(err, errlen, RUNNING_MSG);
		return -1;
	}
	return qemu_riscv_regs(&p->q, cpu, out, err, errlen);
}

static int guest_ppc64_regs(int cpu, struct guest_ppc64_cpu *out, char *err,
			    size_t errlen, void *payload)
{
	struct proxy *p = payload;

	if (p->running) {
		snprintf(err, errlen, RUNNING_MSG);
		return -1;
	}
	return qemu_ppc64_regs(&p->q, cpu, out, err, errlen);
}

const struct guest_live_ops live_guest_ops = {
	.phys_read = guest_phys,
	.cpu_regs = guest_regs,
	.arm64_regs = guest_arm64_regs,
	.riscv_regs = guest_riscv_regs,
	.ppc64_regs = guest_ppc64_regs,
};

/* ------------------------------------------------------- engine ops */

static int no_register(int tid, int regno, void *buf, size_t size,
		       void *payload)
{
	(void)tid, (void)regno, (void)buf, (void)size, (void)payload;
	return -1;  /* g/p go to QEMU */
}

/* --qemu-ram: translate with pgstub's walker, read the shared file;
 * what the file does not hold (MMIO, ROM) is read by QEMU. */
static int read_memory(uint64_t addr, void *buf, size_t len, unsigned flags,
		       void *payload)
{
	struct proxy *p = payload;
	int rc;
	size_t got;

	if (p->running || !p->q.alive)
		return -1;
	rc = session_read(&p->s, addr, buf, len, flags & GDBR_MEM_PHYS);
	if (rc > 0)
		return rc;
	got = qemu_read(&p->q, addr, buf, len);
	return got ? (int)got : -1;
}

static int thread_count(void *payload)
{
	struct proxy *p = payload;

	return p->q.ncpus > 0 ? p->q.ncpus : 1;
}

/* Monitor commands pgstub implements; the rest belong to QEMU. */
static int owned(const char *cmd)
{
	/* pgstub-version, rc and vtop-json: gdb-python's vtop, pg and $pa
	 * recognise the stub and walk through them. */
	static const char *const one[] = { "vtop", "ptov", "gva2gpa", "x",
					   "xp", "cpu", "nested", "help",
					   "pgstub-version", "rc",
					   "vtop-json" };
	/* info version: pgstub answers for itself (monitor_script.c). */
	static const char *const info[] = { "pg", "tlb", "mem", "version" };
	char w1[32] = "", w2[32] = "";

	sscanf(cmd, "%31s %31s", w1, w2);
	for (size_t i = 0; i < sizeof(one) / sizeof(*one); i++)
		if (!strcmp(w1, one[i]))
			return 1;
	if (!strncmp(w1, "x/", 2) || !strncmp(w1, "xp/", 3))
		return 1;
	for (size_t i = 0; !strcmp(w1, "info") && i < sizeof(info) / sizeof(*info);
	     i++)
		if (!strcmp(w2, info[i]))
			return 1;
	return 0;
}

static int relay(const char *text, size_t len, void *payload)
{
	return gdbr_out_write(payload, text, len);
}

/* Forward to QEMU's monitor through its gdbstub; relay the output. */
static int qemu_monitor(struct proxy *p, const char *cmd, gdbr_out *out)
{
	size_t n = strlen(cmd);
	char *pkt, *rep = NULL;
	const char *req[1];
	int rc = 1;

	if (n > PROXY_PACKET_SIZE / 2 - 16) {
		gdbr_out_printf(out, "pgstub: command too long\n");
		return 1;
	}
	pkt = malloc(2 * n + 8);
	if (!pkt)
		return 1;
	memcpy(pkt, "qRcmd,", 6);
	gdbr_hex_encode(pkt + 6, cmd, n);
	pkt[6 + 2 * n] = 0;
	req[0] = pkt;
	/* QEMU's own walkers can be slow (LA57 `info mem`: ~20 s). */
	if (qemu_exchange(&p->q, req, 1, &rep, NULL, 120000, relay, out)) {
		gdbr_out_printf(out, "pgstub: %s\n", p->q.why);
	} else if (!strcmp(rep, "OK")) {
		rc = 0;
	} else if (!rep[0]) {
		gdbr_out_printf(out, "pgstub: QEMU's gdbstub has no monitor\n");
	}
	free(rep);
	free(pkt);
	return rc;
}

static int monitor(const char *cmd, gdbr_out *out, void *payload)
{
	struct proxy *p = payload;
	int rc;

	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	if (p->running) {
		gdbr_out_printf(out, "pgstub: " RUNNING_MSG "\n");
		return 1;
	}
	if (!p->q.alive) {
		gdbr_out_printf(out, "pgstub: %s\n", p->q.why);
		p->told = 1;
		return 1;
	}
	if (!strncmp(cmd, "qemu ", 5))
		return qemu_monitor(p, cmd + 5, out);
	if (!owned(cmd))
		return qemu_monitor(p, cmd, out);
	rc = monitor_run(&p->s, cmd, out);
	if (!strncmp(cmd, "help", 4))
		gdbr_out_printf(out, "Any other command goes to QEMU's monitor; "
				"'qemu CMD' sends CMD there even when pgstub "
				"has one (e.g. qemu info tlb).\n");
	if (!p->q.alive)
		gdbr_out_printf(out, "pgstub: %s\n", p->q.why);
	return rc;
}

static int memory_map(gdbr_out *xml, void *payload)
{
	struct proxy *p = payload;

	if (p->running || !p->q.alive || !session_map_offered(&p->s))
		return -1;
	/* The architecture's spans: no QEMU traffic (memory_map.c). */
	return session_memory_map(xml, &p->s);
}

const struct gdbr_target_ops live_target_ops = {
	.read_register = no_register,
	.read_memory = read_memory,
	.thread_count = thread_count,
	.monitor = monitor,
	.memory_map = memory_map,
};
