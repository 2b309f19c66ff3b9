/*
 * Live guest source: a running machine (x86, aarch64, riscv64 or ppc64)
 * whose vCPU registers and physical memory come from callbacks (pgstub's
 * QEMU connection), optionally with RAM read directly from QEMU's shared
 * memory-backend-file. Registers are refetched after every invalidation;
 * contexts are flushed or rebuilt.
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

struct live {
	const struct guest_live_ops *ops;
	void *payload;
	unsigned char *fresh;      /* per vCPU: registers fetched since the
				    * last invalidation */
	const uint8_t *ram;        /* mapped RAM file, or NULL */
	uint64_t ram_size;
	int ram_fd;
};

static size_t live_read(guest *g, uint64_t pa, void *buf, size_t len)
{
	struct live *l = g->src_priv;

	return l->ops->phys_read(pa, buf, len, l->payload);
}

/* The control state a context is built from. */
static int same_paging(const struct guest_x86_cpu *a,
		       const struct guest_x86_cpu *b)
{
	return a->cr0 == b->cr0 && a->cr3 == b->cr3 && a->cr4 == b->cr4 &&
	       a->efer == b->efer && a->rflags == b->rflags;
}

/* What an aarch64 context is built from: the EL1&0 regime's registers,
 * and of PSTATE the EL and PAN (access checks). */
static int same_a64_paging(const struct guest_arm64_cpu *a,
			   const struct guest_arm64_cpu *b)
{
	static const enum guest_arm64_sysreg used[] = {
		GUEST_A64_SCTLR, GUEST_A64_TTBR0, GUEST_A64_TTBR1,
		GUEST_A64_TCR, GUEST_A64_ID_AA64MMFR0,
	};
	const uint64_t pstate_used = PGW_ARM64_PSTATE_PAN |
				     3ull << PGW_ARM64_PSTATE_EL_SHIFT;

	for (size_t i = 0; i < sizeof(used) / sizeof(*used); i++)
		if (a->sys[used[i]] != b->sys[used[i]])
			return 0;
	return a->valid == b->valid &&
	       !((a->pstate ^ b->pstate) & pstate_used);
}

/* live_sync() of an aarch64 vCPU: the same policy as x86's. */
static int sync_arm64(guest *g, int cpu, char *err, size_t errlen)
{
	struct live *l = g->src_priv;
	struct guest_arm64_cpu now;
	pgw_ctx *nested = NULL, *c;
	char msg[256] = "";

	memset(&now, 0, sizeof(now));
	if (l->ops->arm64_regs(cpu, &now, msg, sizeof(msg), l->payload) < 0)
		return guest__fail(err, errlen, "%s", msg[0] ? msg :
				   "cannot read the vCPU's registers");
	if (g->ctx[cpu] && !same_a64_paging(&g->a64[cpu], &now)) {
		nested = pgw_ctx_nested(g->ctx[cpu]);
		pgw_ctx_free(g->ctx[cpu]);
		g->ctx[cpu] = NULL;
	}
	g->a64[cpu] = now;
	guest__arm64_root_update(g, cpu);
	l->fresh[cpu] = 1;
	if (g->ctx[cpu] || !nested)
		return 0;
	/* Rebuild now so that a stage 2 attached by the user survives. */
	if (guest__arm64_ctx(g, cpu, &c, err, errlen))
		return -1;
	pgw_ctx_set_nested(c, nested);
	return 0;
}

/* What a riscv64 context is built from (guest__riscv_ctx): satp, and
 * of the rest what its access rules read (SUM, MXR, MPRV/MPP, the
 * privilege), so that a change of any rebuilds it. */
static int same_rv_paging(const struct guest_riscv_cpu *a,
			  const struct guest_riscv_cpu *b)
{
	static const enum guest_riscv_csr used[] = {
		GUEST_RV_SATP, GUEST_RV_SSTATUS, GUEST_RV_MSTATUS, GUEST_RV_PRIV,
	};

	for (size_t i = 0; i < sizeof(used) / sizeof(*used); i++)
		if (a->csr[used[i]] != b->csr[used[i]])
			return 0;
	return a->valid == b->valid;
}

/* live_sync() of a riscv64 hart: the same policy as x86's; the hart's own
 * satp is its root (never one found in memory). */
static int sync_riscv(guest *g, int cpu, char *err, size_t errlen)
{
	struct live *l = g->src_priv;
	struct guest_riscv_cpu now;
	struct guest_riscv_root *rt = &g->rvroot[cpu];
	pgw_ctx *nested = NULL, *c;
	char msg[256] = "";

	memset(&now, 0, sizeof(now));
	if (l->ops->riscv_regs(cpu, &now, msg, sizeof(msg), l->payload) < 0)
		return guest__fail(err, errlen, "%s", msg[0] ? msg :
				   "cannot read the hart's registers");
	if (g->ctx[cpu] && !same_rv_paging(&g->rv[cpu], &now)) {
		nested = pgw_ctx_nested(g->ctx[cpu]);
		pgw_ctx_free(g->ctx[cpu]);
		g->ctx[cpu] = NULL;
	}
	g->rv[cpu] = now;
	rt->src = GUEST_ROOT_REGS;
	rt->satp = now.csr[GUEST_RV_SATP];
	l->fresh[cpu] = 1;
	if (g->ctx[cpu] || !nested)
		return 0;
	/* Rebuild now so that a G-stage attached by the user survives. */
	if (guest__riscv_ctx(g, cpu, &c, err, errlen))
		return -1;
	pgw_ctx_set_nested(c, nested);
	return 0;
}

/* What a ppc64 context is built from (guest__ppc64_ctx): the MMU's
 * registers, and of the MSR what picks the quadrants and checks access
 * (HV, PR, IR, DR). */
static int same_ppc_paging(const struct guest_ppc64_cpu *a,
			   const struct guest_ppc64_cpu *b)
{
	static const unsigned used[] = { 25, 48, 318, 319, 464 };
	const uint64_t msr_used = 1ull << 60 | 1ull << 14 | 1ull << 5 |
				  1ull << 4;

	for (size_t i = 0; i < sizeof(used) / sizeof(*used); i++)
		if (a->spr[used[i]] != b->spr[used[i]])
			return 0;
	return a->valid == b->valid && !((a->msr ^ b->msr) & msr_used);
}

/* live_sync() of a ppc64 vCPU: the same policy as x86's. */
static int sync_ppc64(guest *g, int cpu, char *err, size_t errlen)
{
	struct live *l = g->src_priv;
	struct guest_ppc64_cpu now;
	pgw_ctx *nested = NULL, *c;
	char msg[256] = "";

	memset(&now, 0, sizeof(now));
	if (l->ops->ppc64_regs(cpu, &now, msg, sizeof(msg), l->payload) < 0)
		return guest__fail(err, errlen, "%s", msg[0] ? msg :
				   "cannot read the vCPU's registers");
	if (g->ctx[cpu] && !same_ppc_paging(&g->ppc[cpu], &now)) {
		nested = pgw_ctx_nested(g->ctx[cpu]);
		pgw_ctx_free(g->ctx[cpu]);
		g->ctx[cpu] = NULL;
	}
	g->ppc[cpu] = now;
	l->fresh[cpu] = 1;
	if (g->ctx[cpu] || !nested)
		return 0;
	/* Rebuild now so that a nested radix tree attached by the user
	 * survives. */
	if (guest__ppc64_ctx(g, cpu, &c, err, errlen))
		return -1;
	pgw_ctx_set_nested(c, nested);
	return 0;
}

/*
 * Fetch the registers once per invalidation. A context built from the same
 * paging registers is kept (its caches were flushed when invalidated); a
 * changed CR3/CR4/EFER gets a new one, re-attached to the nested tables.
 */
static int live_sync(guest *g, int cpu, char *err, size_t errlen)
{
	struct live *l = g->src_priv;
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	struct guest_x86_cpu now;
	pgw_ctx *nested = NULL, *c = NULL;
	char msg[256] = "";

	if (l->fresh[cpu])
		return 0;
	if (g->arch == GUEST_ARCH_AARCH64)
		return sync_arm64(g, cpu, err, errlen);
	if (guest_arch_is_riscv(g->arch))
		return sync_riscv(g, cpu, err, errlen);
	if (g->arch == GUEST_ARCH_PPC64)
		return sync_ppc64(g, cpu, err, errlen);
	memset(&now, 0, sizeof(now));
	if (l->ops->cpu_regs(cpu, &now, msg, sizeof(msg), l->payload) < 0)
		return guest__fail(err, errlen, "%s", msg[0] ? msg :
				   "cannot read the vCPU's registers");
	if (g->ctx[cpu] && !same_paging(&g->cpu[cpu], &now)) {
		nested = pgw_ctx_nested(g->ctx[cpu]);
		pgw_ctx_free(g->ctx[cpu]);
		g->ctx[cpu] = NULL;
	}
	g->cpu[cpu] = now;
	l->fresh[cpu] = 1;
	if (g->ctx[cpu] || !nested)
		return 0;
	/* Rebuild now so a nested context attached by the user survives a
	 * CR3 switch; otherwise guest_cpu_ctx() builds it on demand. */
	r.cr0 = now.cr0;
	r.cr3 = now.cr3;
	r.cr4 = now.cr4;
	r.efer = now.efer;
	r.rflags = now.rflags;
	r.maxphyaddr = g->maxphyaddr;
	if (pgw_ctx_new_x86(&c, &r, guest_mem_ops(g), g, msg, sizeof(msg)))
		return guest__fail(err, errlen, "vCPU %d: %s", cpu, msg);
	pgw_ctx_set_nested(c, nested);
	g->ctx[cpu] = c;
	return 0;
}

static void live_close(guest *g)
{
	struct live *l = g->src_priv;

	if (!l)
		return;
	if (l->ram)
		munmap((void *)l->ram, (size_t)l->ram_size);
	if (l->ram_fd >= 0)
		close(l->ram_fd);
	free(l->fresh);
	free(l);
	g->src_priv = NULL;
}

static const struct guest_source live_source = {
	.name = "live",
	.changes = 1,
	.read = live_read,
	.close = live_close,
	.sync = live_sync,
};

int guest_live_open(guest **out, int ncpus, enum guest_arch arch,
		    const struct guest_live_ops *ops, void *payload,
		    char *err, size_t errlen)
{
	struct guest_live_range all = { 0, 1ull << 52, UINT64_MAX };
	struct live *l;
	guest *g;

	if (!out || !ops || !ops->phys_read ||
	    ((arch == GUEST_ARCH_X86_64 || arch == GUEST_ARCH_I386) ?
	     !ops->cpu_regs : arch == GUEST_ARCH_AARCH64 ? !ops->arm64_regs :
	     arch == GUEST_ARCH_PPC64 ? !ops->ppc64_regs :
	     !guest_arch_is_riscv(arch) || !ops->riscv_regs))
		return guest__fail(err, errlen, "bad arguments");
	*out = NULL;
	if (ncpus < 1 || ncpus > 4096)
		return guest__fail(err, errlen, "absurd vCPU count %d", ncpus);
	g = calloc(1, sizeof(*g));
	l = calloc(1, sizeof(*l));
	if (!g || !l) {
		free(g);
		free(l);
		return guest__fail(err, errlen, "out of memory");
	}
	g->fd = -1;
	g->fmt = GUEST_FMT_LIVE;
	g->arch = arch;
	g->long_mode = arch == GUEST_ARCH_X86_64;
	g->src = &live_source;
	g->src_priv = l;
	l->ops = ops;
	l->payload = payload;
	l->ram_fd = -1;
	if (!(g->path = strdup("live")) || !guest__cpu_at(g, ncpus - 1) ||
	    !(g->ctx = calloc((size_t)ncpus, sizeof(*g->ctx))) ||
	    !(l->fresh = calloc((size_t)ncpus, 1)) ||
	    (arch == GUEST_ARCH_AARCH64 &&
	     (!guest__arm64_cpu_at(g, ncpus - 1) ||
	      !(g->a64root = calloc((size_t)ncpus, sizeof(*g->a64root))))) ||
	    (guest_arch_is_riscv(arch) &&
	     (!guest__riscv_cpu_at(g, ncpus - 1) ||
	      !(g->rvroot = calloc((size_t)ncpus, sizeof(*g->rvroot))))) ||
	    (arch == GUEST_ARCH_PPC64 && !guest__ppc64_cpu_at(g, ncpus - 1))) {
		guest_close(g);
		return guest__fail(err, errlen, "out of memory");
	}
	snprintf(g->desc, sizeof(g->desc), "live QEMU (%s, %d vCPU%s)",
		 guest_arch_name(arch), ncpus,
		 ncpus == 1 ? "" : "s");
	if (guest_live_set_ranges(g, &all, 1, NULL, err, errlen)) {
		guest_close(g);
		return -1;
	}
	*out = g;
	return 0;
}

int guest_live_set_reg(guest *g, const char *name, uint64_t value,
		       char *err, size_t errlen)
{
	if (!g || g->fmt != GUEST_FMT_LIVE)
		return guest__fail(err, errlen, "not a live guest");
	if (g->arch != GUEST_ARCH_PPC64 || strcmp(name, "patb"))
		return guest__fail(err, errlen, "--reg %s: QEMU gives a live "
				   "guest's registers; only a ppc64 pseries "
				   "guest's process-table entry (patb), which "
				   "it does not show, is taken", name);
	guest__ppc64_mmu_reg(g, name, value);
	for (int i = 0; i < g->ncpus; i++) {
		pgw_ctx_free(g->ctx[i]);
		g->ctx[i] = NULL;
	}
	return 0;
}

static int map_ram(struct live *l, const char *path, char *err,
		   size_t errlen)
{
	struct stat st;
	void *m;

	l->ram_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (l->ram_fd < 0)
		return guest__fail(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(l->ram_fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0)
		return guest__fail(err, errlen, "%s: not a non-empty regular "
				   "file", path);
	l->ram_size = (uint64_t)st.st_size;
	/* Shared: the guest's stores show through; never written. */
	m = mmap(NULL, (size_t)l->ram_size, PROT_READ, MAP_SHARED, l->ram_fd,
		 0);
	if (m == MAP_FAILED)
		return guest__fail(err, errlen, "%s: mmap: %s", path,
				   strerror(errno));
	l->ram = m;
	return 0;
}

int guest_live_set_ranges(guest *g, const struct guest_live_range *r,
			  size_t n, const char *ram_path, char *err,
			  size_t errlen)
{
	struct live *l = g->src_priv;

	if (g->src != &live_source)
		return guest__fail(err, errlen, "not a live guest");
	guest__physmap_free(g);
	if (l->ram) {
		munmap((void *)l->ram, (size_t)l->ram_size);
		l->ram = NULL;
	}
	if (l->ram_fd >= 0) {
		close(l->ram_fd);
		l->ram_fd = -1;
	}
	if (ram_path && map_ram(l, ram_path, err, errlen))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *host = NULL;

		if (r[i].file_off != UINT64_MAX && l->ram) {
			if (r[i].file_off > l->ram_size ||
			    r[i].len > l->ram_size - r[i].file_off)
				return guest__fail(err, errlen,
						   "%s: physical 0x%llx-0x%llx "
						   "lies at file offset 0x%llx, "
						   "past the file's 0x%llx bytes",
						   ram_path,
						   (unsigned long long)r[i].pa,
						   (unsigned long long)(r[i].pa + r[i].len - 1),
						   (unsigned long long)r[i].file_off,
						   (unsigned long long)l->ram_size);
			host = l->ram + r[i].file_off;
		}
		if (guest__physmap_add(g, r[i].pa, r[i].len, host,
				       r[i].file_off, (int)i, err, errlen))
			return -1;
	}
	if (guest__physmap_finish(g, "range", err, errlen))
		return -1;
	guest_live_invalidate(g);
	return 0;
}

int guest_live_has_ram_file(const guest *g)
{
	const struct live *l = g->src == &live_source ? g->src_priv : NULL;

	return l && l->ram;
}

void guest_live_invalidate(guest *g)
{
	struct live *l = g->src_priv;

	if (g->src != &live_source)
		return;
	memset(l->fresh, 0, (size_t)g->ncpus);
	for (int i = 0; i < g->ncpus; i++) {
		if (!g->ctx[i])
			continue;
		pgw_ctx_invalidate(g->ctx[i]);
		if (pgw_ctx_nested(g->ctx[i]))
			pgw_ctx_invalidate(pgw_ctx_nested(g->ctx[i]));
	}
}
