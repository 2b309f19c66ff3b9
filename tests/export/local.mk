# tests/export/: `pgstub export --paging` read back by readelf and `gdb -c`
# (demo image, a synthetic image of more than 65535 segments, a real dump),
# and failures that must leave no file behind.
TESTS += tests/export/test_export.sh tests/export/test_export_aarch64.sh \
	tests/export/test_export_riscv64.sh
EXTRA_DIST += tests/export/test_export.sh tests/export/mkmany.py \
	tests/export/test_export_aarch64.sh tests/export/check_export_aarch64.py \
	tests/export/test_export_riscv64.sh tests/export/check_export_riscv64.py
# test_export_aarch64.sh reads the arm64 recordings: it waits for their
# recorder (tests/realguest/local.mk, realguest_aarch64_readers).
# test_export_riscv64.sh reads the riscv64 recordings: it waits for
# theirs (realguest_riscv64_readers).
