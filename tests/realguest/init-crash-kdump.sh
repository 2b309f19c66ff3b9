#!/bin/busybox sh
# /init of the x86_64-crash guest's crash kernel (record_crash.py): saves
# /proc/vmcore onto the virtio disks as the plain ELF (serial "elf"), as
# makedumpfile -c -d 31 (serial "kdump"), -E -d 31 (serial "elfd31") and
# -l -d 0 (serial "lzo": every page), makedumpfile's output flattened
# (-F) since a disk has no file size; then powers off.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin LD_LIBRARY_PATH=/lib/x86_64-linux-gnu

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "PGSTUB-KDUMP up $(uname -r) vmcore=$(stat -c %s /proc/vmcore 2>/dev/null)"
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk; do
	insmod /lib/modules/$m.ko || echo "PGSTUB-FAIL insmod $m"
done
sleep 1

disk() {
	for b in /sys/block/vd*; do
		[ "$(cat "$b/serial" 2>/dev/null)" = "$1" ] && { echo "/dev/${b##*/}"; return; }
	done
}
now() { cut -d' ' -f1 /proc/uptime; }

t=$(now)
d=$(disk elf)
if [ -n "$d" ] && dd if=/proc/vmcore of="$d" bs=1M 2>/dev/null; then
	echo "PGSTUB-SAVED elf $t $(now)"
else
	echo "PGSTUB-FAIL elf (disk '$d')"
fi
for spec in "kdump -c 31" "elfd31 -E 31" "lzo -l 0"; do
	set -- $spec
	t=$(now)
	d=$(disk "$1")
	if [ -n "$d" ] && makedumpfile -F "$2" -d "$3" /proc/vmcore 2>/tmp/err | dd of="$d" bs=1M 2>/dev/null &&
	   grep -q 'makedumpfile Completed' /tmp/err; then
		echo "PGSTUB-SAVED $1 $t $(now)"
	else
		echo "PGSTUB-FAIL $1 (disk '$d'): $(tr '\n' ' ' </tmp/err)"
	fi
done
sync
echo "PGSTUB-KDUMP-DONE"
poweroff -f
