# Live QEMU: pgstub --qemu in front of a real guest's gdbstub (TCG).
TESTS += tests/live/test_live.sh
EXTRA_DIST += tests/live/test_live.sh tests/live/test_live.py \
	tests/live/live_guest.py tests/live/driver.py
