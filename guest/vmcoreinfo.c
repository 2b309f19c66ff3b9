/*
 * The kernel's VMCOREINFO (the "VMCOREINFO" ELF note of a vmcore or of a
 * QEMU dump with -device vmcoreinfo, the kdump header's copy, or a file the
 * user gives): its KEY=VALUE text, and the x86 kernel page-table root and
 * paging mode it implies.
 */
#include "guest_priv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The x86_64 kernel image's virtual base (Documentation/x86/x86_64/mm.rst:
 * "kernel text mapping, mapped to physical address 0"), moved by
 * phys_base: __pa_symbol(x) = x - __START_KERNEL_map + phys_base. */
#define START_KERNEL_MAP 0xffffffff80000000ULL
/* i386 lowmem: __pa(x) = x - PAGE_OFFSET; Debian's 686 kernels use the
 * default 3G/1G split (CONFIG_PAGE_OFFSET=0xC0000000). */
#define I386_PAGE_OFFSET 0xc0000000ULL

/* Biggest text accepted: the kernel's buffer is one page (VMCOREINFO_BYTES
 * is PAGE_SIZE); leave room for other page sizes. */
#define VMCI_MAX (64 * 1024)

/*
 * The value of @p key ("SYMBOL(init_top_pgt)") in the text, as the kernel
 * prints it: SYMBOL and KERNELOFFSET in hex without 0x ("%lx"), NUMBER in
 * signed decimal ("%ld": phys_base below the kernel map reads negative),
 * CONFIG_* as "y"; arm64's NUMBER(kimage_voffset) and others in hex with
 * 0x ("0x%llx"). @return 1 and *v, or 0 when absent or unparsable.
 */
int guest__vmcoreinfo_lookup(const char *text, const char *key, int base,
			     uint64_t *v)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		char *end;

		if (strncmp(p, key, kl) || p[kl] != '=')
			continue;
		errno = 0;
		if (base == 10)
			*v = (uint64_t)strtoll(p + kl + 1, &end, 10);
		else  /* strtoull's base 16 takes an optional 0x too */
			*v = strtoull(p + kl + 1, &end, base);
		if (errno || end == p + kl + 1 || (*end && *end != '\n'))
			return 0;
		return 1;
	}
	return 0;
}

static int lookup(const char *text, const char *key, int base, uint64_t *v)
{
	return guest__vmcoreinfo_lookup(text, key, base, v);
}

static int has_line(const char *text, const char *line)
{
	size_t l = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, line, l) && (p[l] == '\n' || !p[l]))
			return 1;
	return 0;
}

int guest__vmcoreinfo_set(guest *g, const char *text, size_t len,
			  const char *from, char *err, size_t errlen)
{
	char *t;

	/* The note's descriptor may carry NUL padding. */
	while (len && text[len - 1] == '\0')
		len--;
	if (len > VMCI_MAX)
		return guest__fail(err, errlen, "VMCOREINFO from %s is %zu "
				   "bytes (at most %d expected)", from, len,
				   VMCI_MAX);
	if (memchr(text, '\0', len))
		return guest__fail(err, errlen, "VMCOREINFO from %s holds a NUL "
				   "byte: not KEY=VALUE text", from);
	t = malloc(len + 1);
	if (!t)
		return guest__fail(err, errlen, "out of memory");
	memcpy(t, text, len);
	t[len] = '\0';
	free(g->vmci);
	g->vmci = t;
	snprintf(g->vmci_from, sizeof(g->vmci_from), "%s", from);
	return 0;
}

int guest__vmcoreinfo_file(guest *g, const char *path, char *err,
			   size_t errlen)
{
	char *buf = malloc(VMCI_MAX + 1);
	size_t n;
	FILE *f;
	int rc;

	if (!buf)
		return guest__fail(err, errlen, "out of memory");
	f = fopen(path, "rb");
	if (!f) {
		rc = guest__fail(err, errlen, "--vmcoreinfo %s: %s", path,
				 strerror(errno));
		goto out;
	}
	n = fread(buf, 1, VMCI_MAX + 1, f);
	if (ferror(f))
		rc = guest__fail(err, errlen, "--vmcoreinfo %s: %s", path,
				 strerror(errno));
	else if (n > VMCI_MAX)
		rc = guest__fail(err, errlen, "--vmcoreinfo %s: larger than %d "
				 "bytes: not a VMCOREINFO text", path, VMCI_MAX);
	else
		rc = guest__vmcoreinfo_set(g, buf, n, path, err, errlen);
	fclose(f);
out:
	free(buf);
	return rc;
}

int guest__vmcoreinfo_paging(const guest *g, struct guest_vmci_paging *p,
			     char *err, size_t errlen)
{
	const char *t = g->vmci;
	uint64_t sym, phys_base = 0, l5 = 0, v;

	memset(p, 0, sizeof(*p));
	if (!t)
		return guest__fail(err, errlen, "no VMCOREINFO");
	if (g->arch == GUEST_ARCH_X86_64) {
		if (!lookup(t, "SYMBOL(init_top_pgt)", 16, &sym))
			return guest__fail(err, errlen, "VMCOREINFO (%s) has no "
					   "SYMBOL(init_top_pgt)", g->vmci_from);
		if (!lookup(t, "NUMBER(phys_base)", 10, &phys_base))
			return guest__fail(err, errlen, "VMCOREINFO (%s) has no "
					   "NUMBER(phys_base)", g->vmci_from);
		if (sym < START_KERNEL_MAP)
			return guest__fail(err, errlen, "VMCOREINFO (%s): "
					   "SYMBOL(init_top_pgt)=%" PRIx64 " is "
					   "below the kernel map (0x%llx)",
					   g->vmci_from, sym, START_KERNEL_MAP);
		lookup(t, "NUMBER(pgtable_l5_enabled)", 10, &l5);
		p->symbol = "init_top_pgt";
		p->cr3 = sym - START_KERNEL_MAP + phys_base;
		/* Long mode as Linux runs it: NX on (every x86_64 CPU and
		 * QEMU model has it), write-protect on. */
		p->cr0 = PGW_CR0_PG | PGW_CR0_WP | 1;
		p->cr4 = PGW_CR4_PAE | PGW_CR4_PSE | (l5 ? PGW_CR4_LA57 : 0);
		p->efer = PGW_EFER_LME | PGW_EFER_LMA | PGW_EFER_NXE;
		p->mode = l5 ? "5-level" : "4-level";
	} else if (g->arch == GUEST_ARCH_I386) {
		uint64_t off = I386_PAGE_OFFSET;
		int pae = has_line(t, "CONFIG_X86_PAE=y");

		if (!lookup(t, "SYMBOL(swapper_pg_dir)", 16, &sym))
			return guest__fail(err, errlen, "VMCOREINFO (%s) has no "
					   "SYMBOL(swapper_pg_dir)", g->vmci_from);
		if (lookup(t, "NUMBER(PAGE_OFFSET)", 10, &v))
			off = v;
		if (sym < off)
			return guest__fail(err, errlen, "VMCOREINFO (%s): "
					   "SYMBOL(swapper_pg_dir)=%" PRIx64
					   " is below PAGE_OFFSET 0x%" PRIx64,
					   g->vmci_from, sym, off);
		p->symbol = "swapper_pg_dir";
		p->cr3 = sym - off;
		p->cr0 = PGW_CR0_PG | PGW_CR0_WP | 1;
		p->cr4 = PGW_CR4_PSE | (pae ? PGW_CR4_PAE : 0);
		p->efer = pae ? PGW_EFER_NXE : 0;
		p->mode = pae ? "PAE" : "32-bit";
	} else {
		return guest__fail(err, errlen, "VMCOREINFO: no page-table root "
				   "for this architecture");
	}
	if (p->cr3 & 0xfff)
		return guest__fail(err, errlen, "VMCOREINFO (%s): the %s root "
				   "0x%" PRIx64 " is not page aligned",
				   g->vmci_from, p->symbol, p->cr3);
	return 0;
}

const char *guest_vmcoreinfo(const guest *g)
{
	return g->vmci;
}
