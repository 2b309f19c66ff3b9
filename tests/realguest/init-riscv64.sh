#!/bin/busybox sh
# /init of the pgstub riscv64 real-guest initramfs (record_riscv64.py).
# Prints the PGSTUB-* marker lines the recorder samples addresses from
# (kernel symbols, vmalloc areas, the busy processes' /proc/PID/maps, the
# satp mode the kernel chose), leaves one busy user process pinned to each
# hart, prints PGSTUB-READY and idles forever.  QEMU 7.2's virt machine
# refuses -device vmcoreinfo, so there is no VMCOREINFO to hand over.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp && mount -t tmpfs tmpfs /tmp
sysctl -w kernel.kptr_restrict=1 >/dev/null
# Keep the kernel quiet on the console from here on so marker lines are not
# interleaved with printk output.
echo 1 >/proc/sys/kernel/printk

echo "PGSTUB-UNAME $(uname -r) $(uname -m)"
echo "PGSTUB-CMDLINE $(cat /proc/cmdline)"
grep -m1 '^mmu' /proc/cpuinfo | sed 's/^/PGSTUB-MMU /'
grep -m1 '^isa' /proc/cpuinfo | sed 's/^/PGSTUB-ISA /'
awk '$3 ~ /^(_text|_stext|_etext|_sdata|_edata|__bss_start|_end|__init_begin|__init_end|init_task|linux_banner|swapper_pg_dir|early_pg_dir|trampoline_pg_dir|init_mm|start_kernel|kernel_map|satp_mode|pgtable_l4_enabled|pgtable_l5_enabled|va_pa_offset|riscv_pfn_base|runqueues|__per_cpu_offset|__per_cpu_start|jiffies_64|init_uts_ns|handle_exception)$/ { print "PGSTUB-KSYM " $0 }' /proc/kallsyms
grep -E 'System RAM|Kernel (code|data|rodata|bss)' /proc/iomem | sed 's/^ */PGSTUB-IOMEM /'
echo "PGSTUB-PAGESIZE $(grep -m1 KernelPageSize /proc/self/smaps | awk '{ print $2 }')"

# A few idle user processes.
sleep 1000000 &
echo "PGSTUB-PROC sleep pid=$!"
mkfifo /tmp/fifo
cat /tmp/fifo >/dev/null &
echo "PGSTUB-PROC cat pid=$!"

# One busy user process pinned to each hart, so that the hart runs in
# U-mode with satp holding a user address space most of the time.
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
