# Fuzz targets over the guest sources (snapshot parsers): see local.mk.
