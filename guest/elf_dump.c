/*
 * ELF memory dumps: QEMU's dump-guest-memory (paging off; x86, aarch64,
 * ppc64 in either byte order)
 * and the vmcores of a crashed Linux (/proc/vmcore, makedumpfile -E).
 * PT_LOADs are guest-physical (p_paddr), PT_NOTE holds the per-vCPU notes.
 * Parsed with libelf over the read-only file mapping; memory is served
 * zero-copy from that mapping.
 */
#include "guest_priv.h"

#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>

static const struct guest_source elf_source = {
	.name = "elf",
};

static int past_eof(const guest *g, uint64_t off, uint64_t len)
{
	return off > g->size || len > g->size - off;
}

/*
 * Checks libelf does not make, or makes without saying where: the header
 * and the program header table lie inside the file, entries have the
 * class's size. QEMU 7.2 writes e_ehsize 8 (sizeof a pointer, not of the
 * header); it is ignored, as libelf and the kernel ignore it.
 */
static int check_headers(guest *g, const GElf_Ehdr *eh, size_t phnum,
			 char *err, size_t errlen)
{
	int cls = g->map[EI_CLASS];
	size_t phent = cls == ELFCLASS64 ? sizeof(Elf64_Phdr)
					 : sizeof(Elf32_Phdr);

	if (eh->e_type != ET_CORE)
		return guest__fail(err, errlen, "ELF e_type %u is not ET_CORE: "
				   "not a memory dump", eh->e_type);
	if (eh->e_machine != EM_X86_64 && eh->e_machine != EM_386 &&
	    eh->e_machine != EM_AARCH64 && eh->e_machine != EM_PPC64 &&
	    eh->e_machine != EM_RISCV)
		return guest__fail(err, errlen, "unsupported ELF machine %u "
				   "(expected EM_X86_64, EM_386, EM_AARCH64, "
				   "EM_PPC64 or EM_RISCV)", eh->e_machine);
	/* QEMU writes a ppc64 dump in the byte order LPCR[ILE] gives the
	 * guest's interrupts: big-endian for pseries. */
	if (g->big_endian && eh->e_machine != EM_PPC64)
		return guest__fail(err, errlen, "big-endian ELF of machine %u: "
				   "only ppc64 dumps may be big-endian",
				   eh->e_machine);
	if (phnum == 0)
		return guest__fail(err, errlen, "no program headers: not a "
				   "dump-guest-memory ELF");
	if (eh->e_phentsize != phent)
		return guest__fail(err, errlen, "e_phentsize %u, expected %zu "
				   "for ELFCLASS%d", eh->e_phentsize, phent,
				   cls == ELFCLASS64 ? 64 : 32);
	if (past_eof(g, eh->e_phoff, (uint64_t)phnum * phent))
		return guest__fail(err, errlen, "program header table (%zu "
				   "entries) at file offset 0x%llx runs past end "
				   "of file (size 0x%llx)", phnum,
				   (unsigned long long)eh->e_phoff,
				   (unsigned long long)g->size);
	return 0;
}

/*
 * The counts the header declares. libelf's elf_getphdrnum() silently
 * clamps the count to what fits in the file, which would hide truncation.
 * PN_XNUM moves the program header count to section 0's sh_info.
 */
static int declared_counts(guest *g, Elf *e, const GElf_Ehdr *eh,
			   size_t *phnum, char *err, size_t errlen)
{
	GElf_Shdr sh0;

	*phnum = eh->e_phnum;
	if (eh->e_phnum != PN_XNUM)
		return 0;
	if (!gelf_getshdr(elf_getscn(e, 0), &sh0))
		return guest__fail(err, errlen, "e_phnum is PN_XNUM but section "
				   "header 0 at file offset 0x%llx is "
				   "unreadable: %s",
				   (unsigned long long)eh->e_shoff,
				   elf_errmsg(-1));
	*phnum = sh0.sh_info;
	return 0;
}

/* QEMU writes a section header table (and .shstrtab) too: a truncated
 * file loses them first. */
static int check_sections(guest *g, Elf *e, const GElf_Ehdr *eh,
			  char *err, size_t errlen)
{
	size_t shent = g->map[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Shdr)
						      : sizeof(Elf32_Shdr);
	uint64_t shnum = eh->e_shnum;
	Elf_Scn *scn = NULL;

	if (eh->e_shoff == 0)
		return 0;
	/* QEMU 7.2 writes a big-endian dump's section headers in the host's
	 * byte order (measured on a pseries dump: sh_type 0x03000000, the
	 * string table's offset byte-swapped); pgstub reads no section, so
	 * only the table's own place is checked there. */
	if (g->big_endian && g->arch == GUEST_ARCH_PPC64)
		return past_eof(g, eh->e_shoff, (shnum ? shnum : 1) * shent) ?
		       guest__fail(err, errlen, "section header table at "
				   "file offset 0x%llx runs past end of file",
				   (unsigned long long)eh->e_shoff) : 0;
	if (past_eof(g, eh->e_shoff, (shnum ? shnum : 1) * shent))
		return guest__fail(err, errlen, "section header table (%llu "
				   "entries) at file offset 0x%llx runs past "
				   "end of file (size 0x%llx)",
				   (unsigned long long)shnum,
				   (unsigned long long)eh->e_shoff,
				   (unsigned long long)g->size);
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			return guest__fail(err, errlen, "section %zu: %s",
					   elf_ndxscn(scn), elf_errmsg(-1));
		if (sh.sh_type != SHT_NOBITS &&
		    past_eof(g, sh.sh_offset, sh.sh_size))
			return guest__fail(err, errlen, "section %zu at file "
					   "offset 0x%llx (0x%llx bytes) runs "
					   "past end of file (size 0x%llx)",
					   elf_ndxscn(scn),
					   (unsigned long long)sh.sh_offset,
					   (unsigned long long)sh.sh_size,
					   (unsigned long long)g->size);
	}
	return 0;
}

static int load_segment(guest *g, size_t i, const GElf_Phdr *ph,
			char *err, size_t errlen)
{
	if (ph->p_filesz > ph->p_memsz)
		return guest__fail(err, errlen, "PT_LOAD %zu at file offset "
				   "0x%llx has p_filesz 0x%llx > p_memsz 0x%llx",
				   i, (unsigned long long)ph->p_offset,
				   (unsigned long long)ph->p_filesz,
				   (unsigned long long)ph->p_memsz);
	if (past_eof(g, ph->p_offset, ph->p_filesz))
		return guest__fail(err, errlen, "PT_LOAD %zu at file offset "
				   "0x%llx runs past end of file (p_filesz 0x%llx"
				   ", file size 0x%llx)", i,
				   (unsigned long long)ph->p_offset,
				   (unsigned long long)ph->p_filesz,
				   (unsigned long long)g->size);
	/*
	 * Only the file-backed part is memory we know. The p_memsz tail
	 * (makedumpfile -E -d N leaves filtered pages out that way; QEMU
	 * writes one when a mapping is larger than what it dumped) is RAM
	 * not in the dump, not zeros: reads there return short and say so.
	 */
	/* A vmcore's PT_LOADs say where the kernel maps them: keep a few to
	 * check the paging root against (root.c). */
	if (ph->p_vaddr != ph->p_paddr && ph->p_filesz &&
	    g->nvload < (int)(sizeof(g->vload) / sizeof(g->vload[0]))) {
		g->vload[g->nvload].va = ph->p_vaddr;
		g->vload[g->nvload].pa = ph->p_paddr;
		g->vload[g->nvload].len = ph->p_filesz;
		g->vload[g->nvload++].phdr = (int)i;
	}
	if (ph->p_memsz > ph->p_filesz && ph->p_paddr + ph->p_filesz >=
	    ph->p_paddr && guest__physmap_add_absent(g, ph->p_paddr +
						     ph->p_filesz, ph->p_memsz -
						     ph->p_filesz, (int)i, err,
						     errlen))
		return -1;
	return guest__physmap_add(g, ph->p_paddr, ph->p_filesz,
				  g->map + ph->p_offset, ph->p_offset, (int)i,
				  err, errlen);
}

static int note_segment(guest *g, const GElf_Phdr *ph, char *err,
			size_t errlen)
{
	if (past_eof(g, ph->p_offset, ph->p_filesz))
		return guest__fail(err, errlen, "PT_NOTE at file offset 0x%llx "
				   "runs past end of file (p_filesz 0x%llx, file "
				   "size 0x%llx)",
				   (unsigned long long)ph->p_offset,
				   (unsigned long long)ph->p_filesz,
				   (unsigned long long)g->size);
	return guest__notes_parse(g, g->map + ph->p_offset, ph->p_filesz,
				  ph->p_offset, "file offset", err, errlen);
}

static int walk_phdrs(guest *g, Elf *e, size_t phnum, char *err,
		      size_t errlen)
{
	size_t nload = 0;

	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph))
			return guest__fail(err, errlen, "program header %zu: "
					   "%s", i, elf_errmsg(-1));
		if (ph.p_type == PT_LOAD) {
			if (load_segment(g, i, &ph, err, errlen))
				return -1;
			nload++;
		} else if (ph.p_type == PT_NOTE) {
			if (note_segment(g, &ph, err, errlen))
				return -1;
		}
	}
	if (nload == 0)
		return guest__fail(err, errlen, "no PT_LOAD segments: the dump "
				   "holds no memory");
	/* PT_LOADs with p_filesz 0 add no range: refused here, also because
	 * sorting an empty (NULL) table is undefined (fuzz_elf found it). */
	if (guest__physmap_bytes(g) == 0)
		return guest__fail(err, errlen, "every PT_LOAD has p_filesz 0: "
				   "the dump holds no memory");
	return guest__physmap_finish(g, "PT_LOAD", err, errlen);
}

int guest__elf_open(guest *g, char *err, size_t errlen)
{
	size_t ehsize, phnum;
	char left_out[64];
	GElf_Ehdr eh;
	Elf *e;
	int cls, rc = -1;

	if (g->size < EI_NIDENT)
		return guest__fail(err, errlen, "ELF identification truncated "
				   "(file size 0x%llx)",
				   (unsigned long long)g->size);
	cls = g->map[EI_CLASS];
	if (cls != ELFCLASS32 && cls != ELFCLASS64)
		return guest__fail(err, errlen, "bad ELF class %d at file "
				   "offset 0x%x", cls, EI_CLASS);
	if (g->map[EI_DATA] != ELFDATA2LSB && g->map[EI_DATA] != ELFDATA2MSB)
		return guest__fail(err, errlen, "ELF data encoding %d at file "
				   "offset 0x%x is neither little- nor "
				   "big-endian", g->map[EI_DATA], EI_DATA);
	g->big_endian = g->map[EI_DATA] == ELFDATA2MSB;
	ehsize = cls == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	if (g->size < ehsize)
		return guest__fail(err, errlen, "ELF header truncated (file size "
				   "0x%llx, the header needs 0x%zx)",
				   (unsigned long long)g->size, ehsize);

	elf_version(EV_CURRENT);
	/* ELF_C_READ_MMAP semantics: libelf reads the buffer, never writes
	 * it (the mapping is PROT_READ: a write would fault). */
	e = elf_memory((char *)g->map, (size_t)g->size);
	if (!e)
		return guest__fail(err, errlen, "libelf: %s", elf_errmsg(-1));
	if (!gelf_getehdr(e, &eh)) {
		guest__fail(err, errlen, "ELF header: %s", elf_errmsg(-1));
		goto out;
	}
	if (declared_counts(g, e, &eh, &phnum, err, errlen))
		goto out;
	/* Segments first: their messages say which memory is missing. The
	 * notes' layout follows the machine: decide it before them. */
	if (check_headers(g, &eh, phnum, err, errlen))
		goto out;
	if (eh.e_machine == EM_AARCH64)
		g->arch = GUEST_ARCH_AARCH64;
	if (eh.e_machine == EM_PPC64)
		g->arch = GUEST_ARCH_PPC64;
	/* QEMU writes a riscv32 guest's dump as ELF32, riscv64's as ELF64. */
	if (eh.e_machine == EM_RISCV)
		g->arch = cls == ELFCLASS64 ? GUEST_ARCH_RISCV64
					    : GUEST_ARCH_RISCV32;
	if (walk_phdrs(g, e, phnum, err, errlen) ||
	    check_sections(g, e, &eh, err, errlen))
		goto out;

	g->src = &elf_source;
	if (eh.e_machine != EM_AARCH64 && eh.e_machine != EM_PPC64 &&
	    eh.e_machine != EM_RISCV)
		g->arch = eh.e_machine == EM_X86_64 ? GUEST_ARCH_X86_64
						    : GUEST_ARCH_I386;
	/* QEMU picks EM_X86_64 exactly when the first vCPU is in long mode. */
	if (eh.e_machine == EM_X86_64)
		g->long_mode = 1;
	/* Without QEMU's notes an x86 dump is a crashed kernel's vmcore
	 * (QEMU writes none for aarch64). */
	snprintf(g->desc, sizeof(g->desc), "%s (%s%s, ELF%d, %d vCPU%s, %zu "
		 "memory ranges, %llu MiB%s)",
		 g->nqemu ? "QEMU ELF dump" :
		 g->arch == GUEST_ARCH_AARCH64 ||
		 g->arch == GUEST_ARCH_PPC64 ||
		 guest_arch_is_riscv(g->arch) ? "ELF dump" : "ELF vmcore",
		 guest_arch_name(g->arch), g->big_endian ? " big-endian" : "",
		 cls == ELFCLASS64 ? 64 : 32, g->ncpus,
		 g->ncpus == 1 ? "" : "s", guest__physmap_data_ranges(g),
		 (unsigned long long)(guest__physmap_bytes(g) >> 20),
		 guest__physmap_filtered_text(g, left_out, sizeof(left_out)));
	rc = 0;
out:
	elf_end(e);
	return rc;
}
