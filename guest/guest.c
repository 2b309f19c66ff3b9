/*
 * The guest object: opening a snapshot read-only, detecting its format by
 * content and dispatching to a source, then the vCPUs' control state (EFER
 * inference, command-line overrides) and their memoised paging contexts.
 */
#include "guest_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int guest__fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* @tab (of @had entries of @size bytes) grown to @n, the new entries
 * zeroed (nothing known); NULL when out of memory, @tab then kept. */
static void *grow_cpus(void *tab, size_t size, int had, int n)
{
	uint8_t *t = realloc(tab, (size_t)n * size);

	if (t)
		memset(t + (size_t)had * size, 0, (size_t)(n - had) * size);
	return t;
}

/* The x86 table and the one of the guest's architecture (once made) grow
 * together: each has g->ncpus entries. */
struct guest_x86_cpu *guest__cpu_at(guest *g, int i)
{
	void *t;

	if (i < 0 || i > 4095)
		return NULL;
	if (i >= g->ncpus) {
		int had = g->ncpus, n = i + 1;

		if (!(t = grow_cpus(g->cpu, sizeof(*g->cpu), had, n)))
			return NULL;
		g->cpu = t;
		if (g->ppc) {
			if (!(t = grow_cpus(g->ppc, sizeof(*g->ppc), had, n)))
				return NULL;
			g->ppc = t;
		}
		if (g->a64) {
			if (!(t = grow_cpus(g->a64, sizeof(*g->a64), had, n)))
				return NULL;
			g->a64 = t;
		}
		if (g->rv) {
			if (!(t = grow_cpus(g->rv, sizeof(*g->rv), had, n)))
				return NULL;
			g->rv = t;
		}
		g->ncpus = n;
	}
	return &g->cpu[i];
}

static int is_x86(enum guest_arch a)
{
	return a == GUEST_ARCH_X86_64 || a == GUEST_ARCH_I386;
}

const char *guest_arch_name(enum guest_arch a)
{
	switch (a) {
	case GUEST_ARCH_X86_64: return "x86_64";
	case GUEST_ARCH_I386: return "i386";
	case GUEST_ARCH_PPC64: return "ppc64";
	case GUEST_ARCH_AARCH64: return "aarch64";
	case GUEST_ARCH_RISCV64: return "riscv64";
	case GUEST_ARCH_RISCV32: return "riscv32";
	}
	return "?";
}

int guest_arch_is_riscv(enum guest_arch a)
{
	return a == GUEST_ARCH_RISCV64 || a == GUEST_ARCH_RISCV32;
}

int guest_arch_bits(enum guest_arch a)
{
	return a == GUEST_ARCH_I386 || a == GUEST_ARCH_RISCV32 ? 32 : 64;
}

/* Prefix a source's message with the file name. */
static int fail_path(const char *path, char *err, size_t errlen)
{
	char msg[512];

	if (!err || !errlen)
		return -1;
	snprintf(msg, sizeof(msg), "%s", err);
	snprintf(err, errlen, "%s: %s", path, msg);
	return -1;
}

/*
 * What the first bytes say. "makedumpfile" is the flattened stream header
 * (16-byte signature, NUL padded), "KDUMP   " the diskdump header itself.
 */
static int has_sig(const uint8_t *p, uint64_t size, const char *sig,
		   size_t len)
{
	/* A file shorter than the signature but starting like it is a
	 * truncated dump, not something else. */
	return size >= 4 && !memcmp(p, sig, size < len ? (size_t)size : len);
}

static enum guest_format sniff(const uint8_t *p, uint64_t size)
{
	if (has_sig(p, size, "\177ELF", 4))
		return GUEST_FMT_ELF;
	if (has_sig(p, size, "KDUMP   ", 8) ||
	    has_sig(p, size, "makedumpfile\0\0\0\0", 16))
		return GUEST_FMT_KDUMP;
	if (has_sig(p, size, "QEVM", 4))
		return GUEST_FMT_MIGRATION;
	return GUEST_FMT_AUTO;
}

static int raw_options(const struct guest_open_opts *o)
{
	return o->raw_base || o->mode || o->have_cr3;
}

/*
 * Control bits of --mode: "32" is CR0.PG|PE with CR4.PSE; "pae" adds
 * CR4.PAE and EFER.NXE; "4level" adds EFER.LME|LMA; "5level" CR4.LA57.
 * Bits that contradict the mode are cleared.
 */
static int apply_mode(struct guest_x86_cpu *c, const char *mode, char *err,
		      size_t errlen)
{
	const uint64_t lm = PGW_EFER_LME | PGW_EFER_LMA;

	c->cr0 |= PGW_CR0_PG | 1;  /* CR0.PE */
	c->cr4 |= PGW_CR4_PSE;
	if (!strcmp(mode, "32")) {
		c->cr4 &= ~(PGW_CR4_PAE | PGW_CR4_LA57);
		c->efer &= ~lm;
	} else if (!strcmp(mode, "pae")) {
		c->cr4 = (c->cr4 | PGW_CR4_PAE) & ~PGW_CR4_LA57;
		c->efer = (c->efer | PGW_EFER_NXE) & ~lm;
	} else if (!strcmp(mode, "4level")) {
		c->cr4 = (c->cr4 | PGW_CR4_PAE) & ~PGW_CR4_LA57;
		c->efer |= lm | PGW_EFER_NXE;
	} else if (!strcmp(mode, "5level")) {
		c->cr4 |= PGW_CR4_PAE | PGW_CR4_LA57;
		c->efer |= lm | PGW_EFER_NXE;
	} else {
		return guest__fail(err, errlen, "unknown paging mode '%s' "
				   "(expected 32, pae, 4level or 5level)",
				   mode);
	}
	return 0;
}

/*
 * QEMU's notes carry no EFER. Long mode is inferred from the source
 * (EM_X86_64 / the x86_64 NT_PRSTATUS layout, which QEMU writes only when
 * the first vCPU had EFER.LMA) with CR0.PG and CR4.PAE; EFER is then
 * LME|LMA|NXE. With PAE outside long mode, EFER is NXE. NXE is a guess:
 * Linux sets it whenever the CPU has NX, which every x86_64 CPU and
 * QEMU's default models have; were it wrong, NX pages would look
 * executable, whereas the opposite guess would turn every NX entry into a
 * reserved-bit fault. --efer overrides the guess.
 */
static void infer_efer(const guest *g, struct guest_x86_cpu *c)
{
	if (c->valid & GUEST_X86_HAS_EFER || !(c->valid & GUEST_X86_HAS_CRS))
		return;
	c->efer = 0;
	if (!(c->cr0 & PGW_CR0_PG) || !(c->cr4 & PGW_CR4_PAE))
		return;
	c->efer = PGW_EFER_NXE;
	if (g->long_mode)
		c->efer |= PGW_EFER_LME | PGW_EFER_LMA;
}

static int apply_overrides(guest *g, const struct guest_open_opts *o,
			   char *err, size_t errlen)
{
	/* A raw image without CR3 has nothing to walk: paging stays off. */
	int use_mode = o->mode && (g->fmt != GUEST_FMT_RAW || o->have_cr3);

	if (g->arch == GUEST_ARCH_AARCH64 &&
	    (o->mode || o->have_cr0 || o->have_cr3 || o->have_cr4 ||
	     o->have_efer))
		return guest__fail(err, errlen, "--mode and --cr0/--cr3/--cr4/"
				   "--efer are x86 registers; an aarch64 guest "
				   "takes --reg ttbr0_el1=, ttbr1_el1=, "
				   "tcr_el1=, sctlr_el1= …");
	if (guest_arch_is_riscv(g->arch) &&
	    (o->mode || o->have_cr0 || o->have_cr3 || o->have_cr4 ||
	     o->have_efer))
		return guest__fail(err, errlen, "--mode and --cr0/--cr3/--cr4/"
				   "--efer are x86 registers; a %s guest "
				   "takes --reg satp=, sstatus=, priv= …",
				   guest_arch_name(g->arch));
	if (g->arch == GUEST_ARCH_AARCH64 || guest_arch_is_riscv(g->arch))
		return 0;

	/* Say where the values come from (monitor info registers). */
	if (use_mode) {
		guest__regs_mark(g, "cr0", GUEST_REG_MODE);
		guest__regs_mark(g, "cr4", GUEST_REG_MODE);
		guest__regs_mark(g, "efer", GUEST_REG_MODE);
	}
	if (o->have_cr0)
		guest__regs_mark(g, "cr0", GUEST_REG_GIVEN);
	if (o->have_cr3)
		guest__regs_mark(g, "cr3", GUEST_REG_GIVEN);
	if (o->have_cr4)
		guest__regs_mark(g, "cr4", GUEST_REG_GIVEN);
	if (o->have_efer)
		guest__regs_mark(g, "efer", GUEST_REG_GIVEN);
	for (int i = 0; i < g->ncpus; i++) {
		struct guest_x86_cpu *c = &g->cpu[i];

		infer_efer(g, c);
		if (use_mode && apply_mode(c, o->mode, err, errlen))
			return -1;
		if (o->have_cr0)
			c->cr0 = o->cr0;
		if (o->have_cr3)
			c->cr3 = o->cr3;
		if (o->have_cr4)
			c->cr4 = o->cr4;
		if (o->have_efer)
			c->efer = o->efer;
		if (use_mode || o->have_cr0 || o->have_cr3 || o->have_cr4)
			c->valid |= GUEST_X86_HAS_CRS;
	}
	return 0;
}

static int open_file(guest *g, const char *path, char *err, size_t errlen)
{
	struct stat st;
	void *m;

	g->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (g->fd < 0)
		return guest__fail(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(g->fd, &st))
		return guest__fail(err, errlen, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return guest__fail(err, errlen, "%s: not a regular file", path);
	g->size = (uint64_t)st.st_size;
	if (g->size == 0)
		return guest__fail(err, errlen, "%s: empty file", path);
	if (g->size != (size_t)g->size)
		return guest__fail(err, errlen, "%s: too large to map", path);
	/* Never written: PROT_READ on a private mapping of an O_RDONLY fd. */
	m = mmap(NULL, (size_t)g->size, PROT_READ, MAP_PRIVATE, g->fd, 0);
	if (m == MAP_FAILED)
		return guest__fail(err, errlen, "%s: mmap: %s", path,
				   strerror(errno));
	g->map = m;
	return 0;
}

int guest_open(guest **out, const char *path, const struct guest_open_opts *o,
	       char *err, size_t errlen)
{
	static const struct guest_open_opts defaults = GUEST_OPEN_OPTS_INIT;
	enum guest_format seen;
	guest *g;
	int rc = -1;

	if (err && errlen)
		err[0] = '\0';
	if (!out || !path)
		return guest__fail(err, errlen, "bad arguments");
	*out = NULL;
	if (!o)
		o = &defaults;
	if (o->version != GUEST_OPEN_OPTS_VERSION)
		return guest__fail(err, errlen, "guest_open_opts version %u "
				   "unsupported", o->version);
	g = calloc(1, sizeof(*g));
	if (!g || !(g->path = strdup(path))) {
		free(g);
		return guest__fail(err, errlen, "out of memory");
	}
	g->fd = -1;
	g->maxphyaddr = o->maxphyaddr;
	if (open_file(g, path, err, errlen))
		goto out;

	seen = sniff(g->map, g->size);
	g->fmt = o->format;
	if (g->fmt == GUEST_FMT_AUTO)
		g->fmt = seen != GUEST_FMT_AUTO ? seen :
			 raw_options(o) ? GUEST_FMT_RAW : GUEST_FMT_AUTO;
	switch (g->fmt) {
	case GUEST_FMT_ELF:
		if (seen != GUEST_FMT_ELF)
			rc = guest__fail(err, errlen, "not an ELF file (no "
					 "ELF magic at file offset 0)");
		else
			rc = guest__elf_open(g, err, errlen);
		break;
	case GUEST_FMT_KDUMP:
		if (seen != GUEST_FMT_KDUMP)
			rc = guest__fail(err, errlen, "not a kdump-compressed "
					 "file (no \"KDUMP   \" or "
					 "\"makedumpfile\" signature at file "
					 "offset 0)");
		else
			rc = guest__kdump_open(g, err, errlen);
		break;
	case GUEST_FMT_RAW:
		rc = guest__raw_open(g, o, err, errlen);
		break;
	case GUEST_FMT_MIGRATION:
		if (seen != GUEST_FMT_MIGRATION)
			rc = guest__fail(err, errlen, "not a QEMU migration "
					 "stream (no \"QEVM\" at file offset 0)");
		else
			rc = guest__migration_open(g, err, errlen);
		break;
	default:
		rc = guest__fail(err, errlen, "unrecognised format (not ELF, "
				 "not kdump; give raw options such as "
				 "--cr3/--mode to read it as a raw image)");
		break;
	}
	if (rc) {
		fail_path(path, err, errlen);
		goto out;
	}
	/* A dump with no CPU notes still has a vCPU 0, of its architecture,
	 * whose registers are unknown. */
	if (!guest__cpu_at(g, 0) ||
	    (g->arch == GUEST_ARCH_PPC64 && !guest__ppc64_cpu_at(g, 0)) ||
	    (g->arch == GUEST_ARCH_AARCH64 && !guest__arm64_cpu_at(g, 0)) ||
	    (guest_arch_is_riscv(g->arch) && !guest__riscv_cpu_at(g, 0))) {
		rc = guest__fail(err, errlen, "out of memory");
		goto out;
	}
	/* Dumps record the vCPU's mode, not which QEMU wrote them: one taken
	 * at the reset vector says EM_386 even from qemu-system-x86_64. */
	/* Another architecture's registers are no x86 ones, nor the
	 * reverse: only x86_64 and i386 may stand for each other. */
	if (o->have_arch && g->fmt != GUEST_FMT_RAW && o->arch != g->arch &&
	    (!is_x86(o->arch) || !is_x86(g->arch))) {
		rc = guest__fail(err, errlen, "%s: --arch %s does not fit a "
				 "dump of %s vCPUs", path, guest_arch_name(o->arch),
				 guest_arch_name(g->arch));
		goto out;
	}
	if (o->have_arch)
		g->arch = o->arch;
	rc = guest__regs_remember_held(g, err, errlen);
	if (!rc)
		rc = apply_overrides(g, o, err, errlen);
	if (!rc)
		rc = guest__regs_apply(g, o, err, errlen);
	if (!rc && o->vmcoreinfo_path)
		rc = guest__vmcoreinfo_file(g, o->vmcoreinfo_path, err, errlen);
	if (!rc)
		rc = guest__root_resolve(g, o, err, errlen);
	if (rc)
		goto out;
	g->ctx = calloc((size_t)g->ncpus, sizeof(*g->ctx));
	if (!g->ctx) {
		rc = guest__fail(err, errlen, "out of memory");
		goto out;
	}
	guest__root_crosscheck(g);
	*out = g;
	return 0;
out:
	guest_close(g);
	return rc ? rc : -1;
}

void guest_close(guest *g)
{
	if (!g)
		return;
	for (int i = 0; g->ctx && i < g->ncpus; i++)
		pgw_ctx_free(g->ctx[i]);
	free(g->ctx);
	if (g->src && g->src->close)
		g->src->close(g);
	guest__physmap_free(g);
	guest__pagestore_free(g);
	if (g->map)
		munmap((void *)g->map, (size_t)g->size);
	if (g->fd >= 0)
		close(g->fd);
	free(g->cpu);
	free(g->a64);
	free(g->ppc);
	free(g->a64root);
	free(g->rv);
	free(g->rvroot);
	free(g->held);
	free(g->root);
	free(g->vmci);
	free(g->path);
	free(g);
}

enum guest_arch guest_arch(const guest *g)
{
	return g->arch;
}

enum guest_format guest_format(const guest *g)
{
	return g->fmt;
}

const char *guest_describe(const guest *g)
{
	return g->desc;
}

int guest_ncpus(const guest *g)
{
	return g->ncpus;
}

const struct guest_x86_cpu *guest_x86_cpu(const guest *g, int cpu)
{
	if (cpu < 0 || cpu >= g->ncpus)
		return NULL;
	return &g->cpu[cpu];
}

int guest_cpu_ctx(guest *g, int cpu, pgw_ctx **ctx, char *err, size_t errlen)
{
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	const struct guest_x86_cpu *c;
	char msg[256] = "";

	if (!ctx)
		return guest__fail(err, errlen, "bad arguments");
	*ctx = NULL;
	if (g->arch == GUEST_ARCH_AARCH64 || guest_arch_is_riscv(g->arch) ||
	    g->arch == GUEST_ARCH_PPC64) {
		/* A live vCPU's registers first (they may rebuild it). */
		if (cpu >= 0 && cpu < g->ncpus && g->src && g->src->sync &&
		    g->src->sync(g, cpu, err, errlen))
			return -1;
		return guest_arch_is_riscv(g->arch) ?
		       guest__riscv_ctx(g, cpu, ctx, err, errlen) :
		       g->arch == GUEST_ARCH_PPC64 ?
		       guest__ppc64_ctx(g, cpu, ctx, err, errlen) :
		       guest__arm64_ctx(g, cpu, ctx, err, errlen);
	}
	c = guest_x86_cpu(g, cpu);
	if (!c)
		return guest__fail(err, errlen, "no vCPU %d (the guest has %d)",
				   cpu, g->ncpus);
	if (g->src && g->src->sync && g->src->sync(g, cpu, err, errlen))
		return -1;
	if (g->ctx[cpu]) {
		*ctx = g->ctx[cpu];
		return 0;
	}
	if (g->root) {
		const struct guest_root *rt = &g->root[cpu];

		/* Never a guess: no root, no translation. */
		if (rt->src == GUEST_ROOT_UNKNOWN)
			return guest__fail(err, errlen, "%s", rt->why);
		r.cr0 = rt->cr0;
		r.cr3 = rt->cr3;
		r.cr4 = rt->cr4;
		r.efer = rt->efer;
		/* The kernel's own root maps no task's user space: the lower
		 * half then says so instead of reading as unmapped. */
		r.kernel_half_only = rt->src == GUEST_ROOT_VMCOREINFO &&
				     rt->efer & (PGW_EFER_LMA | PGW_EFER_LME);
	} else if (c->valid & GUEST_X86_HAS_CRS) {
		/* Live: QEMU always answers with the control registers. */
		r.cr0 = c->cr0;
		r.cr3 = c->cr3;
		r.cr4 = c->cr4;
		r.efer = c->efer;
	}
	r.rflags = c->rflags;
	r.maxphyaddr = g->maxphyaddr;
	if (pgw_ctx_new_x86(&g->ctx[cpu], &r, guest_mem_ops(g), g, msg,
			    sizeof(msg)))
		return guest__fail(err, errlen, "vCPU %d: %s", cpu,
				   msg[0] ? msg : "cannot build its paging "
				   "context");
	*ctx = g->ctx[cpu];
	return 0;
}
