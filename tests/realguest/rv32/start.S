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
