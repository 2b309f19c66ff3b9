# The manual page (configure writes the version into it) and the bash
# completion, installed where bash-completion looks (configure.ac).
man_MANS = docs/pgstub.1
dist_bashcompletion_DATA = completion/pgstub
EXTRA_DIST += docs/pgstub.1.in

# For contributors: how an MMU family joins libpgwalk.
EXTRA_DIST += docs/adding-an-architecture.md
# The arm64 columns of info mem / info tlb.
EXTRA_DIST += docs/info-mem-arm64.md
