/*
 * gdbr_target_ops over a guest snapshot: registers from the vCPU state by
 * register name, virtual memory through the vCPU's walker context, the
 * memory map from memory_map.c. Snapshots are read-only.
 */
#include "limits_cli.h"
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int session_init(struct session *s, guest *g)
{
	int ppc = guest_arch(g) == GUEST_ARCH_PPC64;

	memset(s, 0, sizeof(*s));
	s->g = g;
	s->tdesc = ppc ? gdbr_tdesc_ppc64() :
		   guest_arch(g) == GUEST_ARCH_I386 ? gdbr_tdesc_i386() :
						      gdbr_tdesc_x86_64();
	/* By name: the description and the guest's table each follow QEMU's
	 * numbering, but the name is what both promise. */
	for (int r = 0; r < 128; r++)
		s->reg_id[r] = r < gdbr_tdesc_nregs(s->tdesc) ?
			       guest_reg_id(g, gdbr_tdesc_reg_name(s->tdesc, r)) :
			       -1;
	return 0;
}

void session_fini(struct session *s)
{
	int n = guest_ncpus(s->g);

	/* Detach before freeing: the vCPU contexts belong to the guest. */
	for (int i = 0; s->nested && i < n; i++) {
		pgw_ctx *c;

		if (guest_cpu_ctx(s->g, i, &c, NULL, 0) == 0)
			pgw_ctx_set_nested(c, NULL);
	}
	pgw_ctx_free(s->nested);
	s->nested = NULL;
	free(s->map);
	s->map = NULL;
	s->map_n = 0;
}

pgw_ctx *session_ctx(struct session *s, gdbr_out *out)
{
	char err[256];
	pgw_ctx *c;

	if (guest_cpu_ctx(s->g, s->cpu, &c, err, sizeof(err)) < 0) {
		if (out)
			gdbr_out_printf(out, "vCPU %d: %s\n", s->cpu, err);
		return NULL;
	}
	/* Bound every range walk of the views (self-aliasing tables). */
	pgw_ctx_set_walk_budget(c, s->walk_budget);
	return c;
}

int session_read(struct session *s, uint64_t addr, void *buf, size_t len,
		 int physical)
{
	unsigned char *p = buf;
	size_t done = 0;
	pgw_ctx *c = NULL;

	if (!physical && !(c = session_ctx(s, NULL)))
		return -1;
	while (done < len) {
		uint64_t va = addr + done, pa = va;
		size_t chunk = len - done, got;

		if (!physical) {
			struct pgw_result r;
			uint64_t room;

			/* Debugger's view: translate, never check access. */
			if (pgw_translate(c, va, 0, &r, NULL, NULL) < 0)
				break;
			pa = r.out_pa;
			room = r.out_page_size - (pa & (r.out_page_size - 1));
			if (room > 4096 - (va & 4095))
				room = 4096 - (va & 4095);
			if (chunk > room)
				chunk = room;
		}
		got = guest_phys_read(s->g, pa, p + done, chunk);
		done += got;
		if (got < chunk)
			break;
	}
	return done ? (int)done : -1;
}

/*
 * Every register gets a value, so that GDB attaches to any snapshot: what
 * the source holds, what an option supplied, or 0 when nobody knows it (a
 * raw image, a dump without NT_PRSTATUS, the x87/SSE state). GDB gives up
 * on a target whose PC is "unavailable".
 * Values go out in the target's byte order: x86 little-endian; ppc64 as
 * QEMU's gdbstub sends them, little-endian when MSR[LE] is set (ppc64el
 * kernels), else big. Wider registers (st0, xmm0) are zero-extended.
 */
static int read_register(int tid, int regno, void *buf, size_t size,
			 void *payload)
{
	struct session *s = payload;
	unsigned char *out = buf;
	int id = regno >= 0 && regno < 128 ? s->reg_id[regno] : -1;
	int big = 0;
	uint64_t v, msr;

	if (tid < 1 || tid > guest_ncpus(s->g))
		return -1;
	guest_reg_read(s->g, tid - 1, id, &v);
	if (guest_arch(s->g) == GUEST_ARCH_PPC64) {
		guest_reg_read(s->g, tid - 1, guest_reg_id(s->g, "msr"), &msr);
		big = !(msr & 1);
	}
	for (size_t i = 0; i < size; i++) {
		size_t byte = big ? size - 1 - i : i;

		out[i] = byte < 8 ? (unsigned char)(v >> (8 * byte)) : 0;
	}
	return (int)size;
}

static int read_memory(uint64_t addr, void *buf, size_t len, unsigned flags,
		       void *payload)
{
	pgstub_log_begin();  /* GDB's setup is over (serve_log.c) */
	return session_read(payload, addr, buf, len, flags & GDBR_MEM_PHYS);
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
