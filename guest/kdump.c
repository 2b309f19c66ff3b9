/*
 * kdump-compressed dumps (dump-guest-memory -z/lzo/snappy, makedumpfile),
 * in either byte order (ppc64), flat or in makedumpfile's flattened stream, which is first reassembled
 * into a sealed memfd. Pages come from libkdumpfile; headers, notes and the
 * page descriptors are checked here so bad files are refused at open.
 */
#include "guest_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* makedumpfile's flattened format: a 4 KiB header whose first 16 bytes are
 * "makedumpfile" (type 1, version 1, big-endian), then records
 * {be64 offset, be64 size, data} until one whose offset is -1. */
#define FLAT_HDR_SIZE 4096

/* Page descriptor: u64 offset, u32 size, u32 flags, u64 page_flags. */
#define PD_SIZE 24

struct kd {
	kdump_ctx_t *ctx;
	int memfd;                /* reassembled image, or -1 */
	const uint8_t *img;       /* the diskdump image (file or memfd) */
	uint64_t img_size;
	const char *where;        /* "file offset" or "dump offset" */
};

/* Fields of the diskdump header and kdump sub-header that matter here. */
struct kd_hdr {
	uint32_t version, status, block_size, sub_hdr_size, bitmap_blocks;
	uint32_t nr_cpus;
	uint64_t max_mapnr, offset_note, note_size;
	uint64_t offset_vmci, size_vmci;   /* header version >= 3 */
	char machine[66];
};

static size_t kd_read(guest *g, uint64_t pa, void *buf, size_t len)
{
	struct kd *k = g->src_priv;
	size_t n = len;

	/* Machine-physical: a QEMU dump's pfns are guest-physical frames.
	 * KDUMP_KPHYSADDR would need an OS-specific translation system that
	 * libkdumpfile cannot build without VMCOREINFO. */
	if (kdump_read(k->ctx, KDUMP_MACHPHYSADDR, pa, buf, &n) != KDUMP_OK)
		return n < len ? n : 0;
	return len;
}

static void kd_close(guest *g)
{
	struct kd *k = g->src_priv;

	if (!k)
		return;
	if (k->ctx)
		kdump_free(k->ctx);
	if (k->memfd >= 0) {
		munmap((void *)k->img, (size_t)k->img_size);
		close(k->memfd);
	}
	free(k);
	g->src_priv = NULL;
}

static const struct guest_source kdump_source = {
	.name = "kdump",
	.read = kd_read,
	.close = kd_close,
};

static int write_all(int fd, const uint8_t *p, uint64_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, p, len > (1u << 30) ? (1u << 30) : len,
				   (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

/*
 * Replay the flattened records into a memfd. Memory cost: one tmpfs page
 * per page of the reassembled image, i.e. about the size of the dump file
 * (compressed data, bitmaps, descriptors), swappable; gaps stay sparse.
 * The snapshot itself is only read. The memfd is sealed read-only.
 */
static int unflatten(guest *g, struct kd *k, char *err, size_t errlen)
{
	uint64_t pos = FLAT_HDR_SIZE, end = 0;
	void *m;

	if (g->size < FLAT_HDR_SIZE)
		return guest__fail(err, errlen, "flattened header truncated "
				   "(file size 0x%llx, need 0x%x)",
				   (unsigned long long)g->size, FLAT_HDR_SIZE);
	if (guest__be64(g->map + 16) != 1 || guest__be64(g->map + 24) != 1)
		return guest__fail(err, errlen, "unsupported flattened format "
				   "(type %lld, version %lld at file offset "
				   "0x10)", (long long)guest__be64(g->map + 16),
				   (long long)guest__be64(g->map + 24));
	k->memfd = memfd_create("pgstub-kdump", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (k->memfd < 0)
		return guest__fail(err, errlen, "memfd_create: %s",
				   strerror(errno));
	for (;;) {
		int64_t off, size;

		if (g->size - pos < 16)
			return guest__fail(err, errlen, "flattened record at "
					   "file offset 0x%llx runs past end of "
					   "file (size 0x%llx): truncated, no "
					   "end marker",
					   (unsigned long long)pos,
					   (unsigned long long)g->size);
		off = (int64_t)guest__be64(g->map + pos);
		size = (int64_t)guest__be64(g->map + pos + 8);
		if (off == -1)
			break;
		if (off < 0 || size < 0 || (uint64_t)off + (uint64_t)size <
		    (uint64_t)off)
			return guest__fail(err, errlen, "corrupt flattened record "
					   "at file offset 0x%llx (offset %lld, "
					   "size %lld)", (unsigned long long)pos,
					   (long long)off, (long long)size);
		if ((uint64_t)size > g->size - pos - 16)
			return guest__fail(err, errlen, "flattened record at file "
					   "offset 0x%llx (0x%llx bytes) runs past "
					   "end of file (size 0x%llx)",
					   (unsigned long long)pos,
					   (unsigned long long)size,
					   (unsigned long long)g->size);
		if (write_all(k->memfd, g->map + pos + 16, (uint64_t)size,
			      (uint64_t)off))
			return guest__fail(err, errlen, "reassembling the "
					   "flattened dump in memory: %s",
					   strerror(errno));
		/* An empty record writes nothing, so it cannot extend the
		 * image: mapping past the memfd's end would fault (SIGBUS) on
		 * the first read there (fuzz_kdump found it). */
		if (size && (uint64_t)off + (uint64_t)size > end)
			end = (uint64_t)off + (uint64_t)size;
		pos += 16 + (uint64_t)size;
	}
	if (end == 0)
		return guest__fail(err, errlen, "flattened dump holds no data");
	fcntl(k->memfd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW |
	      F_SEAL_SHRINK | F_SEAL_SEAL);
	m = mmap(NULL, (size_t)end, PROT_READ, MAP_SHARED, k->memfd, 0);
	if (m == MAP_FAILED)
		return guest__fail(err, errlen, "mmap: %s", strerror(errno));
	k->img = m;
	k->img_size = end;
	k->where = "dump offset";
	return 0;
}

/*
 * QEMU writes the 32- or 64-bit header layout by its ELF class, with
 * packed fields; makedumpfile its native one, which on x86 is the same.
 * libkdumpfile, which reads the pages, takes the first of 32-bit
 * little-endian, 32-bit big-endian, 64-bit little-endian, 64-bit big-endian
 * whose block size is 4K..256K and whose bitmap covers max_mapnr: check and
 * use the layout it will, or its view of the file is not the one checked
 * here (a garbage bitmap size crashed it on the way out of a failed open).
 */
static int pick_layout(const uint8_t *p, const unsigned status_off[2])
{
	for (int i = 0; i < 4; i++) {
		const uint8_t *f = p + status_off[i / 2] + 4;
		int be = i & 1;
		uint32_t bs = be ? __builtin_bswap32(guest__le32(f))
				 : guest__le32(f);
		uint32_t blocks = be ? __builtin_bswap32(guest__le32(f + 8))
				     : guest__le32(f + 8);
		uint32_t mapnr = be ? __builtin_bswap32(guest__le32(f + 12))
				    : guest__le32(f + 12);

		if (bs >= 4096 && bs <= (1u << 18) &&
		    8ULL * blocks * bs >= mapnr)
			return i;
	}
	return -1;
}

static int parse_header(guest *g, const struct kd *k, struct kd_hdr *h,
			char *err, size_t errlen)
{
	static const struct { unsigned status, sub, hdr_size; } lay[2] = {
		{ 424, 460, 464 },   /* DiskDumpHeader64: timestamp[22] */
		{ 412, 448, 452 },   /* DiskDumpHeader32: timestamp[10] */
	};
	static const unsigned status_off[2] = { 412, 424 };  /* 32, 64 */
	const uint8_t *p = k->img;
	uint32_t bs = 0;
	int l, pick;

	if (k->img_size < 464)
		return guest__fail(err, errlen, "diskdump header truncated "
				   "(dump size 0x%llx)",
				   (unsigned long long)k->img_size);
	if (memcmp(p, "KDUMP   ", 8))
		return guest__fail(err, errlen, "no \"KDUMP   \" signature at %s "
				   "0x0", k->where);
	pick = pick_layout(p, status_off);
	if (pick < 0)
		return guest__fail(err, errlen, "diskdump header at %s 0x0: no "
				   "plausible block size", k->where);
	/* Every field is in the dump's byte order: QEMU writes a ppc64
	 * guest's in the order LPCR[ILE] gives (pseries: big-endian), as its
	 * ELF dumps (the notes, the page descriptors too). */
	g->big_endian = pick & 1;
	l = pick < 2;  /* lay[]: 0 is the 64-bit layout */
	bs = guest__e32(g, p + lay[l].status + 4);
	if (bs & (bs - 1))
		return guest__fail(err, errlen, "diskdump header at %s 0x0: "
				   "block size 0x%x is not a power of two",
				   k->where, bs);
	h->version = guest__e32(g, p + 8);
	memcpy(h->machine, p + 12 + 4 * 65, 65);
	h->machine[65] = '\0';
	h->status = guest__e32(g, p + lay[l].status);
	h->block_size = bs;
	h->sub_hdr_size = guest__e32(g, p + lay[l].status + 8);
	h->bitmap_blocks = guest__e32(g, p + lay[l].status + 12);
	h->max_mapnr = guest__e32(g, p + lay[l].status + 16);
	h->nr_cpus = guest__e32(g, p + lay[l].sub);

	/* kdump_sub_header, one block in: offsets for the two layouts. */
	{
		const uint8_t *s = p + bs;
		unsigned on = l == 0 ? 48 : 32, ns = l == 0 ? 56 : 40;
		unsigned mm = l == 0 ? 96 : 72;

		if (k->img_size < (uint64_t)bs + 104)
			return guest__fail(err, errlen, "kdump sub-header at %s "
					   "0x%x runs past end of the dump (size "
					   "0x%llx)", k->where, bs,
					   (unsigned long long)k->img_size);
		h->offset_vmci = guest__e64(g, s + (l == 0 ? 32 : 20));
		h->size_vmci = l == 0 ? guest__e64(g, s + 40)
				      : guest__e32(g, s + 28);
		if (h->version < 3)
			h->size_vmci = 0;
		h->offset_note = guest__e64(g, s + on);
		h->note_size = l == 0 ? guest__e64(g, s + ns)
				      : guest__e32(g, s + ns);
		if (h->version >= 6)
			h->max_mapnr = guest__e64(g, s + mm);
	}
	return 0;
}

static uint64_t popcount_bits(const uint8_t *b, uint64_t nbits)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < nbits / 8; i++)
		n += (uint64_t)__builtin_popcount(b[i]);
	if (nbits % 8)
		n += (uint64_t)__builtin_popcount(b[nbits / 8] &
						  ((1u << (nbits % 8)) - 1));
	return n;
}

/* Bitmaps, descriptors and page data all inside the image. */
static int check_layout(const guest *g, const struct kd *k,
			const struct kd_hdr *h, char *err, size_t errlen)
{
	uint64_t bs = h->block_size;
	uint64_t bm_off = (1 + (uint64_t)h->sub_hdr_size) * bs;
	uint64_t bm_len = (uint64_t)h->bitmap_blocks * bs;
	uint64_t pd_off = bm_off + bm_len, ndesc;

	if (h->sub_hdr_size > (1u << 20) || h->bitmap_blocks > (1u << 30) ||
	    bm_off + bm_len > k->img_size)
		return guest__fail(err, errlen, "dump bitmaps (0x%llx bytes at "
				   "%s 0x%llx) run past end of the dump (size "
				   "0x%llx)", (unsigned long long)bm_len,
				   k->where, (unsigned long long)bm_off,
				   (unsigned long long)k->img_size);
	if (h->max_mapnr > bm_len / 2 * 8)
		return guest__fail(err, errlen, "max_mapnr 0x%llx exceeds the "
				   "dump bitmap (0x%llx bytes)",
				   (unsigned long long)h->max_mapnr,
				   (unsigned long long)bm_len);
	/* One descriptor per bit set in the second (dumped pages) bitmap. */
	ndesc = popcount_bits(k->img + bm_off + bm_len / 2, h->max_mapnr);
	if (ndesc * PD_SIZE > k->img_size - pd_off)
		return guest__fail(err, errlen, "page descriptors (%llu at %s "
				   "0x%llx) run past end of the dump (size "
				   "0x%llx)", (unsigned long long)ndesc,
				   k->where, (unsigned long long)pd_off,
				   (unsigned long long)k->img_size);
	for (uint64_t i = 0; i < ndesc; i++) {
		const uint8_t *d = k->img + pd_off + i * PD_SIZE;
		uint64_t off = guest__e64(g, d);
		uint32_t size = guest__e32(g, d + 8);

		if (size > bs || off > k->img_size || size > k->img_size - off)
			return guest__fail(err, errlen, "page descriptor %llu "
					   "at %s 0x%llx: data (0x%x bytes at "
					   "0x%llx) runs past end of the dump "
					   "(size 0x%llx)",
					   (unsigned long long)i, k->where,
					   (unsigned long long)(pd_off +
								i * PD_SIZE),
					   size, (unsigned long long)off,
					   (unsigned long long)k->img_size);
	}
	if (h->size_vmci &&
	    (h->offset_vmci > k->img_size ||
	     h->size_vmci > k->img_size - h->offset_vmci))
		return guest__fail(err, errlen, "VMCOREINFO (0x%llx bytes at %s "
				   "0x%llx) runs past end of the dump (size "
				   "0x%llx)", (unsigned long long)h->size_vmci,
				   k->where, (unsigned long long)h->offset_vmci,
				   (unsigned long long)k->img_size);
	if (h->note_size &&
	    (h->offset_note > k->img_size ||
	     h->note_size > k->img_size - h->offset_note))
		return guest__fail(err, errlen, "ELF notes (0x%llx bytes at %s "
				   "0x%llx) run past end of the dump (size "
				   "0x%llx)", (unsigned long long)h->note_size,
				   k->where, (unsigned long long)h->offset_note,
				   (unsigned long long)k->img_size);
	return 0;
}

static int bit(const uint8_t *b, uint64_t i)
{
	return b[i / 8] >> (i % 8) & 1;
}

/* A page's kind: 2 dumped, 1 RAM left out (makedumpfile's -d filtering
 * clears it in the second bitmap only), 0 no RAM. */
static int page_kind(const uint8_t *ram, const uint8_t *dumped, uint64_t pfn)
{
	return bit(dumped, pfn) ? 2 : bit(ram, pfn);
}

/*
 * Ranges from the two bitmaps (RAM; dumped), checked by check_layout():
 * runs of dumped pages are read through libkdumpfile, runs of RAM that is
 * not dumped are "not in the dump". Whole bytes of one kind are skipped a
 * byte at a time.
 */
static int add_ranges(guest *g, struct kd *k, const struct kd_hdr *h,
		      char *err, size_t errlen)
{
	uint64_t bs = h->block_size;
	uint64_t bm_off = (1 + (uint64_t)h->sub_hdr_size) * bs;
	uint64_t half = (uint64_t)h->bitmap_blocks * bs / 2;
	const uint8_t *ram = k->img + bm_off, *dumped = ram + half;
	uint64_t pfn = 0;

	while (pfn < h->max_mapnr) {
		uint64_t start = pfn;
		int kind = page_kind(ram, dumped, pfn);

		for (pfn++; pfn < h->max_mapnr; ) {
			if (pfn % 8 == 0 && pfn + 8 <= h->max_mapnr &&
			    dumped[pfn / 8] == (kind == 2 ? 0xff : 0) &&
			    (kind == 2 || ram[pfn / 8] == (kind ? 0xff : 0))) {
				pfn += 8;
				continue;
			}
			if (page_kind(ram, dumped, pfn) != kind)
				break;
			pfn++;
		}
		if (kind == 2 && guest__physmap_add(g, start * bs,
						    (pfn - start) * bs, NULL, 0,
						    (int)g->pm.n, err, errlen))
			return -1;
		if (kind == 1 && guest__physmap_add_absent(g, start * bs,
							   (pfn - start) * bs,
							   (int)g->pm.n, err,
							   errlen))
			return -1;
	}
	/* Nothing dumped: refused, also because sorting an empty (NULL)
	 * table is undefined (fuzz_kdump found it). */
	if (guest__physmap_bytes(g) == 0)
		return guest__fail(err, errlen, "the dump bitmap marks no page "
				   "below max_mapnr 0x%llx as dumped: the dump "
				   "holds no memory",
				   (unsigned long long)h->max_mapnr);
	return guest__physmap_finish(g, "page run", err, errlen);
}

/*
 * Pages are the header's blocks. libkdumpfile 0.5.1 takes its page size
 * from the VMCOREINFO's PAGESIZE instead when there is one; QEMU 7.2
 * writes aarch64 kdumps in 64 KiB blocks whatever the guest's page size
 * (measured: a 4K-page Debian guest's dump has block_size 65536 and
 * PAGESIZE=4096), and libkdumpfile then finds every page past
 * max_mapnr 4K pages "out of bounds". Its page size is settable after
 * opening: make it the block size.
 */
static int fit_page_size(struct kd *k, const struct kd_hdr *h, char *err,
			 size_t errlen)
{
	kdump_num_t ps;
	kdump_attr_t a;

	if (kdump_get_number_attr(k->ctx, "arch.page_size", &ps) == KDUMP_OK &&
	    ps == h->block_size)
		return 0;
	a.type = KDUMP_NUMBER;
	a.val.number = h->block_size;
	if (kdump_set_attr(k->ctx, "arch.page_size", &a) != KDUMP_OK)
		return guest__fail(err, errlen, "libkdumpfile: cannot read the "
				   "dump's 0x%x-byte blocks as pages: %s",
				   h->block_size, kdump_get_err(k->ctx));
	return 0;
}

static const char *compression(uint32_t status)
{
	/* DUMP_DH_COMPRESSED_* in the header's status word */
	return status & 1 ? "zlib" : status & 2 ? "lzo" : status & 4 ?
	       "snappy" : status & 0x20 ? "zstd" : "uncompressed";
}

int guest__kdump_open(guest *g, char *err, size_t errlen)
{
	struct kd *k = calloc(1, sizeof(*k));
	struct kd_hdr h = { 0 };
	int flattened = g->map[0] == 'm';
	int rv;
	char left_out[64];
	kdump_status st;

	if (!k)
		return guest__fail(err, errlen, "out of memory");
	k->memfd = -1;
	k->img = g->map;
	k->img_size = g->size;
	k->where = "file offset";
	g->src = &kdump_source;
	g->src_priv = k;
	if (flattened && unflatten(g, k, err, errlen))
		return -1;
	if (parse_header(g, k, &h, err, errlen) ||
	    check_layout(g, k, &h, err, errlen))
		return -1;
	/* The notes' layout follows the machine (x86: told by the
	 * NT_PRSTATUS size below). makedumpfile names it; QEMU 7.2 writes
	 * "Unknown" for aarch64 and ppc64, whose notes tell instead. Only
	 * ppc64 dumps may be big-endian. */
	if (!strncmp(h.machine, "ppc64", 5) ||
	    (h.note_size && guest__ppc64_notes_sniff(g, k->img +
						     h.offset_note,
						     h.note_size)))
		g->arch = GUEST_ARCH_PPC64;
	else if (g->big_endian)
		return guest__fail(err, errlen, "diskdump header at %s 0x0 is "
				   "big-endian, but its notes are not a ppc64 "
				   "guest's (only ppc64 dumps may be "
				   "big-endian)", k->where);
	else if (!strcmp(h.machine, "aarch64") ||
	    (h.note_size && guest__arm64_notes_sniff(k->img + h.offset_note,
						     h.note_size)))
		g->arch = GUEST_ARCH_AARCH64;
	else if (!strcmp(h.machine, "riscv64") || !strcmp(h.machine, "riscv32"))
		g->arch = h.machine[5] == '6' ? GUEST_ARCH_RISCV64
					      : GUEST_ARCH_RISCV32;
	else if (h.note_size && (rv = guest__riscv_notes_sniff(k->img +
							       h.offset_note,
							       h.note_size)))
		g->arch = rv == 64 ? GUEST_ARCH_RISCV64 : GUEST_ARCH_RISCV32;
	if (h.note_size &&
	    guest__notes_parse(g, k->img + h.offset_note, h.note_size,
			       h.offset_note, k->where, err, errlen))
		return -1;
	/* makedumpfile keeps VMCOREINFO in the header (QEMU has it in the
	 * notes as well): the notes' copy, if any, is the same text. */
	if (!g->vmci && h.size_vmci) {
		char from[96];

		snprintf(from, sizeof(from), "the kdump header's VMCOREINFO at "
			 "%s 0x%llx", k->where,
			 (unsigned long long)h.offset_vmci);
		if (guest__vmcoreinfo_set(g, (const char *)k->img +
					  h.offset_vmci, h.size_vmci, from,
					  err, errlen))
			return -1;
	}

	k->ctx = kdump_new();
	if (!k->ctx)
		return guest__fail(err, errlen, "out of memory");
	st = kdump_open_fd(k->ctx, flattened ? k->memfd : g->fd);
	if (st != KDUMP_OK)
		return guest__fail(err, errlen, "libkdumpfile: %s",
				   kdump_get_err(k->ctx));
	if (fit_page_size(k, &h, err, errlen) ||
	    add_ranges(g, k, &h, err, errlen))
		return -1;

	/* The prstatus layout tells long mode (see x86_notes.c); without
	 * notes, fall back to the machine name of the header. */
	if (g->arch == GUEST_ARCH_AARCH64 || guest_arch_is_riscv(g->arch) ||
	    g->arch == GUEST_ARCH_PPC64)
		;  /* decided above */
	else if (g->nprstatus)
		g->arch = g->long_mode ? GUEST_ARCH_X86_64 : GUEST_ARCH_I386;
	else
		g->arch = !strcmp(h.machine, "x86_64") ? GUEST_ARCH_X86_64
						       : GUEST_ARCH_I386;
	if (!g->nprstatus && !strcmp(h.machine, "x86_64"))
		g->long_mode = 1;
	snprintf(g->desc, sizeof(g->desc), "kdump-compressed dump (%s%s, %s%s, "
		 "%d vCPU%s, %zu memory ranges, %llu MiB%s)",
		 flattened ? "flattened, " : "", compression(h.status),
		 guest_arch_name(g->arch), g->big_endian ? " big-endian" : "",
		 g->ncpus,
		 g->ncpus == 1 ? "" : "s", guest__physmap_data_ranges(g),
		 (unsigned long long)(guest__physmap_bytes(g) >> 20),
		 guest__physmap_filtered_text(g, left_out, sizeof(left_out)));
	return 0;
}
