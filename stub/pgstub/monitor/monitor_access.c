/*
 * `access ADDR r|w|x [--user|--kernel] [--cpu N]`: one access evaluated
 * as the vCPU's MMU would (pgw_access): allowed and where it lands, or the
 * page fault (the level and the reason) or the rule that denies it, and
 * the code the CPU would report (x86: the #PF error code).
 */
#include "serving/cli.h"
#include "serving/session.h"
#include "monitor.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	unsigned access;
	const char *says;
} kinds[] = {
	{ "r", PGW_ACC_READ, "read" }, { "w", PGW_ACC_WRITE, "write" },
	{ "x", PGW_ACC_EXEC, "fetch" },
};

/* x86's error-code bits by name (SDM 3A 4.7). */
static void code_bits(uint64_t code, char *buf, size_t len)
{
	static const char *const names[] = { "P", "W", "U", "RSVD", "I/D",
					     "PK" };
	size_t n = 0;

	buf[0] = 0;
	for (unsigned b = 0; b < sizeof(names) / sizeof(*names); b++)
		if (code & (1u << b))
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
					      "%s%s", n ? " " : "", names[b]);
	if (!n)
		snprintf(buf, len, "not present, supervisor read");
}

/*
 * Without --user or --kernel, the privilege the vCPU stopped in: x86's
 * CPL (CS's RPL), arm64's EL (PSTATE bits 3:2), RISC-V's priv; 1 user,
 * 0 supervisor, -1 where the context holds it (ppc64 MSR[PR]) or the
 * snapshot does not say (RISC-V's context is then S-mode with SUM).
 */
static int stopped_user(guest *g, int cpu)
{
	const struct guest_x86_cpu *x = guest_x86_cpu(g, cpu);
	const struct guest_arm64_cpu *a = guest_arm64_cpu(g, cpu);
	const struct guest_riscv_cpu *r = guest_riscv_cpu(g, cpu);
	enum guest_arch arch = guest_arch(g);

	if ((arch == GUEST_ARCH_X86_64 || arch == GUEST_ARCH_I386) && x &&
	    (x->valid & GUEST_X86_HAS_SEGS))
		return (x->seg[GUEST_CS].selector & 3) == 3;
	if (arch == GUEST_ARCH_AARCH64 && a && (a->valid & GUEST_ARM64_HAS_GPRS))
		return ((a->pstate >> 2) & 3) == 0;
	if (guest_arch_is_riscv(arch) && r &&
	    (r->valid & GUEST_RISCV_HAS_CSR(GUEST_RV_PRIV)))
		return r->csr[GUEST_RV_PRIV] == 0;
	return -1;
}

static void say_where(const struct pgw_fault *f, gdbr_out *out)
{
	if (f->out_level < 0)
		return;
	gdbr_out_printf(out, " at %s%s[0x%x] (entry 0x%" PRIx64 ")",
			f->out_stage == PGW_STAGE_NESTED ? "nested " : "",
			f->out_level_name ? f->out_level_name : "level",
			f->out_index, f->out_entry);
}

int monitor_cmd_access(struct session *s, int argc, char **argv,
		       gdbr_out *out)
{
	struct pgw_access a = { .version = PGW_ACCESS_VERSION };
	unsigned access = 0;
	const char *says = NULL;
	int cpu = s->cpu, user = -1, rc;
	uint64_t va;
	pgw_ctx *c;

	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--user") && user < 0) {
			user = 1;
		} else if (!strcmp(argv[i], "--kernel") && user < 0) {
			user = 0;
		} else if (!strcmp(argv[i], "--cpu") && i + 1 < argc) {
			if (monitor_cpu_arg(s, "access", argv[++i], &cpu, out))
				return 1;
		} else {
			argc = 0;  /* usage */
			break;
		}
	}
	for (size_t k = 0; argc >= 3 && k < sizeof(kinds) / sizeof(*kinds);
	     k++)
		if (!strcmp(argv[2], kinds[k].name)) {
			access = kinds[k].access;
			says = kinds[k].says;
		}
	if (argc < 3 || !access) {
		gdbr_out_printf(out, "usage: access ADDR r|w|x [--user|--kernel] "
				"[--cpu N]\n");
		return 1;
	}
	if (parse_u64(argv[1], &va)) {
		gdbr_out_printf(out, "access: invalid address '%s'\n", argv[1]);
		return 1;
	}
	if (!(c = monitor_cpu_ctx(s, cpu, out)))
		return 1;
	if (user < 0)
		user = stopped_user(s->g, cpu);
	if (user > 0)
		access |= PGW_ACC_USER;
	rc = pgw_access(c, va, access, &a);
	gdbr_out_printf(out, "vCPU %d: %s of 0x%" PRIx64 " (%s mode): ", cpu,
			says, va, user > 0 ? "user" : user == 0 ? "supervisor" :
			"the context's");
	if (rc == 0) {
		gdbr_out_printf(out, "allowed: physical 0x%" PRIx64 "\n",
				a.out_result.out_pa);
	} else if (rc == PGW_EACCES) {
		gdbr_out_printf(out, "denied: %s", pgw_deny_name(a.out_deny));
		say_where(&a.out_fault, out);
		gdbr_out_printf(out, "\n");
	} else if (rc == PGW_EINVAL) {
		gdbr_out_printf(out, "not a question this vCPU's MMU answers\n");
		return 1;
	} else {
		gdbr_out_printf(out, "page fault: %s",
				pgw_fault_reason_name(a.out_fault.out_reason));
		say_where(&a.out_fault, out);
		gdbr_out_printf(out, "\n");
	}
	if (a.out_code_valid && guest_arch_is_riscv(guest_arch(s->g))) {
		gdbr_out_printf(out, "  scause %" PRIu64 " (%s), stval 0x%"
				PRIx64 "\n", a.out_code, a.out_code >= 20 ?
				"guest-page fault" : "page fault", va);
	} else if (a.out_code_valid) {
		char bits[64];

		code_bits(a.out_code, bits, sizeof(bits));
		gdbr_out_printf(out, "  #PF error code 0x%" PRIx64 " (%s)\n",
				a.out_code, bits);
	}
	return 0;
}
