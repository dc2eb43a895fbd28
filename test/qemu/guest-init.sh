#!/bin/busybox sh
# /init of the qemu guest built by test/qemu/qemu-vm.ts (busybox initramfs).
# Loads the virtio/9p and IPVS modules copied into the initramfs, mounts the host's / read-only
# (9p tag "hostroot") at /host with fresh tmpfs over tmp, run, var/tmp and root, mounts the
# read-write job share (tag "job") at its host path, runs the job's cmd.sh in a chroot of the
# host root and powers off. Markers on the console (KTS_*) let the host tell how far it got.
# The guest has no network device; nothing here can reach a network.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "KTS_T init uptime=$(cut -d' ' -f1 /proc/uptime)"

off() {
  echo "KTS_T halt uptime=$(cut -d' ' -f1 /proc/uptime)"
  sync
  reboot -f
}

jobpath=
timeout_s=0
for a in $(cat /proc/cmdline); do
  case "$a" in
    kts_job=*) jobpath="${a#kts_job=}" ;;
    kts_timeout=*) timeout_s="${a#kts_timeout=}" ;;
  esac
done

# Modules in kmod's dependency order (softdeps included: libcrc32c needs a crc32c provider).
while read -r mod args; do
  [ -n "$mod" ] || continue
  # shellcheck disable=SC2086
  insmod "$mod" $args 2>/dev/null
done </etc/kts-modules
if grep -q '^ip_vs ' /proc/modules; then echo "KTS_OK ip_vs"; else echo "KTS_FAIL ip_vs"; fi

mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /host || { echo "KTS_FAIL mount hostroot"; off; }
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 job /job || { echo "KTS_FAIL mount job"; off; }
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t devtmpfs dev /host/dev
mkdir -p /host/dev/pts /host/dev/shm 2>/dev/null
mount -t devpts devpts /host/dev/pts 2>/dev/null
mount -t tmpfs -o mode=1777 tmpfs /host/dev/shm 2>/dev/null
for d in tmp run var/tmp root; do mount -t tmpfs -o mode=1777 tmpfs "/host/$d"; done
mount --bind /job "/host$jobpath" || { echo "KTS_FAIL bind job at $jobpath"; off; }
i=0
while read -r path; do
  [ -n "$path" ] || continue
  # A share under /tmp, /root… lands on the fresh tmpfs: make its mount point first.
  mkdir -p "/host$path" 2>/dev/null
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 "share$i" "/host$path" || echo "KTS_WARN share $path"
  i=$((i + 1))
done </job/shares

# Module autoloading (conntrack helpers, tunnels, …) runs the usermode helper in this root:
# hand it to the host's kmod, which knows the whole module tree.
printf '#!/bin/sh\nexec /bin/chroot /host /sbin/modprobe "$@"\n' >/bin/host-modprobe
chmod +x /bin/host-modprobe
echo /bin/host-modprobe >/proc/sys/kernel/modprobe
echo "KTS_T ready uptime=$(cut -d' ' -f1 /proc/uptime)"

cat >/bin/run-job <<EOF
#!/bin/sh
exec chroot /host /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
  HOME=/root TERM=dumb KTS_JOB_DIR="$jobpath" KTS_IN_GUEST=1 /bin/sh "$jobpath/cmd.sh"
EOF
chmod +x /bin/run-job
if [ "$timeout_s" -gt 0 ]; then
  timeout "$timeout_s" /bin/run-job >/job/out 2>&1
else
  /bin/run-job >/job/out 2>&1
fi
rc=$?
echo "$rc" >/job/rc
echo "KTS_T done rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
off
