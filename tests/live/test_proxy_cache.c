/*
 * The live proxy's reply cache (stub/pgstub/proxy_cache.c) on its own, no
 * QEMU: which requests it may answer, what it keeps (QEMU's good replies to
 * reads, the whole vCPU list), for how long (reads until anything else is
 * asked, the vCPU list until a continue or monitor command), and what it
 * refuses to keep (errors, empty or oversized replies, long requests).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "live/proxy_priv.h"

static int setup(void **state)
{
	struct reply_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	rcache_drop_all(c);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* As proxy.c does: the request goes to QEMU, its reply comes back. */
static void exchange(struct reply_cache *c, const char *req, const char *rep)
{
	rcache_expect(c, req);
	rcache_store(c, rep, strlen(rep));
}

static const char *lookup(struct reply_cache *c, const char *req)
{
	static char buf[RCACHE_REPLY + 1];
	size_t len = 0;
	const char *r = rcache_lookup(c, req, &len);

	if (!r)
		return NULL;
	memcpy(buf, r, len);
	buf[len] = 0;
	return buf;
}

static void test_proxy_cache__keeps_only_requests_without_effects(void **state)
{
	static const char *const kept[] = {
		"m1000,4", "g", "p10", "qfThreadInfo", "qsThreadInfo", "qC",
		"qAttached", "qAttached:1", "qThreadExtraInfo,p1.1",
	};
	static const char *const dropped[] = {
		"M1000,1:00", "X1000,0:", "c", "s", "vCont;c", "Hgp1.2", "G00",
		"P10=00", "qSupported", "qRcmd,68656c70", "qXfer:features:read:",
		"Qqemu.PhyMemMode:1", "D", "k", "?",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(kept) / sizeof(*kept); i++)
		assert_true(rcache_keeps(kept[i]));
	for (size_t i = 0; i < sizeof(dropped) / sizeof(*dropped); i++)
		assert_false(rcache_keeps(dropped[i]));
}

static void test_proxy_cache__read_reply_reused_by_exact_request(void **state)
{
	struct reply_cache *c = *state;

	assert_null(lookup(c, "m1000,4"));
	exchange(c, "m1000,4", "01020304");
	assert_string_equal(lookup(c, "m1000,4"), "01020304");
	/* The same bytes asked differently are another request. */
	assert_null(lookup(c, "m1000,2"));
	assert_null(lookup(c, "m01000,4"));
	exchange(c, "g", "00112233");
	exchange(c, "p10", "ffee");
	assert_string_equal(lookup(c, "g"), "00112233");
	assert_string_equal(lookup(c, "p10"), "ffee");
	assert_string_equal(lookup(c, "m1000,4"), "01020304");
}

static void test_proxy_cache__errors_and_odd_sizes_not_kept(void **state)
{
	struct reply_cache *c = *state;
	char big[RCACHE_REPLY + 2], req[RCACHE_REQ + 8];

	exchange(c, "m0,4", "E14");
	assert_null(lookup(c, "m0,4"));
	exchange(c, "m0,0", "");
	assert_null(lookup(c, "m0,0"));
	/* A reply longer than a slot. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	exchange(c, "m0,8", big);
	assert_null(lookup(c, "m0,8"));
	/* Exactly a slot is kept. */
	big[RCACHE_REPLY] = 0;
	exchange(c, "m0,9", big);
	assert_non_null(lookup(c, "m0,9"));
	/* A request too long to be a key. */
	memset(req, '1', sizeof(req) - 1);
	req[0] = 'm';
	req[sizeof(req) - 1] = 0;
	exchange(c, req, "00");
	assert_null(lookup(c, req));
	/* A reply nobody announced (rcache_expect) is not kept either. */
	rcache_store(c, "00", 2);
	assert_null(lookup(c, "m0,4"));
}

static void test_proxy_cache__oldest_read_makes_room(void **state)
{
	struct reply_cache *c = *state;
	char req[32], rep[32];

	for (int i = 0; i <= RCACHE_SLOTS; i++) {
		snprintf(req, sizeof(req), "m%x,1", i);
		snprintf(rep, sizeof(rep), "%02x", i);
		exchange(c, req, rep);
	}
	assert_null(lookup(c, "m0,1"));
	assert_string_equal(lookup(c, "m1,1"), "01");
	snprintf(req, sizeof(req), "m%x,1", RCACHE_SLOTS);
	assert_non_null(lookup(c, req));
}

static void test_proxy_cache__thread_list_replayed_whole(void **state)
{
	struct reply_cache *c = *state;

	exchange(c, "qfThreadInfo", "mp01.01,p01.02");
	/* Half a list is no answer. */
	assert_null(lookup(c, "qfThreadInfo"));
	exchange(c, "qsThreadInfo", "mp01.03");
	exchange(c, "qsThreadInfo", "l");
	assert_string_equal(lookup(c, "qfThreadInfo"), "mp01.01,p01.02");
	assert_string_equal(lookup(c, "qsThreadInfo"), "mp01.03");
	assert_string_equal(lookup(c, "qsThreadInfo"), "l");
	/* Past the end GDB's question goes to QEMU. */
	assert_null(lookup(c, "qsThreadInfo"));
	/* A new round starts at the top. */
	assert_string_equal(lookup(c, "qfThreadInfo"), "mp01.01,p01.02");
}

static void test_proxy_cache__thread_error_not_kept(void **state)
{
	struct reply_cache *c = *state;

	exchange(c, "qfThreadInfo", "E01");
	exchange(c, "qsThreadInfo", "l");
	assert_null(lookup(c, "qfThreadInfo"));
}

static void test_proxy_cache__reads_dropped_threads_kept(void **state)
{
	struct reply_cache *c = *state;

	exchange(c, "qfThreadInfo", "m01");
	exchange(c, "qsThreadInfo", "l");
	exchange(c, "g", "00");
	strcpy(c->wanted, "m1000,1");
	/* A step, a write, Hg: the reads go, the vCPU list stays. */
	rcache_drop_reads(c);
	assert_null(lookup(c, "g"));
	assert_string_equal(c->wanted, "");
	assert_string_equal(lookup(c, "qfThreadInfo"), "m01");
	/* A continue or a monitor command: everything goes. */
	exchange(c, "g", "00");
	rcache_drop_all(c);
	assert_null(lookup(c, "g"));
	assert_null(lookup(c, "qfThreadInfo"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_proxy_cache__keeps_only_requests_without_effects),
		T(test_proxy_cache__read_reply_reused_by_exact_request),
		T(test_proxy_cache__errors_and_odd_sizes_not_kept),
		T(test_proxy_cache__oldest_read_makes_room),
		T(test_proxy_cache__thread_list_replayed_whole),
		T(test_proxy_cache__thread_error_not_kept),
		T(test_proxy_cache__reads_dropped_threads_kept),
#undef T
	};

	return cmocka_run_group_tests_name("live/proxy_cache", tests, NULL,
					   NULL);
}
