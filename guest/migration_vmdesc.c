/*
 * The JSON description QEMU appends to a migration stream: sizing device
 * sections field by field (with their subsection headers checked), locating
 * named fields, and decoding the "cpu" sections into vCPU registers (ppc64:
 * GPRs, CR, SPRs, MSR, SLB; x86: GPRs, segments, CR0-4, EFER; aarch64 in
 * arm64_mig.c).
 */
#include "migration_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 16
#define MAX_ELEMS (1ULL << 24)

struct fields {
	struct mig_field *f;
	size_t n, cap;
};

static int add_field(struct mig_cur *c, struct fields *fs, const char *prefix,
		     const char *name, uint64_t off, uint64_t size, uint64_t n)
{
	struct mig_field *f;

	if (!fs)
		return 0;
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 64;

		f = realloc(fs->f, cap * sizeof(*f));
		if (!f)
			return mig__fail(c, "out of memory");
		fs->f = f;
		fs->cap = cap;
	}
	f = &fs->f[fs->n++];
	snprintf(f->name, sizeof(f->name), "%s%s", prefix, name);
	f->off = off;
	f->size = size;
	f->stride = size;
	f->n = n;
	return 0;
}

static int walk_vmsd(struct mig_cur *c, json_t *vmsd, struct fields *fs,
		     const char *prefix, int depth);

/* One field entry: array_len elements of "size" bytes, or of a struct. */
static int walk_field(struct mig_cur *c, json_t *f, struct fields *fs,
		      const char *prefix, int depth)
{
	json_t *jname = json_object_get(f, "name");
	json_t *jsize = json_object_get(f, "size");
	json_t *jlen = json_object_get(f, "array_len");
	json_t *st = json_object_get(f, "struct");
	const char *name = json_is_string(jname) ? json_string_value(jname) : "?";
	json_int_t size = json_is_integer(jsize) ? json_integer_value(jsize) : -1;
	json_int_t n = json_is_integer(jlen) ? json_integer_value(jlen) : 1;
	uint64_t start = c->off;

	if (n < 0 || (uint64_t)n > MAX_ELEMS || (!st && size < 0) ||
	    size > (json_int_t)1 << 32)
		return mig__fail(c, "JSON description: field '%s' has an "
				 "impossible size or array length", name);
	if (st) {
		size_t first = fs ? fs->n : 0;
		char sub[96];
		uint64_t elem = 0;

		if (!json_is_object(st))
			return mig__fail(c, "JSON description: field '%s': bad "
					 "struct", name);
		snprintf(sub, sizeof(sub), "%s%s.", prefix, name);
		for (json_int_t i = 0; i < n; i++) {
			uint64_t e0 = c->off;

			if (walk_vmsd(c, st, i == 0 ? fs : NULL, sub, depth + 1))
				return -1;
			if (i == 0)
				elem = c->off - e0;
			else if (c->off - e0 != elem)
				return mig__fail(c, "field '%s' element %lld at "
						 "offset 0x%llx differs in size "
						 "from element 0", name,
						 (long long)i,
						 (unsigned long long)e0);
		}
		if (size >= 0 && n > 0 && elem != (uint64_t)size)
			return mig__fail(c, "field '%s' at offset 0x%llx: %llu "
					 "bytes read, the description says %lld",
					 name, (unsigned long long)start,
					 (unsigned long long)elem,
					 (long long)size);
		/* Struct members repeat with the struct's stride. */
		for (size_t k = first; fs && k < fs->n; k++) {
			fs->f[k].stride = elem;
			fs->f[k].n = (uint64_t)n;
		}
		return add_field(c, fs, prefix, name, start, elem, (uint64_t)n);
	}
	if (mig__need(c, (uint64_t)size * (uint64_t)n))
		return -1;
	c->off += (uint64_t)size * (uint64_t)n;
	return add_field(c, fs, prefix, name, start, (uint64_t)size,
			 (uint64_t)n);
}

static int walk_vmsd(struct mig_cur *c, json_t *vmsd, struct fields *fs,
		     const char *prefix, int depth)
{
	json_t *fields = json_object_get(vmsd, "fields");
	json_t *subs = json_object_get(vmsd, "subsections");
	size_t i;
	json_t *f;

	if (depth > MAX_DEPTH)
		return mig__fail(c, "JSON description nests deeper than %d",
				 MAX_DEPTH);
	json_array_foreach(fields, i, f) {
		if (walk_field(c, f, fs, prefix, depth))
			return -1;
	}
	json_array_foreach(subs, i, f) {
		json_t *jn = json_object_get(f, "vmsd_name");
		json_t *jv = json_object_get(f, "version");
		const char *want = json_is_string(jn) ? json_string_value(jn) : "";
		uint64_t at = c->off;
		char name[257], sub[96];
		uint8_t len;
		uint32_t ver;

		if (mig__u8(c) != MIG_SUBSECTION) {
			if (!c->failed)
				mig__fail(c, "expected subsection '%s' at offset "
					  "0x%llx, found byte 0x%02x", want,
					  (unsigned long long)at, c->base[at]);
			return -1;
		}
		len = mig__u8(c);
		if (mig__need(c, len))
			return -1;
		memcpy(name, c->base + c->off, len);
		name[len] = '\0';
		c->off += len;
		ver = mig__be32(c);
		if (c->failed)
			return -1;
		if (strcmp(name, want) ||
		    (json_is_integer(jv) && json_integer_value(jv) != ver))
			return mig__fail(c, "subsection at offset 0x%llx is "
					 "'%s' version %u; the description "
					 "says '%s'", (unsigned long long)at,
					 name, ver, want);
		snprintf(sub, sizeof(sub), "%s:", want);
		if (walk_vmsd(c, f, fs, sub, depth + 1))
			return -1;
	}
	return 0;
}

int mig__vmdesc_skip(struct mig_cur *c, json_t *desc)
{
	const char *saved = c->what;
	json_t *jn = json_object_get(desc, "name");
	char what[300];
	int rc;

	snprintf(what, sizeof(what), "device section '%s'",
		 json_is_string(jn) ? json_string_value(jn) : "?");
	c->what = what;
	rc = walk_vmsd(c, desc, NULL, "", 0);
	c->what = saved;
	return rc;
}

int mig__vmdesc_fields(const guest *g, const struct mig_dev *d,
		       struct mig_field **out, char *err, size_t errlen)
{
	struct mig_cur c = { .base = g->map, .off = d->off, .end = g->size,
			     .what = d->name, .err = err, .errlen = errlen };
	struct fields fs = { 0 };

	*out = NULL;
	if (walk_vmsd(&c, d->desc, &fs, "", 0) || c.off != d->end) {
		free(fs.f);
		if (!c.failed)
			guest__fail(err, errlen, "%s: re-read ends at 0x%llx, "
				    "not 0x%llx", d->name,
				    (unsigned long long)c.off,
				    (unsigned long long)d->end);
		return -1;
	}
	*out = fs.f;
	return (int)fs.n;
}

/* ------------------------------------------------------------------ */
/* CPU sections                                                         */

const struct mig_field *mig__cpu_field(struct mig_cpu_fields *cf,
				       const char *name, uint64_t size,
				       uint64_t min_n)
{
	for (int i = 0; i < cf->n; i++) {
		const struct mig_field *f = &cf->f[i];

		if (strcmp(f->name, name))
			continue;
		if (f->size != size || f->n < min_n) {
			guest__fail(cf->err, cf->errlen, "section '%s' instance "
				    "%u: field %s at offset 0x%llx has %llu x %llu "
				    "bytes, expected %llu x %llu", cf->d->name,
				    cf->d->instance, name,
				    (unsigned long long)f->off,
				    (unsigned long long)f->n,
				    (unsigned long long)f->size,
				    (unsigned long long)min_n,
				    (unsigned long long)size);
			cf->missing = 1;
			return NULL;
		}
		return f;
	}
	return NULL;
}

uint64_t mig__cpu_get(const struct mig_cpu_fields *cf,
		      const struct mig_field *f, uint64_t i)
{
	const uint8_t *p = cf->g->map + f->off + i * f->stride;
	uint64_t v = 0;

	for (uint64_t k = 0; k < f->size && k < 8; k++)
		v = v << 8 | p[k];
	return v;
}

int mig__cpu_need(struct mig_cpu_fields *cf, const struct mig_field *f,
		  const char *name)
{
	if (f)
		return 0;
	if (!cf->missing)
		guest__fail(cf->err, cf->errlen, "section '%s' instance %u "
			    "(offset 0x%llx) has no field %s", cf->d->name,
			    cf->d->instance, (unsigned long long)cf->d->off,
			    name);
	return -1;
}

/* SPR numbers (Power ISA): indexes into env.spr[]. */
enum { SPR_XER = 1, SPR_LR = 8, SPR_CTR = 9, SPR_SDR1 = 25, SPR_AMR = 29,
       SPR_PVR = 287, SPR_LPCR = 318 };

static int ppc64_cpu(struct mig_cpu_fields *cf, struct guest_ppc64_cpu *p)
{
	const struct mig_field *gpr = mig__cpu_field(cf, "env.gpr", 8, 32);
	const struct mig_field *crf = mig__cpu_field(cf, "env.crf", 4, 8);
	const struct mig_field *nip = mig__cpu_field(cf, "env.nip", 8, 1);
	const struct mig_field *spr = mig__cpu_field(cf, "env.spr", 8, 1024);
	const struct mig_field *msr = mig__cpu_field(cf, "env.msr", 8, 1);
	const struct mig_field *slb = mig__cpu_field(cf, "cpu/slb:env.slb", 16, 1);
	const struct mig_field *fpr = mig__cpu_field(cf, "cpu/fpu:env.vsr", 8, 32);
	const struct mig_field *fpscr = mig__cpu_field(cf, "cpu/fpu:env.fpscr", 8, 1);
	const struct mig_field *res = mig__cpu_field(cf, "env.reserve_addr", 8, 1);

	if (mig__cpu_need(cf, gpr, "env.gpr") || mig__cpu_need(cf, crf, "env.crf") ||
	    mig__cpu_need(cf, nip, "env.nip") || mig__cpu_need(cf, spr, "env.spr") ||
	    mig__cpu_need(cf, msr, "env.msr"))
		return -1;
	for (int i = 0; i < 32; i++)
		p->gpr[i] = mig__cpu_get(cf, gpr, (uint64_t)i);
	p->cr = 0;
	for (int i = 0; i < 8; i++)
		p->cr |= (uint32_t)(mig__cpu_get(cf, crf, (uint64_t)i) & 0xf) <<
			 (4 * (7 - i));
	p->nip = mig__cpu_get(cf, nip, 0);
	p->msr = mig__cpu_get(cf, msr, 0);
	/* cpu_pre_save copies LR, CTR and XER into their SPR slots. */
	p->xer = mig__cpu_get(cf, spr, SPR_XER);
	p->lr = mig__cpu_get(cf, spr, SPR_LR);
	p->ctr = mig__cpu_get(cf, spr, SPR_CTR);
	p->sdr1 = mig__cpu_get(cf, spr, SPR_SDR1);
	p->amr = mig__cpu_get(cf, spr, SPR_AMR);
	p->pvr = mig__cpu_get(cf, spr, SPR_PVR);
	p->lpcr = mig__cpu_get(cf, spr, SPR_LPCR);
	p->valid = GUEST_PPC64_HAS_GPRS | GUEST_PPC64_HAS_SPRS;
	for (int i = 0; i < 1024; i++)
		p->spr[i] = mig__cpu_get(cf, spr, (uint64_t)i);
	if (fpr && fpscr) {
		for (int i = 0; i < 32; i++)
			p->fpr[i] = mig__cpu_get(cf, fpr, (uint64_t)i);
		p->fpscr = mig__cpu_get(cf, fpscr, 0);
		p->valid |= GUEST_PPC64_HAS_FPU;
	}
	if (res) {
		p->reserve = mig__cpu_get(cf, res, 0);
		p->valid |= GUEST_PPC64_HAS_RES;
	}
	if (slb) {
		const uint8_t *s = cf->g->map + slb->off;

		p->nslb = slb->n < GUEST_PPC64_SLB_MAX ? (unsigned)slb->n :
			  GUEST_PPC64_SLB_MAX;
		for (unsigned i = 0; i < p->nslb; i++) {
			p->slb[i].esid = guest__be64(s + 16 * i);
			p->slb[i].vsid = guest__be64(s + 16 * i + 8);
		}
		p->valid |= GUEST_PPC64_HAS_SLB;
	}
	return 0;
}

/* QEMU's env.regs order (R_EAX..R_EDI, r8-r15) -> GDB order. */
static const int x86_gdb_of_qemu[16] = {
	0, 2, 3, 1, 7, 6, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15,
};

static void x86_seg(struct mig_cpu_fields *cf, const char *base, uint64_t i,
		    struct guest_x86_seg *s)
{
	char n[64];
	const struct mig_field *f;

	snprintf(n, sizeof(n), "%s.selector", base);
	if ((f = mig__cpu_field(cf, n, 4, i + 1)))
		s->selector = (uint32_t)mig__cpu_get(cf, f, i);
	snprintf(n, sizeof(n), "%s.base", base);
	if ((f = mig__cpu_field(cf, n, 8, i + 1)) || (f = mig__cpu_field(cf, n, 4, i + 1)))
		s->base = mig__cpu_get(cf, f, i);
	snprintf(n, sizeof(n), "%s.limit", base);
	if ((f = mig__cpu_field(cf, n, 4, i + 1)))
		s->limit = (uint32_t)mig__cpu_get(cf, f, i);
	snprintf(n, sizeof(n), "%s.flags", base);
	if ((f = mig__cpu_field(cf, n, 4, i + 1)))
		s->flags = (uint32_t)mig__cpu_get(cf, f, i);
}

static int x86_cpu(struct mig_cpu_fields *cf, struct guest_x86_cpu *x, int *is64)
{
	const struct mig_field *regs = mig__cpu_field(cf, "env.regs", 8, 8);
	const struct mig_field *eip, *efl, *cr[5] = { 0 }, *f;
	unsigned w;
	char n[32];

	*is64 = regs != NULL;
	w = regs ? 8 : 4;
	if (!regs)
		regs = mig__cpu_field(cf, "env.regs", 4, 8);
	eip = mig__cpu_field(cf, "env.eip", w, 1);
	efl = mig__cpu_field(cf, "env.eflags", w, 1);
	if (mig__cpu_need(cf, regs, "env.regs") || mig__cpu_need(cf, eip, "env.eip") ||
	    mig__cpu_need(cf, efl, "env.eflags"))
		return -1;
	for (unsigned i = 0; i < regs->n && i < 16; i++)
		x->gpr[x86_gdb_of_qemu[i]] = mig__cpu_get(cf, regs, i);
	x->rip = mig__cpu_get(cf, eip, 0);
	x->rflags = mig__cpu_get(cf, efl, 0);
	x->valid = GUEST_X86_HAS_GPRS;
	for (int i = 0; i < 5; i++) {
		snprintf(n, sizeof(n), "env.cr[%d]", i);
		cr[i] = mig__cpu_field(cf, n, w, 1);
	}
	if (mig__cpu_need(cf, cr[0], "env.cr[0]") || mig__cpu_need(cf, cr[3], "env.cr[3]") ||
	    mig__cpu_need(cf, cr[4], "env.cr[4]"))
		return -1;
	x->cr0 = mig__cpu_get(cf, cr[0], 0);
	x->cr2 = cr[2] ? mig__cpu_get(cf, cr[2], 0) : 0;
	x->cr3 = mig__cpu_get(cf, cr[3], 0);
	x->cr4 = mig__cpu_get(cf, cr[4], 0);
	x->valid |= GUEST_X86_HAS_CRS;
	if ((f = mig__cpu_field(cf, "env.efer", 8, 1))) {
		x->efer = mig__cpu_get(cf, f, 0);
		x->valid |= GUEST_X86_HAS_EFER;
	}
	if ((f = mig__cpu_field(cf, "env.kernelgsbase", 8, 1))) {
		x->kernel_gs_base = mig__cpu_get(cf, f, 0);
		x->valid |= GUEST_X86_HAS_KGSBASE;
	}
	if (mig__cpu_field(cf, "env.segs.selector", 4, GUEST_NSEG)) {
		for (int i = 0; i < GUEST_NSEG; i++)
			x86_seg(cf, "env.segs", (uint64_t)i, &x->seg[i]);
		x86_seg(cf, "env.ldt", 0, &x->ldt);
		x86_seg(cf, "env.tr", 0, &x->tr);
		x86_seg(cf, "env.gdt", 0, &x->gdt);
		x86_seg(cf, "env.idt", 0, &x->idt);
		x->fs_base = x->seg[GUEST_FS].base;
		x->gs_base = x->seg[GUEST_GS].base;
		x->valid |= GUEST_X86_HAS_SEGS | GUEST_X86_HAS_SEGDESC |
			    GUEST_X86_HAS_BASES;
	}
	return cf->missing ? -1 : 0;
}

/* Which target wrote a "cpu" section, and the vmstate version pgstub
 * reads for it: target/ppc vmstate_ppc_cpu is version 5 and target/i386
 * vmstate_x86_cpu version 12 in QEMU 2.x-9.x; target/arm's see
 * MIG_ARM_CPU_VERSION. */
enum cpu_kind { CPU_X86, CPU_PPC, CPU_ARM, CPU_RISCV, CPU_RISCV32 };
static const char *const kind_name[] = { "x86", "ppc64", "aarch64",
					  "riscv64", "riscv32" };
static const uint32_t kind_version[] = { 12u, 5u, MIG_ARM_CPU_VERSION,
					 MIG_RISCV_CPU_VERSION,
					 MIG_RISCV_CPU_VERSION };

static enum cpu_kind kind_of(struct mig_cpu_fields *cf)
{
	/* Before ppc64's test: both name their GPRs "env.gpr". */
	switch (mig__riscv_is_cpu(cf)) {
	case 64: return CPU_RISCV;
	case 32: return CPU_RISCV32;
	}
	if (mig__cpu_field(cf, "env.gpr", 8, 32))
		return CPU_PPC;
	if (mig__arm64_is_cpu(cf))
		return CPU_ARM;
	return CPU_X86;
}

int mig__cpus_decode(guest *g, struct mig *m, char *err, size_t errlen)
{
	/* Each instance once: a repeat would leave another vCPU without
	 * registers, which then reads as a vCPU the stream had said nothing
	 * about. */
	unsigned char done[4096] = { 0 };
	int ncpu = 0, seen = -1;

	for (size_t i = 0; i < m->ndev; i++)
		if (!strcmp(m->dev[i].name, "cpu"))
			ncpu++;
	if (!ncpu)
		return guest__fail(err, errlen, "no 'cpu' device section in the "
				   "stream");
	if (ncpu > 4096)
		return guest__fail(err, errlen, "%d vCPUs", ncpu);
	for (size_t i = 0; i < m->ndev; i++) {
		const struct mig_dev *d = &m->dev[i];
		struct mig_cpu_fields cf = { .g = g, .d = d, .err = err,
					 .errlen = errlen };
		struct mig_field *fs;
		struct guest_ppc64_cpu *p;
		struct guest_arm64_cpu *a;
		struct guest_riscv_cpu *rv;
		enum cpu_kind k;
		int n, rc, is64 = 0;

		if (strcmp(d->name, "cpu"))
			continue;
		if (d->instance >= (uint32_t)ncpu)
			return guest__fail(err, errlen, "section 'cpu' instance "
					   "%u at offset 0x%llx: only %d 'cpu' "
					   "sections", d->instance,
					   (unsigned long long)d->off, ncpu);
		if (done[d->instance]++)
			return guest__fail(err, errlen, "section 'cpu' instance "
					   "%u at offset 0x%llx: a second one",
					   d->instance,
					   (unsigned long long)d->off);
		n = mig__vmdesc_fields(g, d, &fs, err, errlen);
		if (n < 0)
			return -1;
		cf.f = fs;
		cf.n = n;
		k = kind_of(&cf);
		if (seen >= 0 && (int)k != seen) {
			free(fs);
			return guest__fail(err, errlen, "'cpu' sections of two "
					   "architectures (%s, then %s at offset "
					   "0x%llx)", kind_name[seen],
					   kind_name[k],
					   (unsigned long long)d->off);
		}
		seen = (int)k;
		if (d->version != kind_version[k]) {
			free(fs);
			return guest__fail(err, errlen, "section 'cpu' instance "
					   "%u at offset 0x%llx has version %u; "
					   "pgstub reads version %u of %s vCPUs",
					   d->instance,
					   (unsigned long long)d->off,
					   d->version, kind_version[k],
					   kind_name[k]);
		}
		if (!guest__cpu_at(g, ncpu - 1)) {
			free(fs);
			return guest__fail(err, errlen, "out of memory");
		}
		switch (k) {
		case CPU_PPC:
			g->arch = GUEST_ARCH_PPC64;
			p = guest__ppc64_cpu_at(g, (int)d->instance);
			rc = p ? ppc64_cpu(&cf, p) :
			     guest__fail(err, errlen, "out of memory");
			break;
		case CPU_ARM:
			g->arch = GUEST_ARCH_AARCH64;
			a = guest__arm64_cpu_at(g, (int)d->instance);
			rc = a ? mig__arm64_cpu(&cf, a) :
			     guest__fail(err, errlen, "out of memory");
			break;
		case CPU_RISCV:
		case CPU_RISCV32:
			g->arch = k == CPU_RISCV ? GUEST_ARCH_RISCV64
						    : GUEST_ARCH_RISCV32;
			rv = guest__riscv_cpu_at(g, (int)d->instance);
			rc = rv ? mig__riscv_cpu(&cf, rv) :
			     guest__fail(err, errlen, "out of memory");
			break;
		case CPU_X86:
		default:
			rc = x86_cpu(&cf, &g->cpu[d->instance], &is64);
			g->arch = is64 ? GUEST_ARCH_X86_64 : GUEST_ARCH_I386;
			if (g->cpu[d->instance].efer & PGW_EFER_LMA)
				g->long_mode = 1;
			break;
		}
		free(fs);
		if (rc)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* pseries: the registered process table                               */

int mig__spapr_patb(guest *g, struct mig *m, char *err, size_t errlen)
{
	for (size_t i = 0; i < m->ndev; i++) {
		const struct mig_dev *d = &m->dev[i];
		struct mig_field *fs;
		int n;

		if (strcmp(d->name, "spapr"))
			continue;
		n = mig__vmdesc_fields(g, d, &fs, err, errlen);
		if (n < 0)
			return -1;
		/* hw/ppc/spapr.c: subsection spapr_patb_entry, sent once the
		 * guest has called H_REGISTER_PROC_TBL (doubleword 1 of its
		 * partition-table entry, big-endian). */
		for (int k = 0; k < n; k++) {
			if (strcmp(fs[k].name, "spapr_patb_entry:patb_entry"))
				continue;
			if (fs[k].size != 8 || fs[k].n != 1) {
				unsigned long long at = fs[k].off;

				free(fs);
				return guest__fail(err, errlen, "section 'spapr': "
						   "patb_entry at offset 0x%llx "
						   "is not one 8-byte field", at);
			}
			g->ppc_patb = guest__be64(g->map + fs[k].off);
			g->ppc_have_patb = 1;
		}
		free(fs);
	}
	return 0;
}
