/*
 * gdbr_target_ops over a guest snapshot: registers from the vCPU state by
 * register name, virtual memory through the vCPU's walker context, the
 * memory map from the walker's merged mappings. Snapshots are read-only.
 */
#include "limits_cli.h"
#include "session.h"
#include "transport.h"

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

/*
 * GDB fetches the memory map once and then refuses any address outside it,
 * whatever Qqemu.PhyMemMode or the selected thread say. So the map is the
 * union of every vCPU's virtual mappings (user space differs per vCPU) and
 * physical RAM (tools written for QEMU read page tables in physical mode),
 * sorted and merged: GDB drops a map whose regions overlap.
 *
 * Memory stays bounded whatever the tables hold: at most 2 * max ranges
 * are collected before they are sorted, merged and, past max, coarsened
 * (neighbours closer than a gap that doubles until they fit are joined;
 * reads in a joined gap then fail as unmapped ones do). The XML is never
 * kept whole: the engine asks again per window past its cache, and the
 * compact ranges are kept in the session for those calls.
 */
#define DEFAULT_MAX_REGIONS 65536

struct range_set {
	uint64_t (*r)[2];     /* [start, end), end 0 = top of the space */
	size_t n, cap, max;
	uint64_t gap;         /* neighbours closer than this were joined */
	int err;
};

static int cmp_range(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* A range ending at the top of the space has end 0: compare as 2^64. */
static int ends_before(uint64_t end, uint64_t start)
{
	return end != 0 && end < start;
}

/* Sort, merge overlapping and touching ranges, and those closer than gap. */
static void merge(struct range_set *rs)
{
	size_t i = 0, o = 0;

	qsort(rs->r, rs->n, sizeof(*rs->r), cmp_range);
	while (i < rs->n) {
		uint64_t start = rs->r[i][0], end = rs->r[i][1];

		for (i++; i < rs->n; i++) {
			uint64_t next = rs->r[i][0];

			if (ends_before(end, next) &&
			    (rs->gap == 0 || next - end >= rs->gap))
				break;
			if (end != 0 && (rs->r[i][1] == 0 || rs->r[i][1] > end))
				end = rs->r[i][1];
		}
		rs->r[o][0] = start;
		rs->r[o][1] = end;
		o++;
	}
	rs->n = o;
}

static void shrink(struct range_set *rs)
{
	merge(rs);
	while (rs->n > rs->max) {
		rs->gap = rs->gap ? rs->gap * 2 : 4096;
		merge(rs);
	}
}

static int range_add(struct range_set *rs, uint64_t start, uint64_t end)
{
	/* Mappings arrive in VA order: extend the last range when they touch. */
	if (rs->n && start && rs->r[rs->n - 1][1] == start) {
		rs->r[rs->n - 1][1] = end;
		return 0;
	}
	if (rs->n == 2 * rs->max)
		shrink(rs);
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 64;
		void *p;

		if (cap > 2 * rs->max)
			cap = 2 * rs->max;
		p = realloc(rs->r, cap * sizeof(*rs->r));
		if (!p) {
			rs->err = 1;
			return 1;
		}
		rs->r = p;
		rs->cap = cap;
	}
	rs->r[rs->n][0] = start;
	rs->r[rs->n][1] = end;
	rs->n++;
	return 0;
}

static int add_ram(uint64_t pa, uint64_t size, void *payload)
{
	return range_add(payload, pa, pa + size);
}

static int add_mapping(const struct pgw_mapping *pm, void *payload)
{
	return range_add(payload, pm->va, pm->va + pm->size);
}

static int is_io(uint64_t pa, uint64_t size, void *payload)
{
	return !guest_phys_is_ram(payload, pa, size);
}

/* Collect every vCPU's mappings and RAM into s->map. */
static int collect(struct session *s)
{
	struct range_set rs = { 0 };

	rs.max = s->max_regions ? s->max_regions : DEFAULT_MAX_REGIONS;
	guest_phys_ranges(s->g, add_ram, &rs);
	for (int cpu = 0; cpu < guest_ncpus(s->g) && !rs.err; cpu++) {
		pgw_ctx *c;
		int r;

		/* Paging off: virtual is physical RAM, already listed. */
		if (guest_cpu_ctx(s->g, cpu, &c, NULL, 0) < 0 ||
		    pgw_ctx_mode(c) == PGW_MODE_NONE)
			continue;
		pgw_ctx_set_walk_budget(c, s->walk_budget);
		r = pgw_mappings(c, NULL, is_io, s->g, add_mapping, &rs);
		if (r < 0 && r != PGW_ELIMIT)
			rs.err = 1;
		else if (r == PGW_ELIMIT && cpu < 32 &&
			 !(s->map_told_limit & 1u << cpu)) {
			/* GDB asks for the map on every connection: the
			 * log says it once, not once per request. */
			s->map_told_limit |= 1u << cpu;
			gdbr_transport_log(stderr, "pgstub: memory map: vCPU "
					   "%d: walk limit reached (--walk-budget), "
					   "map cut there\n", cpu);
		}
	}
	if (rs.err) {
		free(rs.r);
		return -1;
	}
	shrink(&rs);
	if (rs.gap && rs.gap != s->map_told_gap) {
		s->map_told_gap = rs.gap;
		gdbr_transport_log(stderr, "pgstub: memory map: more than %zu "
				   "regions (--max-map-regions): regions less "
				   "than 0x%llx apart joined\n", rs.max,
				   (unsigned long long)rs.gap);
	}
	s->map = rs.r;
	s->map_n = rs.n;
	return 0;
}

static int memory_map(gdbr_out *xml, void *payload)
{
	struct session *s = payload;

	/* Offset 0 is a new read; a later window reuses the kept ranges. */
	if (gdbr_out_offset(xml) == 0 || !s->map) {
		free(s->map);
		s->map = NULL;
		s->map_n = 0;
		if (collect(s))
			return -1;
	}
	if (gdbr_out_printf(xml, "<?xml version=\"1.0\"?>\n"
			    "<!DOCTYPE memory-map PUBLIC \"+//IDN gnu.org//DTD GDB Memory Map V1.0//EN\" \"http://sourceware.org/gdb/gdb-memory-map.dtd\">\n"
			    "<memory-map>\n"))
		return -1;
	for (size_t i = 0; i < s->map_n; i++)
		if (gdbr_out_printf(xml, "  <memory type=\"ram\" start=\"0x%llx\" "
				    "length=\"0x%llx\"/>\n",
				    (unsigned long long)s->map[i][0],
				    (unsigned long long)(s->map[i][1] -
							 s->map[i][0])))
			return -1;
	return gdbr_out_printf(xml, "</memory-map>\n");
}

const struct gdbr_target_ops session_target_ops = {
	.read_register = read_register,
	.read_memory = read_memory,
	.thread_count = thread_count,
	.select_thread = select_thread,
	.monitor = monitor,
	.memory_map = memory_map,
};
