#!/bin/busybox sh
# /init of the pgstub arm64 real-guest initramfs (record_aarch64.py).
# Loads Debian's qemu_fw_cfg module first: its probe hands the kernel's
# VMCOREINFO note to QEMU (-device vmcoreinfo), so dump-guest-memory writes
# it into both dumps. Then it prints the PGSTUB-* marker lines the recorder
# samples addresses from (kernel symbols, modules, vmalloc areas, the busy
# processes' /proc/PID/maps), leaves one busy user process pinned to each
# vCPU, prints PGSTUB-READY and idles forever.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp && mount -t tmpfs tmpfs /tmp
sysctl -w kernel.kptr_restrict=1 >/dev/null
# The modules' dependencies come first (the list is written at build time).
for m in $(cat /lib/modules/load-order); do
	insmod "/lib/modules/$m" || echo "PGSTUB-VMCOREINFO-FAIL insmod $m"
done
echo "PGSTUB-VMCOREINFO-NOTE $(cat /sys/kernel/vmcoreinfo)"
[ -e /sys/firmware/qemu_fw_cfg/by_name/etc/vmcoreinfo ] ||
	echo "PGSTUB-VMCOREINFO-FAIL no fw_cfg file etc/vmcoreinfo"
# Keep the kernel quiet on the console from here on so marker lines are not
# interleaved with printk output.
echo 1 >/proc/sys/kernel/printk

echo "PGSTUB-UNAME $(uname -r) $(uname -m)"
echo "PGSTUB-CMDLINE $(cat /proc/cmdline)"
echo "PGSTUB-MELTDOWN $(cat /sys/devices/system/cpu/vulnerabilities/meltdown 2>/dev/null)"
dmesg | grep -E 'CPU features: detected|KASLR|Kernel page table isolation' |
	sed 's/^/PGSTUB-DMESG /'
awk '$3 ~ /^(_text|_stext|_etext|_sdata|_edata|__bss_start|_end|__init_begin|__init_end|init_task|linux_banner|swapper_pg_dir|idmap_pg_dir|tramp_pg_dir|reserved_pg_dir|init_mm|start_kernel|vectors|runqueues|__per_cpu_offset|__per_cpu_start|kimage_voffset|memstart_addr|jiffies_64|init_uts_ns|vmemmap_populate|fw_cfg_sysfs_probe)$/ { print "PGSTUB-KSYM " $0 }' /proc/kallsyms
sed 's/^/PGSTUB-MODULE /' /proc/modules
grep -E 'System RAM|Kernel (code|data)' /proc/iomem | sed 's/^ */PGSTUB-IOMEM /'
echo "PGSTUB-PAGESIZE $(grep -m1 KernelPageSize /proc/self/smaps | awk '{ print $2 }')"

# A few idle user processes.
sleep 1000000 &
echo "PGSTUB-PROC sleep pid=$!"
mkfifo /tmp/fifo
cat /tmp/fifo >/dev/null &
echo "PGSTUB-PROC cat pid=$!"

# One busy user process pinned to each vCPU, so that the vCPU runs at EL0
# with TTBR0_EL1 holding a user address space most of the time.
ncpu=$(grep -c '^processor' /proc/cpuinfo)
c=0
while [ "$c" -lt "$ncpu" ]; do
	taskset -c "$c" sh -c 'while :; do :; done' &
	echo "PGSTUB-BUSY cpu=$c pid=$!"
	c=$((c + 1))
done

sleep 1
for pid in $(jobs -p 2>/dev/null) $(pidof sh sleep cat 2>/dev/null); do
	[ -r /proc/$pid/maps ] && sed "s/^/PGSTUB-MAPS $pid /" /proc/$pid/maps
done
grep -E 'vmalloc|vmap|ioremap|module|alloc_large|pcpu' /proc/vmallocinfo | head -400 |
	sed 's/^/PGSTUB-VMALLOC /'
echo "PGSTUB-READY ncpu=$ncpu"
while :; do sleep 3600; done
