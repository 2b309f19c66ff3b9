#!/bin/busybox sh
# /init of the VMCOREINFO real-guest initramfs (record_vmci.py): loads
# qemu_fw_cfg, whose probe writes the kernel's VMCOREINFO note into QEMU's
# fw_cfg file "etc/vmcoreinfo" (-device vmcoreinfo), so dump-guest-memory
# adds it to the dump; says where the note is, then runs the usual init.
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox insmod /lib/modules/qemu_fw_cfg.ko ||
	echo "PGSTUB-VMCOREINFO-FAIL insmod qemu_fw_cfg"
echo "PGSTUB-VMCOREINFO-NOTE $(/bin/busybox cat /sys/kernel/vmcoreinfo)"
[ -e /sys/firmware/qemu_fw_cfg/by_name/etc/vmcoreinfo ] ||
	echo "PGSTUB-VMCOREINFO-FAIL no fw_cfg file etc/vmcoreinfo"
/bin/busybox umount /sys
/bin/busybox umount /proc
exec /init.base
