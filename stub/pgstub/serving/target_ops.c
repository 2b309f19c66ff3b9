/*
 * gdbr_target_ops over a session: registers marshalled from the vCPU state
 * by register name in the target's byte order, memory through session.c,
 * threads as vCPUs, monitor commands, the memory map from memory_map.c.
 * Snapshots are read-only: no write op is offered.
 */
#include "cli_limits.h"
#include "session.h"
#include "transport.h"
#include "monitor/monitor.h"

#include <inttypes.h>

/*
 * x86 and ppc64: every register gets a value, so that GDB attaches to any
 * snapshot: what the source holds, what an option supplied, or 0 when
 * nobody knows it (a raw image, a dump without NT_PRSTATUS, the x87/SSE
 * state). GDB gives up on a target whose PC is "unavailable".
 * aarch64: a register nobody knows is "unavailable" (QEMU's dumps carry
 * no system register: GDB must not show TTBR0_EL1 as 0), except sp and
 * pc, which GDB needs to attach.
 * Values go out in the target's byte order: x86 and aarch64 little-endian;
 * ppc64 as QEMU's gdbstub sends them, little-endian when MSR[LE] is set
 * (ppc64el kernels), else big. Wider registers (st0, xmm0) are
 * zero-extended; aarch64's v0-v31 are 128 bits.
 */
static int read_register(int tid, int regno, void *buf, size_t size,
			 void *payload)
{
	struct session *s = payload;
	unsigned char *out = buf;
	int id = regno >= 0 && regno < 128 ? s->reg_id[regno] : -1;
	int big = 0;
	uint64_t v, w[2], msr;
	enum guest_reg_origin o;

	if (tid < 1 || tid > guest_ncpus(s->g))
		return -1;
	o = guest_reg_read_wide(s->g, tid - 1, id, w);
	v = w[0];
	if (guest_arch(s->g) == GUEST_ARCH_AARCH64 && o == GUEST_REG_ZERO &&
	    regno != GDBR_AARCH64_PC && regno != GDBR_AARCH64_SP)
		return 0;
	/* RISC-V: a CSR nobody knows is unavailable, not 0 (x0 is 0). */
	if (guest_arch_is_riscv(guest_arch(s->g)) && o == GUEST_REG_ZERO &&
	    regno >= GDBR_RISCV64_PRIV)
		return 0;
	if (guest_arch(s->g) == GUEST_ARCH_PPC64) {
		guest_reg_read(s->g, tid - 1, guest_reg_id(s->g, "msr"), &msr);
		big = !(msr & 1);
	}
	for (size_t i = 0; i < size; i++) {
		size_t byte = big ? size - 1 - i : i;

		out[i] = byte < 8 ? (unsigned char)(v >> (8 * byte)) :
			 byte < 16 ? (unsigned char)(w[1] >> (8 * (byte - 8))) :
			 0;
	}
	return (int)size;
}

/* GDB shows a refused read as "Cannot access memory": say why on the
 * server's side, once per vCPU. */
static void tell_refused(struct session *s, uint64_t addr)
{
	const char *why = session_refusal(s, addr);

	if (s->cpu >= 32 || s->read_told_root & 1u << s->cpu || !why)
		return;
	s->read_told_root |= 1u << s->cpu;
	pgstub_transport_log(stderr, "pgstub: vCPU %d: virtual reads refused: "
			   "%s\n", s->cpu, why);
}

/* GDB shows E61 as "Cannot access memory" too: say which page the dump
 * left out, for the first reads (GDB retries, and scans). */
#define NODATA_TOLD_MAX 16

static void tell_not_dumped(struct session *s, uint64_t addr, int physical)
{
	char text[160];
	uint64_t pa;
	int why;

	if (s->read_told_nodata > NODATA_TOLD_MAX)
		return;
	if (s->read_told_nodata++ == NODATA_TOLD_MAX) {
		pgstub_transport_log(stderr, "pgstub: more reads of memory not "
				     "in the dump: not shown\n");
		return;
	}
	why = session_not_dumped(s, addr, physical, &pa);
	pgstub_transport_log(stderr, "pgstub: read at %s0x%" PRIx64 ": %s\n",
			     physical ? "physical " : "", addr,
			     session_not_dumped_text(why, pa, text,
						     sizeof(text)));
}

static int read_memory(uint64_t addr, void *buf, size_t len, unsigned flags,
		       void *payload)
{
	int rc;

	pgstub_log_begin();  /* GDB's setup is over (serve_log.c) */
	rc = session_read(payload, addr, buf, len, flags & GDBR_MEM_PHYS);
	if (rc == GDBR_ENODATA)
		tell_not_dumped(payload, addr, flags & GDBR_MEM_PHYS);
	else if (rc < 0 && !(flags & GDBR_MEM_PHYS))
		tell_refused(payload, addr);
	return rc;
}

static int thread_count(void *payload)
{
	struct session *s = payload;

	return guest_ncpus(s->g);
}

static int select_thread(int tid, void *payload)
{
	struct session *s = payload;

	if (tid < 1 || tid > guest_ncpus(s->g))
		return -1;
	s->cpu = tid - 1;  /* GDB's thread selects the monitor's vCPU too */
	return 0;
}

static int monitor(const char *cmd, gdbr_out *out, void *payload)
{
	return monitor_run(payload, cmd, out);
}

const struct gdbr_target_ops session_target_ops = {
	.read_register = read_register,
	.read_memory = read_memory,
	.thread_count = thread_count,
	.select_thread = select_thread,
	.monitor = monitor,
	.memory_map = session_memory_map,
};
