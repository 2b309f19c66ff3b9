/*
 * The image options every subcommand shares (--raw, --arch, --mode, --cr3,
 * --reg …; table in cli_tables.c): how each one fills struct
 * guest_open_opts for guest_open().
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/*
 * --reg NAME=VALUE. The control registers that paging depends on go where
 * --cr0/--cr3/--cr4/--efer put them (the last one given wins), so the two
 * spellings agree; any other name is checked against the guest's target
 * description when the image is open (guest_open).
 */
static int reg_option(const char *arg, struct guest_open_opts *o)
{
	/* One command line per process: the values live as long as it. */
	static struct guest_reg_value regs[128];
	static char names[128][24];  /* ID_AA64MMFR0_EL1 is 16 */
	static const char *const ctl[] = { "cr0", "cr3", "cr4", "efer" };
	char name[sizeof(names[0])];
	uint64_t v;

	if (pgstub_parse_reg(arg, name, sizeof(name), &v,
			     "rip=0xffffffff81000000"))
		return -1;
	for (size_t i = 0; i < sizeof(ctl) / sizeof(*ctl); i++) {
		if (strcmp(name, ctl[i]))
			continue;
		switch (i) {
		case 0: o->have_cr0 = 1; o->cr0 = v; break;
		case 1: o->have_cr3 = 1; o->cr3 = v; break;
		case 2: o->have_cr4 = 1; o->cr4 = v; break;
		default: o->have_efer = 1; o->efer = v; break;
		}
		return 0;
	}
	if (o->regs && o->regs != regs) {
		fprintf(stderr, "pgstub: --reg: registers already set\n");
		return -1;
	}
	/* A second --reg of the same name replaces the first. */
	for (size_t i = 0; i < o->nregs; i++) {
		if (!strcmp(names[i], name)) {
			regs[i].value = v;
			return 0;
		}
	}
	if (o->nregs == sizeof(regs) / sizeof(*regs)) {
		fprintf(stderr, "pgstub: --reg: at most %zu registers\n",
			sizeof(regs) / sizeof(*regs));
		return -1;
	}
	memcpy(names[o->nregs], name, sizeof(name));
	regs[o->nregs].name = names[o->nregs];
	regs[o->nregs].value = v;
	o->regs = regs;
	o->nregs++;
	return 0;
}

int pgstub_guest_option(int ch, const char *arg, struct guest_open_opts *o)
{
	uint64_t v;

	switch (ch) {
	case PGSTUB_O_RAW: o->format = GUEST_FMT_RAW; return 0;
	case PGSTUB_O_RAW_BASE: return pgstub_parse_num("--raw-base", arg, &o->raw_base);
	case PGSTUB_O_ARCH:
		o->have_arch = 1;
		if (!strcmp(arg, "x86_64")) {
			o->raw_arch = o->arch = GUEST_ARCH_X86_64;
		} else if (!strcmp(arg, "i386")) {
			o->raw_arch = o->arch = GUEST_ARCH_I386;
		} else if (!strcmp(arg, "aarch64")) {
			o->raw_arch = o->arch = GUEST_ARCH_AARCH64;
		} else if (!strcmp(arg, "riscv64")) {
			o->raw_arch = o->arch = GUEST_ARCH_RISCV64;
		} else if (!strcmp(arg, "riscv32")) {
			o->raw_arch = o->arch = GUEST_ARCH_RISCV32;
		} else if (!strcmp(arg, "ppc64")) {
			o->raw_arch = o->arch = GUEST_ARCH_PPC64;
		} else {
			fprintf(stderr, "pgstub: --arch: x86_64, i386, aarch64, "
				"riscv64, riscv32 or ppc64\n");
			return -1;
		}
		return 0;
	case PGSTUB_O_MODE:
		if (strcmp(arg, "32") && strcmp(arg, "pae") &&
		    strcmp(arg, "4level") && strcmp(arg, "5level")) {
			fprintf(stderr, "pgstub: --mode: 32, pae, 4level or 5level\n");
			return -1;
		}
		o->mode = arg;
		return 0;
	case PGSTUB_O_CR0: o->have_cr0 = 1; return pgstub_parse_num("--cr0", arg, &o->cr0);
	case PGSTUB_O_CR3: o->have_cr3 = 1; return pgstub_parse_num("--cr3", arg, &o->cr3);
	case PGSTUB_O_CR4: o->have_cr4 = 1; return pgstub_parse_num("--cr4", arg, &o->cr4);
	case PGSTUB_O_EFER: o->have_efer = 1; return pgstub_parse_num("--efer", arg, &o->efer);
	case PGSTUB_O_REG: return reg_option(arg, o);
	case PGSTUB_O_VMCOREINFO: o->vmcoreinfo_path = arg; return 0;
	case PGSTUB_O_MAXPHYADDR:
		if (pgstub_parse_num("--maxphyaddr", arg, &v))
			return -1;
		o->maxphyaddr = (unsigned)v;
		return 0;
	}
	return 1;
}
