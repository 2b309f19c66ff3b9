# scripts/ and README's command lines: setup-deps as root without sudo and
# as a user; the "Try it" lines exactly as tested and as CI runs them.
TESTS += tests/scripts/test_readme.sh
EXTRA_DIST += tests/scripts/test_readme.sh
