/*
 * The fixture target's ops: memory reads with short reads at the end of
 * memory and errors outside it, computed register values per thread,
 * monitor commands ("echo", "long", "fail", "cpu") and a one-entry map.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture_target.h"

void fixture_init(struct fixture *fx, int nthreads)
{
	size_t i;

	memset(fx, 0, sizeof(*fx));
	fx->nthreads = nthreads;
	fx->selected = 1;
	fx->last_written_reg = -1;
	/* 0x1000..0x10ff: every byte value once, '#', '$', '}', '*' included */
	for (i = 0; i < 0x100; i++)
		fx->vmem[i] = (uint8_t)i;
	/* then 256 zeros, then a pattern */
	for (i = 0x200; i < FX_VSIZE; i++)
		fx->vmem[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < FX_PSIZE; i++)
		fx->pmem[i] = (uint8_t)(0xa5 ^ i);
}

/* rip = 0x1000 + 0x100 * (tid - 1), rsp = 0x2000 + tid, cr3 = 0x1000,
 * others: tid in the top byte, regno in the low byte. */
uint64_t fixture_reg_value(int tid, int regno)
{
	switch (regno) {
	case GDBR_X86_64_RIP:
		return FX_VBASE + 0x100u * (unsigned)(tid - 1);
	case GDBR_X86_64_RSP:
		return 0x2000u + (unsigned)tid;
	case GDBR_X86_64_CR3:
		return 0x1000u;
	case GDBR_X86_64_CS:
		return 0x10;
	case GDBR_X86_64_EFLAGS:
		return 0x202;
	default:
		return (uint64_t)tid << 56 | (uint64_t)regno;
	}
}

static int read_register(int tid, int regno, void *buf, size_t size,
                         void *payload)
{
	uint64_t v = fixture_reg_value(tid, regno);
	uint8_t *b = buf;
	size_t i;

	(void)payload;
	if (regno == FX_UNAVAIL_REG)
		return 0;
	if (regno >= GDBR_X86_64_ST0)
		v = 0;          /* FPU/SSE state: zeros */
	for (i = 0; i < size; i++)
		b[i] = i < 8 ? (uint8_t)(v >> (8 * i)) : 0;
	return (int)size;
}

static int write_register(int tid, int regno, const void *buf, size_t size,
                          void *payload)
{
	struct fixture *fx = payload;

	(void)tid;
	if (size > sizeof(fx->regs_written))
		return -1;
	memcpy(fx->regs_written, buf, size);
	fx->last_written_reg = regno;
	return 0;
}

static uint8_t *locate(struct fixture *fx, uint64_t addr, size_t len,
                       unsigned flags, size_t *avail)
{
	uint64_t base = (flags & GDBR_MEM_PHYS) ? 0 : FX_VBASE;
	uint64_t size = (flags & GDBR_MEM_PHYS) ? FX_PSIZE : FX_VSIZE;
	uint8_t *mem = (flags & GDBR_MEM_PHYS) ? fx->pmem : fx->vmem;

	if (addr < base || addr >= base + size)
		return NULL;
	*avail = (size_t)(base + size - addr);
	if (*avail > len)
		*avail = len;
	return mem + (addr - base);
}

static int read_memory(uint64_t addr, void *buf, size_t len, unsigned flags,
                       void *payload)
{
	struct fixture *fx = payload;
	size_t n;
	uint8_t *p;

	fx->last_flags = flags;
	p = locate(fx, addr, len, flags, &n);
	if (!p)
		return -1;
	memcpy(buf, p, n);
	return (int)n;
}

static int write_memory(uint64_t addr, const void *buf, size_t len,
                        unsigned flags, void *payload)
{
	struct fixture *fx = payload;
	size_t n;
	uint8_t *p;

	fx->last_flags = flags;
	p = locate(fx, addr, len, flags, &n);
	if (!p || n != len)
		return -1;
	memcpy(p, buf, n);
	return 0;
}

static int thread_count(void *payload)
{
	return ((struct fixture *)payload)->nthreads;
}

static int select_thread(int tid, void *payload)
{
	((struct fixture *)payload)->selected = tid;
	return 0;
}

static int monitor(const char *cmd, gdbr_out *out, void *payload)
{
	struct fixture *fx = payload;

	if (strncmp(cmd, "echo ", 5) == 0)
		return gdbr_out_printf(out, "%s\n", cmd + 5);
	if (strncmp(cmd, "long ", 5) == 0) {
		int i, n = atoi(cmd + 5);

		for (i = 0; i < n; i++) {
			if (gdbr_out_printf(out, "line %04d abcdefghijklmnop\n", i))
				return -1;
		}
		return 0;
	}
	if (strcmp(cmd, "fail") == 0) {
		gdbr_out_printf(out, "failing\n");
		return 1;
	}
	if (strcmp(cmd, "cpu") == 0)
		return gdbr_out_printf(out, "cpu %d\n", fx->selected - 1);
	gdbr_out_printf(out, "unknown command: %s\n", cmd);
	return 1;
}

static int memory_map(gdbr_out *xml, void *payload)
{
	struct fixture *fx = payload;

	fx->memmap_calls++;
	return gdbr_out_printf(xml,
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE memory-map PUBLIC \"+//IDN gnu.org//DTD GDB Memory Map V1.0//EN\"\n"
		"  \"http://sourceware.org/gdb/gdb-memory-map.dtd\">\n"
		"<memory-map>\n"
		"  <memory type=\"ram\" start=\"0x%x\" length=\"0x%x\"/>\n"
		"</memory-map>\n", FX_VBASE, FX_VSIZE);
}

static int resume(int tid, int step, void *payload)
{
	(void)tid;
	(void)step;
	((struct fixture *)payload)->resumed++;
	return 0;
}

static int interrupt(void *payload)
{
	((struct fixture *)payload)->interrupted++;
	return 0;
}

const struct gdbr_target_ops fixture_ops_full = {
	.read_register = read_register,
	.write_register = write_register,
	.read_memory = read_memory,
	.write_memory = write_memory,
	.thread_count = thread_count,
	.select_thread = select_thread,
	.monitor = monitor,
	.memory_map = memory_map,
	.resume = resume,
	.interrupt = interrupt,
};

const struct gdbr_target_ops fixture_ops_readonly = {
	.read_register = read_register,
	.read_memory = read_memory,
	.thread_count = thread_count,
	.select_thread = select_thread,
	.monitor = monitor,
	.memory_map = memory_map,
};
