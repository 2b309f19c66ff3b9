/*
 * Synthetic QEMU migration streams for the migration source's tests: a
 * ppc64 pseries stream (RAM pages, spapr/htab chunks, cpu sections with the
 * SLB subsection) and an x86_64 pc stream, each with its JSON description,
 * plus knobs that break one thing at a time.
 */
#ifndef PGSTUB_TESTS_MKMIG_H
#define PGSTUB_TESTS_MKMIG_H

#include <stddef.h>
#include <stdint.h>

/** A growing byte buffer (the stream). */
struct mkmig_buf {
	uint8_t *p;
	size_t n, cap;
};

/** What to put in the stream; zero-initialised means "a good stream". */
struct mkmig_opts {
	int x86;                 /**< x86_64 pc machine instead of pseries */
	int ncpus;               /**< 0: 2 */
	uint32_t version;        /**< 0: 3 */
	int no_json;             /**< omit VMDESCRIPTION and its JSON */
	int bad_json;            /**< cut the JSON text in half */
	int json_wrong_size;     /**< describe env.nip as 4 bytes */
	int xbzrle_page;         /**< one page header with RAM_SAVE_FLAG_XBZRLE */
	int page_past_block;     /**< a page offset beyond its RAMBlock */
	int htab_out_of_range;   /**< an HPT chunk past the table's end */
	int bad_subsection;      /**< name the SLB subsection "cpu/slc" */
	int cpu_version;         /**< 0: the right one (ppc 5, x86 12) */
};

/** RAM size of the synthetic machines (one block at physical 0). */
#define MKMIG_RAM (1u << 20)
/** HPT of the pseries stream: 2^18 bytes; one HPTE maps EA
 *  0xc000000000000000 (4K page, 256M segment, VSID 0x123) to 0x5000. */
#define MKMIG_HTAB_SHIFT 18
#define MKMIG_VSID 0x123u
#define MKMIG_EA 0xc000000000000000ULL
#define MKMIG_PA 0x5000u

/** Build a stream. @return 0, or -1 out of memory; caller frees b->p. */
int mkmig_build(struct mkmig_buf *b, const struct mkmig_opts *o);

/** Offsets noted while building (for truncation messages). */
struct mkmig_marks {
	size_t first_page;       /**< header of the first RAM page */
	size_t first_cpu;        /**< first "cpu" section header */
	size_t eof;              /**< the QEMU_VM_EOF byte */
};
extern struct mkmig_marks mkmig_last_marks;

#endif
