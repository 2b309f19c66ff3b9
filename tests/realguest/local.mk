# Real guests: QEMU's monitor as truth for pgstub (see tests/realguest/README.md).
TESTS += tests/realguest/test_realguest.sh tests/realguest/test_registers.sh
EXTRA_DIST += tests/realguest/test_realguest.sh tests/realguest/check.py \
	tests/realguest/test_registers.sh tests/realguest/check_registers.py
