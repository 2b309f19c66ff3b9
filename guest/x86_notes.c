/*
 * x86 vCPU registers from ELF notes, as QEMU's dump-guest-memory writes them
 * (target/i386/arch_dump.c) into both its ELF and its kdump output: the
 * "CORE" NT_PRSTATUS (i386 or x86_64 layout) and the "QEMU" QEMUCPUState;
 * and the walk over a block of notes, which hands an aarch64 dump's CORE
 * notes to arm64_notes.c and the VMCOREINFO note to vmcoreinfo.c.
 */
#include "guest_priv.h"

#include <stdio.h>
#include <string.h>

#define NT_PRSTATUS_TYPE 1

/*
 * NT_PRSTATUS descriptor sizes and where the register block starts:
 * x86_64 elf_prstatus is 336 bytes with pr_reg at 112 (27 longs: r15 r14
 * r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags
 * rsp ss fs_base gs_base ds es fs gs); i386 is 144 bytes with pr_reg at 72
 * (ebx ecx edx esi edi ebp eax ds es fs gs orig_eax eip cs eflags esp ss,
 * 4 bytes each, selectors in the low 16 bits).
 */
#define PRS64_SIZE 336
#define PRS64_REGS 112
#define PRS32_SIZE 144
#define PRS32_REGS 72

/*
 * QEMUCPUState, version 1: u32 version, u32 size, then u64 rax rbx rcx rdx
 * rsi rdi rsp rbp r8..r15 rip rflags (offsets 8..151), ten 24-byte segments
 * {u32 selector, limit, flags, pad; u64 base} in the order cs ds es fs gs
 * ss ldt tr gdt idt (152..391), u64 cr[5] (392..431) and, when size >= 440,
 * u64 kernel_gs_base (432). The same layout is written for i386 guests.
 */
#define QCS_VERSION     1
#define QCS_GPRS        8
#define QCS_RIP         136
#define QCS_RFLAGS      144
#define QCS_SEGS        152
#define QCS_SEG_SIZE    24
#define QCS_CR          392
#define QCS_MIN_SIZE    432
#define QCS_KGSBASE     432
#define QCS_FULL_SIZE   440

/* GDB order (rax rbx rcx rdx rsi rdi rbp rsp) from QEMUCPUState's order
 * (rax rbx rcx rdx rsi rdi rsp rbp). */
static const int qcs_gpr_slot[8] = { 0, 1, 2, 3, 4, 5, 7, 6 };

/* QEMUCPUState segment order: cs ds es fs gs ss. */
static const enum guest_x86_segno qcs_seg[6] = {
	GUEST_CS, GUEST_DS, GUEST_ES, GUEST_FS, GUEST_GS, GUEST_SS
};

static void get_seg(struct guest_x86_seg *s, const uint8_t *p)
{
	s->selector = guest__le32(p);
	s->limit = guest__le32(p + 4);
	s->flags = guest__le32(p + 8);
	s->base = guest__le64(p + 16);
}

static void prstatus64(struct guest_x86_cpu *c, const uint8_t *d)
{
	/* pr_reg slot of each GDB register rax..r15 */
	static const int slot[16] = { 10, 5, 11, 12, 13, 14, 4, 19,
				      9, 8, 7, 6, 3, 2, 1, 0 };
	const uint8_t *r = d + PRS64_REGS;

	for (int i = 0; i < 16; i++)
		c->gpr[i] = guest__le64(r + 8 * slot[i]);
	c->rip = guest__le64(r + 8 * 16);
	c->rflags = guest__le64(r + 8 * 18);
	c->seg[GUEST_CS].selector = (uint32_t)guest__le64(r + 8 * 17);
	c->seg[GUEST_SS].selector = (uint32_t)guest__le64(r + 8 * 20);
	c->fs_base = guest__le64(r + 8 * 21);
	c->gs_base = guest__le64(r + 8 * 22);
	c->seg[GUEST_DS].selector = (uint32_t)guest__le64(r + 8 * 23);
	c->seg[GUEST_ES].selector = (uint32_t)guest__le64(r + 8 * 24);
	c->seg[GUEST_FS].selector = (uint32_t)guest__le64(r + 8 * 25);
	c->seg[GUEST_GS].selector = (uint32_t)guest__le64(r + 8 * 26);
	c->seg[GUEST_FS].base = c->fs_base;
	c->seg[GUEST_GS].base = c->gs_base;
	c->valid |= GUEST_X86_HAS_GPRS | GUEST_X86_HAS_SEGS |
		    GUEST_X86_HAS_BASES;
}

static void prstatus32(struct guest_x86_cpu *c, const uint8_t *d)
{
	/* pr_reg slot of eax ebx ecx edx esi edi ebp esp */
	static const int slot[8] = { 6, 0, 1, 2, 3, 4, 5, 15 };
	const uint8_t *r = d + PRS32_REGS;

	for (int i = 0; i < 8; i++)
		c->gpr[i] = guest__le32(r + 4 * slot[i]);
	c->rip = guest__le32(r + 4 * 12);
	c->rflags = guest__le32(r + 4 * 14);
	c->seg[GUEST_DS].selector = guest__le16(r + 4 * 7);
	c->seg[GUEST_ES].selector = guest__le16(r + 4 * 8);
	c->seg[GUEST_FS].selector = guest__le16(r + 4 * 9);
	c->seg[GUEST_GS].selector = guest__le16(r + 4 * 10);
	c->seg[GUEST_CS].selector = guest__le16(r + 4 * 13);
	c->seg[GUEST_SS].selector = guest__le16(r + 4 * 16);
	c->valid |= GUEST_X86_HAS_GPRS | GUEST_X86_HAS_SEGS;
}

static int qemu_state(struct guest_x86_cpu *c, const uint8_t *d, size_t n,
		      uint64_t off, const char *where, char *err,
		      size_t errlen)
{
	uint32_t version, size;

	if (n < QCS_MIN_SIZE)
		return guest__fail(err, errlen,
				   "QEMU note at %s 0x%llx is too short "
				   "(%zu bytes, QEMUCPUState needs %d)", where,
				   (unsigned long long)off, n, QCS_MIN_SIZE);
	version = guest__le32(d);
	size = guest__le32(d + 4);
	if (version != QCS_VERSION || size < QCS_MIN_SIZE || size > n)
		return guest__fail(err, errlen,
				   "QEMU note at %s 0x%llx: unsupported "
				   "QEMUCPUState (version %u, size %u, note "
				   "holds %zu bytes)", where,
				   (unsigned long long)off, version, size, n);
	for (int i = 0; i < 16; i++)
		c->gpr[i < 8 ? qcs_gpr_slot[i] : i] =
			guest__le64(d + QCS_GPRS + 8 * i);
	c->rip = guest__le64(d + QCS_RIP);
	c->rflags = guest__le64(d + QCS_RFLAGS);
	for (int i = 0; i < 6; i++)
		get_seg(&c->seg[qcs_seg[i]], d + QCS_SEGS + QCS_SEG_SIZE * i);
	get_seg(&c->ldt, d + QCS_SEGS + QCS_SEG_SIZE * 6);
	get_seg(&c->tr, d + QCS_SEGS + QCS_SEG_SIZE * 7);
	get_seg(&c->gdt, d + QCS_SEGS + QCS_SEG_SIZE * 8);
	get_seg(&c->idt, d + QCS_SEGS + QCS_SEG_SIZE * 9);
	c->fs_base = c->seg[GUEST_FS].base;
	c->gs_base = c->seg[GUEST_GS].base;
	c->cr0 = guest__le64(d + QCS_CR);
	c->cr2 = guest__le64(d + QCS_CR + 16);
	c->cr3 = guest__le64(d + QCS_CR + 24);
	c->cr4 = guest__le64(d + QCS_CR + 32);
	c->valid |= GUEST_X86_HAS_GPRS | GUEST_X86_HAS_SEGS |
		    GUEST_X86_HAS_SEGDESC | GUEST_X86_HAS_CRS |
		    GUEST_X86_HAS_BASES;
	/* kernel_gs_base was appended without a version bump: see size. */
	if (size >= QCS_FULL_SIZE) {
		c->kernel_gs_base = guest__le64(d + QCS_KGSBASE);
		c->valid |= GUEST_X86_HAS_KGSBASE;
	}
	return 0;
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

long guest__core_note_size(const uint8_t *p, size_t len, int be,
			   uint32_t type)
{
	size_t pos = 0;

	while (len - pos >= 12) {
		const uint8_t *h = p + pos;
		uint32_t namesz = be ? (uint32_t)__builtin_bswap32(
				guest__le32(h)) : guest__le32(h);
		uint32_t descsz = be ? (uint32_t)__builtin_bswap32(
				guest__le32(h + 4)) : guest__le32(h + 4);
		uint32_t t = be ? (uint32_t)__builtin_bswap32(
				guest__le32(h + 8)) : guest__le32(h + 8);
		size_t name4 = align4(namesz);

		if (name4 > len - pos - 12)
			return -1;
		if (namesz == 5 && !memcmp(h + 12, "CORE", 5) && t == type)
			return descsz;
		if (align4(descsz) > len - pos - 12 - name4)
			return -1;
		pos += 12 + name4 + align4(descsz);
	}
	return -1;
}

int guest__notes_parse(guest *g, const uint8_t *p, size_t len,
		       uint64_t file_off, const char *where,
		       char *err, size_t errlen)
{
	size_t pos = 0;

	/* Notes are 4-byte aligned in both ELF classes (QEMU, Linux vmcore). */
	while (len - pos >= 12) {
		uint64_t off = file_off + pos;
		uint32_t namesz = guest__e32(g, p + pos);
		uint32_t descsz = guest__e32(g, p + pos + 4);
		uint32_t type = guest__e32(g, p + pos + 8);
		const uint8_t *name = p + pos + 12, *desc;
		struct guest_x86_cpu *c;

		if (align4(namesz) > len - pos - 12 ||
		    descsz > len - pos - 12 - align4(namesz))
			return guest__fail(err, errlen,
					   "note at %s 0x%llx (name %u bytes, "
					   "descriptor %u bytes) runs past the "
					   "end of the notes (0x%zx bytes at "
					   "0x%llx)", where,
					   (unsigned long long)off, namesz,
					   descsz, len,
					   (unsigned long long)file_off);
		desc = name + align4(namesz);
		pos += 12 + align4(namesz) + align4(descsz);
		if (pos > len)
			pos = len;

		if (guest_arch_is_riscv(g->arch) && namesz == 5 &&
		    !memcmp(name, "CORE", 5)) {
			if (guest__riscv_note(g, type, desc, descsz, off, where,
					      err, errlen))
				return -1;
		} else if (g->arch == GUEST_ARCH_AARCH64 && namesz == 5 &&
		    !memcmp(name, "CORE", 5)) {
			/* The source set the architecture first (ELF
			 * e_machine, the kdump header's machine). */
			if (guest__arm64_note(g, type, desc, descsz, off, where,
					      err, errlen))
				return -1;
		} else if (g->arch == GUEST_ARCH_PPC64 && namesz == 5 &&
			   !memcmp(name, "CORE", 5)) {
			if (guest__ppc64_note(g, type, desc, descsz, off, where,
					      err, errlen))
				return -1;
		} else if (namesz == 5 && !memcmp(name, "CORE", 5) &&
		    type == NT_PRSTATUS_TYPE &&
		    (descsz == PRS64_SIZE || descsz == PRS32_SIZE)) {
			c = guest__cpu_at(g, g->nprstatus++);
			if (!c)
				return guest__fail(err, errlen, "out of memory");
			if (descsz == PRS64_SIZE) {
				prstatus64(c, desc);
				g->long_mode = 1;
			} else {
				prstatus32(c, desc);
			}
		} else if (namesz == 11 && !memcmp(name, "VMCOREINFO", 11)) {
			/* The kernel's own description of itself (a vmcore,
			 * or QEMU's dump with -device vmcoreinfo). */
			char from[96];

			snprintf(from, sizeof(from), "the VMCOREINFO note at "
				 "%s 0x%llx", where, (unsigned long long)off);
			if (guest__vmcoreinfo_set(g, (const char *)desc, descsz,
						  from, err, errlen))
				return -1;
		} else if (namesz == 5 && !memcmp(name, "QEMU", 5) &&
			   type == 0) {
			c = guest__cpu_at(g, g->nqemu++);
			if (!c)
				return guest__fail(err, errlen, "out of memory");
			if (qemu_state(c, desc, descsz, off, where, err,
				       errlen))
				return -1;
		}
	}
	/* Fewer bytes than a note header: only zero padding is acceptable. */
	for (; pos < len; pos++)
		if (p[pos])
			return guest__fail(err, errlen,
					   "note at %s 0x%llx is truncated "
					   "(%zu bytes left)", where,
					   (unsigned long long)(file_off + pos),
					   len - pos);
	return 0;
}
