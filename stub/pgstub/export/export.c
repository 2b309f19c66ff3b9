/*
 * `pgstub export --paging IMAGE OUT.elf`: an ELF core whose PT_LOADs are the
 * guest virtual mappings of one vCPU (p_vaddr = VA, p_paddr = PA) and whose
 * notes hold every vCPU's registers, so that plain `gdb -c` and `readelf`
 * read guest virtual memory. Written to a temporary file, then renamed.
 */
#include "export.h"
#include "serving/cli.h"
#include "serving/session.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DATA_ALIGN 4096u
#define COPY_CHUNK (1u << 20)
#define PROGRESS_MIN (64ull << 20)

/* A backed physical range and where its bytes go in the file. */
struct prange {
	uint64_t pa, size, off;   /* off: from the start of the data area */
};

struct seg {
	uint64_t va, pa, size, off;
	unsigned flags;           /* PF_* */
};

struct exporter {
	guest *g;
	int elf64;
	uint16_t machine;         /* e_machine: EM_X86_64, EM_386, EM_AARCH64,
				   * EM_RISCV */
	struct prange *r;
	size_t nr, capr;
	uint64_t data_size;
	struct seg *s;
	size_t ns, caps;
	size_t pa_clipped;        /* ELF32: p_paddr above 4 GiB */
	int err;
};

static int add_range(uint64_t pa, uint64_t size, void *payload)
{
	struct exporter *x = payload;

	if (x->nr == x->capr) {
		size_t cap = x->capr ? x->capr * 2 : 16;
		struct prange *n = realloc(x->r, cap * sizeof(*n));

		if (!n)
			return -1;
		x->r = n;
		x->capr = cap;
	}
	x->r[x->nr].pa = pa;
	x->r[x->nr].size = size;
	x->r[x->nr].off = x->data_size;
	x->nr++;
	x->data_size += size;
	return 0;
}

static int push_seg(struct exporter *x, uint64_t va, uint64_t pa,
		    uint64_t size, uint64_t off, unsigned flags)
{
	struct seg *p = x->ns ? &x->s[x->ns - 1] : NULL;

	/* Merge when contiguous in VA, PA and the file, with equal flags. */
	if (p && p->flags == flags && p->va + p->size == va &&
	    p->pa + p->size == pa && p->off + p->size == off) {
		p->size += size;
		return 0;
	}
	if (x->ns == x->caps) {
		size_t cap = x->caps ? x->caps * 2 : 256;
		struct seg *n = realloc(x->s, cap * sizeof(*n));

		if (!n)
			return -1;
		x->s = n;
		x->caps = cap;
	}
	x->s[x->ns++] = (struct seg){ va, pa, size, off, flags };
	return 0;
}

/* Index of the range holding @pa, or nr. Ranges are sorted by pa. */
static size_t find_range(const struct exporter *x, uint64_t pa)
{
	size_t lo = 0, hi = x->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pa < x->r[mid].pa)
			hi = mid;
		else if (pa - x->r[mid].pa >= x->r[mid].size)
			lo = mid + 1;
		else
			return mid;
	}
	return x->nr;
}

/* One VA->PA mapping, cut where the physical ranges (file runs) end. */
static int add_mapping(struct exporter *x, uint64_t va, uint64_t pa,
		       uint64_t size, unsigned flags)
{
	while (size > 0) {
		size_t i = find_range(x, pa);
		uint64_t n;

		if (i == x->nr) {
			/* Not backed (the predicate said RAM): skip a page. */
			n = DATA_ALIGN - (pa & (DATA_ALIGN - 1));
		} else {
			n = x->r[i].size - (pa - x->r[i].pa);
			if (n > size)
				n = size;
			if (push_seg(x, va, pa, n, x->r[i].off + (pa - x->r[i].pa),
				     flags))
				return -1;
		}
		if (n > size)
			n = size;
		va += n;
		pa += n;
		size -= n;
	}
	return 0;
}

/*
 * pgw_mappings() hands a callback's nonzero value back unchanged: a
 * positive one stops the walk and cannot be mistaken for a PGW_E* code.
 */
#define EMIT_NOMEM 1

static int emit_mapping(const struct pgw_mapping *m, void *payload)
{
	unsigned f = PF_R;

	if (m->perms & PGW_PERM_W)
		f |= PF_W;
	/* arm64: executable at EL1 (PXN clear) or at EL0 (UXN clear). */
	if (m->perms & (PGW_PERM_X | PGW_PERM_UX))
		f |= PF_X;
	return add_mapping(payload, m->va, m->pa, m->size, f) ? EMIT_NOMEM : 0;
}

static int is_io(uint64_t pa, uint64_t size, void *payload)
{
	return !guest_phys_is_ram(payload, pa, size);
}

/* ------------------------------------------------------------------ */
/* Notes: NT_PRSTATUS per vCPU, in the Linux layouts GDB reads.        */

struct notes {
	unsigned char *buf;
	size_t len, cap;
};

static int note_add(struct notes *n, const char *name, uint32_t type,
		    const void *desc, uint32_t dlen)
{
	uint32_t nlen = (uint32_t)strlen(name) + 1;
	size_t need = 12 + ((nlen + 3) & ~3u) + ((dlen + 3) & ~3u);
	unsigned char *p;

	if (n->len + need > n->cap) {
		size_t cap = (n->len + need) * 2;

		p = realloc(n->buf, cap);
		if (!p)
			return -1;
		n->buf = p;
		n->cap = cap;
	}
	p = n->buf + n->len;
	memset(p, 0, need);
	memcpy(p, &nlen, 4);
	memcpy(p + 4, &dlen, 4);
	memcpy(p + 8, &type, 4);
	memcpy(p + 12, name, nlen);
	memcpy(p + 12 + ((nlen + 3) & ~3u), desc, dlen);
	n->len += need;
	return 0;
}

static void put(unsigned char *b, size_t off, uint64_t v, int size)
{
	for (int i = 0; i < size; i++)
		b[off + (size_t)i] = (unsigned char)(v >> (8 * i));
}

/*
 * Linux elf_prstatus: x86_64 is 336 bytes, pr_pid at 32, pr_reg (27 longs
 * of user_regs_struct) at 112; i386 is 144 bytes, pr_pid at 24, pr_reg
 * (17 longs) at 72.
 */
static int add_prstatus(struct notes *n, int elf64, int cpu,
			const struct guest_x86_cpu *r)
{
	unsigned char b[336];
	const uint64_t *g = r->gpr;  /* rax rbx rcx rdx rsi rdi rbp rsp r8.. */
	uint64_t sel[GUEST_NSEG];

	memset(b, 0, sizeof(b));
	for (int i = 0; i < GUEST_NSEG; i++)
		sel[i] = (r->valid & GUEST_X86_HAS_SEGS) ? r->seg[i].selector : 0;
	if (elf64) {
		const uint64_t regs[27] = {
			g[15], g[14], g[13], g[12], g[6], g[1], g[11], g[10],
			g[9], g[8], g[0], g[2], g[3], g[4], g[5], g[0],
			r->rip, sel[GUEST_CS], r->rflags, g[7], sel[GUEST_SS],
			r->fs_base, r->gs_base, sel[GUEST_DS], sel[GUEST_ES],
			sel[GUEST_FS], sel[GUEST_GS],
		};

		put(b, 32, (uint64_t)cpu + 1, 4);
		for (int i = 0; i < 27; i++)
			put(b, 112 + 8 * (size_t)i, regs[i], 8);
		return note_add(n, "CORE", NT_PRSTATUS, b, 336);
	} else {
		const uint64_t regs[17] = {
			g[1], g[2], g[3], g[4], g[5], g[6], g[0], sel[GUEST_DS],
			sel[GUEST_ES], sel[GUEST_FS], sel[GUEST_GS], g[0],
			r->rip, sel[GUEST_CS], r->rflags, g[7], sel[GUEST_SS],
		};

		put(b, 24, (uint64_t)cpu + 1, 4);
		for (int i = 0; i < 17; i++)
			put(b, 72 + 4 * (size_t)i, regs[i], 4);
		return note_add(n, "CORE", NT_PRSTATUS, b, 144);
	}
}

/* ------------------------------------------------------------------ */
/* Output: a temporary file next to OUT, renamed when complete.        */

static char tmp_path[PATH_MAX];
static volatile sig_atomic_t tmp_live;

static void on_fatal_signal(int sig)
{
	if (tmp_live)
		unlink(tmp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

struct writer {
	int fd;
	const char *out;
	uint64_t done, total;     /* data bytes, for the progress bar */
	int progress, last_pct;
};

static int write_all(struct writer *w, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "%spgstub export: %s: write failed: %s\n",
				w->progress ? "\n" : "", w->out,
				n < 0 ? strerror(errno) : "no progress");
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void progress(struct writer *w)
{
	int pct;

	if (!w->progress || !w->total)
		return;
	pct = (int)(w->done * 100 / w->total);
	if (pct == w->last_pct)
		return;
	w->last_pct = pct;
	fprintf(stderr, "\rpgstub export: [%-40.*s] %3d%% %" PRIu64 "/%" PRIu64
		" MiB", pct * 40 / 100,
		"########################################", pct,
		w->done >> 20, w->total >> 20);
	if (pct == 100)
		fputc('\n', stderr);
}

static int write_data(struct exporter *x, struct writer *w)
{
	unsigned char *buf = malloc(COPY_CHUNK);
	size_t short_reads = 0;

	if (!buf) {
		fprintf(stderr, "pgstub export: out of memory\n");
		return -1;
	}
	for (size_t i = 0; i < x->nr; i++) {
		for (uint64_t o = 0; o < x->r[i].size;) {
			size_t n = x->r[i].size - o < COPY_CHUNK ?
				   (size_t)(x->r[i].size - o) : COPY_CHUNK;
			size_t got = guest_phys_read(x->g, x->r[i].pa + o, buf, n);

			/* A range the source listed but cannot read (a cut
			 * file): zeros, and say so at the end. */
			if (got < n) {
				memset(buf + got, 0, n - got);
				short_reads++;
			}
			if (write_all(w, buf, n)) {
				free(buf);
				return -1;
			}
			o += n;
			w->done += n;
			progress(w);
		}
	}
	free(buf);
	if (short_reads)
		fprintf(stderr, "pgstub export: warning: %zu chunks of physical "
			"memory could not be read and were written as zeros\n",
			short_reads);
	return 0;
}

/*
 * Linux aarch64 elf_prstatus (392 bytes): pr_pid at 32, pr_reg at 112 as
 * struct user_pt_regs (x0..x30, sp, pc, pstate), then pr_fpvalid.
 */
static int add_prstatus_arm64(struct notes *n, int cpu,
			      const struct guest_arm64_cpu *a)
{
	unsigned char b[392];

	memset(b, 0, sizeof(b));
	put(b, 32, (uint64_t)cpu + 1, 4);
	for (int i = 0; i < 31; i++)
		put(b, 112 + 8 * (size_t)i, a->x[i], 8);
	put(b, 112 + 8 * 31, a->sp, 8);
	put(b, 112 + 8 * 32, a->pc, 8);
	put(b, 112 + 8 * 33, a->pstate, 8);
	/* pr_fpvalid, after pr_reg: an NT_PRFPREG note follows. */
	put(b, 112 + 8 * 34, (a->valid & GUEST_ARM64_HAS_FPU) ? 1 : 0, 4);
	return note_add(n, "CORE", NT_PRSTATUS, b, sizeof(b));
}

/*
 * Linux aarch64 NT_PRFPREG, struct user_fpsimd_state (528 bytes): v0..v31
 * (128 bits each, low half first), fpsr and fpcr (32 bits), 8 reserved.
 */
static int add_prfpreg_arm64(struct notes *n, const struct guest_arm64_cpu *a)
{
	unsigned char b[528];

	memset(b, 0, sizeof(b));
	for (int i = 0; i < 32; i++) {
		put(b, 16 * (size_t)i, a->v[i][0], 8);
		put(b, 16 * (size_t)i + 8, a->v[i][1], 8);
	}
	put(b, 512, a->fpsr, 4);
	put(b, 516, a->fpcr, 4);
	return note_add(n, "CORE", NT_PRFPREG, b, sizeof(b));
}

/*
 * Linux riscv64 elf_prstatus (376 bytes): pr_pid at 32, pr_reg at 112 as
 * struct user_regs_struct (pc, then x1..x31: ra, sp, gp, …), then
 * pr_fpvalid.
 */
static int add_prstatus_riscv(struct notes *n, int elf64, int cpu,
			      const struct guest_riscv_cpu *r)
{
	/* riscv32's has 32-bit longs: pr_pid at 24, pr_reg at 72 as 32
	 * u32s, 204 bytes in all. */
	const size_t size = elf64 ? 376 : 204, regs = elf64 ? 112 : 72;
	const size_t word = elf64 ? 8 : 4;
	unsigned char b[376];

	memset(b, 0, sizeof(b));
	put(b, elf64 ? 32 : 24, (uint64_t)cpu + 1, 4);
	put(b, regs, r->pc, word);
	for (int i = 1; i < 32; i++)
		put(b, regs + word * (size_t)i, r->x[i], word);
	return note_add(n, "CORE", NT_PRSTATUS, b, size);
}

static void put_phdr(unsigned char *p, int elf64, uint32_t type,
		     uint32_t flags, uint64_t off, uint64_t va, uint64_t pa,
		     uint64_t filesz, uint64_t memsz, uint64_t align)
{
	if (elf64) {
		Elf64_Phdr h = { type, flags, off, va, pa, filesz, memsz, align };

		memcpy(p, &h, sizeof(h));
	} else {
		Elf32_Phdr h = { type, (Elf32_Off)off, (Elf32_Addr)va,
				 (Elf32_Addr)pa, (Elf32_Word)filesz,
				 (Elf32_Word)memsz, flags, (Elf32_Word)align };

		memcpy(p, &h, sizeof(h));
	}
}

/*
 * Header, [section 0 when e_phnum overflows], program headers, notes, then
 * the physical ranges once each (aliases share file bytes).
 */
static int write_core(struct exporter *x, const struct notes *nt,
		      struct writer *w)
{
	size_t ehsz = x->elf64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t phsz = x->elf64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	size_t shsz = x->elf64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	uint64_t phnum = (uint64_t)x->ns + 1;
	int xnum = phnum >= PN_XNUM;
	uint64_t phoff = ehsz + (xnum ? shsz : 0);
	uint64_t noteoff = phoff + phnum * phsz;
	uint64_t dataoff = (noteoff + nt->len + DATA_ALIGN - 1) &
			   ~(uint64_t)(DATA_ALIGN - 1);
	size_t hlen = (size_t)(dataoff - 0);
	unsigned char *h;
	int rc;

	if (!x->elf64 && dataoff + x->data_size > UINT32_MAX) {
		fprintf(stderr, "pgstub export: %s: an ELF32 core cannot hold "
			"%" PRIu64 " MiB\n", w->out, (dataoff + x->data_size) >> 20);
		return -1;
	}
	if (phnum > UINT32_MAX) {
		fprintf(stderr, "pgstub export: %s: %" PRIu64 " segments exceed "
			"what ELF can count\n", w->out, phnum);
		return -1;
	}
	h = calloc(1, hlen);
	if (!h) {
		fprintf(stderr, "pgstub export: out of memory\n");
		return -1;
	}
	if (x->elf64) {
		Elf64_Ehdr e = { .e_type = ET_CORE, .e_machine = x->machine,
				 .e_version = EV_CURRENT, .e_phoff = phoff,
				 .e_ehsize = sizeof(Elf64_Ehdr),
				 .e_phentsize = sizeof(Elf64_Phdr),
				 .e_phnum = xnum ? PN_XNUM : (Elf64_Half)phnum };

		memcpy(e.e_ident, ELFMAG, SELFMAG);
		e.e_ident[EI_CLASS] = ELFCLASS64;
		e.e_ident[EI_DATA] = ELFDATA2LSB;
		e.e_ident[EI_VERSION] = EV_CURRENT;
		if (xnum) {
			/* gABI: the real count is section 0's sh_info. */
			Elf64_Shdr s0 = { .sh_info = (Elf64_Word)phnum };

			e.e_shoff = ehsz;
			e.e_shentsize = sizeof(Elf64_Shdr);
			e.e_shnum = 1;
			memcpy(h + ehsz, &s0, sizeof(s0));
		}
		memcpy(h, &e, sizeof(e));
	} else {
		Elf32_Ehdr e = { .e_type = ET_CORE, .e_machine = x->machine,
				 .e_version = EV_CURRENT, .e_phoff = (Elf32_Off)phoff,
				 .e_ehsize = sizeof(Elf32_Ehdr),
				 .e_phentsize = sizeof(Elf32_Phdr),
				 .e_phnum = xnum ? PN_XNUM : (Elf32_Half)phnum };

		memcpy(e.e_ident, ELFMAG, SELFMAG);
		e.e_ident[EI_CLASS] = ELFCLASS32;
		e.e_ident[EI_DATA] = ELFDATA2LSB;
		e.e_ident[EI_VERSION] = EV_CURRENT;
		if (xnum) {
			Elf32_Shdr s0 = { .sh_info = (Elf32_Word)phnum };

			e.e_shoff = (Elf32_Off)ehsz;
			e.e_shentsize = sizeof(Elf32_Shdr);
			e.e_shnum = 1;
			memcpy(h + ehsz, &s0, sizeof(s0));
		}
		memcpy(h, &e, sizeof(e));
	}
	put_phdr(h + phoff, x->elf64, PT_NOTE, 0, noteoff, 0, 0, nt->len,
		 nt->len, 0);
	for (size_t i = 0; i < x->ns; i++) {
		const struct seg *s = &x->s[i];
		uint64_t pa = s->pa;

		if (!x->elf64 && pa + s->size > (1ull << 32)) {
			x->pa_clipped++;
			pa = 0;
		}
		put_phdr(h + phoff + (i + 1) * phsz, x->elf64, PT_LOAD, s->flags,
			 dataoff + s->off, s->va, pa, s->size, s->size, 0);
	}
	memcpy(h + noteoff, nt->buf, nt->len);
	rc = write_all(w, h, hlen);
	free(h);
	return rc ? rc : write_data(x, w);
}

/* ------------------------------------------------------------------ */

static void export_usage(FILE *f)
{
	fprintf(f,
"usage: pgstub export --paging [--cpu N] [-q] [--progress|--no-progress]\n"
"                     [IMAGE OPTIONS (see pgstub --help)] IMAGE OUT.elf\n"
"\n"
"Write an ELF core whose PT_LOADs are vCPU N's virtual mappings\n"
"(p_vaddr = VA, p_paddr = PA; I/O ranges left out) with every vCPU's\n"
"registers, so that 'gdb -c OUT.elf' reads guest virtual memory.\n");
}

static int open_tmp(const char *out)
{
	mode_t um = umask(0);
	int fd;

	umask(um);
	if (snprintf(tmp_path, sizeof(tmp_path), "%s.tmp.XXXXXX", out) >=
	    (int)sizeof(tmp_path)) {
		fprintf(stderr, "pgstub export: %s: path too long\n", out);
		return -1;
	}
	fd = mkstemp(tmp_path);
	if (fd < 0) {
		fprintf(stderr, "pgstub export: cannot create %s: %s\n", out,
			strerror(errno));
		return -1;
	}
	tmp_live = 1;
	fchmod(fd, 0666 & ~um);
	return fd;
}

static int build(struct exporter *x, int cpu, struct notes *nt)
{
	char err[256];
	pgw_ctx *c;
	int rc;

	if (guest_phys_ranges(x->g, add_range, x)) {
		fprintf(stderr, "pgstub export: out of memory\n");
		return -1;
	}
	for (int i = 0; i < guest_ncpus(x->g); i++) {
		const struct guest_x86_cpu *r = guest_x86_cpu(x->g, i);
		const struct guest_arm64_cpu *a = guest_arm64_cpu(x->g, i);
		const struct guest_riscv_cpu *v = guest_riscv_cpu(x->g, i);

		if (x->machine == EM_RISCV) {
			if (v && (v->valid & GUEST_RISCV_HAS_GPRS) &&
			    add_prstatus_riscv(nt, x->elf64, i, v)) {
				fprintf(stderr, "pgstub export: out of memory\n");
				return -1;
			}
			continue;
		}
		if (x->machine == EM_AARCH64) {
			/* GDB takes a thread's FP registers from the
			 * NT_PRFPREG right after its NT_PRSTATUS. */
			if (a && (a->valid & GUEST_ARM64_HAS_GPRS) &&
			    (add_prstatus_arm64(nt, i, a) ||
			     ((a->valid & GUEST_ARM64_HAS_FPU) &&
			      add_prfpreg_arm64(nt, a)))) {
				fprintf(stderr, "pgstub export: out of memory\n");
				return -1;
			}
			continue;
		}
		if (r && add_prstatus(nt, x->elf64, i, r)) {
			fprintf(stderr, "pgstub export: out of memory\n");
			return -1;
		}
	}
	if (guest_cpu_ctx(x->g, cpu, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "pgstub export: vCPU %d: %s\n", cpu, err);
		return -1;
	}
	if (pgw_ctx_mode(c) == PGW_MODE_NONE) {
		/* Paging off: virtual is physical, RAM only. */
		for (size_t i = 0; i < x->nr; i++)
			if (push_seg(x, x->r[i].pa, x->r[i].pa, x->r[i].size,
				     x->r[i].off, PF_R | PF_W | PF_X)) {
				fprintf(stderr, "pgstub export: out of memory\n");
				return -1;
			}
		return 0;
	}
	rc = pgw_mappings(c, NULL, is_io, x->g, emit_mapping, x);
	if (rc == EMIT_NOMEM) {
		fprintf(stderr, "pgstub export: out of memory\n");
		return -1;
	}
	if (rc == PGW_ELIMIT) {
		fprintf(stderr, "pgstub export: warning: the page tables of "
			"vCPU %d exceed the walk budget; the export is partial\n",
			cpu);
	} else if (rc < 0) {
		fprintf(stderr, "pgstub export: vCPU %d: page table walk failed "
			"(%d)\n", cpu, rc);
		return -1;
	}
	return 0;
}

/* What the command line asks for. */
struct export_args {
	struct guest_open_opts o;
	const char *image, *out;
	uint64_t cpu;
	int paging, quiet, want_progress;  /* want_progress -1: on a tty */
};

/* 0 to go on, 1 after --help, -1 on a usage error (said). */
static int parse_args(int argc, char **argv, struct export_args *a)
{
	struct option *opts = pgstub_options(pgstub_export_cmdline);
	int ch, r, rc = -1;

	if (!opts)
		return -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (ch) {
		case PGSTUB_O_PAGING: a->paging = 1; break;
		case PGSTUB_O_CPU:
			if (parse_u64(optarg, &a->cpu) || a->cpu > INT_MAX) {
				fprintf(stderr, "pgstub export: --cpu: invalid "
					"number '%s'\n", optarg);
				goto out;
			}
			break;
		case PGSTUB_O_PROGRESS: a->want_progress = 1; break;
		case PGSTUB_O_NO_PROGRESS: a->want_progress = 0; break;
		case 'q': a->quiet = 1; break;
		case 'h': case PGSTUB_O_HELP:
			export_usage(stdout);
			rc = 1;
			goto out;
		default:
			r = pgstub_guest_option(ch, optarg, &a->o);
			if (r == 0)
				break;
			if (r > 0)
				export_usage(stderr);
			goto out;
		}
	}
	if (optind != argc - 2) {
		export_usage(stderr);
		goto out;
	}
	if (!a->paging) {
		fprintf(stderr, "pgstub export: only --paging exports exist "
			"(the dump itself is the physical one)\n");
		goto out;
	}
	a->image = argv[optind];
	a->out = argv[optind + 1];
	rc = 0;
out:
	free(opts);
	return rc;
}

/* Write the core to a temporary file beside w->out, then rename it over
 * w->out: a reader never sees half a file. 0, or -1 (said, nothing left). */
static int write_file(struct exporter *x, struct notes *nt, struct writer *w)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGXFSZ, SIG_IGN);  /* a file size limit is a write error */
	w->fd = open_tmp(w->out);
	if (w->fd < 0)
		return -1;
	if (write_core(x, nt, w))
		goto fail;
	if (fsync(w->fd) < 0 || close(w->fd) < 0) {
		fprintf(stderr, "pgstub export: %s: write failed: %s\n", w->out,
			strerror(errno));
		w->fd = -1;
		goto fail;
	}
	w->fd = -1;
	if (rename(tmp_path, w->out) < 0) {
		fprintf(stderr, "pgstub export: cannot rename to %s: %s\n",
			w->out, strerror(errno));
		goto fail;
	}
	tmp_live = 0;
	return 0;
fail:
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	unlink(tmp_path);
	tmp_live = 0;
	return -1;
}

int export_main(int argc, char **argv)
{
	struct export_args a = { .o = GUEST_OPEN_OPTS_INIT, .want_progress = -1 };
	struct exporter x = { .g = NULL };
	struct notes nt = { 0 };
	struct writer w = { .fd = -1, .last_pct = -1 };
	int rc;
	char err[512];

	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc > 0 ? 0 : 2;
	rc = 1;
	w.out = a.out;
	if (guest_open(&x.g, a.image, &a.o, err, sizeof(err)) < 0) {
		fprintf(stderr, "pgstub: %s\n", err);
		goto out;
	}
	if (a.cpu >= (uint64_t)guest_ncpus(x.g)) {
		fprintf(stderr, "pgstub export: --cpu: %s has vCPUs 0..%d\n",
			a.image, guest_ncpus(x.g) - 1);
		goto out;
	}
	switch (guest_arch(x.g)) {
	case GUEST_ARCH_X86_64: x.machine = EM_X86_64; break;
	case GUEST_ARCH_I386: x.machine = EM_386; break;
	case GUEST_ARCH_AARCH64: x.machine = EM_AARCH64; break;
	case GUEST_ARCH_RISCV64: x.machine = EM_RISCV; break;
	case GUEST_ARCH_RISCV32: x.machine = EM_RISCV; break;
	default:
		fprintf(stderr, "pgstub export: %s: only x86, aarch64 and "
			"RISC-V guests can be exported so far\n", a.image);
		goto out;
	}
	x.elf64 = guest_arch_bits(guest_arch(x.g)) == 64;
	if (build(&x, (int)a.cpu, &nt))
		goto out;
	w.total = x.data_size;
	w.progress = a.want_progress >= 0 ? a.want_progress :
		     (!a.quiet && isatty(2) && x.data_size >= PROGRESS_MIN);
	if (write_file(&x, &nt, &w))
		goto out;
	if (x.pa_clipped)
		fprintf(stderr, "pgstub export: warning: %zu segments map "
			"physical memory above 4 GiB; their p_paddr is 0\n",
			x.pa_clipped);
	if (!a.quiet)
		fprintf(stderr, "pgstub export: %s: %zu segments, %" PRIu64
			" MiB of physical memory, vCPU %d\n", w.out, x.ns,
			x.data_size >> 20, (int)a.cpu);
	rc = 0;
out:
	free(nt.buf);
	free(x.r);
	free(x.s);
	guest_close(x.g);
	return rc;
}
