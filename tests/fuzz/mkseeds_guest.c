/*
 * Writes the seed corpora of the snapshot fuzz targets (elf, kdump,
 * migration, htab) from the test suite's builders (mkdump, mkmig) and a
 * small kdump-compressed writer: `mkseeds_guest DIR` fills DIR/NAME/.
 */
#include "mkdump.h"
#include "mkmig.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define PG 4096u
#define P  0x1ULL
#define W  0x2ULL
#define PS 0x80ULL

static const char *outdir;

static void save(const char *name, const void *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		fprintf(stderr, "mkseeds_guest: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static void set64(uint8_t *m, size_t off, uint64_t v)
{
	memcpy(m + off, &v, 8);
}

static void set32(uint8_t *m, size_t off, uint32_t v)
{
	memcpy(m + off, &v, 4);
}

/* Low memory (page tables at 0x1000..) and a data range at 0x100000. */
static uint8_t low[5 * PG], high[2 * PG];

enum mode { M32, MPAE, M4L, M5L };

/* Tables mapping VA 0x10000 -> 0x100000 (4K) and a large page at the
 * second entry of the lowest directory, rooted at 0x1000. */
static void tables(enum mode m)
{
	memset(low, 0, sizeof(low));
	for (size_t i = 0; i < sizeof(high); i++)
		high[i] = (uint8_t)(i * 7 + 3);
	switch (m) {
	case M32:
		set32(low, 0x1000, 0x2000 | P | W);
		set32(low, 0x1000 + 4, 0x400000 | P | W | PS);
		set32(low, 0x2000 + 4 * 0x10, 0x100000 | P);
		set32(low, 0x2000 + 4 * 0x11, 0x101000 | P | W);
		break;
	case MPAE:
		set64(low, 0x1000, 0x2000 | P);
		set64(low, 0x2000, 0x3000 | P | W);
		set64(low, 0x2000 + 8, 0x200000 | P | W | PS);
		set64(low, 0x3000 + 8 * 0x10, 0x100000 | P);
		set64(low, 0x3000 + 8 * 0x11, 0x101000 | P | (1ULL << 63));
		break;
	case M5L:
		set64(low, 0x4000, 0x1000 | P | W);   /* PML5 at 0x4000 */
		/* fall through */
	case M4L:
		set64(low, 0x1000, 0x2000 | P | W);
		set64(low, 0x2000, 0x3000 | P | W);
		set64(low, 0x3000, 0x0000 | P | W);   /* PT at 0: pfn 0 too */
		set64(low, 0x3000 + 8, 0x200000 | P | W | PS);
		set64(low, 0x0000 + 8 * 0x10, 0x100000 | P);
		set64(low, 0x0000 + 8 * 0x11, 0x101000 | P | (1ULL << 63));
		break;
	}
}

static void cpus(struct mk_dump *d, enum mode m, int n)
{
	d->ncpu = n;
	for (int i = 0; i < n; i++) {
		struct mk_cpu *c = &d->cpu[i];

		memset(c, 0, sizeof(*c));
		for (int r = 0; r < 16; r++)
			c->gpr[r] = 0x1000ULL * (uint64_t)(i + 1) + (uint64_t)r;
		c->rip = 0x10000 + (uint64_t)i;
		c->rflags = 0x246;
		c->cr0 = 0x80050033ULL;
		c->cr3 = m == M5L ? 0x4000 : 0x1000;
		c->cr4 = m == M32 ? 0x10 : m == M5L ? 0x10b0 | 0x20 : 0x6b0;
		c->cs_sel = 0x10;
		c->cs_flags = m >= M4L ? 0xa09b00 : 0xc09b00;
		c->kgsbase = 0xffff888000000000ULL + (uint64_t)i;
	}
}

static uint8_t *elf_dump(enum mode m, int ncpu, int nload, size_t *len,
			 struct mk_layout *lay)
{
	struct mk_dump d;
	char path[64];
	uint8_t *p;

	memset(&d, 0, sizeof(d));
	tables(m);
	d.elf64 = m >= M4L;
	d.machine = m >= M4L ? EM_X86_64 : EM_386;
	cpus(&d, m, ncpu);
	d.nload = nload;
	d.load[0] = (struct mk_load){ 0, sizeof(low), sizeof(low), low };
	d.load[1] = (struct mk_load){ 0x100000, sizeof(high), 0x4000, high };
	if (mk_dump_write(&d, path, lay) || !(p = mk_file_read(path, len))) {
		fprintf(stderr, "mkseeds_guest: cannot write an ELF dump\n");
		exit(1);
	}
	unlink(path);
	return p;
}

static void elf_seeds(void)
{
	static const struct { const char *name; enum mode m; int ncpu; } s[] = {
		{ "elf/x86_64-4level-2cpu", M4L, 2 },
		{ "elf/x86_64-5level-1cpu", M5L, 1 },
		{ "elf/i386-pae-2cpu", MPAE, 2 },
		{ "elf/i386-32bit-1cpu", M32, 1 },
		{ "elf/x86_64-no-notes", M4L, 0 },
	};
	struct mk_layout lay;

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		size_t n;
		uint8_t *p = elf_dump(s[i].m, s[i].ncpu, 2, &n, &lay);

		save(s[i].name, p, n);
		free(p);
	}
}

/*
 * kdump-compressed, DiskDumpHeader64 layout as QEMU writes it: header
 * block, sub-header block, two one-block bitmaps, page descriptors, the
 * ELF notes, then page data. Pages listed in dumped[]; a zero page shares
 * one descriptor target as QEMU does.
 */
struct kbuf {
	uint8_t *p;
	size_t n;
};

static void kput(struct kbuf *b, size_t off, const void *src, size_t len)
{
	if (off + len > b->n) {
		b->p = realloc(b->p, off + len);
		if (!b->p)
			exit(1);
		memset(b->p + b->n, 0, off + len - b->n);
		b->n = off + len;
	}
	memcpy(b->p + off, src, len);
}

static void kput32(struct kbuf *b, size_t off, uint32_t v)
{
	kput(b, off, &v, 4);
}

static void kput64(struct kbuf *b, size_t off, uint64_t v)
{
	kput(b, off, &v, 8);
}

static const uint8_t *page_of(uint64_t pfn)
{
	static const uint8_t zero[PG];

	if (pfn < 5)
		return low + pfn * PG;
	if (pfn >= 0x100 && pfn < 0x102)
		return high + (pfn - 0x100) * PG;
	return zero;
}

static void kdump_image(struct kbuf *b, int zlib, enum mode m)
{
	static const uint64_t dumped[] = { 0, 1, 2, 3, 4, 6, 0x100, 0x101 };
	const size_t nd = sizeof(dumped) / sizeof(dumped[0]);
	const uint64_t max_mapnr = 0x102;
	const size_t bm1 = 2 * PG, bm2 = 3 * PG, pd = 4 * PG;
	size_t notes = pd + nd * 24, data, zero_off = 0;
	uint32_t zero_size = 0, zero_flags = 0;
	struct mk_layout lay;
	size_t elen;
	uint8_t *elf = elf_dump(m, 2, 2, &elen, &lay);

	memset(b, 0, sizeof(*b));
	kput(b, 0, "KDUMP   ", 8);
	kput32(b, 8, 6);                               /* header_version */
	kput(b, 12, "Linux", 5);                       /* utsname.sysname */
	kput(b, 12 + 4 * 65, m >= M4L ? "x86_64" : "i686", m >= M4L ? 6 : 4);
	kput32(b, 424, zlib ? 1 : 0);                  /* status */
	kput32(b, 428, PG);                            /* block_size */
	kput32(b, 432, 1);                             /* sub_hdr_size */
	kput32(b, 436, 2);                             /* bitmap_blocks */
	kput32(b, 440, (uint32_t)max_mapnr);
	kput32(b, 460, 2);                             /* nr_cpus */
	/* Sub-header: the notes; max_mapnr_64 (version 6). */
	kput64(b, PG + 48, notes);
	kput64(b, PG + 56, lay.note_size);
	kput64(b, PG + 96, max_mapnr);
	kput(b, notes, elf + lay.note_off, lay.note_size);
	data = (notes + lay.note_size + 7) & ~(size_t)7;
	/* Bitmap 1: RAM pfns 0..7 and 0x100..0x101; bitmap 2: dumped. */
	kput(b, bm1, "\xff", 1);
	kput(b, bm1 + 0x20, "\x03", 1);
	kput(b, bm2 + PG - 1, "", 1);
	for (size_t i = 0; i < nd; i++) {
		const uint8_t *pg = page_of(dumped[i]);
		uint8_t z[PG + 64];
		uLongf zl = sizeof(z);
		uint32_t flags = 0, size = PG;
		size_t at = data;
		int allzero = 1;

		b->p[bm2 + dumped[i] / 8] |= (uint8_t)(1u << (dumped[i] % 8));
		for (size_t k = 0; k < PG; k++)
			allzero &= !pg[k];
		if (allzero && zero_off) {
			/* Every zero page shares the first one's data. */
			at = zero_off;
			size = zero_size;
			flags = zero_flags;
		} else if (zlib && compress2(z, &zl, pg, PG, 9) == Z_OK &&
			   zl < PG) {
			kput(b, data, z, zl);
			size = (uint32_t)zl;
			flags = 1;                     /* DUMP_DH_COMPRESSED_ZLIB */
			data += zl;
		} else {
			kput(b, data, pg, PG);
			data += PG;
		}
		if (allzero && !zero_off) {
			zero_off = at;
			zero_size = size;
			zero_flags = flags;
		}
		kput64(b, pd + i * 24, at);
		kput32(b, pd + i * 24 + 8, size);
		kput32(b, pd + i * 24 + 12, flags);
	}
	free(elf);
}

/* makedumpfile -F: a 4 KiB header, then {be64 offset, be64 size, data}
 * records (here in reverse order, cut in pieces), then offset -1. */
static void flatten(const struct kbuf *img, struct kbuf *out, size_t piece)
{
	size_t pos = PG;
	uint8_t be[16];

	memset(out, 0, sizeof(*out));
	kput(out, 0, "makedumpfile", 12);
	kput(out, PG - 1, "", 1);
	out->p[23] = 1;                                /* type, be64 */
	out->p[31] = 1;                                /* version */
	for (size_t end = img->n; end > 0;) {
		size_t start = end > piece ? end - piece : 0;
		uint64_t o = start, s = end - start;

		for (int i = 0; i < 8; i++) {
			be[i] = (uint8_t)(o >> (56 - 8 * i));
			be[8 + i] = (uint8_t)(s >> (56 - 8 * i));
		}
		kput(out, pos, be, 16);
		kput(out, pos + 16, img->p + start, s);
		pos += 16 + s;
		end = start;
	}
	memset(be, 0xff, 8);
	memset(be + 8, 0, 8);
	kput(out, pos, be, 16);
}

static void kdump_seeds(void)
{
	struct kbuf img, flat;

	kdump_image(&img, 0, M4L);
	save("kdump/x86_64-raw-pages", img.p, img.n);
	free(img.p);
	kdump_image(&img, 1, M4L);
	save("kdump/x86_64-zlib", img.p, img.n);
	flatten(&img, &flat, 5000);
	save("kdump/x86_64-zlib-flattened", flat.p, flat.n);
	free(flat.p);
	free(img.p);
	kdump_image(&img, 1, MPAE);
	save("kdump/i386-pae-zlib", img.p, img.n);
	free(img.p);
}

static void migration_seeds(void)
{
	static const struct { const char *name; struct mkmig_opts o; } s[] = {
		{ "migration/ppc64-pseries-2cpu", { .ncpus = 2 } },
		{ "migration/x86_64-pc-2cpu", { .x86 = 1, .ncpus = 2 } },
		{ "migration/ppc64-pseries-no-json", { .ncpus = 1, .no_json = 1 } },
		{ "migration/x86_64-pc-1cpu", { .x86 = 1, .ncpus = 1 } },
		{ "migration/aarch64-virt-2cpu", { .arm64 = 1, .ncpus = 2 } },
		{ "migration/aarch64-virt-cpreg-unsorted",
		  { .arm64 = 1, .ncpus = 1, .cpreg_unsorted = 1 } },
	};

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		struct mkmig_buf b;

		if (mkmig_build(&b, &s[i].o))
			exit(1);
		save(s[i].name, b.p, b.n);
		free(b.p);
	}
}

/* fuzz_htab input: byte 0 the table size and how the rest is cut into
 * feeds (see fuzz_htab.c), then records. */
static void htab_seeds(void)
{
	static const uint8_t one[] = {
		0x00, 0x00, 0x00, 0x09, 0x18, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x01, 0x23, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	uint8_t b[1 + 3 * (8 + 2 * 16) + 8 + 8 + 16 + 8];
	size_t n = 0;

	save("htab/one-hpte", one, sizeof(one));
	/* Three records (the middle one invalidating part of the first),
	 * an end marker, a new batch overriding an entry, the end. */
	b[n++] = 0x47;
	for (int r = 0; r < 3; r++) {
		uint8_t h[8] = { 0, 0, (uint8_t)(r == 2 ? 0x3f : 0),
				 (uint8_t)(r * 8), 0, 2, 0, (uint8_t)(r == 1) };

		memcpy(b + n, h, 8);
		n += 8;
		for (int k = 0; k < 32; k++)
			b[n++] = (uint8_t)(r * 32 + k + 1);
	}
	memset(b + n, 0, 8);
	n += 8;
	memcpy(b + n, "\0\0\0\x08\0\x01\0\0", 8);
	n += 8;
	for (int k = 0; k < 16; k++)
		b[n++] = (uint8_t)(0xf0 + k);
	memset(b + n, 0, 8);
	n += 8;
	save("htab/batches", b, n);
}

int main(int argc, char **argv)
{
	static const char *const sub[] = { "elf", "kdump", "migration", "htab" };

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds_guest DIR (tests/fuzz/corpus)\n");
		return 2;
	}
	outdir = argv[1];
	for (size_t i = 0; i < 4; i++) {
		char path[512];

		snprintf(path, sizeof(path), "%s/%s", outdir, sub[i]);
		mkdir(path, 0755);
	}
	elf_seeds();
	kdump_seeds();
	migration_seeds();
	htab_seeds();
	return 0;
}
