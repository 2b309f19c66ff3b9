/*
 * Ready-made x86 target descriptions (i386:x86-64 and i386): register names
 * and sizes in QEMU 7.2's gdbstub numbering (so tools that hard-code QEMU's
 * register numbers, e.g. cr3 = 29 on x86-64, keep working) and their XML.
 */
#include <string.h>

#include "gdbr_priv.h"

/* 66 registers */
static const char *const x86_64_names[] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9",
	"r10", "r11", "r12", "r13", "r14", "r15", "rip", "eflags", "cs",
	"ss", "ds", "es", "fs", "gs", "fs_base", "gs_base", "k_gs_base",
	"cr0", "cr2", "cr3", "cr4", "cr8", "efer", "st0", "st1", "st2",
	"st3", "st4", "st5", "st6", "st7", "fctrl", "fstat", "ftag", "fiseg",
	"fioff", "foseg", "fooff", "fop", "xmm0", "xmm1", "xmm2", "xmm3",
	"xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
	"xmm12", "xmm13", "xmm14", "xmm15", "mxcsr",
};

static const unsigned char x86_64_sizes[] = {
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 4, 4, 4, 4, 4, 4, 4, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 10, 10, 10, 10, 10, 10, 10, 10, 4, 4, 4, 4, 4, 4, 4,
	4, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
	16, 4,
};

static const char x86_64_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	"<!-- pgstub i386:x86-64: register numbers follow QEMU 7.2's gdbstub -->\n"
	"<target version=\"1.0\">\n"
	"<architecture>i386:x86-64</architecture>\n"
	"<feature name=\"org.gnu.gdb.i386.core\">\n"
	"<flags id=\"eflags_t\" size=\"4\">\n"
	"<field name=\"CF\" start=\"0\" end=\"0\"/>\n"
	"<field name=\"PF\" start=\"2\" end=\"2\"/>\n"
	"<field name=\"AF\" start=\"4\" end=\"4\"/>\n"
	"<field name=\"ZF\" start=\"6\" end=\"6\"/>\n"
	"<field name=\"SF\" start=\"7\" end=\"7\"/>\n"
	"<field name=\"TF\" start=\"8\" end=\"8\"/>\n"
	"<field name=\"IF\" start=\"9\" end=\"9\"/>\n"
	"<field name=\"DF\" start=\"10\" end=\"10\"/>\n"
	"<field name=\"OF\" start=\"11\" end=\"11\"/>\n"
	"<field name=\"NT\" start=\"14\" end=\"14\"/>\n"
	"<field name=\"RF\" start=\"16\" end=\"16\"/>\n"
	"<field name=\"VM\" start=\"17\" end=\"17\"/>\n"
	"<field name=\"AC\" start=\"18\" end=\"18\"/>\n"
	"<field name=\"VIF\" start=\"19\" end=\"19\"/>\n"
	"<field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
	"<field name=\"ID\" start=\"21\" end=\"21\"/>\n"
	"<field name=\"IOPL\" start=\"12\" end=\"13\"/>\n"
	"</flags>\n"
	"<reg name=\"rax\" bitsize=\"64\" type=\"int64\" regnum=\"0\"/>\n"
	"<reg name=\"rbx\" bitsize=\"64\" type=\"int64\" regnum=\"1\"/>\n"
	"<reg name=\"rcx\" bitsize=\"64\" type=\"int64\" regnum=\"2\"/>\n"
	"<reg name=\"rdx\" bitsize=\"64\" type=\"int64\" regnum=\"3\"/>\n"
	"<reg name=\"rsi\" bitsize=\"64\" type=\"int64\" regnum=\"4\"/>\n"
	"<reg name=\"rdi\" bitsize=\"64\" type=\"int64\" regnum=\"5\"/>\n"
	"<reg name=\"rbp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"6\"/>\n"
	"<reg name=\"rsp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"7\"/>\n"
	"<reg name=\"r8\" bitsize=\"64\" type=\"int64\" regnum=\"8\"/>\n"
	"<reg name=\"r9\" bitsize=\"64\" type=\"int64\" regnum=\"9\"/>\n"
	"<reg name=\"r10\" bitsize=\"64\" type=\"int64\" regnum=\"10\"/>\n"
	"<reg name=\"r11\" bitsize=\"64\" type=\"int64\" regnum=\"11\"/>\n"
	"<reg name=\"r12\" bitsize=\"64\" type=\"int64\" regnum=\"12\"/>\n"
	"<reg name=\"r13\" bitsize=\"64\" type=\"int64\" regnum=\"13\"/>\n"
	"<reg name=\"r14\" bitsize=\"64\" type=\"int64\" regnum=\"14\"/>\n"
	"<reg name=\"r15\" bitsize=\"64\" type=\"int64\" regnum=\"15\"/>\n"
	"<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\" regnum=\"16\"/>\n"
	"<reg name=\"eflags\" bitsize=\"32\" type=\"eflags_t\" regnum=\"17\"/>\n"
	"<reg name=\"cs\" bitsize=\"32\" type=\"int32\" regnum=\"18\"/>\n"
	"<reg name=\"ss\" bitsize=\"32\" type=\"int32\" regnum=\"19\"/>\n"
	"<reg name=\"ds\" bitsize=\"32\" type=\"int32\" regnum=\"20\"/>\n"
	"<reg name=\"es\" bitsize=\"32\" type=\"int32\" regnum=\"21\"/>\n"
	"<reg name=\"fs\" bitsize=\"32\" type=\"int32\" regnum=\"22\"/>\n"
	"<reg name=\"gs\" bitsize=\"32\" type=\"int32\" regnum=\"23\"/>\n"
	"<reg name=\"fs_base\" bitsize=\"64\" type=\"int64\" regnum=\"24\"/>\n"
	"<reg name=\"gs_base\" bitsize=\"64\" type=\"int64\" regnum=\"25\"/>\n"
	"<reg name=\"k_gs_base\" bitsize=\"64\" type=\"int64\" regnum=\"26\"/>\n"
	"<reg name=\"cr0\" bitsize=\"64\" type=\"int64\" regnum=\"27\"/>\n"
	"<reg name=\"cr2\" bitsize=\"64\" type=\"int64\" regnum=\"28\"/>\n"
	"<reg name=\"cr3\" bitsize=\"64\" type=\"int64\" regnum=\"29\"/>\n"
	"<reg name=\"cr4\" bitsize=\"64\" type=\"int64\" regnum=\"30\"/>\n"
	"<reg name=\"cr8\" bitsize=\"64\" type=\"int64\" regnum=\"31\"/>\n"
	"<reg name=\"efer\" bitsize=\"64\" type=\"int64\" regnum=\"32\"/>\n"
	"<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\" regnum=\"33\"/>\n"
	"<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\" regnum=\"34\"/>\n"
	"<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\" regnum=\"35\"/>\n"
	"<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\" regnum=\"36\"/>\n"
	"<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\" regnum=\"37\"/>\n"
	"<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\" regnum=\"38\"/>\n"
	"<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\" regnum=\"39\"/>\n"
	"<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\" regnum=\"40\"/>\n"
	"<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" regnum=\"41\" group=\"float\"/>\n"
	"<reg name=\"fstat\" bitsize=\"32\" type=\"int\" regnum=\"42\" group=\"float\"/>\n"
	"<reg name=\"ftag\" bitsize=\"32\" type=\"int\" regnum=\"43\" group=\"float\"/>\n"
	"<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" regnum=\"44\" group=\"float\"/>\n"
	"<reg name=\"fioff\" bitsize=\"32\" type=\"int\" regnum=\"45\" group=\"float\"/>\n"
	"<reg name=\"foseg\" bitsize=\"32\" type=\"int\" regnum=\"46\" group=\"float\"/>\n"
	"<reg name=\"fooff\" bitsize=\"32\" type=\"int\" regnum=\"47\" group=\"float\"/>\n"
	"<reg name=\"fop\" bitsize=\"32\" type=\"int\" regnum=\"48\" group=\"float\"/>\n"
	"</feature>\n"
	"<feature name=\"org.gnu.gdb.i386.sse\">\n"
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
	"<union id=\"vec128\">\n"
	"<field name=\"v4_float\" type=\"v4f\"/>\n"
	"<field name=\"v2_double\" type=\"v2d\"/>\n"
	"<field name=\"v16_int8\" type=\"v16i8\"/>\n"
	"<field name=\"v8_int16\" type=\"v8i16\"/>\n"
	"<field name=\"v4_int32\" type=\"v4i32\"/>\n"
	"<field name=\"v2_int64\" type=\"v2i64\"/>\n"
	"<field name=\"uint128\" type=\"uint128\"/>\n"
	"</union>\n"
	"<reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\" regnum=\"49\"/>\n"
	"<reg name=\"xmm1\" bitsize=\"128\" type=\"vec128\" regnum=\"50\"/>\n"
	"<reg name=\"xmm2\" bitsize=\"128\" type=\"vec128\" regnum=\"51\"/>\n"
	"<reg name=\"xmm3\" bitsize=\"128\" type=\"vec128\" regnum=\"52\"/>\n"
	"<reg name=\"xmm4\" bitsize=\"128\" type=\"vec128\" regnum=\"53\"/>\n"
	"<reg name=\"xmm5\" bitsize=\"128\" type=\"vec128\" regnum=\"54\"/>\n"
	"<reg name=\"xmm6\" bitsize=\"128\" type=\"vec128\" regnum=\"55\"/>\n"
	"<reg name=\"xmm7\" bitsize=\"128\" type=\"vec128\" regnum=\"56\"/>\n"
	"<reg name=\"xmm8\" bitsize=\"128\" type=\"vec128\" regnum=\"57\"/>\n"
	"<reg name=\"xmm9\" bitsize=\"128\" type=\"vec128\" regnum=\"58\"/>\n"
	"<reg name=\"xmm10\" bitsize=\"128\" type=\"vec128\" regnum=\"59\"/>\n"
	"<reg name=\"xmm11\" bitsize=\"128\" type=\"vec128\" regnum=\"60\"/>\n"
	"<reg name=\"xmm12\" bitsize=\"128\" type=\"vec128\" regnum=\"61\"/>\n"
	"<reg name=\"xmm13\" bitsize=\"128\" type=\"vec128\" regnum=\"62\"/>\n"
	"<reg name=\"xmm14\" bitsize=\"128\" type=\"vec128\" regnum=\"63\"/>\n"
	"<reg name=\"xmm15\" bitsize=\"128\" type=\"vec128\" regnum=\"64\"/>\n"
	"<reg name=\"mxcsr\" bitsize=\"32\" type=\"int\" regnum=\"65\" group=\"vector\"/>\n"
	"</feature>\n"
	"</target>\n";

/* 50 registers */
static const char *const i386_names[] = {
	"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip",
	"eflags", "cs", "ss", "ds", "es", "fs", "gs", "fs_base", "gs_base",
	"k_gs_base", "cr0", "cr2", "cr3", "cr4", "cr8", "efer", "st0", "st1",
	"st2", "st3", "st4", "st5", "st6", "st7", "fctrl", "fstat", "ftag",
	"fiseg", "fioff", "foseg", "fooff", "fop", "xmm0", "xmm1", "xmm2",
	"xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "mxcsr",
};

static const unsigned char i386_sizes[] = {
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 10, 10, 10, 10, 10, 10, 10,
	10, 4, 4, 4, 4, 4, 4, 4, 4, 16, 16, 16, 16, 16, 16, 16,
	16, 4,
};

static const char i386_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	"<!-- pgstub i386: register numbers follow QEMU 7.2's gdbstub -->\n"
	"<target version=\"1.0\">\n"
	"<architecture>i386</architecture>\n"
	"<feature name=\"org.gnu.gdb.i386.core\">\n"
	"<flags id=\"eflags_t\" size=\"4\">\n"
	"<field name=\"CF\" start=\"0\" end=\"0\"/>\n"
	"<field name=\"PF\" start=\"2\" end=\"2\"/>\n"
	"<field name=\"AF\" start=\"4\" end=\"4\"/>\n"
	"<field name=\"ZF\" start=\"6\" end=\"6\"/>\n"
	"<field name=\"SF\" start=\"7\" end=\"7\"/>\n"
	"<field name=\"TF\" start=\"8\" end=\"8\"/>\n"
	"<field name=\"IF\" start=\"9\" end=\"9\"/>\n"
	"<field name=\"DF\" start=\"10\" end=\"10\"/>\n"
	"<field name=\"OF\" start=\"11\" end=\"11\"/>\n"
	"<field name=\"NT\" start=\"14\" end=\"14\"/>\n"
	"<field name=\"RF\" start=\"16\" end=\"16\"/>\n"
	"<field name=\"VM\" start=\"17\" end=\"17\"/>\n"
	"<field name=\"AC\" start=\"18\" end=\"18\"/>\n"
	"<field name=\"VIF\" start=\"19\" end=\"19\"/>\n"
	"<field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
	"<field name=\"ID\" start=\"21\" end=\"21\"/>\n"
	"<field name=\"IOPL\" start=\"12\" end=\"13\"/>\n"
	"</flags>\n"
	"<reg name=\"eax\" bitsize=\"32\" type=\"int32\" regnum=\"0\"/>\n"
	"<reg name=\"ecx\" bitsize=\"32\" type=\"int32\" regnum=\"1\"/>\n"
	"<reg name=\"edx\" bitsize=\"32\" type=\"int32\" regnum=\"2\"/>\n"
	"<reg name=\"ebx\" bitsize=\"32\" type=\"int32\" regnum=\"3\"/>\n"
	"<reg name=\"esp\" bitsize=\"32\" type=\"data_ptr\" regnum=\"4\"/>\n"
	"<reg name=\"ebp\" bitsize=\"32\" type=\"data_ptr\" regnum=\"5\"/>\n"
	"<reg name=\"esi\" bitsize=\"32\" type=\"int32\" regnum=\"6\"/>\n"
	"<reg name=\"edi\" bitsize=\"32\" type=\"int32\" regnum=\"7\"/>\n"
	"<reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\" regnum=\"8\"/>\n"
	"<reg name=\"eflags\" bitsize=\"32\" type=\"eflags_t\" regnum=\"9\"/>\n"
	"<reg name=\"cs\" bitsize=\"32\" type=\"int32\" regnum=\"10\"/>\n"
	"<reg name=\"ss\" bitsize=\"32\" type=\"int32\" regnum=\"11\"/>\n"
	"<reg name=\"ds\" bitsize=\"32\" type=\"int32\" regnum=\"12\"/>\n"
	"<reg name=\"es\" bitsize=\"32\" type=\"int32\" regnum=\"13\"/>\n"
	"<reg name=\"fs\" bitsize=\"32\" type=\"int32\" regnum=\"14\"/>\n"
	"<reg name=\"gs\" bitsize=\"32\" type=\"int32\" regnum=\"15\"/>\n"
	"<reg name=\"fs_base\" bitsize=\"32\" type=\"int32\" regnum=\"16\"/>\n"
	"<reg name=\"gs_base\" bitsize=\"32\" type=\"int32\" regnum=\"17\"/>\n"
	"<reg name=\"k_gs_base\" bitsize=\"32\" type=\"int32\" regnum=\"18\"/>\n"
	"<reg name=\"cr0\" bitsize=\"32\" type=\"int32\" regnum=\"19\"/>\n"
	"<reg name=\"cr2\" bitsize=\"32\" type=\"int32\" regnum=\"20\"/>\n"
	"<reg name=\"cr3\" bitsize=\"32\" type=\"int32\" regnum=\"21\"/>\n"
	"<reg name=\"cr4\" bitsize=\"32\" type=\"int32\" regnum=\"22\"/>\n"
	"<reg name=\"cr8\" bitsize=\"32\" type=\"int32\" regnum=\"23\"/>\n"
	"<reg name=\"efer\" bitsize=\"32\" type=\"int32\" regnum=\"24\"/>\n"
	"<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\" regnum=\"25\"/>\n"
	"<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\" regnum=\"26\"/>\n"
	"<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\" regnum=\"27\"/>\n"
	"<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\" regnum=\"28\"/>\n"
	"<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\" regnum=\"29\"/>\n"
	"<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\" regnum=\"30\"/>\n"
	"<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\" regnum=\"31\"/>\n"
	"<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\" regnum=\"32\"/>\n"
	"<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" regnum=\"33\" group=\"float\"/>\n"
	"<reg name=\"fstat\" bitsize=\"32\" type=\"int\" regnum=\"34\" group=\"float\"/>\n"
	"<reg name=\"ftag\" bitsize=\"32\" type=\"int\" regnum=\"35\" group=\"float\"/>\n"
	"<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" regnum=\"36\" group=\"float\"/>\n"
	"<reg name=\"fioff\" bitsize=\"32\" type=\"int\" regnum=\"37\" group=\"float\"/>\n"
	"<reg name=\"foseg\" bitsize=\"32\" type=\"int\" regnum=\"38\" group=\"float\"/>\n"
	"<reg name=\"fooff\" bitsize=\"32\" type=\"int\" regnum=\"39\" group=\"float\"/>\n"
	"<reg name=\"fop\" bitsize=\"32\" type=\"int\" regnum=\"40\" group=\"float\"/>\n"
	"</feature>\n"
	"<feature name=\"org.gnu.gdb.i386.sse\">\n"
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
	"<union id=\"vec128\">\n"
	"<field name=\"v4_float\" type=\"v4f\"/>\n"
	"<field name=\"v2_double\" type=\"v2d\"/>\n"
	"<field name=\"v16_int8\" type=\"v16i8\"/>\n"
	"<field name=\"v8_int16\" type=\"v8i16\"/>\n"
	"<field name=\"v4_int32\" type=\"v4i32\"/>\n"
	"<field name=\"v2_int64\" type=\"v2i64\"/>\n"
	"<field name=\"uint128\" type=\"uint128\"/>\n"
	"</union>\n"
	"<reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\" regnum=\"41\"/>\n"
	"<reg name=\"xmm1\" bitsize=\"128\" type=\"vec128\" regnum=\"42\"/>\n"
	"<reg name=\"xmm2\" bitsize=\"128\" type=\"vec128\" regnum=\"43\"/>\n"
	"<reg name=\"xmm3\" bitsize=\"128\" type=\"vec128\" regnum=\"44\"/>\n"
	"<reg name=\"xmm4\" bitsize=\"128\" type=\"vec128\" regnum=\"45\"/>\n"
	"<reg name=\"xmm5\" bitsize=\"128\" type=\"vec128\" regnum=\"46\"/>\n"
	"<reg name=\"xmm6\" bitsize=\"128\" type=\"vec128\" regnum=\"47\"/>\n"
	"<reg name=\"xmm7\" bitsize=\"128\" type=\"vec128\" regnum=\"48\"/>\n"
	"<reg name=\"mxcsr\" bitsize=\"32\" type=\"int\" regnum=\"49\" group=\"vector\"/>\n"
	"</feature>\n"
	"</target>\n";

static const struct gdbr_tdesc tdesc_x86_64 = {
	"i386:x86-64", (int)sizeof(x86_64_sizes), x86_64_names, x86_64_sizes,
	x86_64_xml, sizeof(x86_64_xml) - 1
};

static const struct gdbr_tdesc tdesc_i386 = {
	"i386", (int)sizeof(i386_sizes), i386_names, i386_sizes,
	i386_xml, sizeof(i386_xml) - 1
};

const gdbr_tdesc *gdbr_tdesc_x86_64(void)
{
	return &tdesc_x86_64;
}

const gdbr_tdesc *gdbr_tdesc_i386(void)
{
	return &tdesc_i386;
}

int gdbr_tdesc_nregs(const gdbr_tdesc *t)
{
	return t->nregs;
}

int gdbr_tdesc_reg_size(const gdbr_tdesc *t, int regno)
{
	if (regno < 0 || regno >= t->nregs)
		return GDBR_EINVAL;
	return t->sizes[regno];
}

size_t gdbr_tdesc_regs_size(const gdbr_tdesc *t)
{
	size_t total = 0;
	int i;

	for (i = 0; i < t->nregs; i++)
		total += t->sizes[i];
	return total;
}

const char *gdbr_tdesc_reg_name(const gdbr_tdesc *t, int regno)
{
	if (regno < 0 || regno >= t->nregs)
		return NULL;
	return t->names[regno];
}

int gdbr_tdesc_find_reg(const gdbr_tdesc *t, const char *name)
{
	int i;

	for (i = 0; i < t->nregs; i++) {
		if (strcmp(t->names[i], name) == 0)
			return i;
	}
	return GDBR_EINVAL;
}

const char *gdbr_tdesc_arch(const gdbr_tdesc *t)
{
	return t->arch;
}

const char *gdbr_tdesc_xml(const gdbr_tdesc *t, const char *annex,
                           size_t *len)
{
	if (strcmp(annex, "target.xml") != 0)
		return NULL;
	*len = t->xml_len;
	return t->xml;
}
