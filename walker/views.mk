# The text views built on the range walker (info tlb, info mem, info pg, vtop,
# gva2gpa) and the merged mappings for the memory map and ELF export.
walker_view_sources += \
	walker/view_priv.h \
	walker/view_out.c \
	walker/view_tlb.c \
	walker/view_mem.c \
	walker/view_pg.c \
	walker/view_vtop.c \
	walker/view_map.c
