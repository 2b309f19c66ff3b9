/*
 * QEMU's target description as the live proxy reads it
 * (stub/pgstub/live/live_tdesc.c): register numbers in document order
 * across includes, regnum= restarting the count, `g` offsets, and
 * descriptions no QEMU writes. The documents are cut from QEMU 7.2's
 * qemu-system-aarch64 -cpu max description.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "live/proxy.h"

static const char target_xml[] =
	"<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
	"<target><architecture>aarch64</architecture>"
	"<xi:include href=\"aarch64-core.xml\"/>"
	"<xi:include href=\"sve-registers.xml\"/>"
	"<xi:include href=\"system-registers.xml\"/></target>";

/* The core feature numbers implicitly: x0 is 0, the next one more. */
static const char core_xml[] =
	"<?xml version=\"1.0\"?>\n<!-- a comment with <reg name=\"no\"/> -->\n"
	"<feature name=\"org.gnu.gdb.aarch64.core\">\n"
	"  <reg name=\"x0\" bitsize=\"64\"/>\n"
	"  <reg name=\"x1\" bitsize=\"64\"/>\n"
	"  <reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
	"  <reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>\n"
	"  <reg name=\"cpsr\" bitsize=\"32\" type=\"cpsr_flags\"/>\n"
	"</feature>\n";

static const char sve_xml[] =
	"<feature name=\"org.gnu.gdb.aarch64.sve\">"
	"<reg name=\"z0\" bitsize=\"2048\" regnum=\"34\" type=\"svev\"/>"
	"<reg name=\"fpsr\" bitsize=\"32\" regnum=\"66\" group=\"float\"/>"
	"</feature>";

/* System registers in QEMU's hash-table order, names as QEMU gives them. */
static const char sys_xml[] =
	"<feature name=\"org.qemu.gdb.arm.sys.regs\">"
	"<reg name=\"SCTLR\" bitsize=\"64\" regnum=\"92\" group=\"cp_regs\"/>"
	"<reg name=\"TTBR0_EL1\" bitsize=\"64\" regnum=\"171\"/>"
	"<reg name=\"TCR_EL1\" bitsize=\"64\" regnum=\"174\"/>"
	"<reg name=\"TTBR1_EL1\" bitsize=\"64\" regnum=\"175\"/>"
	"</feature>";

static int include(struct live_tdesc *t, const char *annex, void *payload)
{
	const char *doc = !strcmp(annex, "aarch64-core.xml") ? core_xml :
			  !strcmp(annex, "sve-registers.xml") ? sve_xml :
			  !strcmp(annex, "system-registers.xml") ? sys_xml : NULL;
	int *calls = payload;

	(*calls)++;
	if (!doc)
		return -1;
	return live_tdesc_parse(t, doc, NULL, NULL, NULL, 0);
}

static int num(const struct live_tdesc *t, const char *name)
{
	const struct live_tdesc_reg *r = live_tdesc_find(t, name);

	return r ? r->regnum : -1;
}

static void test_tdesc__includes_in_order_regnum_restarts(void **state)
{
	struct live_tdesc t;
	char err[256] = "";
	int calls = 0;

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(live_tdesc_parse(&t, target_xml, include, &calls,
					  err, sizeof(err)), 0);
	assert_int_equal(calls, 3);
	assert_string_equal(t.arch, "aarch64");
	assert_int_equal(t.n, 11);  /* the commented-out one is not a register */
	assert_int_equal(num(&t, "x0"), 0);
	assert_int_equal(num(&t, "pc"), 3);
	assert_int_equal(num(&t, "cpsr"), 4);
	assert_int_equal(num(&t, "z0"), 34);
	assert_int_equal(num(&t, "SCTLR"), 92);
	assert_int_equal(num(&t, "TTBR1_EL1"), 175);
	assert_int_equal(live_tdesc_find(&t, "cpsr")->bits, 32);
	assert_null(live_tdesc_find(&t, "no"));
	assert_null(live_tdesc_find(&t, "SCTLR_EL1"));
	/* `g`: x0, x1, sp at 0, 8, 16; pc at 24; past cpsr a gap (5..33). */
	assert_int_equal(live_tdesc_g_offset(&t, 0), 0);
	assert_int_equal(live_tdesc_g_offset(&t, 3), 24);
	assert_int_equal(live_tdesc_g_offset(&t, 5), 36);
	assert_int_equal(live_tdesc_g_offset(&t, 34), -1);
	live_tdesc_free(&t);
}

static void expect_error(const char *xml, const char *words)
{
	struct live_tdesc t;
	char err[256] = "";

	memset(&t, 0, sizeof(t));
	assert_int_equal(live_tdesc_parse(&t, xml, NULL, NULL, err,
					  sizeof(err)), -1);
	if (!strstr(err, words))
		fail_msg("error '%s' lacks '%s'", err, words);
	live_tdesc_free(&t);
}

static void test_tdesc__descriptions_no_qemu_writes_are_refused(void **state)
{
	(void)state;
	expect_error("<feature><reg name=\"x0\"/></feature>",
		     "without name or bitsize");
	expect_error("<feature><reg bitsize=\"64\"/></feature>",
		     "without name or bitsize");
	expect_error("<feature><reg name=\"x0\" bitsize=\"-8\"/></feature>",
		     "has bitsize '-8'");
	expect_error("<feature><reg name=\"x0\" bitsize=\"64\" "
		     "regnum=\"7x\"/></feature>", "has regnum '7x'");
	expect_error("<feature><reg name=\"x0\" bitsize=\"64\" "
		     "regnum=\"99999999\"/></feature>", "has regnum");
}

/* An unterminated tag or attribute ends the document, read up to there. */
static void test_tdesc__truncated_document_reads_what_is_whole(void **state)
{
	struct live_tdesc t;
	char err[256] = "";

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(live_tdesc_parse(&t, "<feature><reg name=\"x0\" "
					  "bitsize=\"64\"/><reg name=\"x1",
					  NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(t.n, 1);
	live_tdesc_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tdesc__includes_in_order_regnum_restarts),
		cmocka_unit_test(test_tdesc__descriptions_no_qemu_writes_are_refused),
		cmocka_unit_test(test_tdesc__truncated_document_reads_what_is_whole),
	};

	return cmocka_run_group_tests_name("live_tdesc", tests, NULL, NULL);
}
