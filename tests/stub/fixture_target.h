/*
 * Test fixture target for libgdb-remote: a tiny machine with 8 KiB of
 * virtual memory at 0x1000, 4 KiB of "physical" memory at 0, two x86-64
 * threads with computed register values, a monitor and a memory map.
 */
#ifndef FIXTURE_TARGET_H
#define FIXTURE_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "gdb-remote.h"

#define FX_VBASE 0x1000u
#define FX_VSIZE 0x2000u
#define FX_PSIZE 0x1000u
#define FX_ZERO_OFF 0x100u   /* 0x1100..0x11ff: zeros (RLE runs) */
#define FX_UNAVAIL_REG 26    /* k_gs_base reads as unavailable */

struct fixture {
	uint8_t vmem[FX_VSIZE];
	uint8_t pmem[FX_PSIZE];
	int nthreads;
	int selected;            /* last select_thread() */
	int resumed;             /* resume() calls */
	int interrupted;         /* interrupt() calls */
	unsigned last_flags;     /* flags of the last memory op */
	int memmap_calls;
	uint8_t regs_written[16];
	int last_written_reg;
};

/* All ops set (write_register/write_memory/resume/interrupt included). */
extern const struct gdbr_target_ops fixture_ops_full;
/* Snapshot-like: no writes, no resume/interrupt. */
extern const struct gdbr_target_ops fixture_ops_readonly;

void fixture_init(struct fixture *fx, int nthreads);
uint64_t fixture_reg_value(int tid, int regno);

#endif /* FIXTURE_TARGET_H */
