# x86 walker tests: every paging mode, access rules, EPT/NPT nesting,
# the mode picked from control registers.
walker_tests += \
	tests/walker/x86/test_x86_32 \
	tests/walker/x86/test_x86_pae \
	tests/walker/x86/test_x86_4l \
	tests/walker/x86/test_x86_5l \
	tests/walker/x86/test_access \
	tests/walker/x86/test_nested \
	tests/walker/x86/test_ctx

tests_walker_x86_test_x86_32_SOURCES = tests/walker/x86/test_x86_32.c
tests_walker_x86_test_x86_32_CFLAGS = $(walker_test_cflags)
tests_walker_x86_test_x86_32_CPPFLAGS = $(walker_test_cppflags)
tests_walker_x86_test_x86_32_LDADD = $(walker_test_ldadd)

tests_walker_x86_test_x86_pae_SOURCES = tests/walker/x86/test_x86_pae.c
tests_walker_x86_test_x86_pae_CFLAGS = $(walker_test_cflags)
tests_walker_x86_test_x86_pae_CPPFLAGS = $(walker_test_cppflags)
tests_walker_x86_test_x86_pae_LDADD = $(walker_test_ldadd)

tests_walker_x86_test_x86_4l_SOURCES = tests/walker/x86/test_x86_4l.c
tests_walker_x86_test_x86_4l_CFLAGS = $(walker_test_cflags)
tests_walker_x86_test_x86_4l_CPPFLAGS = $(walker_test_cppflags)
tests_walker_x86_test_x86_4l_LDADD = $(walker_test_ldadd)

tests_walker_x86_test_x86_5l_SOURCES = tests/walker/x86/test_x86_5l.c
tests_walker_x86_test_x86_5l_CFLAGS = $(walker_test_cflags)
tests_walker_x86_test_x86_5l_CPPFLAGS = $(walker_test_cppflags)
tests_walker_x86_test_x86_5l_LDADD = $(walker_test_ldadd)

tests_walker_x86_test_access_SOURCES = tests/walker/x86/test_access.c
tests_walker_x86_test_access_CFLAGS = $(walker_test_cflags)
tests_walker_x86_test_access_CPPFLAGS = $(walker_test_cppflags)
tests_walker_x86_test_access_LDADD = $(walker_test_ldadd)

tests_walker_x86_test_nested_SOURCES = tests/walker/x86/test_nested.c
tests_walker_x86_test_nested_CFLAGS = $(walker_test_cflags)
tests_walker_x86_test_nested_CPPFLAGS = $(walker_test_cppflags)
tests_walker_x86_test_nested_LDADD = $(walker_test_ldadd)

tests_walker_x86_test_ctx_SOURCES = tests/walker/x86/test_ctx.c
tests_walker_x86_test_ctx_CFLAGS = $(walker_test_cflags)
tests_walker_x86_test_ctx_CPPFLAGS = $(walker_test_cppflags)
tests_walker_x86_test_ctx_LDADD = $(walker_test_ldadd)
