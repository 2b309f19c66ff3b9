# The arm64 family: VMSAv8-64 stage 1 (EL1&0) and stage 2.
walker_arch_sources += \
	walker/arm64/arm64_priv.h \
	walker/arm64/formats.c \
	walker/arm64/ctx.c \
	walker/arm64/entry.c \
	walker/arm64/letters.c \
	walker/arm64/prot.c
