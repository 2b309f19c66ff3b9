/*
 * Test-image generator: writes QEMU-style dump-guest-memory ELF files by
 * hand (not through libelf, so that the reader is tested against bytes laid
 * out as QEMU lays them, e_ehsize quirk included).
 */
#include "mkdump.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct buf {
	uint8_t *p;
	size_t n;
};

static void put(struct buf *b, size_t off, const void *src, size_t len)
{
	if (off + len > b->n) {
		b->p = realloc(b->p, off + len);
		if (!b->p)
			abort();
		memset(b->p + b->n, 0, off + len - b->n);
		b->n = off + len;
	}
	memcpy(b->p + off, src, len);
}

static void put32(struct buf *b, size_t off, uint32_t v)
{
	put(b, off, &v, 4);   /* little-endian host (x86) */
}

static void put64(struct buf *b, size_t off, uint64_t v)
{
	put(b, off, &v, 8);
}

/* One note: header, 4-aligned name, descriptor padded to 4. */
static size_t note(struct buf *b, size_t off, const char *name,
		   uint32_t type, const uint8_t *desc, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;

	put32(b, off, namesz);
	put32(b, off + 4, descsz);
	put32(b, off + 8, type);
	put(b, off + 12, name, namesz);
	off += 12 + ((namesz + 3) & ~3u);
	put(b, off, desc, descsz);
	return off + ((descsz + 3) & ~3u);
}

static size_t prstatus(const struct mk_dump *d, const struct mk_cpu *c,
		       uint8_t *desc)
{
	/* pr_reg slots of GDB's rax..r15 (x86_64) / eax..esp (i386) */
	static const int s64[16] = { 10, 5, 11, 12, 13, 14, 4, 19,
				     9, 8, 7, 6, 3, 2, 1, 0 };
	static const int s32[8] = { 6, 0, 1, 2, 3, 4, 5, 15 };
	struct buf b = { 0 };
	size_t n;

	if (d->machine == EM_X86_64) {
		n = 336;
		for (int i = 0; i < 16; i++)
			put64(&b, 112 + 8 * s64[i], c->gpr[i]);
		put64(&b, 112 + 8 * 16, c->rip);
		put64(&b, 112 + 8 * 17, c->cs_sel);
		put64(&b, 112 + 8 * 18, c->rflags);
	} else {
		n = 144;
		for (int i = 0; i < 8; i++)
			put32(&b, 72 + 4 * s32[i], (uint32_t)c->gpr[i]);
		put32(&b, 72 + 4 * 12, (uint32_t)c->rip);
		put32(&b, 72 + 4 * 13, c->cs_sel);
		put32(&b, 72 + 4 * 14, (uint32_t)c->rflags);
	}
	put(&b, n - 1, "", 1);
	memcpy(desc, b.p, n);
	free(b.p);
	return n;
}

/* aarch64 (Linux's layouts, as QEMU 7.2 writes them): elf_prstatus of
 * 392 bytes with pr_pid at 32 and user_pt_regs at 112; user_fpsimd_state
 * of 528 bytes. */
static size_t prstatus_a64(const struct mk_cpu *c, int cpu, uint8_t *desc)
{
	struct buf b = { 0 };

	put32(&b, 32, (uint32_t)cpu + 1);
	for (int i = 0; i < 31; i++)
		put64(&b, 112 + 8 * i, c->x[i]);
	put64(&b, 112 + 8 * 31, c->sp);
	put64(&b, 112 + 8 * 32, c->pc);
	put64(&b, 112 + 8 * 33, c->pstate);
	put32(&b, 384, 1);                  /* pr_fpvalid */
	put(&b, 391, "", 1);
	memcpy(desc, b.p, 392);
	free(b.p);
	return 392;
}

/* riscv64 (Linux's layout, as QEMU 7.2 writes it): elf_prstatus of 376
 * bytes, user_regs_struct at 112: pc, then x1-x31 (mk_cpu.x[0..30]). */
static size_t prstatus_rv(const struct mk_cpu *c, int cpu, uint8_t *desc)
{
	struct buf b = { 0 };

	put32(&b, 32, (uint32_t)cpu + 1);
	put64(&b, 112, c->pc);
	for (int i = 0; i < 31; i++)
		put64(&b, 120 + 8 * i, c->x[i]);
	put(&b, 375, "", 1);
	memcpy(desc, b.p, 376);
	free(b.p);
	return 376;
}

static size_t fpregs_a64(const struct mk_cpu *c, uint8_t *desc)
{
	struct buf b = { 0 };

	for (int i = 0; i < 32; i++) {
		put64(&b, 16 * i, c->v[i][0]);
		put64(&b, 16 * i + 8, c->v[i][1]);
	}
	put32(&b, 512, c->fpsr);
	put32(&b, 516, c->fpcr);
	put(&b, 527, "", 1);
	memcpy(desc, b.p, 528);
	free(b.p);
	return 528;
}

static size_t qemu_state(const struct mk_cpu *c, uint8_t *desc)
{
	static const int qorder[8] = { 0, 1, 2, 3, 4, 5, 7, 6 };
	struct buf b = { 0 };

	put32(&b, 0, 1);
	put32(&b, 4, 440);
	for (int i = 0; i < 16; i++)
		put64(&b, 8 + 8 * i, c->gpr[i < 8 ? qorder[i] : i]);
	put64(&b, 136, c->rip);
	put64(&b, 144, c->rflags);
	put32(&b, 152, c->cs_sel);          /* cs: first segment */
	put32(&b, 156, 0xffff);
	put32(&b, 160, c->cs_flags);
	put64(&b, 168, c->cs_base);
	put64(&b, 392, c->cr0);
	put64(&b, 408, c->cr2);
	put64(&b, 416, c->cr3);
	put64(&b, 424, c->cr4);
	put64(&b, 432, c->kgsbase);
	memcpy(desc, b.p, 440);
	free(b.p);
	return 440;
}

int mk_file_write(const void *buf, size_t len, char *path)
{
	int fd;
	int rc = 0;

	strcpy(path, "/tmp/pgstub-guest-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (len && write(fd, buf, len) != (ssize_t)len)
		rc = -1;
	close(fd);
	return rc;
}

uint8_t *mk_file_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p = malloc((size_t)n + 1);
	if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

int mk_dump_write(const struct mk_dump *d, char *path, struct mk_layout *lay)
{
	size_t ehsz = d->elf64 ? 64 : 52, phsz = d->elf64 ? 56 : 32;
	int phnum = 1 + d->nload;
	struct buf b = { 0 };
	uint8_t desc[640];
	size_t off, noff;
	int rc;

	memset(lay, 0, sizeof(*lay));
	put(&b, 0, "\177ELF", 4);
	put(&b, EI_CLASS, d->elf64 ? "\2" : "\1", 1);
	put(&b, EI_DATA, "\1\1", 2);            /* LSB, EV_CURRENT */
	put(&b, 16, "\4\0", 2);                 /* ET_CORE */
	put(&b, 18, &(uint16_t){ (uint16_t)d->machine }, 2);
	put32(&b, 20, 1);
	lay->phoff = ehsz;
	if (d->elf64) {
		put64(&b, 32, ehsz);                /* e_phoff */
		put(&b, 52, &(uint16_t){ 8 }, 2);   /* QEMU 7.2 e_ehsize */
		put(&b, 54, &(uint16_t){ (uint16_t)phsz }, 2);
		put(&b, 56, &(uint16_t){ (uint16_t)phnum }, 2);
	} else {
		put32(&b, 28, (uint32_t)ehsz);
		put(&b, 40, &(uint16_t){ 8 }, 2);
		put(&b, 42, &(uint16_t){ (uint16_t)phsz }, 2);
		put(&b, 44, &(uint16_t){ (uint16_t)phnum }, 2);
	}

	/* Notes: every NT_PRSTATUS, then every QEMU note, as QEMU orders them. */
	noff = off = ehsz + phsz * (size_t)phnum;
	for (int i = 0; i < d->ncpu && d->machine == EM_AARCH64; i++) {
		off = note(&b, off, "CORE", 1, desc,
			   (uint32_t)prstatus_a64(&d->cpu[i], i, desc));
		if (!d->no_fpregs)
			off = note(&b, off, "CORE", 2, desc,
				   (uint32_t)fpregs_a64(&d->cpu[i], desc));
	}
	for (int i = 0; i < d->ncpu && d->machine == EM_RISCV; i++)
		off = note(&b, off, "CORE", 1, desc,
			   (uint32_t)prstatus_rv(&d->cpu[i], i, desc));
	for (int i = 0; i < d->ncpu && d->machine != EM_AARCH64 &&
	     d->machine != EM_RISCV; i++)
		off = note(&b, off, "CORE", 1, desc,
			   (uint32_t)prstatus(d, &d->cpu[i], desc));
	for (int i = 0; i < d->ncpu && !d->no_qemu_notes &&
	     d->machine != EM_AARCH64 && d->machine != EM_RISCV; i++)
		off = note(&b, off, "QEMU", 0, desc,
			   (uint32_t)qemu_state(&d->cpu[i], desc));
	/* The kernel's note, last, as QEMU appends the guest's. */
	if (d->vmcoreinfo)
		off = note(&b, off, "VMCOREINFO", 0,
			   (const uint8_t *)d->vmcoreinfo,
			   (uint32_t)strlen(d->vmcoreinfo));
	lay->note_off = noff;
	lay->note_size = off - noff;

	for (int i = 0; i <= d->nload; i++) {
		size_t ph = ehsz + phsz * (size_t)i;
		uint64_t o = i ? off : noff, fs, ms, pa = 0;

		if (i) {
			fs = d->load[i - 1].filesz;
			ms = d->load[i - 1].memsz;
			pa = d->load[i - 1].pa;
			lay->load_off[i - 1] = off;
			if (fs)
				put(&b, off, d->load[i - 1].data, fs);
			off += fs;
		} else {
			fs = ms = lay->note_size;
		}
		if (d->elf64) {
			put32(&b, ph, i ? PT_LOAD : PT_NOTE);
			put64(&b, ph + 8, o);
			put64(&b, ph + 24, pa);        /* p_paddr; p_vaddr 0 */
			put64(&b, ph + 32, fs);
			put64(&b, ph + 40, ms);
		} else {
			put32(&b, ph, i ? PT_LOAD : PT_NOTE);
			put32(&b, ph + 4, (uint32_t)o);
			put32(&b, ph + 12, (uint32_t)pa);
			put32(&b, ph + 16, (uint32_t)fs);
			put32(&b, ph + 20, (uint32_t)ms);
		}
	}
	lay->size = b.n;
	rc = mk_file_write(b.p, b.n, path);
	free(b.p);
	return rc;
}
