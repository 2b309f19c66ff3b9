/*
 * Reset entry of the bare-metal riscv32 guest (QEMU virt, -bios none):
 * every hart arrives here in M-mode with a0 = mhartid. Each gets a 4 KiB
 * stack below stack_top and calls hart_main(hartid), which never returns.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	la	sp, stack_top
	slli	t0, a0, 12
	sub	sp, sp, t0
	la	t0, trap
	csrw	mtvec, t0
	call	hart_main
1:	j	1b

/* Any trap is a bug in the guest: say so on the UART and stop here. */
	.align 2
trap:
	li	t0, 0x10000000
	li	t1, '!'
	sb	t1, 0(t0)
2:	j	2b

/*
 * The user loop runs in U-mode from its own page, mapped with U set: it
 * counts in a0 forever so that a stopped hart is always inside it.
 */
	.section .text.user, "ax"
	.balign 4096
	.globl user_loop
user_loop:
	addi	a0, a0, 1
	j	user_loop
	.balign 4096

/* Hart 0's loop, in S-mode at its identity-mapped address. */
	.section .text, "ax"
	.globl s_loop
s_loop:
	addi	a0, a0, 1
	j	s_loop

/*
 * Hart 0's probes, in S-mode: one access to a0 each (a store as an AMO
 * that ORs in zero: the memory keeps its value). A page fault lands in
 * s_trap, which records scause and stval in probe_cause and probe_tval
 * and resumes after the access; after a fetch, at ra, which jalr wrote
 * before the fetch faulted. s_ret is a fetch that may succeed.
 */
	.globl probe_load, probe_store, probe_fetch, s_ret, s_trap
probe_load:
	lw	t0, 0(a0)
	ret
probe_store:
	amoor.w	zero, zero, (a0)
	ret
probe_fetch:
	mv	t1, ra
	jalr	ra, 0(a0)
	mv	ra, t1
	ret
s_ret:
	ret

	.align 2
s_trap:
	csrr	t2, scause
	la	t3, probe_cause
	sw	t2, 0(t3)
	csrr	t2, stval
	la	t3, probe_tval
	sw	t2, 0(t3)
	csrr	t2, scause
	li	t3, 12
	beq	t2, t3, 1f
	csrr	t2, sepc
	addi	t2, t2, 4
	csrw	sepc, t2
	sret
1:	csrw	sepc, ra
	sret
