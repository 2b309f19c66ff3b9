# The ppc64 family: the hashed page table (SLB + HTAB), its HTAB stream
# decoder and its views.
walker_arch_sources += \
	walker/ppc64/ppc64_priv.h \
	walker/ppc64/formats.c \
	walker/ppc64/hash.c \
	walker/ppc64/htab_stream.c \
	walker/ppc64/view_hash.c

# The radix MMU (Power ISA 3.0B/3.1): partition and process tables,
# quadrants, the trees, and the partition-scoped (nested) stage.
walker_arch_sources += \
	walker/ppc64/radix_priv.h \
	walker/ppc64/radix_formats.c \
	walker/ppc64/radix_ctx.c \
	walker/ppc64/radix_entry.c
