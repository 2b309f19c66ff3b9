# The text views built on the range walker (info tlb, info mem, info pg, vtop).
walker_view_sources +=
