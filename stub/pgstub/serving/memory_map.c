/*
 * GDB's memory map of a session (qXfer:memory-map:read). GDB reads it once
 * per connection and from then on refuses any address outside it, so what
 * it says must hold for the whole connection: by default the address spans
 * the session's paging modes can translate (--memory-map canonical), on
 * request a snapshot's mappings of the moment (mappings), or nothing (none).
 */
#include "session.h"
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Mappings change under GDB's feet: a live guest starts processes, grows
 * stacks, loads modules; any session switches vCPU (`thread N`, `cpu N`) or
 * attaches nested tables (`nested …`) after GDB read the map. A map of the
 * mappings at connect then fenced off memory that later became mapped. The
 * spans a mode can translate do not change with any of that, and pgstub's
 * own translation refuses what is not mapped (an error reply, as QEMU's
 * gdbstub gives). On a snapshot each vCPU's mode is fixed; a live guest may
 * change mode (it boots), so there the architecture's widest mode counts.
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

/* Sort, merge overlapping and touching ranges, and those closer than gap:
 * GDB drops a map whose regions overlap. */
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

/* Past max, join neighbours closer than a gap that doubles until they fit;
 * reads in a joined gap then fail as unmapped ones do (pgstub refuses them),
 * so joining never hides mapped memory from GDB. */
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

static void add_spans(struct range_set *rs, uint64_t sp[2][2], int n)
{
	for (int i = 0; i < n; i++)
		range_add(rs, sp[i][0], sp[i][1]);
}

/* A context's spans, and under arm64 top-byte-ignore the same spans with
 * every other top byte: a tagged pointer (HWASan, MTE, a KASAN kernel)
 * reads as its untagged alias, and GDB refuses what the map leaves out. */
static void add_ctx_spans(struct range_set *rs, pgw_ctx *c)
{
	uint64_t sp[2][2];
	int n = pgw_ctx_va_spans(c, sp);

	add_spans(rs, sp, n);
	for (int i = 0; i < n; i++) {
		uint64_t ig = pgw_ctx_va_ignored(c, sp[i][0]);
		uint64_t size = sp[i][1] - sp[i][0];  /* end 0: the top */
		unsigned shift;

		if (!ig || (ig & (ig + (ig & -ig))) || !size)
			continue;  /* none, or not one run of top bits */
		shift = (unsigned)__builtin_ctzll(ig);
		if (size > (1ULL << shift))
			continue;  /* the span already covers the tag bits */
		for (uint64_t t = 0; t <= ig >> shift; t++) {
			uint64_t start = (sp[i][0] & ~ig) | (t << shift);

			if (start != sp[i][0])
				range_add(rs, start, start + size);
		}
	}
}

/* The spans that hold every mode's of the architecture. */
static int widest_spans(enum guest_arch arch, uint64_t sp[2][2])
{
	switch (arch) {
	case GUEST_ARCH_X86_64: return pgw_mode_va_spans(PGW_MODE_X86_5L, sp);
	case GUEST_ARCH_I386: return pgw_mode_va_spans(PGW_MODE_X86_PAE, sp);
	case GUEST_ARCH_RISCV64: return pgw_mode_va_spans(PGW_MODE_RISCV_SV57, sp);
	case GUEST_ARCH_RISCV32: return pgw_mode_va_spans(PGW_MODE_RISCV_SV32, sp);
	case GUEST_ARCH_PPC64:
	case GUEST_ARCH_AARCH64:  /* top-byte-ignore: any top byte */
		break;
	}
	sp[0][0] = sp[0][1] = 0;  /* the whole space */
	return 1;
}

/* Every vCPU's translatable spans (the architecture's widest on a live
 * guest or where a vCPU's mode is unknown) and physical RAM, which tools
 * written for QEMU read in physical mode. */
static void collect_spans(struct session *s, struct range_set *rs)
{
	int wide = guest_format(s->g) == GUEST_FMT_LIVE;
	uint64_t sp[2][2];

	guest_phys_ranges(s->g, add_ram, rs);
	for (int cpu = 0; cpu < guest_ncpus(s->g) && !wide; cpu++) {
		pgw_ctx *c;

		if (guest_cpu_ctx(s->g, cpu, &c, NULL, 0) < 0)
			wide = 1;
		else
			add_ctx_spans(rs, c);
	}
	if (wide)
		add_spans(rs, sp, widest_spans(guest_arch(s->g), sp));
}

/* Every vCPU's mappings of the moment and physical RAM. */
static void collect_mappings(struct session *s, struct range_set *rs)
{
	guest_phys_ranges(s->g, add_ram, rs);
	for (int cpu = 0; cpu < guest_ncpus(s->g) && !rs->err; cpu++) {
		pgw_ctx *c;
		int r;

		/* Paging off: virtual is physical RAM, already listed. */
		if (guest_cpu_ctx(s->g, cpu, &c, NULL, 0) < 0 ||
		    pgw_ctx_mode(c) == PGW_MODE_NONE)
			continue;
		pgw_ctx_set_walk_budget(c, s->walk_budget);
		r = pgw_mappings(c, NULL, is_io, s->g, add_mapping, rs);
		if (r < 0 && r != PGW_ELIMIT)
			rs->err = 1;
		else if (r == PGW_ELIMIT && cpu < 32 &&
			 !(s->map_told_limit & 1u << cpu)) {
			/* This one hides mapped memory from GDB: say so, once
			 * (GDB asks for the map on every connection). */
			s->map_told_limit |= 1u << cpu;
			pgstub_transport_log(stderr, "pgstub: memory map: vCPU "
					   "%d: walk limit reached (--walk-budget), "
					   "map cut there\n", cpu);
		}
	}
}

/* The session's map into s->map, sorted, merged and at most max regions. */
static int collect(struct session *s)
{
	struct range_set rs = { 0 };

	rs.max = s->max_regions ? s->max_regions : DEFAULT_MAX_REGIONS;
	if (s->map_policy == SESSION_MAP_MAPPINGS)
		collect_mappings(s, &rs);
	else
		collect_spans(s, &rs);
	if (rs.err) {
		free(rs.r);
		return -1;
	}
	shrink(&rs);
	/* Only a map of mappings is long enough to be coarsened; its user
	 * wanted GDB's info mem to list them, so say it (once per change). */
	if (rs.gap && rs.gap != s->map_told_gap) {
		s->map_told_gap = rs.gap;
		pgstub_transport_log(stderr, "pgstub: memory map: more than %zu "
				   "regions (--max-map-regions): regions less "
				   "than 0x%llx apart joined\n", rs.max,
				   (unsigned long long)rs.gap);
	}
	s->map = rs.r;
	s->map_n = rs.n;
	return 0;
}

int session_map_offered(struct session *s)
{
	int whole;

	if (!s->g || s->map_policy == SESSION_MAP_NONE)
		return 0;
	if (s->map_policy == SESSION_MAP_MAPPINGS)
		return 1;
	/* A map of the whole space (32-bit on i386 and riscv32, whose GDB
	 * addresses no more) fences nothing: offer none, as QEMU's gdbstub. */
	free(s->map);
	s->map = NULL;
	if (collect(s))
		return 1;
	whole = s->map_n >= 1 && s->map[0][0] == 0 &&
		(s->map[0][1] == 0 ||
		 (guest_arch_bits(guest_arch(s->g)) == 32 &&
		  s->map[0][1] >= 1ULL << 32));
	return !whole;
}

int session_memory_map(gdbr_out *xml, void *payload)
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
