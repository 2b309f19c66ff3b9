#!/bin/sh
# record-all.sh [CONFIG...] - fetch kernels/busybox, build the initramfs
# images and record QEMU truth for every real-guest configuration of
# record.py, record_aarch64.py and record_riscv64.py (or the ones named), one after the other (TCG is CPU-bound; the machine is shared).
#
# OUTDIR of each config: ${PGSTUB_GUESTS:-${PGSTUB_CACHE:-/var/cache/pgstub}/guests}/CONFIG
# A config whose OUTDIR is complete and current (record.py --is-current: every
# input older than meta.json or unchanged by sha256) is skipped; set
# PGSTUB_FORCE=1 to re-record anyway.  Prints each config's timing; exits
# non-zero if any config failed (the others are still recorded).
# x86_64-crash (a real kdump, record_crash.py) is recorded only when named.
set -u

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${PGSTUB_CACHE:-/var/cache/pgstub}
GUESTS=${PGSTUB_GUESTS:-$CACHE/guests}
export PGSTUB_CACHE=$CACHE

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

t_all=$(now)
t=$(now)
"$here/fetch.sh" || { echo "record-all: fetch.sh failed" >&2; exit 1; }
echo "record-all: fetch: $(elapsed "$t") s"
t=$(now)
for arch in x86_64 i386; do
    "$here/mkinitramfs.sh" "$arch" >/dev/null ||
        { echo "record-all: mkinitramfs.sh $arch failed" >&2; exit 1; }
done
echo "record-all: initramfs: $(elapsed "$t") s"

if [ $# -eq 0 ]; then
    set -- $(python3 "$here/record.py" --list) $(python3 "$here/record_aarch64.py" --list) \
        $(python3 "$here/record_riscv64.py" --list)
fi

# record_crash.py records x86_64-crash and takes no CONFIG; the arm64
# guests have their own recorder.
is_current() {
    case $1 in
        x86_64-crash) python3 "$here/record_crash.py" --is-current "$2" ;;
        aarch64-*) python3 "$here/record_aarch64.py" --is-current "$1" "$2" ;;
        riscv64-*) python3 "$here/record_riscv64.py" --is-current "$1" "$2" ;;
        *) python3 "$here/record.py" --is-current "$1" "$2" ;;
    esac
}
record() {
    case $1 in
        x86_64-crash) python3 "$here/record_crash.py" "$2" ;;
        aarch64-*) python3 "$here/record_aarch64.py" "$1" "$2" ;;
        riscv64-*) python3 "$here/record_riscv64.py" "$1" "$2" ;;
        *) python3 "$here/record.py" "$1" "$2" ;;
    esac
}

mkdir -p "$GUESTS"
failed=""
summary=""
for cfg in "$@"; do
    out=$GUESTS/$cfg
    t=$(now)
    # arm64 guests: their own fetch (kernel flavour per config).
    case $cfg in
    aarch64-*)
        flavour=arm64
        [ "$cfg" = aarch64-virt-16k ] && flavour=arm64-16k  # 4k, 4k-el2: arm64
        "$here/fetch-aarch64.sh" "$flavour" ||
            { echo "record-all: fetch-aarch64.sh $flavour failed" >&2; failed="$failed $cfg"; continue; }
        ;;
    riscv64-*)
        "$here/fetch-riscv64.sh" ||
            { echo "record-all: fetch-riscv64.sh failed" >&2; failed="$failed $cfg"; continue; }
        ;;
    esac
    if [ "${PGSTUB_FORCE:-0}" != 1 ] &&
       why=$(is_current "$cfg" "$out"); then
        status="cached"
    else
        [ "${PGSTUB_FORCE:-0}" = 1 ] && why="forced"
        echo "record-all: $cfg: recording ($why)"
        if record "$cfg" "$out"; then
            status="recorded"
        else
            status="FAILED"
            failed="$failed $cfg"
        fi
    fi
    line=$(printf '%-16s %-8s %6s s  %s' "$cfg" "$status" "$(elapsed "$t")" "$out")
    echo "record-all: $line"
    summary="$summary$line
"
done

echo "record-all: summary (total $(elapsed "$t_all") s):"
printf '%s' "$summary"
if [ -n "$failed" ]; then
    echo "record-all: FAILED:$failed" >&2
    exit 1
fi
exit 0
