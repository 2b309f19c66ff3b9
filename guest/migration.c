/*
 * QEMU migration stream source ("QEVM", version 3, as `migrate
 * "exec:cat > FILE"` writes it): walks the sections, indexes every RAM page
 * in place (normal pages are read from the mapping, zero pages are never
 * stored), rebuilds the pseries HPT from spapr/htab and places RAM blocks.
 */
#include "migration_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RAM_SAVE_FLAG_* (migration/ram.c): the low bits of a page header. */
#define RAM_FULL          0x001u  /* obsolete */
#define RAM_ZERO          0x002u  /* one fill byte follows */
#define RAM_MEM_SIZE      0x004u  /* the RAMBlock list follows */
#define RAM_PAGE          0x008u  /* TARGET_PAGE_SIZE bytes follow */
#define RAM_EOS           0x010u  /* end of this section's records */
#define RAM_CONTINUE      0x020u  /* same block as the previous record */
#define RAM_XBZRLE        0x040u
#define RAM_HOOK          0x080u  /* RDMA */
#define RAM_COMPRESS_PAGE 0x100u
#define RAM_KNOWN         0x1ffu

/* Section kinds we can parse without the JSON description. */
enum sec_kind { SEC_RAM = 1, SEC_HTAB, SEC_DEVICE };

struct sec {
	uint32_t id;
	enum sec_kind kind;
	char name[257];
};

struct parse {
	guest *g;
	struct mig *m;
	struct mig_cur c;
	struct sec *sec;
	size_t nsec, cap;
	size_t next_dev;          /* index into the description's devices */
	json_t *devices;          /* NULL: no JSON description found */
	uint64_t last_ok;         /* offset after the last complete section */
	char last_name[300];
	char what[320];           /* the section being read, for messages */
};

int mig__fail(struct mig_cur *c, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	if (c->failed)
		return -1;
	c->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return guest__fail(c->err, c->errlen, "%s%s%s", c->what ? c->what : "",
			   c->what ? ": " : "", msg);
}

int mig__need(struct mig_cur *c, uint64_t n)
{
	if (c->failed)
		return -1;
	if (n > c->end - c->off)
		return mig__fail(c, "truncated at offset 0x%llx (needs %llu "
				 "bytes, the file ends at 0x%llx)",
				 (unsigned long long)c->off,
				 (unsigned long long)n,
				 (unsigned long long)c->end);
	return 0;
}

uint8_t mig__u8(struct mig_cur *c)
{
	if (mig__need(c, 1))
		return 0;
	return c->base[c->off++];
}

static uint16_t be16(struct mig_cur *c)
{
	uint16_t v;

	if (mig__need(c, 2))
		return 0;
	v = (uint16_t)(c->base[c->off] << 8 | c->base[c->off + 1]);
	c->off += 2;
	return v;
}

uint32_t mig__be32(struct mig_cur *c)
{
	uint32_t v;

	if (mig__need(c, 4))
		return 0;
	v = mig__load_be32(c->base + c->off);
	c->off += 4;
	return v;
}

static uint64_t be64(struct mig_cur *c)
{
	uint64_t v;

	if (mig__need(c, 8))
		return 0;
	v = guest__be64(c->base + c->off);
	c->off += 8;
	return v;
}

/* A u8-length-prefixed name (idstrs, block names, subsections). */
static int name8(struct mig_cur *c, char out[257])
{
	uint8_t len = mig__u8(c);

	if (mig__need(c, len))
		return -1;
	memcpy(out, c->base + c->off, len);
	out[len] = '\0';
	c->off += len;
	return 0;
}

/* ------------------------------------------------------------------ */
/* RAM                                                                  */

static struct mig_block *find_block(struct mig *m, const char *name)
{
	for (size_t i = 0; i < m->nblk; i++)
		if (!strcmp(m->blk[i].name, name))
			return &m->blk[i];
	return NULL;
}

/* The RAMBlock list of a RAM_SAVE_FLAG_MEM_SIZE record (ram_save_setup). */
static int ram_blocks(struct parse *p, uint64_t total)
{
	struct mig_cur *c = &p->c;
	struct mig *m = p->m;

	if (m->nblk)
		return mig__fail(c, "second RAMBlock list at offset 0x%llx",
				 (unsigned long long)c->off);
	m->ram_total = total;
	while (total) {
		struct mig_block b = { .gpa = MIG_NOT_MAPPED }, *nb;
		uint64_t at = c->off;

		if (name8(c, b.name))
			return -1;
		b.len = be64(c);
		if (c->failed)
			return -1;
		if (b.len > MIG_MAX_BLOCK)
			return mig__fail(c, "RAMBlock '%s' at offset 0x%llx: "
					 "size 0x%llx is beyond the 2^52 bytes "
					 "guest-physical addresses reach",
					 b.name, (unsigned long long)at,
					 (unsigned long long)b.len);
		if (!b.len || b.len > total || b.len % MIG_PAGE_SIZE)
			return mig__fail(c, "RAMBlock '%s' at offset 0x%llx: "
					 "size 0x%llx does not fit the 0x%llx "
					 "bytes left of the announced total",
					 b.name, (unsigned long long)at,
					 (unsigned long long)b.len,
					 (unsigned long long)total);
		if (find_block(m, b.name))
			return mig__fail(c, "RAMBlock '%s' listed twice (offset "
					 "0x%llx)", b.name,
					 (unsigned long long)at);
		/* The page index is sparse: its size followed the stream's
		 * word, a flat array of 8 bytes per page made a few bytes of
		 * input allocate terabytes (fuzz_migration found it). */
		b.npages = b.len / MIG_PAGE_SIZE;
		b.chunk = calloc((b.npages + MIG_CHUNK_PAGES - 1) /
				 MIG_CHUNK_PAGES, sizeof(*b.chunk));
		nb = realloc(m->blk, (m->nblk + 1) * sizeof(*nb));
		if (!b.chunk || !nb) {
			free(b.chunk);
			if (nb)
				m->blk = nb;
			return mig__fail(c, "out of memory");
		}
		m->blk = nb;
		m->blk[m->nblk++] = b;
		total -= b.len;
	}
	return 0;
}

/* The index entry of page @p pn of @p b, its chunk allocated if need be.
 * NULL: out of memory. */
static uint64_t *page_slot(struct mig_block *b, uint64_t pn)
{
	uint64_t **ch = &b->chunk[pn / MIG_CHUNK_PAGES];

	if (!*ch) {
		if (b->nused == b->capused) {
			size_t cap = b->capused ? 2 * b->capused : 16;
			uint32_t *u = realloc(b->used, cap * sizeof(*u));

			if (!u)
				return NULL;
			b->used = u;
			b->capused = cap;
		}
		*ch = calloc(MIG_CHUNK_PAGES, sizeof(**ch));
		if (!*ch)
			return NULL;
		b->used[b->nused++] = (uint32_t)(pn / MIG_CHUNK_PAGES);
	}
	return &(*ch)[pn % MIG_CHUNK_PAGES];
}

/* The index entry of page @p pn of @p b: 0 if its chunk was never sent. */
static uint64_t page_entry(const struct mig_block *b, uint64_t pn)
{
	const uint64_t *ch = b->chunk[pn / MIG_CHUNK_PAGES];

	return ch ? ch[pn % MIG_CHUNK_PAGES] : 0;
}

/* One RAM section's records, up to RAM_SAVE_FLAG_EOS. */
static int ram_records(struct parse *p)
{
	struct mig_cur *c = &p->c;
	struct mig *m = p->m;

	for (;;) {
		uint64_t at = c->off, hdr = be64(c), addr;
		unsigned flags;
		struct mig_block *b;
		uint64_t *slot;

		if (c->failed)
			return -1;
		flags = (unsigned)(hdr & (MIG_PAGE_SIZE - 1));
		addr = hdr & ~(uint64_t)(MIG_PAGE_SIZE - 1);
		if (flags & ~RAM_KNOWN)
			return mig__fail(c, "page header 0x%016llx at offset "
					 "0x%llx has unknown flags 0x%x",
					 (unsigned long long)hdr,
					 (unsigned long long)at,
					 flags & ~RAM_KNOWN);
		if (flags & (RAM_FULL | RAM_XBZRLE | RAM_HOOK |
			     RAM_COMPRESS_PAGE))
			return mig__fail(c, "page header at offset 0x%llx uses "
					 "%s pages, which pgstub does not read "
					 "(migrate without that capability)",
					 (unsigned long long)at,
					 flags & RAM_XBZRLE ? "XBZRLE" :
					 flags & RAM_COMPRESS_PAGE ? "compressed" :
					 flags & RAM_HOOK ? "RDMA hook" : "FULL");
		if (flags == RAM_EOS)
			return 0;
		if (flags == RAM_MEM_SIZE) {
			if (ram_blocks(p, addr))
				return -1;
			continue;
		}
		if (!(flags & (RAM_ZERO | RAM_PAGE)) ||
		    (flags & RAM_ZERO && flags & RAM_PAGE) ||
		    (flags & (RAM_EOS | RAM_MEM_SIZE)))
			return mig__fail(c, "page header at offset 0x%llx has "
					 "an impossible flag set 0x%x",
					 (unsigned long long)at, flags);
		if (flags & RAM_CONTINUE) {
			b = m->last_blk;
			if (!b)
				return mig__fail(c, "page at offset 0x%llx "
						 "continues a block, but none "
						 "was named before",
						 (unsigned long long)at);
		} else {
			char name[257];

			if (name8(c, name))
				return -1;
			b = find_block(m, name);
			if (!b)
				return mig__fail(c, "page at offset 0x%llx names "
						 "RAMBlock '%s', which the "
						 "stream never announced",
						 (unsigned long long)at, name);
			m->last_blk = b;
		}
		if (addr >= b->len)
			return mig__fail(c, "page at offset 0x%llx: address "
					 "0x%llx is past the end of RAMBlock "
					 "'%s' (0x%llx bytes)",
					 (unsigned long long)at,
					 (unsigned long long)addr, b->name,
					 (unsigned long long)b->len);
		slot = page_slot(b, addr / MIG_PAGE_SIZE);
		if (!slot)
			return mig__fail(c, "out of memory");
		if (flags & RAM_ZERO) {
			uint8_t fill = mig__u8(c);

			*slot = MIG_ZERO_PAGE | fill;
			m->pages_zero++;
		} else {
			if (mig__need(c, MIG_PAGE_SIZE))
				return -1;
			*slot = c->off;
			c->off += MIG_PAGE_SIZE;
			m->pages_normal++;
		}
		if (c->failed)
			return -1;
	}
}

/* ------------------------------------------------------------------ */
/* spapr/htab (hw/ppc/spapr.c htab_save_*)                              */

static int htab_section(struct parse *p, int start)
{
	struct mig_cur *c = &p->c;
	struct mig *m = p->m;
	uint64_t at = c->off;
	uint32_t hdr = mig__be32(c);
	char err[256];
	size_t used = 0;
	int rc;

	if (c->failed)
		return -1;
	m->htab_sections++;
	if (hdr == 0xffffffffu) {
		/* No HPT (radix guest, or KVM without one). */
		if (start)
			m->htab_shift = -1;
		return 0;
	}
	if (start) {
		if (m->htab || m->htab_shift)
			return mig__fail(c, "second spapr/htab setup at offset "
					 "0x%llx", (unsigned long long)at);
		if (hdr < 18 || hdr > 46)
			return mig__fail(c, "htab_shift %u at offset 0x%llx is "
					 "outside 18..46", hdr,
					 (unsigned long long)at);
		if (pgw_htab_new(&m->htab, hdr, err, sizeof(err)))
			return mig__fail(c, "%s", err);
		m->htab_shift = (int)hdr;
		p->g->htab = m->htab;
		return 0;
	}
	if (hdr != 0)
		return mig__fail(c, "HPT resize to shift %u at offset 0x%llx "
				 "is not supported", hdr,
				 (unsigned long long)at);
	if (!m->htab)
		return mig__fail(c, "HPT records at offset 0x%llx before any "
				 "htab_shift", (unsigned long long)c->off);
	rc = pgw_htab_feed(m->htab, c->base + c->off, c->end - c->off, &used);
	if (rc == 1) {
		c->off += used;
		return 0;
	}
	if (rc == 0)
		return mig__fail(c, "truncated: the HPT records starting at "
				 "offset 0x%llx run to the end of the file",
				 (unsigned long long)c->off);
	return mig__fail(c, "HPT record at offset 0x%llx: %s",
			 (unsigned long long)(c->off + used),
			 pgw_htab_errmsg(m->htab));
}

/* ------------------------------------------------------------------ */
/* Sections                                                             */

static struct sec *find_sec(struct parse *p, uint32_t id)
{
	for (size_t i = 0; i < p->nsec; i++)
		if (p->sec[i].id == id)
			return &p->sec[i];
	return NULL;
}

static struct sec *add_sec(struct parse *p, uint32_t id, const char *name,
			   enum sec_kind kind)
{
	if (p->nsec == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		struct sec *s = realloc(p->sec, cap * sizeof(*s));

		if (!s)
			return NULL;
		p->sec = s;
		p->cap = cap;
	}
	p->sec[p->nsec] = (struct sec){ .id = id, .kind = kind };
	snprintf(p->sec[p->nsec].name, sizeof(p->sec[p->nsec].name), "%s",
		 name);
	return &p->sec[p->nsec++];
}

/* The configuration section (savevm.c vmstate_configuration). */
static int configuration(struct parse *p)
{
	struct mig_cur *c = &p->c;
	uint32_t len = mig__be32(c);

	if (c->failed || mig__need(c, len))
		return -1;
	if (len > 256)
		return mig__fail(c, "machine name of %u bytes", len);
	memcpy(p->m->machine, c->base + c->off, len);
	p->m->machine[len] = '\0';
	c->off += len;
	while (c->off < c->end && c->base[c->off] == MIG_SUBSECTION) {
		char name[257];
		uint64_t at = c->off++;

		if (name8(c, name))
			return -1;
		mig__be32(c);  /* version */
		if (!strcmp(name, "configuration/target-page-bits")) {
			uint32_t bits = mig__be32(c);

			if (!c->failed && bits != 12)
				return mig__fail(c, "target page bits %u (offset "
						 "0x%llx): only 4 KiB target "
						 "pages are supported", bits,
						 (unsigned long long)at);
		} else if (!strcmp(name, "configuration/capabilities")) {
			uint32_t n = mig__be32(c);

			for (uint32_t i = 0; i < n && !c->failed; i++) {
				char cap[257];

				name8(c, cap);
			}
		} else if (!strcmp(name, "configuration/uuid")) {
			if (!mig__need(c, 16))
				c->off += 16;
		} else {
			return mig__fail(c, "unknown subsection '%s' at offset "
					 "0x%llx", name,
					 (unsigned long long)at);
		}
		if (c->failed)
			return -1;
	}
	return 0;
}

static int footer(struct parse *p, uint32_t id)
{
	struct mig_cur *c = &p->c;
	uint64_t at = c->off;

	/* Footers exist since QEMU 2.4 machine types; accept their absence. */
	if (c->off < c->end && c->base[c->off] == MIG_SECTION_FOOTER) {
		c->off++;
		if (mig__be32(c) != id && !c->failed)
			return mig__fail(c, "section footer at offset 0x%llx "
					 "names section %u, expected %u (the "
					 "section was mis-sized)",
					 (unsigned long long)at,
					 mig__load_be32(c->base + at + 1), id);
	}
	return c->failed ? -1 : 0;
}

static int device_section(struct parse *p, const char *name,
			  uint32_t instance, uint32_t version)
{
	struct mig_cur *c = &p->c;
	struct mig *m = p->m;
	json_t *d, *jn, *ji;
	struct mig_dev *nd;

	if (!p->devices)
		return mig__fail(c, "the stream has no JSON description (no "
				 "QEMU_VM_VMDESCRIPTION after QEMU_VM_EOF), "
				 "which pgstub needs to size device sections; "
				 "stopped at device section '%s' (offset "
				 "0x%llx)", name, (unsigned long long)c->off);
	d = json_array_get(p->devices, p->next_dev++);
	jn = json_object_get(d, "name");
	ji = json_object_get(d, "instance_id");
	if (!d || !json_is_string(jn) || strcmp(json_string_value(jn), name) ||
	    !json_is_integer(ji) ||
	    (uint64_t)json_integer_value(ji) != instance)
		return mig__fail(c, "device section '%s' instance %u at offset "
				 "0x%llx does not match entry %zu of the JSON "
				 "description", name, instance,
				 (unsigned long long)c->off, p->next_dev - 1);
	nd = realloc(m->dev, (m->ndev + 1) * sizeof(*nd));
	if (!nd)
		return mig__fail(c, "out of memory");
	m->dev = nd;
	nd = &m->dev[m->ndev];
	memset(nd, 0, sizeof(*nd));
	snprintf(nd->name, sizeof(nd->name), "%s", name);
	nd->instance = instance;
	nd->version = version;
	nd->off = c->off;
	nd->desc = d;
	if (mig__vmdesc_skip(c, d))
		return -1;
	nd->end = c->off;
	m->ndev++;
	return 0;
}

static int section(struct parse *p, uint8_t type)
{
	struct mig_cur *c = &p->c;
	uint64_t at = c->off - 1;
	uint32_t id = mig__be32(c), instance = 0, version = 0;
	char name[257] = "";
	struct sec *s;
	int rc;

	snprintf(p->what, sizeof(p->what), "section header at offset 0x%llx",
		 (unsigned long long)at);
	c->what = p->what;
	if (type == MIG_SECTION_START || type == MIG_SECTION_FULL) {
		if (name8(c, name))
			return -1;
		instance = mig__be32(c);
		version = mig__be32(c);
		if (c->failed)
			return -1;
		if (find_sec(p, id))
			return mig__fail(c, "section id %u reused at offset "
					 "0x%llx", id, (unsigned long long)at);
	}
	if (type == MIG_SECTION_FULL) {
		snprintf(p->last_name, sizeof(p->last_name), "'%s' instance %u",
			 name, instance);
		c->what = NULL;
		if (!add_sec(p, id, name, SEC_DEVICE))
			return mig__fail(c, "out of memory");
		rc = device_section(p, name, instance, version);
	} else if (type == MIG_SECTION_START) {
		enum sec_kind k;

		if (!strcmp(name, "ram")) {
			k = SEC_RAM;
			if (version != 4)
				return mig__fail(c, "section 'ram' at offset "
						 "0x%llx has version %u; pgstub "
						 "reads version 4 (QEMU 1.x-9.x)",
						 (unsigned long long)at, version);
		} else if (!strcmp(name, "spapr/htab")) {
			k = SEC_HTAB;
			if (version != 1)
				return mig__fail(c, "section 'spapr/htab' at "
						 "offset 0x%llx has version %u; "
						 "pgstub reads version 1",
						 (unsigned long long)at, version);
		} else {
			return mig__fail(c, "iterable section '%s' at offset "
					 "0x%llx is not supported (only ram "
					 "and spapr/htab)", name,
					 (unsigned long long)at);
		}
		if (!(s = add_sec(p, id, name, k)))
			return mig__fail(c, "out of memory");
		snprintf(p->last_name, sizeof(p->last_name), "'%s' (start)",
			 name);
		snprintf(p->what, sizeof(p->what), "section %s", p->last_name);
		c->what = p->what;
		rc = k == SEC_RAM ? ram_records(p) : htab_section(p, 1);
	} else {
		s = find_sec(p, id);
		if (!s || s->kind == SEC_DEVICE)
			return mig__fail(c, "section %s at offset 0x%llx "
					 "continues unknown section id %u",
					 type == MIG_SECTION_PART ? "PART" :
					 "END", (unsigned long long)at, id);
		snprintf(p->last_name, sizeof(p->last_name), "'%s' (%s)",
			 s->name, type == MIG_SECTION_PART ? "part" : "end");
		snprintf(p->what, sizeof(p->what), "section %s", p->last_name);
		c->what = p->what;
		rc = s->kind == SEC_RAM ? ram_records(p) : htab_section(p, 0);
	}
	if (rc || footer(p, id))
		return -1;
	c->what = NULL;
	p->last_ok = c->off;
	return 0;
}

/*
 * Find the JSON description: QEMU_VM_EOF (0), QEMU_VM_VMDESCRIPTION (6),
 * be32 length, then the JSON, which ends the file. JSON text holds no raw
 * control bytes, so the last 0x06 byte of the file must be its marker.
 */
static int find_vmdesc(struct parse *p)
{
	const uint8_t *b = p->c.base;
	uint64_t size = p->c.end, i = size;
	json_error_t je;

	while (i > 8 && b[i - 1] != MIG_VMDESCRIPTION)
		i--;
	if (i <= 8 || b[i - 2] != MIG_EOF || i + 4 > size ||
	    mig__load_be32(b + i) != size - i - 4)
		return 0;
	p->m->vmdesc_off = i + 4;
	p->m->vmdesc = json_loadb((const char *)b + i + 4, size - i - 4, 0,
				  &je);
	if (!p->m->vmdesc)
		return mig__fail(&p->c, "JSON description at offset 0x%llx: "
				 "%s (line %d column %d)",
				 (unsigned long long)(i + 4), je.text,
				 je.line, je.column);
	p->devices = json_object_get(p->m->vmdesc, "devices");
	if (!json_is_array(p->devices)) {
		p->devices = NULL;
		return mig__fail(&p->c, "JSON description at offset 0x%llx "
				 "has no \"devices\" array",
				 (unsigned long long)(i + 4));
	}
	{
		json_t *ps = json_object_get(p->m->vmdesc, "page_size");

		if (json_is_integer(ps) &&
		    json_integer_value(ps) != MIG_PAGE_SIZE)
			return mig__fail(&p->c, "JSON description: page_size "
					 "%lld; only 4096 is supported",
					 (long long)json_integer_value(ps));
	}
	return 0;
}

static int walk(struct parse *p)
{
	struct mig_cur *c = &p->c;
	uint32_t magic = mig__be32(c), version = mig__be32(c);

	if (c->failed)
		return -1;
	if (magic != MIG_MAGIC)
		return mig__fail(c, "no QEVM magic at offset 0");
	if (version != MIG_VERSION)
		return mig__fail(c, "stream version %u at offset 4: pgstub reads "
				 "version %u (QEMU 0.13 and later)%s", version,
				 MIG_VERSION, version == MIG_VERSION_COMPAT ?
				 "; version 2 is QEMU 0.12's" : "");
	if (find_vmdesc(p))
		return -1;
	p->last_ok = c->off;
	snprintf(p->last_name, sizeof(p->last_name), "the header");
	if (c->off < c->end && c->base[c->off] == MIG_CONFIGURATION) {
		c->off++;
		c->what = "configuration section";
		if (configuration(p))
			return -1;
		c->what = NULL;
	}
	for (;;) {
		uint64_t at = c->off;
		uint8_t type;

		if (at >= c->end)
			return mig__fail(c, "truncated: the stream ends at offset "
					 "0x%llx after section %s, without "
					 "QEMU_VM_EOF",
					 (unsigned long long)at, p->last_name);
		type = c->base[c->off++];
		switch (type) {
		case MIG_EOF:
			if (!p->devices)
				return mig__fail(c, "no JSON description after "
						 "QEMU_VM_EOF (offset 0x%llx)",
						 (unsigned long long)at);
			if (at + 6 != p->m->vmdesc_off)
				return mig__fail(c, "QEMU_VM_EOF at offset 0x%llx "
						 "is not followed by the JSON "
						 "description", (unsigned long long)at);
			if (p->next_dev != json_array_size(p->devices))
				return mig__fail(c, "the JSON description lists "
						 "%zu devices, the stream has %zu",
						 json_array_size(p->devices),
						 p->next_dev);
			return 0;
		case MIG_SECTION_START:
		case MIG_SECTION_PART:
		case MIG_SECTION_END:
		case MIG_SECTION_FULL:
			if (section(p, type))
				return -1;
			break;
		case MIG_COMMAND: {
			uint16_t len;

			be16(c);
			len = be16(c);
			if (mig__need(c, len))
				return -1;
			c->off += len;
			break;
		}
		default:
			return mig__fail(c, "unknown section type 0x%02x at offset "
					 "0x%llx (after section %s)", type,
					 (unsigned long long)at, p->last_name);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Physical placement and reads                                         */

static int place(guest *g, struct mig *m, size_t bi, uint64_t blk_off,
		 uint64_t gpa, uint64_t len, char *err, size_t errlen)
{
	if (!len)
		return 0;
	if (m->nplace == sizeof(m->place) / sizeof(m->place[0]))
		return guest__fail(err, errlen, "too many RAM ranges");
	m->place[m->nplace] = (struct mig_place){ bi, blk_off };
	return guest__physmap_add(g, gpa, len, NULL, 0, (int)m->nplace++,
				  err, errlen);
}

/*
 * Where the machine maps its RAM blocks. x86 pc/q35 split RAM at the
 * 32-bit PCI hole (hw/i386/pc_piix.c, pc_q35.c with the default
 * max-ram-below-4g); the BIOS ROM ends at 4 GiB; pseries and powernv map
 * their RAM at 0; Arm's virt machine at 1 GiB (hw/arm/virt.c's memory map:
 * its flash banks sit below, device memory between). Other blocks (option
 * ROMs, VGA RAM, ACPI tables, virt's flash) are not guest RAM at a fixed
 * address, or not RAM, and are left out, as QEMU's own dump leaves them.
 */
#define VIRT_RAM_BASE 0x40000000ULL
/* RISC-V's virt machine maps its RAM at 2 GiB (hw/riscv/virt.c's memory
 * map, VIRT_DRAM; the recorded guests' /proc/iomem says the same). */
#define RISCV_VIRT_RAM_BASE 0x80000000ULL

/* Where a machine puts its RAM, chosen by the RAMBlock's name or, for a
 * block a memory backend owns, by the machine type. */
enum ram_layout { RAM_NONE, RAM_PC, RAM_Q35, RAM_AT_0, RAM_VIRT,
		  RAM_RISCV_VIRT };

/* Arm's and RISC-V's virt machines share the name; RISC-V's has its
 * boot ROM block ("riscv_virt_board.mrom"). */
static int riscv_blocks(const struct mig *m)
{
	for (size_t i = 0; i < m->nblk; i++)
		if (!strncmp(m->blk[i].name, "riscv", 5))
			return 1;
	return 0;
}

static enum ram_layout layout_of_machine(const struct mig *m)
{
	const char *machine = m->machine;

	if (!strncmp(machine, "pc-q35", 6) || !strcmp(machine, "q35"))
		return RAM_Q35;
	if (!strncmp(machine, "pc", 2))
		return RAM_PC;
	if (!strncmp(machine, "pseries", 7) || !strncmp(machine, "powernv", 7))
		return RAM_AT_0;
	if (!strncmp(machine, "virt", 4))
		return riscv_blocks(m) ? RAM_RISCV_VIRT : RAM_VIRT;
	return RAM_NONE;
}

static enum ram_layout layout_of_block(const struct mig *m, const char *name)
{
	if (!strcmp(name, "pc.ram"))
		return strstr(m->machine, "q35") ? RAM_Q35 : RAM_PC;
	if (!strcmp(name, "ppc_spapr.ram") || !strcmp(name, "pnv.ram") ||
	    !strcmp(name, "ppc_pnv.ram"))
		return RAM_AT_0;
	if (!strcmp(name, "mach-virt.ram"))
		return RAM_VIRT;
	if (!strcmp(name, "riscv_virt_board.ram"))
		return RAM_RISCV_VIRT;
	return RAM_NONE;
}

/*
 * With `-machine memory-backend=ID` (a shared file, memfd, huge pages) the
 * machine's RAM is the backend's block, named ID. Device blocks carry a
 * '/' in their names ("0000:00:02.0/vga.vram", "/rom@etc/acpi/tables"),
 * firmware ones the machine's prefix: the backend is the largest of the
 * rest.
 */
static size_t backend_block(const struct mig *m)
{
	static const char *const firmware[] = { "pc.bios", "pc.rom",
		"isa-bios", "virt.flash0", "virt.flash1",
		"riscv_virt_board.mrom" };
	size_t best = m->nblk;

	for (size_t i = 0; i < m->nblk; i++) {
		const struct mig_block *b = &m->blk[i];
		int fw = 0;

		if (strchr(b->name, '/'))
			continue;
		for (size_t k = 0; k < sizeof(firmware) / sizeof(firmware[0]); k++)
			fw |= !strcmp(b->name, firmware[k]);
		if (!fw && (best == m->nblk || b->len > m->blk[best].len))
			best = i;
	}
	return best;
}

static int place_ram(guest *g, struct mig *m, size_t i, enum ram_layout lay,
		     char *err, size_t errlen)
{
	struct mig_block *b = &m->blk[i];
	uint64_t low;

	switch (lay) {
	case RAM_PC:
	case RAM_Q35:
		/* RAM above the 32-bit PCI hole continues at 4 GiB. */
		low = lay == RAM_Q35 ? (b->len >= 0xb0000000ULL ?
					0x80000000ULL : 0xb0000000ULL)
				     : (b->len >= 0xe0000000ULL ?
					0xc0000000ULL : 0xe0000000ULL);
		if (low > b->len)
			low = b->len;
		b->gpa = 0;
		return place(g, m, i, 0, 0, low, err, errlen) ||
		       place(g, m, i, low, 1ULL << 32, b->len - low, err,
			     errlen);
	case RAM_AT_0:
		b->gpa = 0;
		return place(g, m, i, 0, 0, b->len, err, errlen);
	case RAM_VIRT:
	case RAM_RISCV_VIRT:
		b->gpa = lay == RAM_VIRT ? VIRT_RAM_BASE : RISCV_VIRT_RAM_BASE;
		return place(g, m, i, 0, b->gpa, b->len, err, errlen);
	case RAM_NONE:
		break;
	}
	return 0;
}

static int place_blocks(guest *g, struct mig *m, char *err, size_t errlen)
{
	int have_ram = 0;

	for (size_t i = 0; i < m->nblk; i++) {
		struct mig_block *b = &m->blk[i];
		enum ram_layout lay = layout_of_block(m, b->name);

		if (lay != RAM_NONE) {
			have_ram = 1;
			if (place_ram(g, m, i, lay, err, errlen))
				return -1;
		} else if (!strcmp(b->name, "pc.bios") && b->len <= 16u << 20) {
			b->gpa = (1ULL << 32) - b->len;
			if (place(g, m, i, 0, b->gpa, b->len, err, errlen))
				return -1;
		}
	}
	if (!have_ram) {
		size_t i = backend_block(m);
		enum ram_layout lay = layout_of_machine(m);

		if (i == m->nblk || lay == RAM_NONE)
			return guest__fail(err, errlen, "no RAMBlock of a known "
					   "machine (pc.ram, ppc_spapr.ram, "
					   "pnv.ram, mach-virt.ram, "
					   "riscv_virt_board.ram, or a memory "
					   "backend's of a pc, q35, pseries, "
					   "powernv or virt machine) in the "
					   "stream (machine %s)", m->machine[0] ?
					   m->machine : "unknown");
		if (place_ram(g, m, i, lay, err, errlen))
			return -1;
		snprintf(m->ram_note, sizeof(m->ram_note),
			 ", RAM from memory backend %.64s", m->blk[i].name);
	}
	return guest__physmap_finish(g, "RAM range", err, errlen);
}

static size_t mig_read(guest *g, uint64_t pa, void *buf, size_t len)
{
	const struct mig *m = g->src_priv;
	const struct guest_range *r = guest__physmap_find(g, pa);
	const struct mig_place *pl;
	const struct mig_block *b;
	uint8_t *out = buf;
	uint64_t off;
	size_t done = 0;

	if (!r || r->tag < 0 || (size_t)r->tag >= m->nplace)
		return 0;
	pl = &m->place[r->tag];
	b = &m->blk[pl->blk];
	off = pl->blk_off + (pa - r->pa);
	while (done < len) {
		uint64_t e = page_entry(b, off / MIG_PAGE_SIZE);
		size_t in = off % MIG_PAGE_SIZE, n = MIG_PAGE_SIZE - in;

		if (n > len - done)
			n = len - done;
		if (!e)
			break;  /* never sent: not in the snapshot */
		if (e & MIG_ZERO_PAGE)
			memset(out + done, (int)(e & 0xff), n);
		else
			memcpy(out + done, g->map + e + in, n);
		done += n;
		off += n;
	}
	return done;
}

static void mig_free(struct mig *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nblk; i++) {
		for (size_t k = 0; k < m->blk[i].nused; k++)
			free(m->blk[i].chunk[m->blk[i].used[k]]);
		free(m->blk[i].used);
		free(m->blk[i].chunk);
	}
	free(m->blk);
	free(m->dev);
	json_decref(m->vmdesc);
	pgw_htab_free(m->htab);
	free(m);
}

static void mig_close(guest *g)
{
	mig_free(g->src_priv);
	g->src_priv = NULL;
	g->htab = NULL;
	free(g->ppc);
	g->ppc = NULL;
}

static const struct guest_source migration_source = {
	.name = "migration",
	.read = mig_read,
	.close = mig_close,
};

int guest__migration_open(guest *g, char *err, size_t errlen)
{
	struct parse p = { .g = g };
	struct mig *m = calloc(1, sizeof(*m));
	char more[96] = "";
	int rc;

	if (!m)
		return guest__fail(err, errlen, "out of memory");
	g->src = &migration_source;
	g->src_priv = m;
	p.m = m;
	p.c = (struct mig_cur){ .base = g->map, .off = 0, .end = g->size,
				.err = err, .errlen = errlen };
	rc = walk(&p);
	free(p.sec);
	if (rc)
		return -1;
	if (m->htab && pgw_htab_finish(m->htab))
		return guest__fail(err, errlen, "spapr/htab: %s",
				   pgw_htab_errmsg(m->htab));
	if (place_blocks(g, m, err, errlen) ||
	    mig__cpus_decode(g, m, err, errlen) ||
	    mig__spapr_patb(g, m, err, errlen))
		return -1;
	if (m->htab)
		snprintf(more, sizeof(more), ", HPT 2^%d bytes from spapr/htab",
			 m->htab_shift);
	else if (g->ppc_have_patb)
		snprintf(more, sizeof(more), ", process table 0x%llx from "
			 "spapr", (unsigned long long)g->ppc_patb);
	snprintf(g->desc, sizeof(g->desc), "QEMU migration stream (%.64s, %s, "
		 "%d vCPU%s, %llu MiB RAM%s)", m->machine[0] ? m->machine :
		 "unknown machine",
		 guest_arch_name(g->arch), g->ncpus, g->ncpus == 1 ? "" : "s",
		 (unsigned long long)(guest__physmap_bytes(g) >> 20), more);
	if (m->ram_note[0])
		strncat(g->desc, m->ram_note,
			sizeof(g->desc) - strlen(g->desc) - 1);
	return 0;
}
