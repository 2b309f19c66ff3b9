# scripts/ and README's command lines: setup-deps as root without sudo and
# as a user; the "Try it" lines exactly as tested and as CI runs them.
TESTS += tests/scripts/test_readme.sh
EXTRA_DIST += tests/scripts/test_readme.sh
# The README's commands run them: a release tarball has them too.
dist_noinst_SCRIPTS += scripts/setup-deps scripts/demo scripts/check
# README's "Using it" lines, each run as written; guest.mig is the
# recorded migration stream, so it waits for that recording.
TESTS += tests/scripts/test_readme_usage.sh
EXTRA_DIST += tests/scripts/test_readme_usage.sh tests/scripts/test_readme_usage.py
readme_usage_log = tests/scripts/test_readme_usage.sh.log
$(readme_usage_log): tests/realguest/test_realguest_x86mig.sh.log
