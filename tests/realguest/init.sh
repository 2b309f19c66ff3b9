#!/bin/busybox sh
# /init of the pgstub real-guest initramfs (see tests/realguest/README.md).
# Prints PGSTUB-* marker lines on the console (ttyS0), leaves one busy user
# process pinned to each vCPU, then prints PGSTUB-READY and idles forever.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp && mount -t tmpfs tmpfs /tmp
sysctl -w kernel.kptr_restrict=0 >/dev/null
echo 0 >/proc/sys/kernel/printk_ratelimit 2>/dev/null
# Keep the kernel quiet on the console from here on so marker lines are not
# interleaved with printk output.
echo 1 >/proc/sys/kernel/printk

echo "PGSTUB-UNAME $(uname -r) $(uname -m)"
echo "PGSTUB-CMDLINE $(cat /proc/cmdline)"
echo "PGSTUB-MELTDOWN $(cat /sys/devices/system/cpu/vulnerabilities/meltdown 2>/dev/null)"
awk '$3 ~ /^(_text|_stext|_etext|_edata|_end|init_task|sys_call_table|linux_banner|init_top_pgt|init_mm|swapper_pg_dir|initial_page_table|page_offset_base|vmalloc_base|vmemmap_base|phys_base|startup_64|startup_32|start_kernel)$/ { print "PGSTUB-KSYM " $0 }' /proc/kallsyms
grep -E 'System RAM|Kernel (code|data|bss)' /proc/iomem | sed 's/^ */PGSTUB-IOMEM /'

# A few idle user processes.
sleep 1000000 &
echo "PGSTUB-PROC sleep pid=$!"
sleep 1000001 &
echo "PGSTUB-PROC sleep pid=$!"
mkfifo /tmp/fifo
cat /tmp/fifo >/dev/null &
echo "PGSTUB-PROC cat pid=$!"

# One busy user process pinned to each vCPU, so CR3 holds a user address
# space (and CPL is 3) most of the time when the guest is stopped. An
# initramfs with /busy (record_faults.py's: the fault probes) runs that.
ncpu=$(grep -c '^processor' /proc/cpuinfo)
c=0
while [ "$c" -lt "$ncpu" ]; do
    if [ -x /busy ]; then
        taskset -c "$c" /busy "$c" &
    else
        taskset -c "$c" sh -c 'while :; do :; done' &
    fi
    echo "PGSTUB-BUSY cpu=$c pid=$!"
    c=$((c + 1))
done

sleep 1
echo "PGSTUB-READY ncpu=$ncpu"
while :; do sleep 3600; done
