/*
 * The shell's own commands — disas, x /Ni and xp /Ni, set disassembler,
 * help, quit — and the hand-off of every other line to the monitor
 * command table that GDB's `monitor` uses.
 */
#include "shell.h"
#include "monitor/monitor.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DISAS 4096

const struct shell_cmd_doc shell_cmd_docs[] = {
	{ "disas", "[-m MODE] [-p] [ADDR [N]]",
	  "disassemble N (10) instructions at ADDR ($pc) of the vCPU" },
	{ "x", "/Ni ADDR", "disassemble N instructions at virtual ADDR" },
	{ "xp", "/Ni ADDR", "disassemble N instructions at physical ADDR" },
	{ "set disassembler", "auto|16|32|64|ppc64|ppc64le|riscv64|arm64",
	  "choose the instruction set (auto: from the vCPU's mode)" },
	{ "quit", "", "leave the shell (also exit, Ctrl-D)" },
};
const size_t shell_ncmd_docs = sizeof(shell_cmd_docs) / sizeof(shell_cmd_docs[0]);

/*
 * ppc64 guests (when the guest layer has them): byte order from MSR[LE]
 * (Power ISA 3.0 Book III 4.2.1: MSR bit 63, the least significant),
 * $pc = NIP, $sp = r1. Ubuntu/Debian ppc64el run little-endian, the
 * default when the registers are unknown.
 */
static int ppc64_regs(struct session *s, enum disas_mode *m, uint64_t *pc,
		      uint64_t *sp)
{
#ifdef GUEST_PPC64_HAS_GPRS
	const struct guest_ppc64_cpu *p;

	if (guest_arch(s->g) != GUEST_ARCH_PPC64)
		return 0;
	p = guest_ppc64_cpu(s->g, s->cpu);
	if (!p || !(p->valid & GUEST_PPC64_HAS_GPRS)) {
		*m = DISAS_PPC64LE;
		return -1;
	}
	*m = (p->msr & 1) ? DISAS_PPC64LE : DISAS_PPC64;
	*pc = p->nip;
	*sp = p->gpr[1];
	return 1;
#else
	(void)s; (void)m; (void)pc; (void)sp;
	return 0;
#endif
}

/* riscv64 guests: $pc, and $sp as x2. */
static int riscv_regs(struct session *s, uint64_t *pc, uint64_t *sp)
{
	const struct guest_riscv_cpu *c = guest_riscv_cpu(s->g, s->cpu);

	if (!c || !(c->valid & GUEST_RISCV_HAS_GPRS))
		return -1;
	*pc = c->pc;
	*sp = c->x[2];
	return 1;
}

/* aarch64 guests: $pc, and $sp as the NT_PRSTATUS / gdbstub "sp" (the
 * stack pointer of the vCPU's current EL); riscv64 guests likewise. */
static int arm64_regs(struct session *s, uint64_t *pc, uint64_t *sp)
{
	const struct guest_arm64_cpu *a;

	if (guest_arch_is_riscv(guest_arch(s->g)))
		return riscv_regs(s, pc, sp);
	if (guest_arch(s->g) != GUEST_ARCH_AARCH64)
		return 0;
	a = guest_arm64_cpu(s->g, s->cpu);
	if (!a || !(a->valid & GUEST_ARM64_HAS_GPRS))
		return -1;
	*pc = a->pc;
	*sp = a->sp;
	return 1;
}

/* The instruction set the vCPU runs: CR0.PE, EFER.LMA and CS.L / CS.D;
 * A64 on aarch64 (an EL0 task in AArch32 is not decoded as such). */
static enum disas_mode cpu_mode(struct session *s)
{
	const struct guest_x86_cpu *r = guest_x86_cpu(s->g, s->cpu);
	/* QEMU's descriptor flags: L is bit 21, D/B bit 22 (SDM 3A 3.4.5). */
	const uint32_t cs_l = 1u << 21, cs_d = 1u << 22;
	enum disas_mode m;
	uint64_t pc, sp;

	if (ppc64_regs(s, &m, &pc, &sp))
		return m;
	if (guest_arch(s->g) == GUEST_ARCH_AARCH64)
		return DISAS_ARM64;
	if (guest_arch(s->g) == GUEST_ARCH_RISCV64)
		return DISAS_RISCV64;
	if (guest_arch(s->g) == GUEST_ARCH_RISCV32)
		return DISAS_RISCV32;
	if (!r)
		return guest_arch(s->g) == GUEST_ARCH_I386 ? DISAS_X86_32 :
							     DISAS_X86_64;
	if ((r->valid & GUEST_X86_HAS_CRS) && !(r->cr0 & 1))
		return DISAS_X86_16;
	if (!(r->valid & GUEST_X86_HAS_SEGDESC)) {
		if (r->efer & PGW_EFER_LMA)
			return DISAS_X86_64;
		return guest_arch(s->g) == GUEST_ARCH_I386 ? DISAS_X86_32 :
			((r->valid & GUEST_X86_HAS_CRS) ? DISAS_X86_32 : DISAS_X86_64);
	}
	if ((r->efer & PGW_EFER_LMA) && (r->seg[GUEST_CS].flags & cs_l))
		return DISAS_X86_64;
	return (r->seg[GUEST_CS].flags & cs_d) ? DISAS_X86_32 : DISAS_X86_16;
}

/* A number, or $pc/$rip/$eip/$sp/$rsp/$esp of the current vCPU. */
static int parse_addr(struct shell *sh, const char *arg, uint64_t *v)
{
	const struct guest_x86_cpu *r = guest_x86_cpu(sh->s.g, sh->s.cpu);

	if (arg && arg[0] == '$') {
		int pc = !strcmp(arg, "$pc") || !strcmp(arg, "$rip") ||
			 !strcmp(arg, "$eip") || !strcmp(arg, "$nip");
		int sp = !strcmp(arg, "$sp") || !strcmp(arg, "$rsp") ||
			 !strcmp(arg, "$esp") || !strcmp(arg, "$r1");
		enum disas_mode m;
		uint64_t ppc_pc, ppc_sp;

		if ((pc || sp) &&
		    (ppc64_regs(&sh->s, &m, &ppc_pc, &ppc_sp) > 0 ||
		     arm64_regs(&sh->s, &ppc_pc, &ppc_sp) > 0)) {
			*v = pc ? ppc_pc : ppc_sp;
			return 0;
		}
		if ((!pc && !sp) || !r || !(r->valid & GUEST_X86_HAS_GPRS)) {
			gdbr_out_printf(sh->out, "%s: no such register in this "
					"snapshot (use $pc or $sp)\n", arg);
			return -1;
		}
		*v = pc ? r->rip : r->gpr[7];
		if (guest_arch(sh->s.g) == GUEST_ARCH_I386)
			*v &= 0xffffffffu;
		return 0;
	}
	if (parse_u64(arg, v) == 0)
		return 0;
	gdbr_out_printf(sh->out, "invalid address '%s'\n", arg ? arg : "");
	return -1;
}

static int disas_at(struct shell *sh, enum disas_mode m, uint64_t addr,
		    unsigned n, int physical)
{
	const struct shell_style *st = sh->st;
	struct disas_colors col = { st->addr, st->bytes, st->insn, st->err,
				    st->reset };
	size_t want, got = 0;
	uint8_t *buf;
	char why[128];
	int rc;

	if (m == DISAS_AUTO)
		m = sh->disas_mode != DISAS_AUTO ? sh->disas_mode : cpu_mode(&sh->s);
	if (!disas_supported(m, why, sizeof(why))) {
		gdbr_out_printf(sh->out, "disas: %s\n", why);
		return 1;
	}
	if (n == 0 || n > MAX_DISAS) {
		gdbr_out_printf(sh->out, "disas: count must be 1..%d\n", MAX_DISAS);
		return 1;
	}
	if (m == DISAS_X86_16 || m == DISAS_X86_32)
		addr &= 0xffffffffu;
	want = (size_t)n * disas_max_insn(m);
	buf = malloc(want);
	if (!buf) {
		gdbr_out_printf(sh->out, "disas: out of memory\n");
		return 1;
	}
	/* session_read stops at the first unmapped or unbacked byte. */
	rc = session_read(&sh->s, addr, buf, want, physical);
	if (rc > 0)
		got = (size_t)rc;
	if (got == 0 && !physical && !session_ctx(&sh->s, NULL)) {
		session_ctx(&sh->s, sh->out);  /* says why */
		free(buf);
		return 1;
	}
	rc = disas_buf(m, addr, buf, got, n, got < want,
		       physical ? "not in the dump" : "not mapped", &col,
		       sh->out);
	free(buf);
	/* Failing at the very first byte is an error; a listing cut short
	 * by an unmapped page is not. */
	return rc < 0 || got == 0;
}

static int cmd_disas(struct shell *sh, int argc, char **argv)
{
	enum disas_mode m = DISAS_AUTO;
	int physical = 0, i = 1;
	uint64_t addr, n = 10;
	const struct guest_x86_cpu *r;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-p")) {
			physical = 1;
		} else if (!strcmp(argv[i], "-m") && i + 1 < argc) {
			if (disas_mode_parse(argv[++i], &m)) {
				gdbr_out_printf(sh->out, "disas: unknown mode '%s' "
						"(%s)\n", argv[i], disas_mode_names());
				return 1;
			}
		} else {
			gdbr_out_printf(sh->out, "usage: disas [-m MODE] [-p] "
					"[ADDR [N]]\n");
			return 1;
		}
	}
	if (argc - i > 2) {
		gdbr_out_printf(sh->out, "usage: disas [-m MODE] [-p] [ADDR [N]]\n");
		return 1;
	}
	if (i < argc) {
		if (parse_addr(sh, argv[i], &addr))
			return 1;
	} else {
		enum disas_mode pm;
		uint64_t pc, sp;

		r = guest_x86_cpu(sh->s.g, sh->s.cpu);
		if (ppc64_regs(&sh->s, &pm, &pc, &sp) > 0) {
			addr = pc;
		} else if (!r || !(r->valid & GUEST_X86_HAS_GPRS)) {
			gdbr_out_printf(sh->out, "disas: no $pc in this snapshot; "
					"give an address\n");
			return 1;
		} else {
			addr = r->rip;
		}
	}
	if (i + 1 < argc && (parse_u64(argv[i + 1], &n) || n == 0 ||
			     n > MAX_DISAS)) {
		gdbr_out_printf(sh->out, "disas: count must be 1..%d\n", MAX_DISAS);
		return 1;
	}
	return disas_at(sh, m, addr, (unsigned)n, physical);
}

static int cmd_set(struct shell *sh, int argc, char **argv)
{
	enum disas_mode m;
	char why[128];

	if (argc != 3 || (strcmp(argv[1], "disassembler") &&
			  strcmp(argv[1], "disas"))) {
		gdbr_out_printf(sh->out, "usage: set disassembler MODE (%s)\n",
				disas_mode_names());
		return 1;
	}
	if (disas_mode_parse(argv[2], &m)) {
		gdbr_out_printf(sh->out, "set disassembler: unknown mode '%s' "
				"(%s)\n", argv[2], disas_mode_names());
		return 1;
	}
	if (m != DISAS_AUTO && !disas_supported(m, why, sizeof(why))) {
		gdbr_out_printf(sh->out, "set disassembler: %s\n", why);
		return 1;
	}
	sh->disas_mode = m;
	return 0;
}

/*
 * QEMU's "x /Ni ADDR" (also "x/Ni"): when the format holds 'i', the shell
 * disassembles; any other format goes to the monitor's memory dump.
 * @return -1 when the line is not an /i dump, else the command status.
 */
static int try_x_insn(struct shell *sh, int argc, char **argv)
{
	int physical = !strcmp(argv[0], "xp");
	const char *fmt;
	uint64_t n = 1, addr;
	char *end;

	if (argc < 2 || argv[1][0] != '/' || !strchr(argv[1], 'i'))
		return -1;
	fmt = argv[1] + 1;
	if (*fmt >= '0' && *fmt <= '9') {
		n = strtoull(fmt, &end, 10);
		fmt = end;
	}
	/* Only a count may go with 'i' (QEMU ignores a size letter). */
	for (; *fmt; fmt++) {
		if (*fmt != 'i' && !strchr("bhwg", *fmt)) {
			gdbr_out_printf(sh->out, "%s: invalid format '%s' "
					"(/Ni disassembles N instructions)\n",
					argv[0], argv[1]);
			return 1;
		}
	}
	if (argc != 3) {
		gdbr_out_printf(sh->out, "usage: %s /Ni ADDR\n", argv[0]);
		return 1;
	}
	if (n == 0 || n > MAX_DISAS) {
		gdbr_out_printf(sh->out, "%s: count must be 1..%d\n", argv[0],
				MAX_DISAS);
		return 1;
	}
	if (parse_addr(sh, argv[2], &addr))
		return 1;
	return disas_at(sh, DISAS_AUTO, addr, (unsigned)n, physical);
}

static int cmd_help(struct shell *sh)
{
	int rc = monitor_run(&sh->s, "help", sh->out);

	for (size_t i = 0; i < shell_ncmd_docs; i++)
		gdbr_out_printf(sh->out, "%s %s -- %s\n", shell_cmd_docs[i].name,
				shell_cmd_docs[i].args, shell_cmd_docs[i].help);
	return rc;
}

int shell_exec(struct shell *sh, const char *line)
{
	char norm[1024], buf[1024], *argv[17], *save = NULL, *tok;
	const char *p = line + strspn(line, " \t");
	int argc = 0, rc = -1;

	if (strlen(line) + 2 >= sizeof(buf)) {
		gdbr_out_printf(sh->out, "command too long\n");
		return 1;
	}
	/* "x/10i ADDR" is "x /10i ADDR", as in QEMU. */
	if (!strncmp(p, "x/", 2))
		snprintf(norm, sizeof(norm), "x %s", p + 1);
	else if (!strncmp(p, "xp/", 3))
		snprintf(norm, sizeof(norm), "xp %s", p + 2);
	else
		snprintf(norm, sizeof(norm), "%s", p);
	strcpy(buf, norm);
	for (tok = strtok_r(buf, " \t\r\n", &save); tok && argc < 16;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (argc == 0)
		return 0;
	if (!strcmp(argv[0], "quit") || !strcmp(argv[0], "exit") ||
	    !strcmp(argv[0], "q")) {
		sh->quit = 1;
		return 0;
	}
	if (!strcmp(argv[0], "help") && argc == 1)
		return cmd_help(sh);
	if (!strcmp(argv[0], "disas") || !strcmp(argv[0], "disassemble"))
		return cmd_disas(sh, argc, argv);
	if (!strcmp(argv[0], "set"))
		return cmd_set(sh, argc, argv);
	if (!strcmp(argv[0], "x") || !strcmp(argv[0], "xp"))
		rc = try_x_insn(sh, argc, argv);
	if (rc >= 0)
		return rc;
	/* The monitor knows numbers only: put $pc, $sp in as values. */
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '$') {
			char line2[1024];
			size_t k = 0;

			for (int j = 0; j < argc; j++) {
				uint64_t v;

				if (j > 0 && argv[j][0] == '$') {
					if (parse_addr(sh, argv[j], &v))
						return 1;
					k += (size_t)snprintf(line2 + k, sizeof(line2) - k,
							      "%s0x%" PRIx64, j ? " " : "", v);
				} else {
					k += (size_t)snprintf(line2 + k, sizeof(line2) - k,
							      "%s%s", j ? " " : "", argv[j]);
				}
				if (k >= sizeof(line2)) {
					gdbr_out_printf(sh->out, "command too long\n");
					return 1;
				}
			}
			return monitor_run(&sh->s, line2, sh->out);
		}
	}
	return monitor_run(&sh->s, norm, sh->out);
}
