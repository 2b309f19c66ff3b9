#!/bin/busybox sh
# /init of the x86_64-crash guest (record_crash.py): loads the same kernel
# as its crash kernel (kexec -p), prints the truth the vmcore is checked
# against (PGSTUB-* lines), then waits for "crash" on ttyS1 and panics.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin LD_LIBRARY_PATH=/lib/x86_64-linux-gnu

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp && mount -t tmpfs tmpfs /tmp
# 1, not 0: root then sees real addresses, where 0 hashes %pK (and
# prints (____ptrval____) in /proc/vmallocinfo while the RNG is unseeded).
sysctl -w kernel.kptr_restrict=1 >/dev/null
echo 1 >/proc/sys/kernel/printk

echo "PGSTUB-UNAME $(uname -r) $(uname -m)"
echo "PGSTUB-CMDLINE $(cat /proc/cmdline)"
echo "PGSTUB-VERSION $(cat /proc/version)"
echo "PGSTUB-CRASHKERNEL $(grep 'Crash kernel' /proc/iomem)"

# Module text lives in the module area (vmalloc'd): load two of the modules
# the crash kernel needs anyway.
for m in virtio_ring virtio; do
	insmod /lib/modules/$m.ko || echo "PGSTUB-FAIL insmod $m"
done
echo "PGSTUB-MODULES $(tr '\n' ';' </proc/modules)"

awk '$3 ~ /^(_text|_stext|_etext|_edata|_end|__start_rodata|init_task|sys_call_table|linux_banner|init_top_pgt|init_mm|page_offset_base|vmalloc_base|vmemmap_base|phys_base|__per_cpu_offset|__per_cpu_start|cpu_number|this_cpu_off|current_task|jiffies|start_kernel|panic|sysrq_handle_crash)$/ { print "PGSTUB-KSYM " $0 }' /proc/kallsyms
# A few text symbols of the loaded modules.
grep -E ' [tT] [a-z_]+\s+\[virtio(_ring)?\]$' /proc/kallsyms | head -6 | sed 's/^/PGSTUB-MODSYM /'
# vmalloc'd areas (pages= means vmalloc allocated their pages).
grep 'pages=' /proc/vmallocinfo | grep ' vmalloc' | head -8 | sed 's/^/PGSTUB-VMALLOC /'
grep -E 'System RAM|Kernel (code|data|bss)|Crash kernel' /proc/iomem | sed 's/^ */PGSTUB-IOMEM /'

crashcmd="console=ttyS0 nr_cpus=1 maxcpus=1 reset_devices irqpoll panic=-1 no_timer_check nousb"
if kexec -p /crash/vmlinuz --initrd=/crash/initrd.gz --append="$crashcmd"; then
	echo "PGSTUB-KEXEC loaded $(cat /sys/kernel/kexec_crash_loaded)"
else
	echo "PGSTUB-FAIL kexec -p"
fi

# Idle user processes, and one busy one pinned to each vCPU (so the vCPUs
# can be stopped at CPL 3 with a user CR3).
sleep 1000000 &
sleep 1000001 &
ncpu=$(grep -c '^processor' /proc/cpuinfo)
c=0
while [ "$c" -lt "$ncpu" ]; do
	taskset -c "$c" sh -c 'while :; do :; done' &
	echo "PGSTUB-BUSY cpu=$c pid=$!"
	c=$((c + 1))
done
sleep 1
# The process list: PID and comm of every task (kernel threads too).
for d in /proc/[0-9]*; do
	[ -r "$d/comm" ] && echo "PGSTUB-PS ${d#/proc/} $(cat "$d/comm")"
done
echo "PGSTUB-SELF $$"
echo "PGSTUB-READY ncpu=$ncpu"

# The recorder stops the guest, takes QEMU's truth, continues and sends a
# line here: then this shell (PID $$) crashes the kernel.
read -r go </dev/ttyS1
echo "PGSTUB-CRASHING $go"
echo c >/proc/sysrq-trigger
echo "PGSTUB-FAIL still alive after sysrq c"
while :; do sleep 3600; done
