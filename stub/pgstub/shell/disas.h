/*
 * Disassembly for the shell through capstone: the modes pgstub knows, and
 * listing N instructions of a byte buffer as "address: bytes  insn" lines,
 * with "(bad)" for undecodable bytes and a clean stop where memory ends.
 */
#ifndef PGSTUB_DISAS_H
#define PGSTUB_DISAS_H

#include <stddef.h>
#include <stdint.h>

#include "gdb-remote.h"

enum disas_mode {
	DISAS_AUTO = 0,     /* from the vCPU (shell only) */
	DISAS_X86_16,
	DISAS_X86_32,
	DISAS_X86_64,
	DISAS_PPC64,        /* big endian */
	DISAS_PPC64LE,
	DISAS_RISCV64,      /* named so that a capstone without it says so */
	DISAS_ARM64,        /* AArch64 (A64), little endian */
	DISAS_RISCV32,
	DISAS_NMODES
};

/* Escape sequences around the columns; NULL for plain text. */
struct disas_colors {
	const char *addr, *bytes, *insn, *err, *reset;
};

/* Mode by name ("16", "32", "64", "ppc64", "ppc64le", "riscv64", "auto").
 * @return 0, or -1 for a name pgstub does not know. */
int disas_mode_parse(const char *name, enum disas_mode *m);
const char *disas_mode_name(enum disas_mode m);
/* Names accepted by disas_mode_parse(), space separated (for messages). */
const char *disas_mode_names(void);

/*
 * Nonzero when the linked capstone can disassemble @m; otherwise 0 with a
 * one-line reason in @why.
 */
int disas_supported(enum disas_mode m, char *why, size_t len);

/* Longest instruction of the mode, in bytes. */
unsigned disas_max_insn(enum disas_mode m);

/*
 * List up to @n instructions of @buf (@len bytes read at @addr).
 * @truncated: the bytes after @buf could not be read, so an instruction
 * cut at the end is reported as "cannot read memory" and listing stops;
 * otherwise an undecodable byte (x86) or word (ppc) prints "(bad)" and
 * listing goes on. @what names the address space in that message.
 * @return the number of lines written (>= 0), or -1 with one line of
 *         explanation written to @out (mode unsupported, capstone error).
 */
int disas_buf(enum disas_mode m, uint64_t addr, const uint8_t *buf,
	      size_t len, unsigned n, int truncated, const char *what,
	      const struct disas_colors *col, gdbr_out *out);

#endif
