/*
 * gdbr_out sinks (stub/out.c): stand-alone output streams that hand every
 * write to a caller's function, as pgstub's shell uses them to run monitor
 * commands outside a GDB session.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gdb-remote.h"

struct collect {
	char buf[8192];
	size_t len;
	int calls;
	int fail_after;   /* fail the call numbered this (1-based); 0 never */
};

static int collect(const void *buf, size_t len, void *payload)
{
	struct collect *c = payload;

	c->calls++;
	if (c->fail_after && c->calls >= c->fail_after)
		return -1;
	assert_true(len > 0);
	assert_true(c->len + len <= sizeof(c->buf));
	memcpy(c->buf + c->len, buf, len);
	c->len += len;
	return 0;
}

static void test_out_sink__writes_reach_the_callback_in_order(void **state)
{
	struct collect c = { .len = 0 };
	gdbr_out *o;

	(void)state;
	assert_int_equal(gdbr_out_new_sink(&o, collect, &c), 0);
	assert_int_equal(gdbr_out_write(o, "abc", 3), 0);
	assert_int_equal(gdbr_out_printf(o, "%s=%#x\n", "cr3", 0x1000), 0);
	assert_int_equal(gdbr_out_write(o, "", 0), 0);  /* no empty call */
	assert_int_equal(c.calls, 2);
	assert_int_equal(c.len, 14);
	assert_memory_equal(c.buf, "abccr3=0x1000\n", 14);
	assert_int_equal(gdbr_out_error(o), 0);
	gdbr_out_free(o);
}

static void test_out_sink__long_printf_is_not_cut(void **state)
{
	struct collect c = { .len = 0 };
	char big[3000];
	gdbr_out *o;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(gdbr_out_new_sink(&o, collect, &c), 0);
	assert_int_equal(gdbr_out_printf(o, "[%s]", big), 0);
	assert_int_equal(c.len, sizeof(big) + 1);
	assert_int_equal(c.buf[0], '[');
	assert_int_equal(c.buf[c.len - 1], ']');
	assert_int_equal(c.buf[c.len - 2], 'x');
	gdbr_out_free(o);
}

static void test_out_sink__writer_error_is_sticky_until_cleared(void **state)
{
	struct collect c = { .len = 0, .fail_after = 2 };
	gdbr_out *o;

	(void)state;
	assert_int_equal(gdbr_out_new_sink(&o, collect, &c), 0);
	assert_int_equal(gdbr_out_write(o, "ok", 2), 0);
	assert_int_equal(gdbr_out_write(o, "lost", 4), GDBR_EIO);
	assert_int_equal(gdbr_out_printf(o, "dropped %d", 1), GDBR_EIO);
	assert_int_equal(c.calls, 2);  /* nothing more reached the writer */
	assert_int_equal(gdbr_out_error(o), GDBR_EIO);
	c.fail_after = 0;
	gdbr_out_clear_error(o);
	assert_int_equal(gdbr_out_error(o), 0);
	assert_int_equal(gdbr_out_write(o, "!", 1), 0);
	assert_int_equal(c.len, 3);
	assert_memory_equal(c.buf, "ok!", 3);
	gdbr_out_free(o);
}

static void test_out_sink__invalid_arguments(void **state)
{
	struct collect c = { .len = 0 };
	gdbr_out *o = (gdbr_out *)&c;

	(void)state;
	assert_int_equal(gdbr_out_new_sink(NULL, collect, &c), GDBR_EINVAL);
	assert_int_equal(gdbr_out_new_sink(&o, NULL, &c), GDBR_EINVAL);
	assert_null(o);
	assert_int_equal(gdbr_out_error(NULL), GDBR_EINVAL);
	gdbr_out_free(NULL);
	gdbr_out_clear_error(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_out_sink__writes_reach_the_callback_in_order),
		cmocka_unit_test(test_out_sink__long_printf_is_not_cut),
		cmocka_unit_test(test_out_sink__writer_error_is_sticky_until_cleared),
		cmocka_unit_test(test_out_sink__invalid_arguments),
	};

	return cmocka_run_group_tests_name("shell/out_sink", tests, NULL, NULL);
}
