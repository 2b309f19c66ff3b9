# tests/export/: `pgstub export --paging` read back by readelf and `gdb -c`
# (demo image, a synthetic image of more than 65535 segments, a real dump),
# and failures that must leave no file behind.
TESTS += tests/export/test_export.sh
EXTRA_DIST += tests/export/test_export.sh tests/export/mkmany.py
