/*
 * QEMU ELF dumps: registers from NT_PRSTATUS + QEMU notes (x86_64 ELF64 and
 * i386 ELF32), reads and holes, zero-copy map, EFER inference, overrides,
 * paging contexts that translate, and refusal of truncated/corrupt files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elf.h>
#include <cmocka.h>

#include "guest.h"
#include "mkdump.h"

#define P  0x1ULL
#define W  0x2ULL
#define PS 0x80ULL
#define CR0_PE 0x1ULL

/* LOAD 0: 64 KiB at PA 0 holding the 4-level tables; LOAD 1: 8 KiB of
 * data at PA 0x100000, with p_memsz 16 KiB (the tail is a hole). */
static uint8_t low[0x10000], high[0x2000];

struct fx {
	char path[64];
	struct mk_layout lay;
	guest *g;
};

static void set64(uint8_t *m, uint64_t off, uint64_t v)
{
	memcpy(m + off, &v, 8);
}

static void build_tables(void)
{
	memset(low, 0, sizeof(low));
	for (size_t i = 0; i < sizeof(high); i++)
		high[i] = (uint8_t)(i * 7 + 3);
	set64(low, 0x1000 + 8 * 0, 0x2000 | P | W);   /* PML4[0] -> PDPT */
	set64(low, 0x2000 + 8 * 0, 0x3000 | P | W);   /* PML4[0]->PDPT[0] -> PD */
	set64(low, 0x3000 + 8 * 0, 0x4000 | P | W);   /* ...PD[0] -> PT */
	set64(low, 0x3000 + 8 * 1, 0x0 | P | W | PS); /* ...PD[1] 2M -> PA 0 */
	set64(low, 0x4000 + 8 * 0x10, 0x100000 | P);  /* ...PT[16] -> 0x100000 */
	set64(low, 0x4000 + 8 * 0x11, 0x101000 | P | (1ULL << 63)); /* NX */
}

static void std_dump(struct mk_dump *d)
{
	memset(d, 0, sizeof(*d));
	d->elf64 = 1;
	d->machine = EM_X86_64;
	d->ncpu = 2;
	for (int i = 0; i < 2; i++) {
		struct mk_cpu *c = &d->cpu[i];

		for (int r = 0; r < 16; r++)
			c->gpr[r] = 0x1000ULL * (uint64_t)(i + 1) + (uint64_t)r;
		c->rip = 0xffffffff81000000ULL + (uint64_t)i;
		c->rflags = 0x246;
		c->cr0 = 0x80050033ULL;
		c->cr2 = 0x42;
		c->cr3 = 0x1000;
		c->cr4 = 0x6f0 | 0x20;           /* PAE among others */
		c->cs_sel = 0x10;
		c->cs_flags = 0xa09b00;          /* L, P, code */
		c->kgsbase = 0xffff888000000000ULL + (uint64_t)i;
	}
	d->nload = 2;
	d->load[0] = (struct mk_load){ 0, sizeof(low), sizeof(low), low };
	d->load[1] = (struct mk_load){ 0x100000, sizeof(high), 0x4000, high };
}

static int open_std(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct mk_dump d;
	char err[256];

	build_tables();
	std_dump(&d);
	assert_int_equal(mk_dump_write(&d, f->path, &f->lay), 0);
	assert_int_equal(guest_open(&f->g, f->path, NULL, err, sizeof(err)), 0);
	*state = f;
	return 0;
}

static int close_std(void **state)
{
	struct fx *f = *state;

	guest_close(f->g);
	unlink(f->path);
	free(f);
	return 0;
}

static void test_guest_elf__x86_64_registers(void **state)
{
	struct fx *f = *state;
	const struct guest_x86_cpu *c;

	assert_int_equal(guest_format(f->g), GUEST_FMT_ELF);
	assert_int_equal(guest_arch(f->g), GUEST_ARCH_X86_64);
	assert_int_equal(guest_ncpus(f->g), 2);
	assert_non_null(strstr(guest_describe(f->g), "2 vCPUs"));
	for (int i = 0; i < 2; i++) {
		c = guest_x86_cpu(f->g, i);
		assert_non_null(c);
		assert_true(c->valid & GUEST_X86_HAS_CRS);
		assert_true(c->valid & GUEST_X86_HAS_KGSBASE);
		assert_false(c->valid & GUEST_X86_HAS_EFER);
		/* GDB order: rbp (6) and rsp (7) swapped against QEMU's */
		assert_int_equal(c->gpr[6], 0x1000 * (i + 1) + 6);
		assert_int_equal(c->gpr[7], 0x1000 * (i + 1) + 7);
		assert_int_equal(c->gpr[15], 0x1000 * (i + 1) + 15);
		assert_int_equal(c->rip, 0xffffffff81000000ULL + i);
		assert_int_equal(c->seg[GUEST_CS].selector, 0x10);
		assert_int_equal(c->seg[GUEST_CS].flags, 0xa09b00);
		assert_int_equal(c->cr2, 0x42);
		assert_int_equal(c->cr3, 0x1000);
		assert_int_equal(c->kernel_gs_base, 0xffff888000000000ULL + i);
		/* long mode inferred: EM_X86_64 + PG + PAE */
		assert_int_equal(c->efer, 0xd00);
	}
	assert_null(guest_x86_cpu(f->g, 2));
	assert_null(guest_x86_cpu(f->g, -1));
}

static int count_range(uint64_t pa, uint64_t size, void *payload)
{
	uint64_t *v = payload;

	v[v[0] * 2 + 1] = pa;
	v[v[0] * 2 + 2] = size;
	v[0]++;
	return 0;
}

static void test_guest_elf__reads_and_holes(void **state)
{
	struct fx *f = *state;
	uint8_t buf[0x3000];
	uint64_t r[9] = { 0 };

	assert_int_equal(guest_phys_read(f->g, 0x100000, buf, 0x2000), 0x2000);
	assert_memory_equal(buf, high, 0x2000);
	/* the p_memsz tail is a hole: short, not zeros */
	assert_int_equal(guest_phys_read(f->g, 0x101ff0, buf, 0x20), 0x10);
	assert_int_equal(guest_phys_read(f->g, 0x102000, buf, 0x10), 0);
	/* end of LOAD 0, then nothing until 0x100000 */
	assert_int_equal(guest_phys_read(f->g, 0xfff8, buf, 0x10), 8);
	assert_int_equal(guest_phys_read(f->g, 0x50000, buf, 1), 0);
	assert_int_equal(guest_phys_ranges(f->g, count_range, r), 0);
	assert_int_equal(r[0], 2);
	assert_int_equal(r[1], 0);
	assert_int_equal(r[2], 0x10000);
	assert_int_equal(r[3], 0x100000);
	assert_int_equal(r[4], 0x2000);
	assert_true(guest_phys_is_ram(f->g, 0x100000, 0x2000));
	assert_false(guest_phys_is_ram(f->g, 0x100000, 0x2001));
	assert_false(guest_phys_is_ram(f->g, 0x20000, 1));
}

static void test_guest_elf__map_is_zero_copy(void **state)
{
	struct fx *f = *state;
	const struct pgw_mem_ops *ops = guest_mem_ops(f->g);
	const uint8_t *p, *q;
	uint8_t buf[16];

	p = ops->map(0x1000, 0x1000, f->g);
	assert_non_null(p);
	q = ops->map(0x2000, 0x1000, f->g);
	assert_ptr_equal(q, p + 0x1000);      /* one mapping, contiguous */
	assert_int_equal(*(const uint64_t *)p, 0x2000 | P | W);
	assert_null(ops->map(0xf000, 0x2000, f->g));  /* runs off LOAD 0 */
	assert_null(ops->map(0x102000, 8, f->g));     /* hole */
	assert_int_equal(ops->read(0x100000, buf, 16, f->g), 0);
	assert_int_not_equal(ops->read(0x101ff8, buf, 16, f->g), 0);
}

static void test_guest_elf__ctx_translates(void **state)
{
	struct fx *f = *state;
	struct pgw_result res;
	struct pgw_fault flt;
	pgw_ctx *ctx, *again;
	char err[256];

	assert_int_equal(guest_cpu_ctx(f->g, 0, &ctx, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(ctx), PGW_MODE_X86_4L);
	assert_int_equal(guest_cpu_ctx(f->g, 0, &again, err, sizeof(err)), 0);
	assert_ptr_equal(ctx, again);         /* memoised */
	assert_int_equal(pgw_translate(ctx, 0x10123, 0, &res, &flt, NULL), 0);
	assert_int_equal(res.out_pa, 0x100123);
	assert_int_equal(pgw_translate(ctx, 0x200000 + 0x1234, 0, &res, &flt,
				       NULL), 0);
	assert_int_equal(res.out_pa, 0x1234);
	/* NXE inferred: bit 63 is NX, not a reserved bit */
	assert_int_equal(pgw_translate(ctx, 0x11000, 0, &res, &flt, NULL), 0);
	assert_false(res.out_perms & PGW_PERM_X);
	assert_int_not_equal(guest_cpu_ctx(f->g, 5, &ctx, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "vCPU 5"));
}

static void test_guest_elf__overrides_apply_to_every_cpu(void **state)
{
	struct fx *f = *state;
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	char err[256];
	pgw_ctx *ctx;
	guest *g;

	o.have_efer = 1;
	o.efer = 0;                           /* no long mode after all */
	o.have_cr3 = 1;
	o.cr3 = 0x3000;
	assert_int_equal(guest_open(&g, f->path, &o, err, sizeof(err)), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(guest_x86_cpu(g, i)->cr3, 0x3000);
		assert_int_equal(guest_x86_cpu(g, i)->efer, 0);
		assert_int_equal(guest_cpu_ctx(g, i, &ctx, err, sizeof(err)), 0);
		assert_int_equal(pgw_ctx_mode(ctx), PGW_MODE_X86_PAE);
	}
	guest_close(g);

	o = (struct guest_open_opts)GUEST_OPEN_OPTS_INIT;
	o.mode = "5level";
	assert_int_equal(guest_open(&g, f->path, &o, err, sizeof(err)), 0);
	assert_int_equal(guest_cpu_ctx(g, 1, &ctx, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(ctx), PGW_MODE_X86_5L);
	guest_close(g);

	o.mode = "6level";
	assert_int_not_equal(guest_open(&g, f->path, &o, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "6level"));
}

static void test_guest_elf__i386_elf32_pae(void **state)
{
	struct mk_dump d;
	struct mk_layout lay;
	char path[64], err[256];
	const struct guest_x86_cpu *c;
	pgw_ctx *ctx;
	guest *g;

	(void)state;
	build_tables();
	std_dump(&d);
	d.elf64 = 0;
	d.machine = EM_386;
	d.cpu[0].cr3 = d.cpu[1].cr3 = 0x5020;  /* PAE CR3: 32-byte aligned */
	d.load[1].memsz = d.load[1].filesz;
	assert_int_equal(mk_dump_write(&d, path, &lay), 0);
	assert_int_equal(guest_open(&g, path, NULL, err, sizeof(err)), 0);
	assert_int_equal(guest_arch(g), GUEST_ARCH_I386);
	assert_non_null(strstr(guest_describe(g), "ELF32"));
	c = guest_x86_cpu(g, 1);
	assert_int_equal(c->cr3, 0x5020);
	assert_int_equal(c->efer, 0x800);      /* PAE, no long mode: NXE */
	assert_int_equal(c->gpr[0], 0x2000);   /* from QEMU note, 64-bit */
	assert_int_equal(guest_cpu_ctx(g, 1, &ctx, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(ctx), PGW_MODE_X86_PAE);
	guest_close(g);
	unlink(path);
}

static void expect_refused(const uint8_t *img, size_t len, const char *what)
{
	char path[64], err[512];
	guest *g = NULL;

	assert_int_equal(mk_file_write(img, len, path), 0);
	assert_int_not_equal(guest_open(&g, path, NULL, err, sizeof(err)), 0);
	assert_null(g);
	if (!strstr(err, what) || !strstr(err, path))
		fail_msg("expected \"%s\" in \"%s\"", what, err);
	unlink(path);
}

static void test_guest_elf__invalid_truncated(void **state)
{
	struct fx *f = *state;
	size_t len;
	uint8_t *img = mk_file_read(f->path, &len);

	assert_non_null(img);
	expect_refused(img, 10, "ELF identification truncated");
	expect_refused(img, 40, "ELF header truncated");
	expect_refused(img, f->lay.phoff + 60, "program header table");
	expect_refused(img, f->lay.note_off + 100, "PT_NOTE at file offset");
	expect_refused(img, f->lay.load_off[0] + 5, "PT_LOAD 1 at file offset");
	expect_refused(img, len - 1, "runs past end of file");
	free(img);
}

static void test_guest_elf__invalid_corrupt(void **state)
{
	struct fx *f = *state;
	size_t len;
	uint8_t *img = mk_file_read(f->path, &len), *bad;

	assert_non_null(img);
	bad = malloc(len);
	/* first note's descsz beyond the segment */
	memcpy(bad, img, len);
	memcpy(bad + f->lay.note_off + 4, &(uint32_t){ 0x100000 }, 4);
	expect_refused(bad, len, "runs past the end of the notes");
	/* QEMU note with an unknown version */
	memcpy(bad, img, len);
	memcpy(bad + f->lay.note_off + 2 * (12 + 8 + 336) + 20,
	       &(uint32_t){ 7 }, 4);
	expect_refused(bad, len, "unsupported QEMUCPUState");
	/* LOAD 1 moved onto LOAD 0 */
	memcpy(bad, img, len);
	memcpy(bad + 64 + 56 * 2 + 24, &(uint64_t){ 0x8000 }, 8);
	expect_refused(bad, len, "overlaps");
	/* not a core file, not a machine pgstub reads */
	memcpy(bad, img, len);
	bad[16] = ET_EXEC;
	expect_refused(bad, len, "ET_CORE");
	memcpy(bad, img, len);
	bad[18] = EM_SPARCV9;
	expect_refused(bad, len, "unsupported ELF machine");
	memcpy(bad, img, len);
	bad[EI_CLASS] = 9;
	expect_refused(bad, len, "bad ELF class");
	free(bad);
	free(img);
}

static void test_guest_elf__invalid_unrecognised(void **state)
{
	static const uint8_t junk[64] = "this is not a memory dump at all";

	(void)state;
	expect_refused(junk, sizeof(junk), "unrecognised format");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_guest_elf__x86_64_registers,
						open_std, close_std),
		cmocka_unit_test_setup_teardown(test_guest_elf__reads_and_holes,
						open_std, close_std),
		cmocka_unit_test_setup_teardown(test_guest_elf__map_is_zero_copy,
						open_std, close_std),
		cmocka_unit_test_setup_teardown(test_guest_elf__ctx_translates,
						open_std, close_std),
		cmocka_unit_test_setup_teardown(
			test_guest_elf__overrides_apply_to_every_cpu,
			open_std, close_std),
		cmocka_unit_test(test_guest_elf__i386_elf32_pae),
		cmocka_unit_test_setup_teardown(
			test_guest_elf__invalid_truncated, open_std, close_std),
		cmocka_unit_test_setup_teardown(
			test_guest_elf__invalid_corrupt, open_std, close_std),
		cmocka_unit_test(test_guest_elf__invalid_unrecognised),
	};

	return cmocka_run_group_tests_name("guest_elf", tests, NULL, NULL);
}
