# The x86 family: 32-bit, PAE, IA-32e 4/5-level, EPT and NPT.
walker_arch_sources += \
	walker/x86/x86_priv.h \
	walker/x86/formats.c \
	walker/x86/ctx.c \
	walker/x86/entry.c \
	walker/x86/letters.c
