/*
 * pgstub's monitor commands (GDB's `monitor …`, later the shell): parsing
 * and dispatch. Every view is rendered by libpgwalk on the current vCPU's
 * context (or the guest view `nested radix` puts in its place); this file
 * only parses arguments and picks the view.
 */
#include "serving/session.h"
#include "serving/cli.h"
#include "info_registers.h"
#include "monitor.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 16

struct cmd {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(struct session *s, int argc, char **argv, gdbr_out *out);
};

static int to_out(const char *buf, size_t len, void *payload)
{
	return gdbr_out_write(payload, buf, len);
}

static int need_addr(const char *arg, uint64_t *v, gdbr_out *out)
{
	if (parse_u64(arg, v) == 0)
		return 0;
	gdbr_out_printf(out, "invalid address '%s'\n", arg ? arg : "");
	return -1;
}

/*
 * A view's result: a walk that used up its budget (tables that alias
 * themselves, or more of them than --walk-budget) ends with one line
 * saying so; output cut at the engine's limit is reported by the engine.
 */
static int view_done(struct session *s, int rc, gdbr_out *out)
{
	if (gdbr_out_error(out) == GDBR_ELIMIT)
		return 1;
	if (rc == PGW_ELIMIT) {
		gdbr_out_printf(out, "*** walk limit reached after %" PRIu64
				" tables (pgstub --walk-budget): the page tables "
				"are huge or alias themselves; narrow it: info pg "
				"--range A B\n", s->walk_budget ? s->walk_budget :
				(uint64_t)1 << 22);
		return 0;
	}
	return rc < 0;
}

static int cmd_info_tlb(struct session *s, int argc, char **argv, gdbr_out *out)
{
	pgw_ctx *c = session_ctx(s, out);

	return c ? view_done(s, pgw_view_tlb(c, to_out, out), out) : 1;
}

/* ppc64 hash MMU views; other contexts say why there is nothing. */
static int cmd_info_slb(struct session *s, int argc, char **argv, gdbr_out *out)
{
	pgw_ctx *c = session_ctx(s, out);

	if (c && pgw_ctx_mode(c) != PGW_MODE_PPC64_HASH) {
		gdbr_out_printf(out, "info slb: the vCPU has no SLB (%s)\n",
				pgw_mode_name(pgw_ctx_mode(c)));
		return 1;
	}
	return c ? pgw_view_slb(c, to_out, out) < 0 : 1;
}

static int cmd_info_hpt(struct session *s, int argc, char **argv, gdbr_out *out)
{
	pgw_ctx *c = session_ctx(s, out);

	if (c && pgw_ctx_mode(c) != PGW_MODE_PPC64_HASH) {
		gdbr_out_printf(out, "info hpt: the vCPU has no hashed page "
				"table (%s)\n", pgw_mode_name(pgw_ctx_mode(c)));
		return 1;
	}
	return c ? pgw_view_hpt(c, to_out, out) < 0 : 1;
}

static int cmd_info_mem(struct session *s, int argc, char **argv, gdbr_out *out)
{
	pgw_ctx *c = session_ctx(s, out);
	int rc;

	if (!c)
		return 1;
	rc = view_done(s, pgw_view_mem(c, to_out, out), out);
	if (!rc)
		monitor_count_not_dumped(s, c, NULL, out);
	return rc;
}

static int cmd_info_pg(struct session *s, int argc, char **argv, gdbr_out *out)
{
	struct pgw_pg_opts o = PGW_PG_OPTS_INIT;
	pgw_ctx *c;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-w")) {
			o.filter.need |= PGW_PERM_W;
		} else if (!strcmp(argv[i], "-x")) {
			o.filter.need |= PGW_PERM_X;
		} else if (!strcmp(argv[i], "-u")) {
			o.filter.need |= PGW_PERM_U;
		} else if (!strcmp(argv[i], "-s")) {
			o.filter.deny |= PGW_PERM_U;
		} else if (!strcmp(argv[i], "--json")) {
			o.json = 1;
		} else if (!strcmp(argv[i], "--kernel-names")) {
			o.kernel_names = 1;
		} else if (!strcmp(argv[i], "--range") && i + 2 < argc) {
			if (need_addr(argv[i + 1], &o.filter.start, out) ||
			    need_addr(argv[i + 2], &o.filter.last, out))
				return 1;
			if (o.filter.last > o.filter.start)
				o.filter.last--;  /* --range A B is [A, B) */
			i += 2;
		} else {
			gdbr_out_printf(out, "info pg: unknown option '%s' "
					"(use --range A B, -w, -x, -u, -s, --json, "
					"--kernel-names)\n",
					argv[i]);
			return 1;
		}
	}
	if ((o.filter.need & PGW_PERM_U) && (o.filter.deny & PGW_PERM_U)) {
		gdbr_out_printf(out, "info pg: -u and -s exclude each other\n");
		return 1;
	}
	c = session_ctx(s, out);
	if (!c)
		return 1;
	rc = view_done(s, pgw_view_pg(c, &o, to_out, out), out);
	if (!rc && !o.json)
		monitor_count_not_dumped(s, c, &o.filter, out);
	return rc;
}

static int regs_to_out(const char *buf, size_t len, void *payload)
{
	return gdbr_out_write(payload, buf, len);
}

/* QEMU's layout, in info_registers.c. */
static int cmd_info_registers(struct session *s, int argc, char **argv,
			      gdbr_out *out)
{
	return regs_info_registers(s->g, s->cpu, argc, argv, regs_to_out, out);
}

/* A VA whose half has no root (an aarch64 user address without
 * TTBR0_EL1, an x86_64 one under the kernel's own root) is answered with
 * what is missing, not "Unmapped". */
static int refuse_unrooted(struct session *s, uint64_t va, gdbr_out *out)
{
	const char *why = session_refusal(s, va);

	if (!why)
		return 0;
	gdbr_out_printf(out, "vCPU %d: 0x%" PRIx64 ": %s\n", s->cpu, va, why);
	return 1;
}

static int cmd_gva2gpa(struct session *s, int argc, char **argv, gdbr_out *out)
{
	uint64_t va;
	pgw_ctx *c;

	if (argc != 2) {
		gdbr_out_printf(out, "usage: gva2gpa ADDR\n");
		return 1;
	}
	if (need_addr(argv[1], &va, out))
		return 1;
	if (refuse_unrooted(s, va, out))
		return 0;  /* an answer, as QEMU's "Unmapped" is */
	c = session_ctx(s, out);
	if (!c || pgw_view_gva2gpa(c, va, to_out, out) < 0)
		return 1;
	monitor_note_not_dumped(s, va, out);
	return 0;
}

static int cmd_vtop(struct session *s, int argc, char **argv, gdbr_out *out)
{
	uint64_t va;
	pgw_ctx *c;

	if (argc != 2) {
		gdbr_out_printf(out, "usage: vtop ADDR\n");
		return 1;
	}
	if (need_addr(argv[1], &va, out))
		return 1;
	if (refuse_unrooted(s, va, out))
		return 0;  /* an answer, as QEMU's "Unmapped" is */
	c = session_ctx(s, out);
	if (!c || pgw_view_vtop(c, va, to_out, out) < 0)
		return 1;
	monitor_note_not_dumped(s, va, out);
	return 0;
}

struct ptov {
	uint64_t pa;
	unsigned hits;
	gdbr_out *out;
	unsigned nskip;           /* regions whose tables are unknown */
	uint64_t skip[2][2];      /* their spans, [start, end) */
};

static int ptov_leaf(const struct pgw_leaf *l, void *payload)
{
	struct ptov *p = payload;

	if (p->pa < l->pa || p->pa - l->pa >= l->size)
		return 0;
	p->hits++;
	return gdbr_out_printf(p->out, "%016" PRIx64 "\n",
			       l->va + (p->pa - l->pa));
}

/* A region the walk could not enter for want of its root (an arm64 half
 * without TTBRn_EL1, the x86 user half under a kernel-only root): its
 * mappings are unknown, which "not mapped" must not claim. */
static int ptov_fault(uint64_t start, uint64_t end, const struct pgw_fault *f,
		      void *payload)
{
	struct ptov *p = payload;

	if (f->out_level < 0 && f->out_reason == PGW_FAULT_NO_ROOT &&
	    p->nskip < 2) {
		p->skip[p->nskip][0] = start;
		p->skip[p->nskip][1] = end;
		p->nskip++;
	}
	return 0;
}

static int cmd_ptov(struct session *s, int argc, char **argv, gdbr_out *out)
{
	struct pgw_walk_ops ops = { .leaf = ptov_leaf, .fault = ptov_fault };
	struct ptov p = { .out = out };
	pgw_ctx *c;
	int rc;

	if (argc != 2) {
		gdbr_out_printf(out, "usage: ptov PADDR\n");
		return 1;
	}
	if (need_addr(argv[1], &p.pa, out) || !(c = session_ctx(s, out)))
		return 1;
	if (pgw_ctx_mode(c) == PGW_MODE_NONE) {
		gdbr_out_printf(out, "%016" PRIx64 "\n", p.pa);
		return 0;
	}
	rc = pgw_walk(c, NULL, &ops, &p);
	if (rc < 0)
		return view_done(s, rc, out);
	if (!p.hits)
		gdbr_out_printf(out, "physical address 0x%" PRIx64
				" is not mapped%s\n", p.pa, p.nskip ?
				" where the page tables are known" : "");
	for (unsigned i = 0; i < p.nskip; i++) {
		const char *why = session_refusal(s, p.skip[i][0]);

		gdbr_out_printf(out, "%016" PRIx64 "-%016" PRIx64 " not "
				"searched: %s\n", p.skip[i][0], p.skip[i][1],
				why ? why : pgw_fault_reason_name(
				PGW_FAULT_NO_ROOT));
	}
	return 0;
}

static int cmd_cpu(struct session *s, int argc, char **argv, gdbr_out *out)
{
	uint64_t n;

	if (argc != 2 || parse_u64(argv[1], &n) ||
	    n >= (uint64_t)guest_ncpus(s->g)) {
		gdbr_out_printf(out, "invalid CPU index (0..%d)\n",
				guest_ncpus(s->g) - 1);
		return 1;
	}
	s->cpu = (int)n;
	return 0;
}

static int attach_nested(struct session *s, pgw_ctx *host, gdbr_out *out)
{
	for (int i = 0; i < guest_ncpus(s->g); i++) {
		char err[256];
		pgw_ctx *c;

		if (guest_cpu_ctx(s->g, i, &c, err, sizeof(err)) < 0)
			continue;
		if (pgw_ctx_set_nested(c, host) < 0) {
			gdbr_out_printf(out, "vCPU %d: cannot attach nested "
					"tables\n", i);
			return 1;
		}
	}
	return 0;
}

/*
 * VTCR_EL2 when `nested s2` is given none: 4K granule, 48-bit IPA
 * (T0SZ 16), the walk starting at level 0 (SL0 2), 48-bit PA (PS 5),
 * inner shareable write-back: what Linux's KVM sets up on a 48-bit host.
 */
#define DEFAULT_VTCR 0x53590ULL

/* nested s2 VTTBR [VTCR]: arm64 stage 2, checked against the vCPU's
 * ID_AA64MMFR0_EL1 where the snapshot has it. */
static int new_s2(struct session *s, int argc, char **argv, pgw_ctx **host,
		  gdbr_out *out)
{
	const struct guest_arm64_cpu *c = guest_arm64_cpu(s->g, s->cpu);
	uint64_t vttbr, vtcr = DEFAULT_VTCR, mmfr0 = 0;
	char err[256];

	if (argc < 3 || argc > 4 || need_addr(argv[2], &vttbr, out) ||
	    (argc == 4 && need_addr(argv[3], &vtcr, out)))
		return -1;
	if (c && (c->valid & GUEST_ARM64_HAS_SYS(GUEST_A64_ID_AA64MMFR0)))
		mmfr0 = c->sys[GUEST_A64_ID_AA64MMFR0];
	if (pgw_ctx_new_arm64_s2(host, vttbr, vtcr, mmfr0, guest_mem_ops(s->g),
				 s->g, err, sizeof(err)) < 0) {
		gdbr_out_printf(out, "nested: %s\n", err);
		return 1;
	}
	return 0;
}

/* PIDR holds 20 bits (Power ISA 3.0B, Book III: the PID register). */
#define PPC64_PID_MAX 0xfffffULL

/* Why the current vCPU cannot root a nested radix walk, or NULL; @p m
 * gets its MMU registers. */
static const char *radix_refusal(struct session *s, struct guest_ppc64_mmu *m)
{
	if (guest_arch(s->g) != GUEST_ARCH_PPC64 ||
	    guest_ppc64_mmu(s->g, s->cpu, m))
		return "not a ppc64 guest (the other arches nest with ept, "
		       "npt, s2 or hgatp)";
	if (!(m->known & GUEST_PPC64_MMU_PTCR) || !m->ptcr)
		return m->known & GUEST_PPC64_MMU_PATB ?
		       "no PTCR known: this is a pseries guest, whose "
		       "partition table is its hypervisor's; a powernv "
		       "snapshot of the host with --reg ptcr=PTCR is needed" :
		       "no PTCR known (a powernv migration stream holds it, "
		       "a dump does not): give --reg ptcr=PTCR";
	if (!guest_ppc64_is_radix(m))
		return "the vCPU uses the hashed page table (LPCR[HR] = 0), "
		       "not radix";
	return NULL;
}

/*
 * nested radix LPID [PID]: a KVM guest of a powernv (POWER9 radix,
 * hypervisor) snapshot seen as it sees itself. Its process table, PRTEs
 * and trees are at guest real addresses, each fetched through the
 * partition-scoped tree of PATE[LPID] (PTCR from the vCPU). The guest's
 * context replaces every vCPU's view (session_set_view) instead of being
 * attached under each: the vCPUs' own registers are the host's. Quadrant
 * 3 (the guest kernel) translates with PRTE[0], quadrant 0 with PRTE[PID].
 */
static int new_radix(struct session *s, int argc, char **argv, gdbr_out *out)
{
	struct pgw_ppc64_radix_regs r = PGW_PPC64_RADIX_REGS_INIT;
	struct guest_ppc64_mmu m;
	pgw_ctx *part = NULL, *view = NULL;
	uint64_t lpid, pid = 0;
	const char *why;
	char err[256];

	if (argc < 3 || argc > 4)
		return -1;
	if (parse_u64(argv[2], &lpid)) {
		gdbr_out_printf(out, "nested radix: invalid LPID '%s'\n",
				argv[2]);
		return 1;
	}
	if (argc == 4 && (parse_u64(argv[3], &pid) || pid > PPC64_PID_MAX)) {
		gdbr_out_printf(out, "nested radix: invalid PID '%s' (PIDR "
				"holds 20 bits: 0 to 0xfffff)\n", argv[3]);
		return 1;
	}
	if ((why = radix_refusal(s, &m))) {
		gdbr_out_printf(out, "nested radix: vCPU %d: %s\n", s->cpu, why);
		return 1;
	}
	if (lpid == 0) {
		gdbr_out_printf(out, "nested radix: LPID 0 is the hypervisor's "
				"own partition, which the vCPU's view already "
				"shows (nested off)\n");
		return 1;
	}
	if (pgw_ctx_new_ppc64_radix_part(&part, m.ptcr, lpid, 0,
					 guest_mem_ops(s->g), s->g, err,
					 sizeof(err)) < 0) {
		gdbr_out_printf(out, "nested radix: %s\n", err);
		return 1;
	}
	/* The guest as its kernel runs: MSR[HV] = 0 and LPIDR = LPID pick
	 * PATE[LPID]; MSR[PR] = 0, as a debugger reads. */
	r.ptcr = m.ptcr;
	r.lpidr = lpid;
	r.pidr = pid;
	if (pgw_ctx_new_ppc64_radix_nested(&view, &r, part, guest_mem_ops(s->g),
					   s->g, err, sizeof(err)) < 0) {
		pgw_ctx_free(part);
		gdbr_out_printf(out, "nested radix: LPID %" PRIu64 ": %s\n",
				lpid, err);
		return 1;
	}
	attach_nested(s, NULL, out);
	pgw_ctx_free(s->nested);
	s->nested = NULL;
	session_set_view(s, view, part);
	return 0;
}

static int cmd_nested(struct session *s, int argc, char **argv, gdbr_out *out)
{
	enum pgw_mode mode;
	pgw_ctx *host = NULL;
	uint64_t root;
	char err[256];
	int five = 0;

	if (argc == 2 && !strcmp(argv[1], "off")) {
		session_set_view(s, NULL, NULL);
		attach_nested(s, NULL, out);
		pgw_ctx_free(s->nested);
		s->nested = NULL;
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "hgatp")) {
		/* RISC-V G-stage: MODE in hgatp picks Sv39x4/48x4/57x4. */
		uint64_t hgatp;

		if (need_addr(argv[2], &hgatp, out))
			return 1;
		if (pgw_ctx_new_riscv_gstage(&host, hgatp, guest_mem_ops(s->g),
					     s->g, err, sizeof(err)) < 0) {
			gdbr_out_printf(out, "nested: %s\n", err);
			return 1;
		}
		goto attach;
	}
	if (argc >= 2 && !strcmp(argv[1], "s2")) {
		int rc = new_s2(s, argc, argv, &host, out);

		if (rc < 0)
			goto usage;
		if (rc > 0)
			return 1;
		goto attach;
	}
	if (argc >= 2 && !strcmp(argv[1], "radix")) {
		int rc = new_radix(s, argc, argv, out);

		if (rc < 0)
			goto usage;
		return rc;
	}
	if (argc == 4 && !strcmp(argv[3], "--5level"))
		five = 1;
	else if (argc != 3)
		goto usage;
	if (!strcmp(argv[1], "ept"))
		mode = five ? PGW_MODE_EPT5 : PGW_MODE_EPT4;
	else if (!strcmp(argv[1], "npt"))
		mode = five ? PGW_MODE_NPT5 : PGW_MODE_NPT4;
	else
		goto usage;
	if (need_addr(argv[2], &root, out))
		return 1;
	if (pgw_ctx_new_nested(&host, mode, root, 0, 1, guest_mem_ops(s->g),
			       s->g, err, sizeof(err)) < 0) {
		gdbr_out_printf(out, "nested: %s\n", err);
		return 1;
	}
attach:
	session_set_view(s, NULL, NULL);
	attach_nested(s, NULL, out);
	pgw_ctx_free(s->nested);
	s->nested = host;
	return attach_nested(s, host, out);
usage:
	gdbr_out_printf(out, "usage: nested ept|npt ROOT [--5level] | "
			"nested s2 VTTBR [VTCR] | nested hgatp HGATP | "
			"nested radix LPID [PID] | nested off\n");
	return 1;
}

static int cmd_xp(struct session *s, int argc, char **argv, gdbr_out *out);
static int cmd_x(struct session *s, int argc, char **argv, gdbr_out *out);
static int cmd_help(struct session *s, int argc, char **argv, gdbr_out *out);
/* For scripts (monitor_script.c). */
int monitor_cmd_version(struct session *s, int argc, char **argv, gdbr_out *out);
int monitor_cmd_info_version(struct session *s, int argc, char **argv,
			     gdbr_out *out);
int monitor_cmd_vtop_json(struct session *s, int argc, char **argv, gdbr_out *out);
int monitor_cmd_rc(struct session *s, int argc, char **argv, gdbr_out *out);
/* The page-table lint and diff (monitor_lint.c). */
int monitor_cmd_check(struct session *s, int argc, char **argv, gdbr_out *out);
int monitor_cmd_pg_mark(struct session *s, int argc, char **argv, gdbr_out *out);
int monitor_cmd_pg_diff(struct session *s, int argc, char **argv, gdbr_out *out);

static const struct cmd commands[] = {
	{ "info pg", "[--range A B] [-w] [-x] [-u] [-s] [--json] [--kernel-names]",
	  "show the page tables as a folded tree", cmd_info_pg },
	{ "info mem", "", "show the active virtual memory mappings", cmd_info_mem },
	{ "info tlb", "", "show virtual to physical memory mappings", cmd_info_tlb },
	{ "info slb", "", "ppc64: show the SLB (QEMU's format)", cmd_info_slb },
	{ "info hpt", "", "ppc64: hashed page table base, size, valid HPTEs "
	  "by page size", cmd_info_hpt },
	{ "info patb", "", "ppc64 radix: PTCR and the partition-table entries "
	  "(pseries: the entry the guest registered)", monitor_cmd_info_patb },
	{ "info prtb", "", "ppc64 radix: the vCPU's process table and its "
	  "entries", monitor_cmd_info_prtb },
	{ "info registers", "[-a]", "show the cpu registers (-a: all vCPUs)",
	  cmd_info_registers },
	{ "info version", "", "show pgstub's version, as QEMU's shows QEMU's",
	  monitor_cmd_info_version },
	{ "info dump", "", "show the snapshot's format, compression and what "
	  "it left out", monitor_cmd_info_dump },
	{ "gva2gpa", "ADDR", "print the guest physical address of a guest virtual address",
	  cmd_gva2gpa },
	{ "vtop", "ADDR", "walk the page tables for ADDR, level by level", cmd_vtop },
	{ "ptov", "PADDR", "list every virtual address mapping PADDR", cmd_ptov },
	{ "x", "/fmt ADDR", "virtual memory dump starting at ADDR", cmd_x },
	{ "xp", "/fmt ADDR", "physical memory dump starting at ADDR", cmd_xp },
	{ "check", "[--json] [--all] [--cpu N] [--range A B] [--text START END]",
	  "lint the page tables: W+X, W^X by alias, user pages in the kernel "
	  "half, writable kernel text, reserved bits, tables outside memory "
	  "or looping, pages outside RAM, misaligned pages", monitor_cmd_check },
	{ "access", "ADDR r|w|x [--user|--kernel] [--cpu N]",
	  "evaluate one access as the vCPU's MMU would: allowed, or the "
	  "fault or rule that stops it and the CPU's fault code",
	  monitor_cmd_access },
	{ "pg-mark", "[--cpu N] [--range A B]",
	  "remember the vCPU's mappings now, for pg-diff", monitor_cmd_pg_mark },
	{ "pg-diff", "[--cpu N] [--json]",
	  "mappings added, removed or changed since pg-mark", monitor_cmd_pg_diff },
	{ "cpu", "N", "select the vCPU (0-based; GDB's thread N+1 too)", cmd_cpu },
	{ "nested", "ept|npt ROOT [--5level] | s2 VTTBR [VTCR] | hgatp HGATP "
	  "| radix LPID [PID] | off",
	  "translate through nested (stage 2) tables; radix: as KVM guest "
	  "LPID sees itself (ppc64 powernv)", cmd_nested },
	{ "pgstub-version", "", "identify the stub (for scripts)",
	  monitor_cmd_version },
	{ "vtop-json", "ADDR", "vtop as one line of JSON (for scripts)",
	  monitor_cmd_vtop_json },
	{ "rc", "[--cpu N] CMD...", "run CMD, then print its status as rc=N",
	  monitor_cmd_rc },
	{ "help", "", "list commands", cmd_help },
};

#define NCMDS (sizeof(commands) / sizeof(commands[0]))

/*
 * The commands QEMU 7.2's HMP has too, with QEMU's parameter and help
 * text; `help` lists these first, then pgstub's own.
 */
static const struct { const char *name, *args, *help; } qemu_cmds[] = {
	{ "cpu", "index", "set the default CPU" },
	{ "gva2gpa", "addr", "print the guest physical address corresponding "
	  "to a guest virtual address" },
	{ "help", "[cmd]", "show the help" },
	{ "info", "[subcommand]", "show various information about the system "
	  "state" },
	{ "x", "/fmt addr", "virtual memory dump starting at 'addr'" },
	{ "xp", "/fmt addr", "physical memory dump starting at 'addr'" },
	{ "info mem", "", "show the active virtual memory mappings" },
	{ "info registers", "[-a]", "show the cpu registers (-a: all - show "
	  "register info for all cpus)" },
	{ "info tlb", "", "show virtual to physical memory mappings" },
};

#define NQEMU (sizeof(qemu_cmds) / sizeof(qemu_cmds[0]))

static int is_qemu_cmd(const char *name)
{
	for (size_t i = 0; i < NQEMU; i++)
		if (!strcmp(qemu_cmds[i].name, name))
			return 1;
	return 0;
}

/* Does @name belong to the list asked for: top level or "info …"? */
static int in_group(const char *name, int info)
{
	return info ? !strncmp(name, "info ", 5) : !strchr(name, ' ');
}

/* Like QEMU's "%s%s %s -- %s": "help|? [cmd]", "info mem  -- …". */
static void help_group(gdbr_out *out, int info, const char *only)
{
	for (size_t i = 0; i < NQEMU; i++) {
		const char *n = qemu_cmds[i].name;

		if (in_group(n, info) && (!only || !strcmp(only, n)))
			gdbr_out_printf(out, "%s%s %s -- %s\n", n,
					strcmp(n, "help") ? "" : "|?",
					qemu_cmds[i].args, qemu_cmds[i].help);
	}
	for (size_t i = 0; i < NCMDS; i++) {
		const char *n = commands[i].name;

		if (in_group(n, info) && !is_qemu_cmd(n) &&
		    (!only || !strcmp(only, n)))
			gdbr_out_printf(out, "%s %s -- %s (pgstub)\n", n,
					commands[i].args, commands[i].help);
	}
}

static int known(const char *name)
{
	if (is_qemu_cmd(name))
		return 1;
	for (size_t i = 0; i < NCMDS; i++)
		if (!strcmp(commands[i].name, name))
			return 1;
	return 0;
}

/*
 * help: QEMU's commands (QEMU's wording), then pgstub's own, marked.
 * "help info" (and "info" alone) lists the info subcommands; "help CMD"
 * that command; an unknown CMD is answered as QEMU does.
 */
static int cmd_help(struct session *s, int argc, char **argv, gdbr_out *out)
{
	char name[64];

	(void)s;
	if (argc <= 1) {
		help_group(out, 0, NULL);
		return 0;
	}
	if (!strcmp(argv[1], "info") && argc == 2) {
		help_group(out, 1, NULL);
		return 0;
	}
	snprintf(name, sizeof(name), "%s%s%s", argv[1], argc > 2 ? " " : "",
		 argc > 2 ? argv[2] : "");
	if (!known(name)) {
		/* QEMU answers like this and reports no failure. */
		gdbr_out_printf(out, "unknown command: '%s'\n", name);
		return 0;
	}
	help_group(out, argc > 2, name);
	return 0;
}

/* x and xp take the rest of the line: "/FMT ADDR" or "ADDR". */
static int dump_args(int argc, char **argv, char *buf, size_t len)
{
	buf[0] = 0;
	for (int i = 1; i < argc; i++) {
		if (strlen(buf) + strlen(argv[i]) + 2 > len)
			return -1;
		if (i > 1)
			strcat(buf, " ");
		strcat(buf, argv[i]);
	}
	return 0;
}

static int cmd_xp(struct session *s, int argc, char **argv, gdbr_out *out)
{
	char a[256];

	if (dump_args(argc, argv, a, sizeof(a)))
		return 1;
	return memdump_run(s, a, 1, out);
}

static int cmd_x(struct session *s, int argc, char **argv, gdbr_out *out)
{
	char a[256];

	if (dump_args(argc, argv, a, sizeof(a)))
		return 1;
	return memdump_run(s, a, 0, out);
}

int monitor_run(struct session *s, const char *line, gdbr_out *out)
{
	static char help_alias[] = "help";  /* QEMU's "help|?" */
	char buf[1024], *argv[MAX_ARGS + 1], *save = NULL, *tok;
	int argc = 0;

	if (strlen(line) >= sizeof(buf)) {
		gdbr_out_printf(out, "command too long\n");
		return 1;
	}
	strcpy(buf, line);
	for (tok = strtok_r(buf, " \t\r\n", &save); tok && argc < MAX_ARGS;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (argc == 0)
		return 0;
	if (!strcmp(argv[0], "?"))
		argv[0] = help_alias;
	/* Two-word commands ("info tlb") first, then one-word ones. */
	for (size_t i = 0; i < NCMDS; i++) {
		const char *n = commands[i].name, *sp = strchr(n, ' ');

		if (sp && argc >= 2 && !strncmp(argv[0], n, (size_t)(sp - n)) &&
		    !argv[0][sp - n] && !strcmp(argv[1], sp + 1))
			return commands[i].run(s, argc - 1, argv + 1, out);
		if (!sp && !strcmp(argv[0], n))
			return commands[i].run(s, argc, argv, out);
	}
	/* QEMU: "info" alone lists its subcommands; unknown ones are
	 * "unknown command: 'info foo'". */
	if (!strcmp(argv[0], "info")) {
		if (argc == 1) {
			help_group(out, 1, NULL);
			return 0;
		}
		gdbr_out_printf(out, "unknown command: 'info %s'\n", argv[1]);
		return 0;
	}
	/* As QEMU's monitor: a message, not a failed command (GDB would add
	 * "Protocol error with Rcmd"). */
	gdbr_out_printf(out, "unknown command: '%s'\n", argv[0]);
	return 0;
}
