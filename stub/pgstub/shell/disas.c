/*
 * The capstone side of the shell's `disas` and `x /Ni`: mode names and
 * support checks, and the listing loop over a buffer that the caller read
 * from guest memory (which stops cleanly where that memory ended).
 */
#include "disas.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	enum disas_mode mode;
} names[] = {
	{ "auto", DISAS_AUTO }, { "16", DISAS_X86_16 }, { "32", DISAS_X86_32 },
	{ "64", DISAS_X86_64 }, { "ppc64", DISAS_PPC64 },
	{ "ppc64le", DISAS_PPC64LE }, { "riscv64", DISAS_RISCV64 },
	{ "arm64", DISAS_ARM64 }, { "riscv32", DISAS_RISCV32 },
};

#define NNAMES (sizeof(names) / sizeof(names[0]))

int disas_mode_parse(const char *name, enum disas_mode *m)
{
	for (size_t i = 0; name && i < NNAMES; i++) {
		if (!strcmp(name, names[i].name)) {
			*m = names[i].mode;
			return 0;
		}
	}
	/* Friendly aliases. */
	if (name && (!strcmp(name, "x86_64") || !strcmp(name, "x86-64"))) {
		*m = DISAS_X86_64;
		return 0;
	}
	if (name && (!strcmp(name, "aarch64") || !strcmp(name, "a64"))) {
		*m = DISAS_ARM64;
		return 0;
	}
	if (name && (!strcmp(name, "i386") || !strcmp(name, "x86"))) {
		*m = DISAS_X86_32;
		return 0;
	}
	return -1;
}

const char *disas_mode_name(enum disas_mode m)
{
	for (size_t i = 0; i < NNAMES; i++)
		if (names[i].mode == m)
			return names[i].name;
	return "?";
}

const char *disas_mode_names(void)
{
	return "auto 16 32 64 ppc64 ppc64le riscv64 arm64 riscv32";
}

/* Capstone's arch and mode for @m; -1 when this capstone has none. */
static int cs_pair(enum disas_mode m, cs_arch *arch, cs_mode *mode)
{
	switch (m) {
	case DISAS_X86_16: *arch = CS_ARCH_X86; *mode = CS_MODE_16; return 0;
	case DISAS_X86_32: *arch = CS_ARCH_X86; *mode = CS_MODE_32; return 0;
	case DISAS_X86_64: *arch = CS_ARCH_X86; *mode = CS_MODE_64; return 0;
	case DISAS_PPC64:
		*arch = CS_ARCH_PPC;
		*mode = (cs_mode)(CS_MODE_64 | CS_MODE_BIG_ENDIAN);
		return 0;
	case DISAS_PPC64LE:
		*arch = CS_ARCH_PPC;
		*mode = (cs_mode)(CS_MODE_64 | CS_MODE_LITTLE_ENDIAN);
		return 0;
	case DISAS_RISCV64:
	case DISAS_RISCV32:
#if CS_API_MAJOR >= 5
		*arch = CS_ARCH_RISCV;
		*mode = m == DISAS_RISCV64 ? CS_MODE_RISCV64 : CS_MODE_RISCV32;
		return 0;
#else
		return -1;
#endif
	case DISAS_ARM64:
		/* Capstone 6 renamed CS_ARCH_ARM64 to CS_ARCH_AARCH64. */
#if CS_API_MAJOR >= 6
		*arch = CS_ARCH_AARCH64;
#else
		*arch = CS_ARCH_ARM64;
#endif
		*mode = CS_MODE_LITTLE_ENDIAN;
		return 0;
	default:
		return -1;
	}
}

int disas_supported(enum disas_mode m, char *why, size_t len)
{
	cs_arch arch;
	cs_mode mode;
	int major, minor;

	cs_version(&major, &minor);
	if (m == DISAS_AUTO || m >= DISAS_NMODES) {
		snprintf(why, len, "no disassembler mode chosen");
		return 0;
	}
	if (cs_pair(m, &arch, &mode) < 0 || !cs_support((int)arch)) {
		snprintf(why, len, "capstone %d.%d cannot disassemble %s",
			 major, minor, disas_mode_name(m));
		return 0;
	}
	return 1;
}

unsigned disas_max_insn(enum disas_mode m)
{
	/* SDM 2.3.11: at most 15 bytes; Power ISA: 4-byte words (prefixed
	 * 8-byte instructions came with ISA 3.1, unknown to capstone 4). */
	switch (m) {
	case DISAS_X86_16: case DISAS_X86_32: case DISAS_X86_64: return 15;
	case DISAS_ARM64: return 4;  /* A64: every instruction is 4 bytes */
	default: return 8;
	}
}

static const char *c(const char *s)
{
	return s ? s : "";
}

static int print_line(gdbr_out *out, const struct disas_colors *col,
		      int digits, uint64_t addr, const uint8_t *b, size_t n,
		      const char *insn, const char *ops, int is_err)
{
	char hex[3 * 16 + 1];
	size_t k = 0;
	int width = 3 * 8 - 1;  /* 8 bytes' worth; longer ones push on */

	for (size_t i = 0; i < n && i < 16; i++)
		k += (size_t)snprintf(hex + k, sizeof(hex) - k, "%s%02x",
				      i ? " " : "", b[i]);
	hex[k] = 0;
	return gdbr_out_printf(out, "%s%0*" PRIx64 "%s: %s%-*s%s  %s%s%s%s%s\n",
			       c(col->addr), digits, addr, c(col->reset),
			       c(col->bytes), width, hex, c(col->reset),
			       is_err ? c(col->err) : c(col->insn), insn,
			       *ops ? " " : "", ops, c(col->reset));
}

int disas_buf(enum disas_mode m, uint64_t addr, const uint8_t *buf,
	      size_t len, unsigned n, int truncated, const char *what,
	      const struct disas_colors *col, gdbr_out *out)
{
	static const struct disas_colors plain;
	const uint8_t *code = buf;
	uint64_t pc = addr;
	size_t left = len;
	int digits = (m == DISAS_X86_16 || m == DISAS_X86_32) ? 8 : 16;
	int lines = 0, rc = 0;
	unsigned step = (m == DISAS_PPC64 || m == DISAS_PPC64LE ||
			 m == DISAS_ARM64) ? 4 : 1;
	char why[128];
	csh h;
	cs_arch arch = CS_ARCH_X86;
	cs_mode mode = CS_MODE_64;
	cs_insn *insn;

	if (!col)
		col = &plain;
	if (!disas_supported(m, why, sizeof(why))) {
		gdbr_out_printf(out, "disas: %s\n", why);
		return -1;
	}
	cs_pair(m, &arch, &mode);
	if (cs_open(arch, mode, &h) != CS_ERR_OK) {
		gdbr_out_printf(out, "disas: capstone cannot open mode %s\n",
				disas_mode_name(m));
		return -1;
	}
	insn = cs_malloc(h);
	if (!insn) {
		cs_close(&h);
		gdbr_out_printf(out, "disas: out of memory\n");
		return -1;
	}
	while ((unsigned)lines < n && rc == 0) {
		const uint8_t *at = code;
		uint64_t at_pc = pc;

		if (left == 0) {
			if (truncated)
				rc = gdbr_out_printf(out, "%s%0*" PRIx64 ": cannot read "
						     "memory (%s)%s\n", c(col->err),
						     digits, pc, what, c(col->reset));
			break;
		}
		if (cs_disasm_iter(h, &code, &left, &pc, insn)) {
			rc = print_line(out, col, digits, at_pc, insn->bytes,
					insn->size, insn->mnemonic, insn->op_str, 0);
			lines++;
			continue;
		}
		/* Undecodable: cut by the end of readable memory, or garbage. */
		if (truncated && left < disas_max_insn(m)) {
			rc = gdbr_out_printf(out, "%s%0*" PRIx64 ": cannot read memory "
					     "(%s) after %zu byte%s%s\n", c(col->err),
					     digits, pc, what, left,
					     left == 1 ? "" : "s", c(col->reset));
			break;
		}
		{
			size_t k = step < left ? step : left;

			rc = print_line(out, col, digits, at_pc, at, k, "(bad)",
					"", 1);
			code = at + k;
			left -= k;
			pc = at_pc + k;
			lines++;
		}
	}
	cs_free(insn, 1);
	cs_close(&h);
	return rc ? -1 : lines;
}
