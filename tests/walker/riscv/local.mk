# RISC-V walker tests: Sv32, Sv39, Sv48/Sv57, the G-stage, contexts, info mem.
walker_tests += \
	tests/walker/riscv/test_sv39

tests_walker_riscv_test_sv39_SOURCES = tests/walker/riscv/test_sv39.c tests/walker/riscv/rvmem.h \
	tests/walker/same_walk.h
tests_walker_riscv_test_sv39_CFLAGS = $(walker_test_cflags)
tests_walker_riscv_test_sv39_CPPFLAGS = $(walker_test_cppflags)
tests_walker_riscv_test_sv39_LDADD = $(walker_test_ldadd)

walker_tests += tests/walker/riscv/test_gstage
tests_walker_riscv_test_gstage_SOURCES = tests/walker/riscv/test_gstage.c tests/walker/riscv/rvmem.h
tests_walker_riscv_test_gstage_CFLAGS = $(walker_test_cflags)
tests_walker_riscv_test_gstage_CPPFLAGS = $(walker_test_cppflags)
tests_walker_riscv_test_gstage_LDADD = $(walker_test_ldadd)

walker_tests += tests/walker/riscv/test_sv32
tests_walker_riscv_test_sv32_SOURCES = tests/walker/riscv/test_sv32.c tests/walker/riscv/rvmem.h
tests_walker_riscv_test_sv32_CFLAGS = $(walker_test_cflags)
tests_walker_riscv_test_sv32_CPPFLAGS = $(walker_test_cppflags)
tests_walker_riscv_test_sv32_LDADD = $(walker_test_ldadd)

walker_tests += tests/walker/riscv/test_sv48_57
tests_walker_riscv_test_sv48_57_SOURCES = tests/walker/riscv/test_sv48_57.c tests/walker/riscv/rvmem.h
tests_walker_riscv_test_sv48_57_CFLAGS = $(walker_test_cflags)
tests_walker_riscv_test_sv48_57_CPPFLAGS = $(walker_test_cppflags)
tests_walker_riscv_test_sv48_57_LDADD = $(walker_test_ldadd)

walker_tests += tests/walker/riscv/test_riscv_ctx
tests_walker_riscv_test_riscv_ctx_SOURCES = tests/walker/riscv/test_riscv_ctx.c tests/walker/riscv/rvmem.h
tests_walker_riscv_test_riscv_ctx_CFLAGS = $(walker_test_cflags)
tests_walker_riscv_test_riscv_ctx_CPPFLAGS = $(walker_test_cppflags)
tests_walker_riscv_test_riscv_ctx_LDADD = $(walker_test_ldadd)

walker_tests += tests/walker/riscv/test_info_mem
tests_walker_riscv_test_info_mem_SOURCES = tests/walker/riscv/test_info_mem.c tests/walker/riscv/rvmem.h
tests_walker_riscv_test_info_mem_CFLAGS = $(walker_test_cflags)
tests_walker_riscv_test_info_mem_CPPFLAGS = $(walker_test_cppflags)
tests_walker_riscv_test_info_mem_LDADD = $(walker_test_ldadd)
