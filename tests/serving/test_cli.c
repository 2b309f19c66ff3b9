/*
 * The command-line module (stub/pgstub/serving/cli*.c): every option table
 * a subcommand joins has no name or code twice, each code is one of the
 * program's, and the shared parsers (numbers, sizes, seconds, image
 * options) accept what the manual says and refuse the rest.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "serving/cli.h"
#include "serving/cli_limits.h"

static void assert_set_distinct(const struct option *const *set)
{
	const struct option *all[128];
	size_t n = 0;

	for (size_t t = 0; set[t]; t++)
		for (const struct option *o = set[t]; o->name; o++) {
			assert_true(n < 128);
			all[n++] = o;
		}
	for (size_t i = 0; i < n; i++) {
		/* A letter, or a code of the program's enum. */
		assert_true(all[i]->flag == NULL);
		assert_true((all[i]->val > 0 && all[i]->val < 256) ||
			    (all[i]->val >= PGSTUB_O_HELP &&
			     all[i]->val <= PGSTUB_O_NO_PROGRESS));
		for (size_t j = i + 1; j < n; j++) {
			if (!strcmp(all[i]->name, all[j]->name))
				fail_msg("--%s twice", all[i]->name);
			/* Two spellings of one option share a code. */
			if (all[i]->val == all[j]->val &&
			    !(!strcmp(all[i]->name, "color") &&
			      !strcmp(all[j]->name, "colour")))
				fail_msg("--%s and --%s share code %d",
					 all[i]->name, all[j]->name, all[i]->val);
		}
	}
}

static void test_tables_distinct(void **state)
{
	(void)state;
	assert_set_distinct(pgstub_serve_cmdline);
	assert_set_distinct(pgstub_live_cmdline);
	assert_set_distinct(pgstub_shell_cmdline);
	assert_set_distinct(pgstub_export_cmdline);
}

/* The joined table is every table's options in order, then the end. */
static void test_options_join(void **state)
{
	struct option *all = pgstub_options(pgstub_export_cmdline);
	size_t n = 0, want = 0;

	(void)state;
	assert_non_null(all);
	for (size_t t = 0; pgstub_export_cmdline[t]; t++)
		for (const struct option *o = pgstub_export_cmdline[t]; o->name; o++)
			want++;
	while (all[n].name)
		n++;
	assert_int_equal(n, want);
	assert_string_equal(all[0].name, "paging");
	assert_string_equal(all[n - 1].name, "vmcoreinfo");
	assert_int_equal(all[n].val, 0);
	assert_null(all[n].flag);
	free(all);
}

static void test_parse_u64(void **state)
{
	static const struct { const char *s; int rc; uint64_t v; } cases[] = {
		{ "0", 0, 0 }, { "42", 0, 42 }, { "0x1F", 0, 0x1f },
		{ "010", 0, 8 }, { "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", -1, 0 }, { "", -1, 0 },
		{ "-1", -1, 0 }, { "+1", -1, 0 }, { " 1", -1, 0 },
		{ "1 ", -1, 0 }, { "0x", -1, 0 }, { "12k", -1, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		uint64_t v = 0;
		int rc = parse_u64(cases[i].s, &v);

		if (rc != cases[i].rc)
			fail_msg("parse_u64(\"%s\") = %d", cases[i].s, rc);
		if (rc == 0)
			assert_true(v == cases[i].v);
	}
	assert_int_equal(parse_u64(NULL, &(uint64_t){ 0 }), -1);
}

static void test_parse_bytes_secs(void **state)
{
	uint64_t v;
	double d;

	(void)state;
	assert_int_equal(pgstub_parse_bytes("--max-output", "16M", &v), 0);
	assert_true(v == 16u << 20);
	assert_int_equal(pgstub_parse_bytes("--max-output", "3k", &v), 0);
	assert_true(v == 3072);
	assert_int_equal(pgstub_parse_bytes("--max-output", "0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(pgstub_parse_bytes("--max-output", "M", &v), -1);
	assert_int_equal(pgstub_parse_bytes("--max-output",
					    "17179869184G", &v), -1);
	assert_int_equal(pgstub_parse_secs("--idle-timeout", "0.5", &d), 0);
	assert_true(d == 0.5);
	assert_int_equal(pgstub_parse_secs("--idle-timeout", "86400", &d), 0);
	assert_int_equal(pgstub_parse_secs("--idle-timeout", "86401", &d), -1);
	assert_int_equal(pgstub_parse_secs("--idle-timeout", "-1", &d), -1);
	assert_int_equal(pgstub_parse_secs("--idle-timeout", "", &d), -1);
}

static void test_limit_and_image_options(void **state)
{
	struct pgstub_limits l = PGSTUB_LIMITS_INIT;
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;

	(void)state;
	assert_int_equal(pgstub_limit_option(PGSTUB_O_MEMORY_MAP, "none", &l), 0);
	assert_int_equal(l.map_policy, SESSION_MAP_NONE);
	assert_int_equal(pgstub_limit_option(PGSTUB_O_MEMORY_MAP, "all", &l), -1);
	/* Not a limit: the caller tries the next table. */
	assert_int_equal(pgstub_limit_option(PGSTUB_O_CR3, "0x1000", &l), 1);
	assert_int_equal(pgstub_guest_option(PGSTUB_O_MAX_OUTPUT, "1", &o), 1);

	assert_int_equal(pgstub_guest_option(PGSTUB_O_CR3, "0x1000", &o), 0);
	assert_true(o.have_cr3 && o.cr3 == 0x1000);
	/* --reg cr3= is --cr3; the last one wins. */
	assert_int_equal(pgstub_guest_option(PGSTUB_O_REG, "cr3=0x2000", &o), 0);
	assert_true(o.cr3 == 0x2000);
	assert_int_equal(pgstub_guest_option(PGSTUB_O_REG, "rip=0x10", &o), 0);
	assert_int_equal(pgstub_guest_option(PGSTUB_O_REG, "rip=0x20", &o), 0);
	assert_int_equal((int)o.nregs, 1);
	assert_true(o.regs[0].value == 0x20);
	assert_int_equal(pgstub_guest_option(PGSTUB_O_REG, "rip", &o), -1);
	assert_int_equal(pgstub_guest_option(PGSTUB_O_REG, "=1", &o), -1);
	assert_int_equal(pgstub_guest_option(PGSTUB_O_MODE, "6level", &o), -1);
	assert_int_equal(pgstub_guest_option(PGSTUB_O_ARCH, "i386", &o), 0);
	assert_int_equal(o.arch, GUEST_ARCH_I386);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_distinct),
		cmocka_unit_test(test_options_join),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_bytes_secs),
		cmocka_unit_test(test_limit_and_image_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
