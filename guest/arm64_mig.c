/*
 * aarch64 vCPU state from a QEMU migration stream's "cpu" section
 * (target/arm vmstate_arm_cpu, version 22 in QEMU 7.2): the core registers
 * from their named fields, the EL1 system registers from the section's
 * cpreg list — two parallel arrays of KVM register ids and values.
 */
#include "migration_priv.h"

#include <stdio.h>
#include <string.h>

/*
 * KVM's 64-bit register ids (the kernel's arm64 uapi kvm.h), which QEMU
 * uses for the cpreg list under TCG too: architecture in bits 63:56, size
 * in 55:52, coprocessor group in 31:16; an AArch64 system register has
 * group 0x0013 and op0:op1:CRn:CRm:op2 in bits 15:0 (2:3:4:4:3 bits), the
 * operands of MRS/MSR. Anything else (AArch32 views: arch 0x40) is skipped.
 */
#define KVM_ARCH_ARM64   0x6000000000000000ULL
#define KVM_SIZE_U64     0x0030000000000000ULL
#define KVM_GROUP_SYSREG 0x0000000000130000ULL
#define SYSREG(op0, op1, crn, crm, op2) \
	((op0) << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2))

/* The system registers pgstub keeps whose state QEMU migrates in the
 * list. SP_EL0/SP_EL1, ELR_EL1 and SPSR_EL1 are aliases there (QEMU
 * keeps them in env.sp_el, env.elr_el, env.banked_spsr: fields of their
 * own); PAR_EL1 travels as its AArch32 64-bit view and is left unknown. */
static const struct { unsigned enc; enum guest_arm64_sysreg r; } listed[] = {
	{ SYSREG(3, 0, 1, 0, 0), GUEST_A64_SCTLR },
	{ SYSREG(3, 0, 2, 0, 0), GUEST_A64_TTBR0 },
	{ SYSREG(3, 0, 2, 0, 1), GUEST_A64_TTBR1 },
	{ SYSREG(3, 0, 2, 0, 2), GUEST_A64_TCR },
	{ SYSREG(3, 0, 10, 2, 0), GUEST_A64_MAIR },
	{ SYSREG(3, 0, 0, 7, 0), GUEST_A64_ID_AA64MMFR0 },
	{ SYSREG(3, 0, 0, 7, 1), GUEST_A64_ID_AA64MMFR1 },
	{ SYSREG(3, 0, 0, 7, 2), GUEST_A64_ID_AA64MMFR2 },
	{ SYSREG(3, 0, 5, 2, 0), GUEST_A64_ESR },
	{ SYSREG(3, 0, 6, 0, 0), GUEST_A64_FAR },
	{ SYSREG(3, 0, 12, 0, 0), GUEST_A64_VBAR },
	{ SYSREG(3, 3, 13, 0, 2), GUEST_A64_TPIDR_EL0 },
	{ SYSREG(3, 0, 13, 0, 4), GUEST_A64_TPIDR_EL1 },
	{ SYSREG(3, 0, 13, 0, 1), GUEST_A64_CONTEXTIDR },
	{ SYSREG(3, 4, 1, 1, 0), GUEST_A64_HCR_EL2 },
	{ SYSREG(3, 4, 1, 0, 0), GUEST_A64_SCTLR_EL2 },
	{ SYSREG(3, 4, 2, 0, 0), GUEST_A64_TTBR0_EL2 },
	{ SYSREG(3, 4, 2, 0, 1), GUEST_A64_TTBR1_EL2 },
	{ SYSREG(3, 4, 2, 0, 2), GUEST_A64_TCR_EL2 },
	{ SYSREG(3, 4, 10, 2, 0), GUEST_A64_MAIR_EL2 },
	{ SYSREG(3, 4, 2, 1, 0), GUEST_A64_VTTBR_EL2 },
	{ SYSREG(3, 4, 2, 1, 2), GUEST_A64_VTCR_EL2 },
};

/* env.banked_spsr[BANK_SVC]: SPSR_EL1 (QEMU's bank 1 is SVC, which
 * AArch64 EL1 shares). */
#define BANK_EL1 1

/* The AArch32 FPSCR holds the AArch64 FPSR and FPCR fields side by side
 * (Arm ARM, FPSCR): FPSR has NZCV, QC, IDC and the cumulative flags, FPCR
 * AHP, DN, FZ, RMode, Stride, FZ16, Len and the trap enables. */
#define FPSCR_FPSR_MASK 0xf800009fu
#define FPSCR_FPCR_MASK 0x07ff9f00u

int mig__arm64_is_cpu(struct mig_cpu_fields *cf)
{
	return mig__cpu_field(cf, "env.xregs", 8, 32) != NULL &&
	       mig__cpu_field(cf, "cpreg_vmstate_array_len", 4, 1) != NULL;
}

/* The cpreg list: checked for shape, then every AArch64 system register
 * pgstub knows copied into @p a. */
static int cpregs(struct mig_cpu_fields *cf, struct guest_arm64_cpu *a)
{
	const struct mig_field *len = mig__cpu_field(cf,
		"cpreg_vmstate_array_len", 4, 1);
	const struct mig_field *idx, *val;
	int32_t n;
	uint64_t prev = 0;

	if (mig__cpu_need(cf, len, "cpreg_vmstate_array_len"))
		return -1;
	n = (int32_t)(uint32_t)mig__cpu_get(cf, len, 0);
	if (n < 0)
		return guest__fail(cf->err, cf->errlen, "section 'cpu' instance "
				   "%u: cpreg_vmstate_array_len at offset "
				   "0x%llx is %d", cf->d->instance,
				   (unsigned long long)len->off, n);
	idx = mig__cpu_field(cf, "cpreg_vmstate_indexes", 8, 1);
	val = mig__cpu_field(cf, "cpreg_vmstate_values", 8, 1);
	if (n == 0 && !idx && !val)
		return cf->missing ? -1 : 0;  /* an empty list */
	if (mig__cpu_need(cf, idx, "cpreg_vmstate_indexes") ||
	    mig__cpu_need(cf, val, "cpreg_vmstate_values"))
		return -1;
	/* The description sized both arrays; the count the stream carries
	 * must agree, or the pairs are not the registers QEMU sent. */
	if (idx->n != (uint64_t)n || val->n != (uint64_t)n)
		return guest__fail(cf->err, cf->errlen, "section 'cpu' instance "
				   "%u: cpreg_vmstate_array_len at offset "
				   "0x%llx says %d registers, the JSON "
				   "description gives the index array %llu "
				   "and the value array %llu", cf->d->instance,
				   (unsigned long long)len->off, n,
				   (unsigned long long)idx->n,
				   (unsigned long long)val->n);
	for (uint64_t i = 0; i < (uint64_t)n; i++) {
		uint64_t id = mig__cpu_get(cf, idx, i);

		/* QEMU sorts the list by id (its load merges two sorted
		 * lists and fails otherwise): a repeat or a step back is a
		 * damaged stream, not a register to pick one value of. */
		if (i && id <= prev)
			return guest__fail(cf->err, cf->errlen, "section 'cpu' "
					   "instance %u: cpreg index %llu at "
					   "offset 0x%llx (0x%016llx) is not "
					   "above the one before it (0x%016llx)",
					   cf->d->instance,
					   (unsigned long long)i,
					   (unsigned long long)(idx->off +
								idx->stride * i),
					   (unsigned long long)id,
					   (unsigned long long)prev);
		prev = id;
		if ((id & ~0xffffULL) != (KVM_ARCH_ARM64 | KVM_SIZE_U64 |
					  KVM_GROUP_SYSREG))
			continue;
		for (size_t k = 0; k < sizeof(listed) / sizeof(*listed); k++) {
			if ((id & 0xffff) != listed[k].enc)
				continue;
			a->sys[listed[k].r] = mig__cpu_get(cf, val, i);
			a->valid |= GUEST_ARM64_HAS_SYS(listed[k].r);
		}
	}
	return 0;
}

/* cpu/vfp: the low 128 bits of each Z register are V0-V31; FPSCR. */
static void vfp(struct mig_cpu_fields *cf, struct guest_arm64_cpu *a)
{
	const struct mig_field *z[32], *fpscr;
	char name[64];
	uint32_t v;

	for (int i = 0; i < 32; i++) {
		snprintf(name, sizeof(name), "cpu/vfp:env.vfp.zregs[%d].d", i);
		if (!(z[i] = mig__cpu_field(cf, name, 8, 2)))
			return;
	}
	fpscr = mig__cpu_field(cf, "cpu/vfp:fpscr", 4, 1);
	if (!fpscr)
		return;
	for (int i = 0; i < 32; i++) {
		a->v[i][0] = mig__cpu_get(cf, z[i], 0);
		a->v[i][1] = mig__cpu_get(cf, z[i], 1);
	}
	v = (uint32_t)mig__cpu_get(cf, fpscr, 0);
	a->fpsr = v & FPSCR_FPSR_MASK;
	a->fpcr = v & FPSCR_FPCR_MASK;
	a->valid |= GUEST_ARM64_HAS_FPU;
}

int mig__arm64_cpu(struct mig_cpu_fields *cf, struct guest_arm64_cpu *a)
{
	const struct mig_field *x = mig__cpu_field(cf, "env.xregs", 8, 32);
	const struct mig_field *pc = mig__cpu_field(cf, "env.pc", 8, 1);
	const struct mig_field *cpsr = mig__cpu_field(cf, "cpsr", 4, 1);
	const struct mig_field *sp_el = mig__cpu_field(cf, "env.sp_el", 8, 2);
	const struct mig_field *elr = mig__cpu_field(cf, "env.elr_el", 8, 2);
	const struct mig_field *spsr = mig__cpu_field(cf, "env.banked_spsr", 8,
						      BANK_EL1 + 1);

	if (mig__cpu_need(cf, x, "env.xregs") ||
	    mig__cpu_need(cf, pc, "env.pc") || mig__cpu_need(cf, cpsr, "cpsr"))
		return -1;
	/* xregs[31] is the SP in use (SP_ELx per PSTATE.SP), as QEMU's
	 * gdbstub reads "sp"; the banked copies in env.sp_el are as QEMU
	 * last stored them. */
	for (int i = 0; i < 31; i++)
		a->x[i] = mig__cpu_get(cf, x, (uint64_t)i);
	a->sp = mig__cpu_get(cf, x, 31);
	a->pc = mig__cpu_get(cf, pc, 0);
	a->pstate = mig__cpu_get(cf, cpsr, 0);
	a->valid |= GUEST_ARM64_HAS_GPRS;
	if (sp_el) {
		a->sys[GUEST_A64_SP_EL0] = mig__cpu_get(cf, sp_el, 0);
		a->sys[GUEST_A64_SP_EL1] = mig__cpu_get(cf, sp_el, 1);
		a->valid |= GUEST_ARM64_HAS_SYS(GUEST_A64_SP_EL0) |
			    GUEST_ARM64_HAS_SYS(GUEST_A64_SP_EL1);
	}
	if (elr) {
		a->sys[GUEST_A64_ELR] = mig__cpu_get(cf, elr, 1);
		a->valid |= GUEST_ARM64_HAS_SYS(GUEST_A64_ELR);
	}
	if (spsr) {
		a->sys[GUEST_A64_SPSR] = mig__cpu_get(cf, spsr, BANK_EL1);
		a->valid |= GUEST_ARM64_HAS_SYS(GUEST_A64_SPSR);
	}
	if (cf->missing || cpregs(cf, a))
		return -1;
	vfp(cf, a);
	return cf->missing ? -1 : 0;
}
