#!/bin/busybox sh
# /init of the live tests' spawning guest (tests/live/test_spawn.py): on
# every vCPU a loop that starts a new busybox process every moment, so that
# a debugger connected earlier stops in processes that did not exist then.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo 1 >/proc/sys/kernel/printk

echo "PGSTUB-UNAME $(uname -r) $(uname -m)"
echo "PGSTUB-CMDLINE $(cat /proc/cmdline)"
ncpu=$(grep -c '^processor' /proc/cpuinfo)
c=0
while [ "$c" -lt "$ncpu" ]; do
    # Each round execs busybox anew: a fresh address space and stack.
    taskset -c "$c" sh -c 'while :; do busybox sh -c "i=0; while [ \$i -lt 300 ]; do i=\$((i+1)); done"; done' &
    c=$((c + 1))
done
echo "PGSTUB-READY ncpu=$ncpu"
while :; do sleep 3600; done
