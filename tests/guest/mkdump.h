/*
 * Test-image generator: small QEMU-style ELF dumps (ELF64 or ELF32, two
 * PT_LOADs, NT_PRSTATUS + "QEMU" notes per vCPU — aarch64: NT_PRSTATUS and
 * NT_PRFPREG per vCPU, in that order —, QEMU 7.2's e_ehsize 8;
 * optionally without the QEMU notes and with a VMCOREINFO note)
 * written by hand to a temporary file.
 */
#ifndef PGSTUB_TESTS_MKDUMP_H
#define PGSTUB_TESTS_MKDUMP_H

#include <stddef.h>
#include <stdint.h>

struct mk_cpu {
	uint64_t gpr[16];            /* GDB order */
	uint64_t rip, rflags;
	uint64_t cr0, cr2, cr3, cr4;
	uint64_t cs_base, kgsbase;
	uint32_t cs_sel, cs_flags;
	/* EM_AARCH64: NT_PRSTATUS and NT_PRFPREG */
	uint64_t x[31], sp, pc, pstate;
	uint64_t v[32][2];           /* [0] the low half */
	uint32_t fpsr, fpcr;
};

struct mk_load {
	uint64_t pa, filesz, memsz;
	const uint8_t *data;         /* filesz bytes */
};

struct mk_dump {
	int elf64;                   /* ELFCLASS64 (else 32) */
	int machine;                 /* EM_X86_64, EM_386, EM_AARCH64 or
					EM_RISCV (NT_PRSTATUS only: pc, and
					x1-x31 from x[0..30]) */
	int ncpu;
	struct mk_cpu cpu[4];
	int nload;
	struct mk_load load[4];
	int no_qemu_notes;           /* NT_PRSTATUS only, as a kdump vmcore
					(aarch64 dumps never have QEMU notes) */
	int no_fpregs;               /* aarch64: NT_PRSTATUS only */
	const char *vmcoreinfo;      /* a VMCOREINFO note's text, or NULL */
};

/* Byte offsets of the pieces of the written file, for corrupting tests. */
struct mk_layout {
	size_t size;
	size_t phoff, note_off, note_size;
	size_t load_off[4];
};

/**
 * Write @p d to a fresh file under /tmp; the path goes to @p path (64
 * bytes). @return 0 or -1
 */
int mk_dump_write(const struct mk_dump *d, char *path,
		  struct mk_layout *lay);

/** Write @p len bytes to a fresh /tmp file. @return 0 or -1 */
int mk_file_write(const void *buf, size_t len, char *path);

/** Read the whole file; caller frees. */
uint8_t *mk_file_read(const char *path, size_t *len);

#endif
