/*
 * Target description tests (stub/tdesc_x86.c, stub/tdesc_aarch64.c,
 * stub/tdesc_riscv64.c): QEMU 7.2 register numbers, sizes, and that each
 * XML document lists exactly the table's registers, in order, with
 * matching bit sizes and regnums.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gdb-remote.h"

static void test_tdesc__x86_64_qemu_numbering(void **state)
{
	const gdbr_tdesc *t = gdbr_tdesc_x86_64();
	static const char *const expect[] = {
		"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
		"rip", "eflags", "cs", "ss", "ds", "es", "fs", "gs",
		"fs_base", "gs_base", "k_gs_base",
		"cr0", "cr2", "cr3", "cr4", "cr8", "efer",
	};
	size_t i;

	(void)state;
	assert_string_equal(gdbr_tdesc_arch(t), "i386:x86-64");
	assert_int_equal(gdbr_tdesc_nregs(t), GDBR_X86_64_NREGS);
	for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		assert_string_equal(gdbr_tdesc_reg_name(t, (int)i), expect[i]);
	assert_int_equal(gdbr_tdesc_find_reg(t, "cr0"), 27);
	assert_int_equal(gdbr_tdesc_find_reg(t, "cr3"), GDBR_X86_64_CR3);
	assert_int_equal(gdbr_tdesc_find_reg(t, "efer"), 32);
	assert_int_equal(gdbr_tdesc_find_reg(t, "st0"), 33);
	assert_int_equal(gdbr_tdesc_find_reg(t, "fop"), 48);
	assert_int_equal(gdbr_tdesc_find_reg(t, "xmm0"), 49);
	assert_int_equal(gdbr_tdesc_find_reg(t, "xmm15"), 64);
	assert_int_equal(gdbr_tdesc_find_reg(t, "mxcsr"), GDBR_X86_64_MXCSR);
	assert_int_equal(gdbr_tdesc_find_reg(t, "ymm0h"), GDBR_EINVAL);
	assert_int_equal(gdbr_tdesc_reg_size(t, GDBR_X86_64_RIP), 8);
	assert_int_equal(gdbr_tdesc_reg_size(t, GDBR_X86_64_EFLAGS), 4);
	assert_int_equal(gdbr_tdesc_reg_size(t, GDBR_X86_64_CS), 4);
	assert_int_equal(gdbr_tdesc_reg_size(t, GDBR_X86_64_EFER), 8);
	assert_int_equal(gdbr_tdesc_reg_size(t, GDBR_X86_64_ST0), 10);
	assert_int_equal(gdbr_tdesc_reg_size(t, GDBR_X86_64_XMM0), 16);
	assert_int_equal(gdbr_tdesc_reg_size(t, 66), GDBR_EINVAL);
	assert_int_equal(gdbr_tdesc_reg_size(t, -1), GDBR_EINVAL);
	assert_null(gdbr_tdesc_reg_name(t, 66));
	assert_int_equal(gdbr_tdesc_regs_size(t), 608);
}

static void test_tdesc__i386_qemu_numbering(void **state)
{
	const gdbr_tdesc *t = gdbr_tdesc_i386();
	static const char *const expect[] = {
		"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
		"eip", "eflags", "cs", "ss", "ds", "es", "fs", "gs",
		"fs_base", "gs_base", "k_gs_base",
		"cr0", "cr2", "cr3", "cr4", "cr8", "efer",
	};
	size_t i;

	(void)state;
	assert_string_equal(gdbr_tdesc_arch(t), "i386");
	assert_int_equal(gdbr_tdesc_nregs(t), GDBR_I386_NREGS);
	for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		assert_string_equal(gdbr_tdesc_reg_name(t, (int)i), expect[i]);
	assert_int_equal(gdbr_tdesc_find_reg(t, "cr3"), GDBR_I386_CR3);
	assert_int_equal(gdbr_tdesc_find_reg(t, "efer"), GDBR_I386_EFER);
	assert_int_equal(gdbr_tdesc_find_reg(t, "xmm7"), 48);
	assert_int_equal(gdbr_tdesc_find_reg(t, "mxcsr"), GDBR_I386_MXCSR);
	assert_int_equal(gdbr_tdesc_reg_size(t, GDBR_I386_CR3), 4);
	assert_int_equal(gdbr_tdesc_reg_size(t, GDBR_I386_ST0), 10);
	assert_int_equal(gdbr_tdesc_regs_size(t), 344);
}

static const char *const x86_features[3] = {
	"org.gnu.gdb.i386.core", "org.gnu.gdb.i386.sse", NULL,
};

/* Walk the <reg .../> elements of xml and compare them with t. */
static void check_xml(const gdbr_tdesc *t, const char *const feature[3])
{
	size_t len;
	const char *xml = gdbr_tdesc_xml(t, "target.xml", &len);
	const char *p;
	char arch[64];
	int n = 0;

	assert_non_null(xml);
	assert_int_equal(strlen(xml), len);
	snprintf(arch, sizeof(arch), "<architecture>%s</architecture>",
	         gdbr_tdesc_arch(t));
	assert_non_null(strstr(xml, arch));
	for (int f = 0; f < 3 && feature[f]; f++) {
		char tag[96];

		snprintf(tag, sizeof(tag), "<feature name=\"%s\">", feature[f]);
		assert_non_null(strstr(xml, tag));
	}
	for (p = strstr(xml, "<reg "); p; p = strstr(p + 1, "<reg ")) {
		char name[32];
		int bits, regnum;

		assert_int_equal(sscanf(p, "<reg name=\"%31[^\"]\" bitsize=\"%d\"",
		                        name, &bits), 2);
		assert_non_null(strstr(p, "regnum=\""));
		assert_int_equal(sscanf(strstr(p, "regnum=\""), "regnum=\"%d\"",
		                        &regnum), 1);
		assert_int_equal(regnum, n);
		assert_string_equal(name, gdbr_tdesc_reg_name(t, n));
		assert_int_equal(bits, 8 * gdbr_tdesc_reg_size(t, n));
		n++;
	}
	assert_int_equal(n, gdbr_tdesc_nregs(t));
	/* Nothing that would need escaping in a '}' free document. */
	assert_null(strchr(xml, '}'));
	assert_null(gdbr_tdesc_xml(t, "i386-64bit.xml", &len));
}

static void test_tdesc__x86_64_xml_matches_table(void **state)
{
	(void)state;
	check_xml(gdbr_tdesc_x86_64(), x86_features);
}

static void test_tdesc__i386_xml_matches_table(void **state)
{
	(void)state;
	check_xml(gdbr_tdesc_i386(), x86_features);
}

/* QEMU 7.2's numbering (measured: its gdbstub's target.xml with
 * -M virt -cpu cortex-a57) and the system registers under its names. */
static void test_tdesc__aarch64_qemu_numbering(void **state)
{
	const gdbr_tdesc *t = gdbr_tdesc_aarch64();

	(void)state;
	assert_string_equal(gdbr_tdesc_arch(t), "aarch64");
	assert_int_equal(gdbr_tdesc_nregs(t), GDBR_AARCH64_NREGS);
	assert_string_equal(gdbr_tdesc_reg_name(t, 0), "x0");
	assert_string_equal(gdbr_tdesc_reg_name(t, 30), "x30");
	assert_int_equal(gdbr_tdesc_find_reg(t, "sp"), GDBR_AARCH64_SP);
	assert_int_equal(gdbr_tdesc_find_reg(t, "pc"), GDBR_AARCH64_PC);
	assert_int_equal(gdbr_tdesc_find_reg(t, "cpsr"), GDBR_AARCH64_CPSR);
	assert_int_equal(gdbr_tdesc_find_reg(t, "v0"), GDBR_AARCH64_V0);
	assert_int_equal(gdbr_tdesc_find_reg(t, "v31"), 65);
	assert_int_equal(gdbr_tdesc_find_reg(t, "fpsr"), GDBR_AARCH64_FPSR);
	assert_int_equal(gdbr_tdesc_find_reg(t, "fpcr"), GDBR_AARCH64_FPCR);
	/* QEMU calls SCTLR_EL1 "SCTLR" and VBAR_EL1 "VBAR". */
	assert_int_equal(gdbr_tdesc_find_reg(t, "SCTLR"), GDBR_AARCH64_SCTLR);
	assert_int_equal(gdbr_tdesc_find_reg(t, "SCTLR_EL1"), GDBR_EINVAL);
	assert_true(gdbr_tdesc_find_reg(t, "VBAR") > 0);
	assert_int_equal(gdbr_tdesc_find_reg(t, "TTBR0_EL1"),
			 GDBR_AARCH64_TTBR0_EL1);
	assert_int_equal(gdbr_tdesc_find_reg(t, "TTBR1_EL1"),
			 GDBR_AARCH64_TTBR1_EL1);
	assert_int_equal(gdbr_tdesc_find_reg(t, "TCR_EL1"),
			 GDBR_AARCH64_TCR_EL1);
	assert_int_equal(gdbr_tdesc_reg_size(t, GDBR_AARCH64_CPSR), 4);
	assert_int_equal(gdbr_tdesc_reg_size(t, GDBR_AARCH64_V0), 16);
	assert_int_equal(gdbr_tdesc_reg_size(t, GDBR_AARCH64_FPCR), 4);
	assert_int_equal(gdbr_tdesc_reg_size(t, GDBR_AARCH64_TCR_EL1), 8);
	assert_int_equal(gdbr_tdesc_reg_size(t, GDBR_AARCH64_NREGS),
			 GDBR_EINVAL);
	assert_int_equal(gdbr_tdesc_find_reg(t, "ID_AA64MMFR2_EL1"), 86);
	assert_int_equal(gdbr_tdesc_find_reg(t, "HCR_EL2"),
			 GDBR_AARCH64_HCR_EL2);
	assert_int_equal(gdbr_tdesc_find_reg(t, "VTCR_EL2"), 94);
	/* 33 * 8 + 4 + 32 * 16 + 2 * 4 + 27 * 8 */
	assert_int_equal(gdbr_tdesc_regs_size(t), 1004);
}

static void test_tdesc__aarch64_xml_matches_table(void **state)
{
	static const char *const f[3] = {
		"org.gnu.gdb.aarch64.core", "org.gnu.gdb.aarch64.fpu",
		"org.qemu.gdb.arm.sys.regs",
	};

	(void)state;
	check_xml(gdbr_tdesc_aarch64(), f);
}

/* QEMU 7.2's core numbering and names (measured: its gdbstub's
 * riscv-64bit-cpu.xml with -M virt), priv and the CSRs under its names. */
static void test_tdesc__riscv64_qemu_names(void **state)
{
	const gdbr_tdesc *t = gdbr_tdesc_riscv64();

	(void)state;
	assert_string_equal(gdbr_tdesc_arch(t), "riscv:rv64");
	assert_int_equal(gdbr_tdesc_nregs(t), GDBR_RISCV64_NREGS);
	assert_string_equal(gdbr_tdesc_reg_name(t, 0), "zero");
	assert_string_equal(gdbr_tdesc_reg_name(t, 1), "ra");
	assert_string_equal(gdbr_tdesc_reg_name(t, 8), "fp");
	assert_string_equal(gdbr_tdesc_reg_name(t, 31), "t6");
	assert_int_equal(gdbr_tdesc_find_reg(t, "sp"), GDBR_RISCV64_SP);
	assert_int_equal(gdbr_tdesc_find_reg(t, "pc"), GDBR_RISCV64_PC);
	assert_int_equal(gdbr_tdesc_find_reg(t, "priv"), GDBR_RISCV64_PRIV);
	assert_int_equal(gdbr_tdesc_find_reg(t, "sstatus"),
			 GDBR_RISCV64_SSTATUS);
	assert_int_equal(gdbr_tdesc_find_reg(t, "satp"), GDBR_RISCV64_SATP);
	assert_true(gdbr_tdesc_find_reg(t, "mstatus") > GDBR_RISCV64_SATP);
	assert_int_equal(gdbr_tdesc_reg_size(t, GDBR_RISCV64_SATP), 8);
	assert_int_equal(gdbr_tdesc_regs_size(t), 8 * GDBR_RISCV64_NREGS);
}

static void test_tdesc__riscv64_xml_matches_table(void **state)
{
	static const char *const f[3] = {
		"org.gnu.gdb.riscv.cpu", "org.gnu.gdb.riscv.virtual",
		"org.gnu.gdb.riscv.csr",
	};

	(void)state;
	check_xml(gdbr_tdesc_riscv64(), f);
}

/* riscv32: riscv64's names and numbers, every register 32 bits, as
 * QEMU 7.2's qemu-system-riscv32 describes them. */
static void test_tdesc__riscv32_is_riscv64_at_32_bits(void **state)
{
	static const char *const f[3] = {
		"org.gnu.gdb.riscv.cpu", "org.gnu.gdb.riscv.virtual",
		"org.gnu.gdb.riscv.csr",
	};
	const gdbr_tdesc *t = gdbr_tdesc_riscv32(), *w = gdbr_tdesc_riscv64();
	size_t len;
	const char *xml = gdbr_tdesc_xml(t, "target.xml", &len);

	(void)state;
	assert_string_equal(gdbr_tdesc_arch(t), "riscv:rv32");
	assert_int_equal(gdbr_tdesc_nregs(t), gdbr_tdesc_nregs(w));
	for (int r = 0; r < gdbr_tdesc_nregs(t); r++) {
		assert_string_equal(gdbr_tdesc_reg_name(t, r),
				    gdbr_tdesc_reg_name(w, r));
		assert_int_equal(gdbr_tdesc_reg_size(t, r), 4);
	}
	assert_int_equal(gdbr_tdesc_regs_size(t), 4 * GDBR_RISCV64_NREGS);
	assert_null(strstr(xml, "bitsize=\"64\""));
	check_xml(t, f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tdesc__x86_64_qemu_numbering),
		cmocka_unit_test(test_tdesc__i386_qemu_numbering),
		cmocka_unit_test(test_tdesc__x86_64_xml_matches_table),
		cmocka_unit_test(test_tdesc__i386_xml_matches_table),
		cmocka_unit_test(test_tdesc__aarch64_qemu_numbering),
		cmocka_unit_test(test_tdesc__aarch64_xml_matches_table),
		cmocka_unit_test(test_tdesc__riscv64_qemu_names),
		cmocka_unit_test(test_tdesc__riscv64_xml_matches_table),
		cmocka_unit_test(test_tdesc__riscv32_is_riscv64_at_32_bits),
	};

	return cmocka_run_group_tests_name("stub/tdesc", tests, NULL, NULL);
}
