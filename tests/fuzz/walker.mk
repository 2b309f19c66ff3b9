# Fuzz targets over the walker (every paging mode, nested, ppc64 hash,
# the views that render walks): see local.mk.
