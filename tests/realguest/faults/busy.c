/*
 * /busy of the x86_64-faults guest (record_faults.py): makes user-mode
 * accesses that fault, each reported as the kernel delivered it (the #PF
 * error code in the signal frame, the faulting address), then spins
 * forever so that the guest is stopped in this address space, whose page
 * tables then hold exactly the state each access met.
 *
 * One line per access on the console:
 *   PGSTUB-FAULT cpu=C pid=P va=0xADDR kind=r|w|x trap=14 err=0xE addr=0xA
 * (trap 0 and err 0: no fault). Static, as the initramfs has no libc.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf back;
static volatile long trap, err;
static volatile uintptr_t addr;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	const ucontext_t *uc = ctx;

	(void)sig;
	trap = uc->uc_mcontext.gregs[REG_TRAPNO];
	err = uc->uc_mcontext.gregs[REG_ERR];
	addr = (uintptr_t)si->si_addr;
	siglongjmp(back, 1);
}

static void probe(int cpu, uintptr_t va, char kind)
{
	trap = err = 0;
	addr = 0;
	if (!sigsetjmp(back, 1)) {
		if (kind == 'r')
			(void)*(volatile char *)va;
		else if (kind == 'w')
			*(volatile char *)va = *(volatile char *)va;
		else
			((void (*)(void))va)();
	}
	printf("PGSTUB-FAULT cpu=%d pid=%d va=0x%lx kind=%c trap=%ld err=0x%lx "
	       "addr=0x%lx\n", cpu, (int)getpid(), (unsigned long)va, kind,
	       (long)trap, (unsigned long)err, (unsigned long)addr);
	fflush(stdout);
}

static void ret_only(void)
{
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int cpu = argc > 1 ? atoi(argv[1]) : -1;
	long pg = sysconf(_SC_PAGESIZE);
	char stack_buf[64] = { (char)0xc3 };  /* ret, on the NX stack */
	char *rw, *ro, *none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	rw = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	none = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (rw == MAP_FAILED || ro == MAP_FAILED || none == MAP_FAILED)
		return 1;
	rw[0] = (char)0xc3;   /* present, writable, not executable */
	(void)*(volatile char *)ro;   /* present (the zero page), read-only */

	probe(cpu, 0, 'r');                        /* nothing mapped */
	probe(cpu, (uintptr_t)main, 'w');          /* read-only text */
	probe(cpu, (uintptr_t)ret_only, 'x');      /* allowed */
	probe(cpu, (uintptr_t)stack_buf, 'x');     /* NX stack */
	probe(cpu, (uintptr_t)rw, 'x');            /* NX data */
	probe(cpu, (uintptr_t)rw, 'w');            /* allowed */
	probe(cpu, (uintptr_t)ro, 'w');            /* read-only page */
	probe(cpu, (uintptr_t)ro, 'r');            /* allowed */
	probe(cpu, (uintptr_t)none, 'r');          /* PROT_NONE: not present */
	probe(cpu, 0xffffffff81000000UL, 'r');     /* the kernel image */
	probe(cpu, 0xffffffff81000000UL, 'x');
	probe(cpu, 0xfffffe0000000000UL, 'r');     /* KPTI's cpu_entry_area */
	for (;;)
		;
}
