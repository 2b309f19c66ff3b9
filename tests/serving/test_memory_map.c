/*
 * GDB's memory map of a session (stub/pgstub/memory_map.c): what it says
 * under each --memory-map policy, for snapshots in each x86 paging mode and
 * for live guests, and when none is offered at all.
 */
#include <elf.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "mkdump.h"
#include "serving/session.h"

#define RAM (2u << 20)
#define CR0_PE_PG 0x80000001ULL
#define CR4_PAE 0x20ULL
#define CR4_LA57 0x1000ULL

struct fixture {
	char path[64];
	guest *g;
	struct session s;
};

/* 4-level tables in RAM: PML4 0x1000 -> PDPT 0x2000 -> PD 0x3000 ->
 * PT 0x4000, mapping VA 0x400000 (PD[2] -> PT[0]) to PA 0x10000. */
static uint8_t *ram_with_tables(void)
{
	uint8_t *ram = calloc(1, RAM);
	uint64_t e[] = { 0x2003, 0x3003, 0x4003, 0x10003 };
	size_t at[] = { 0x1000, 0x2000, 0x3000 + 2 * 8, 0x4000 };

	assert_non_null(ram);
	for (size_t i = 0; i < 4; i++)
		memcpy(ram + at[i], &e[i], 8);
	return ram;
}

/* A dump of two vCPUs with @cr4 (and paging on), or an i386 one. */
static void open_dump(struct fixture *f, int machine, uint64_t cr4)
{
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	struct mk_dump d = { 0 };
	struct mk_layout lay;
	uint8_t *ram = ram_with_tables();
	char err[256];

	d.elf64 = machine == EM_X86_64;
	d.machine = machine;
	d.ncpu = 2;
	for (int i = 0; i < 2; i++) {
		d.cpu[i].cr0 = CR0_PE_PG;
		d.cpu[i].cr3 = 0x1000;
		d.cpu[i].cr4 = cr4;
	}
	d.nload = 1;
	d.load[0] = (struct mk_load){ 0, RAM, RAM, ram };
	assert_int_equal(mk_dump_write(&d, f->path, &lay), 0);
	free(ram);
	assert_int_equal(guest_open(&f->g, f->path, &o, err, sizeof(err)), 0);
	session_init(&f->s, f->g);
}

static void close_dump(struct fixture *f)
{
	session_fini(&f->s);
	guest_close(f->g);
	if (f->path[0])
		unlink(f->path);
}

static int append(const void *buf, size_t len, void *payload)
{
	char *doc = payload;
	size_t have = strlen(doc);

	if (have + len >= 4096)
		return -1;
	memcpy(doc + have, buf, len);
	doc[have + len] = 0;
	return 0;
}

/* The map's regions, "START+LENGTH" each followed by a space. */
static void regions(struct session *s, char *out, size_t size)
{
	char doc[4096] = "";
	const char *p = doc;
	gdbr_out *xml;

	assert_int_equal(gdbr_out_new_sink(&xml, append, doc), 0);
	assert_int_equal(session_memory_map(xml, s), 0);
	gdbr_out_free(xml);
	out[0] = 0;
	while ((p = strstr(p, "start=\""))) {
		unsigned long long a, b;

		assert_int_equal(sscanf(p, "start=\"%llx\" length=\"%llx\"", &a,
					&b), 2);
		snprintf(out + strlen(out), size - strlen(out), "%llx+%llx ",
			 a, b);
		p++;
	}
}

static void test_memory_map__4level_default_is_the_canonical_halves(void **st)
{
	struct fixture f = { 0 };
	char r[256];

	(void)st;
	open_dump(&f, EM_X86_64, CR4_PAE);
	assert_int_equal(f.s.map_policy, SESSION_MAP_CANONICAL);
	assert_true(session_map_offered(&f.s));
	regions(&f.s, r, sizeof(r));
	/* RAM lies in the lower half and merges into it. */
	assert_string_equal(r, "0+800000000000 ffff800000000000+800000000000 ");
	close_dump(&f);
}

static void test_memory_map__5level_spans_are_57_bits(void **st)
{
	struct fixture f = { 0 };
	char r[256];

	(void)st;
	open_dump(&f, EM_X86_64, CR4_PAE | CR4_LA57);
	assert_true(session_map_offered(&f.s));
	regions(&f.s, r, sizeof(r));
	assert_string_equal(r, "0+100000000000000 ff00000000000000+100000000000000 ");
	close_dump(&f);
}

static void test_memory_map__mappings_lists_ram_and_pages(void **st)
{
	struct fixture f = { 0 };
	char r[256];

	(void)st;
	open_dump(&f, EM_X86_64, CR4_PAE);
	f.s.map_policy = SESSION_MAP_MAPPINGS;
	assert_true(session_map_offered(&f.s));
	regions(&f.s, r, sizeof(r));
	assert_string_equal(r, "0+200000 400000+1000 ");
	close_dump(&f);
}

/* Past --max-map-regions, the closest neighbours are joined (the gap
 * doubles from 4K until the map fits), and that is said once per change. */
static void test_memory_map__mappings_coarsened_past_max_regions(void **st)
{
	struct fixture f = { 0 };
	char r[256];

	(void)st;
	open_dump(&f, EM_X86_64, CR4_PAE);
	f.s.map_policy = SESSION_MAP_MAPPINGS;
	f.s.max_regions = 2;
	regions(&f.s, r, sizeof(r));
	assert_string_equal(r, "0+200000 400000+1000 ");
	assert_true(f.s.map_told_gap == 0);
	f.s.max_regions = 1;
	regions(&f.s, r, sizeof(r));
	/* The 2M hole needs a 4M gap to close. */
	assert_string_equal(r, "0+401000 ");
	assert_true(f.s.map_told_gap == 0x400000);
	close_dump(&f);
}

static void test_memory_map__none_offers_nothing(void **st)
{
	struct fixture f = { 0 };

	(void)st;
	open_dump(&f, EM_X86_64, CR4_PAE);
	f.s.map_policy = SESSION_MAP_NONE;
	assert_false(session_map_offered(&f.s));
	close_dump(&f);
}

/* 32-bit paging spans all that an i386 GDB can address: no map. */
static void test_memory_map__i386_whole_space_offers_nothing(void **st)
{
	struct fixture f = { 0 };

	(void)st;
	open_dump(&f, EM_386, 0);
	assert_false(session_map_offered(&f.s));
	close_dump(&f);
}

static size_t no_read(uint64_t pa, void *buf, size_t len, void *payload)
{
	(void)pa, (void)buf, (void)len, (void)payload;
	fail_msg("the live map must not read guest memory");
	return 0;
}

static int no_regs(int cpu, struct guest_x86_cpu *out, char *err,
		   size_t errlen, void *payload)
{
	(void)cpu, (void)out, (void)payload;
	fail_msg("the live map must not ask for registers");
	snprintf(err, errlen, "no");
	return -1;
}

static const struct guest_live_ops silent_qemu = {
	.phys_read = no_read,
	.cpu_regs = no_regs,
};

/* A live guest may switch mode (it boots): 5-level's spans, asked of no
 * one; an i386 one gets no map. */
static void test_memory_map__live_uses_the_widest_mode(void **st)
{
	struct fixture f = { 0 };
	char err[256], r[256];

	(void)st;
	assert_int_equal(guest_live_open(&f.g, 2, GUEST_ARCH_X86_64,
					 &silent_qemu, NULL, err, sizeof(err)), 0);
	session_init(&f.s, f.g);
	assert_true(session_map_offered(&f.s));
	regions(&f.s, r, sizeof(r));
	assert_string_equal(r, "0+100000000000000 ff00000000000000+100000000000000 ");
	close_dump(&f);

	memset(&f, 0, sizeof(f));
	assert_int_equal(guest_live_open(&f.g, 1, GUEST_ARCH_I386, &silent_qemu,
					 NULL, err, sizeof(err)), 0);
	session_init(&f.s, f.g);
	assert_false(session_map_offered(&f.s));
	close_dump(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_map__4level_default_is_the_canonical_halves),
		cmocka_unit_test(test_memory_map__5level_spans_are_57_bits),
		cmocka_unit_test(test_memory_map__mappings_lists_ram_and_pages),
		cmocka_unit_test(test_memory_map__mappings_coarsened_past_max_regions),
		cmocka_unit_test(test_memory_map__none_offers_nothing),
		cmocka_unit_test(test_memory_map__i386_whole_space_offers_nothing),
		cmocka_unit_test(test_memory_map__live_uses_the_widest_mode),
	};

	return cmocka_run_group_tests_name("memory_map", tests, NULL, NULL);
}
