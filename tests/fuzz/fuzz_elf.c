/*
 * libFuzzer target: the QEMU dump-guest-memory ELF source (elf_dump.c,
 * x86_notes.c, physmap) on a whole file, then what pgstub does with it:
 * registers, physical reads checked against the file's own PT_LOADs,
 * paging contexts, translations and a short range walk.
 */
#include "guest_common.h"

#include <elf.h>

#define MAX_PHDRS 32

/* The input's PT_LOADs as the file says, for comparing reads with it. */
struct load {
	uint64_t off, pa, filesz;
};

static size_t input_loads(const uint8_t *d, size_t n, struct load *l)
{
	size_t nl = 0, phoff, phent, phnum;
	int e64;

	if (n < sizeof(Elf32_Ehdr) || memcmp(d, ELFMAG, SELFMAG))
		return 0;
	e64 = d[EI_CLASS] == ELFCLASS64;
	if (e64 && n < sizeof(Elf64_Ehdr))
		return 0;
	if (e64) {
		Elf64_Ehdr eh;

		memcpy(&eh, d, sizeof(eh));
		phoff = eh.e_phoff;
		phent = sizeof(Elf64_Phdr);
		phnum = eh.e_phnum;
	} else {
		Elf32_Ehdr eh;

		memcpy(&eh, d, sizeof(eh));
		phoff = eh.e_phoff;
		phent = sizeof(Elf32_Phdr);
		phnum = eh.e_phnum;
	}
	for (size_t i = 0; i < phnum && i < MAX_PHDRS; i++) {
		uint64_t at = (uint64_t)phoff + i * phent;
		uint32_t type;

		if (at > n || phent > n - at)
			break;
		if (e64) {
			Elf64_Phdr ph;

			memcpy(&ph, d + at, sizeof(ph));
			type = ph.p_type;
			l[nl] = (struct load){ ph.p_offset, ph.p_paddr,
					       ph.p_filesz };
		} else {
			Elf32_Phdr ph;

			memcpy(&ph, d + at, sizeof(ph));
			type = ph.p_type;
			l[nl] = (struct load){ ph.p_offset, ph.p_paddr,
					       ph.p_filesz };
		}
		if (type == PT_LOAD)
			nl++;
	}
	return nl;
}

/* An opened dump serves exactly the file's bytes at each PT_LOAD. */
static void check_loads(guest *g, const uint8_t *d, size_t n)
{
	struct load l[MAX_PHDRS];
	size_t nl = input_loads(d, n, l);
	uint8_t buf[64];

	for (size_t i = 0; i < nl; i++) {
		size_t k = l[i].filesz < sizeof(buf) ? (size_t)l[i].filesz
						     : sizeof(buf);

		if (!k)
			continue;
		/* guest_open accepted it: the segment lies inside the file. */
		FZ_CHECK(l[i].off <= n && l[i].filesz <= n - l[i].off);
		FZ_CHECK(guest_phys_read(g, l[i].pa, buf, k) == k);
		FZ_CHECK(!memcmp(buf, d + l[i].off, k));
		/* The last bytes of the segment, and no invented ones after. */
		if (guest_phys_read(g, l[i].pa + l[i].filesz - k, buf, k) != k ||
		    memcmp(buf, d + l[i].off + l[i].filesz - k, k))
			fz_fail("PT_LOAD tail differs from the file");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	guest *g = fz_open(data, size, GUEST_FMT_ELF);

	if (!g) {
		/* Detection by content picks ELF, and refuses it too. */
		if (size >= SELFMAG && !memcmp(data, ELFMAG, SELFMAG) &&
		    (g = fz_open(data, size, GUEST_FMT_AUTO)))
			fz_fail("AUTO opened what ELF refused");
		return 0;
	}
	FZ_CHECK(guest_format(g) == GUEST_FMT_ELF);
	fz_check_arch(g);
	check_loads(g, data, size);
	fz_exercise(g, 1);
	guest_close(g);
	return 0;
}
