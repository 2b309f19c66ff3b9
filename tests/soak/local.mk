# Soak: 1,000 connect/disconnect cycles in make check; `make soak` runs
# mixed GDB traffic against a real dump for SOAK_SECONDS (default 3600),
# printing pgstub's RSS and open descriptors as JSON lines.
TESTS += tests/soak/test_soak.sh
EXTRA_DIST += tests/soak/test_soak.sh tests/soak/soak.py

SOAK_SECONDS ?= 3600
SOAK_IMAGE ?= /var/cache/pgstub/guests/x86_64-4l/dump.elf
soak: pgstub$(EXEEXT)
	python3 $(srcdir)/tests/soak/soak.py cycles ./pgstub$(EXEEXT) \
		$(SOAK_IMAGE) 1000
	python3 $(srcdir)/tests/soak/soak.py traffic ./pgstub$(EXEEXT) \
		$(SOAK_IMAGE) $(SOAK_SECONDS)
.PHONY: soak
