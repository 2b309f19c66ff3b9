# The RISC-V family: Sv32, Sv39, Sv48, Sv57 and the G-stage Sv39x4..Sv57x4.
walker_arch_sources += \
	walker/riscv/riscv_priv.h \
	walker/riscv/formats.c \
	walker/riscv/ctx.c \
	walker/riscv/entry.c \
	walker/riscv/letters.c \
	walker/riscv/view_mem.c
