#!/bin/sh
# Razor Microkernel install mode (ADR 0029). razor boots this MK with razor.install=<plan URL> to
# install a bound node from a root filesystem image: fetch the plan, partition the first disk that
# is large enough (GPT: BIOS boot, EFI system, root), make the file systems, stream the archive
# from razor's image service checking its SHA-256, make it this node (fstab, hostname, root password
# hash, SSH key, its own host keys and machine-id, razor's first-boot settings), install GRUB for
# BIOS and UEFI, and reboot into it. Every step is reported through the install's callbacks. A
# failed step wipes the partition table (a half-written disk never boots), sends the tail of its
# output and install/fail/<step>, and leaves the agent to check in as usual.
MK_HOME=${MK_HOME:-/mk}
. "$MK_HOME/lib/common.sh"
. "$MK_HOME/lib/net.sh"
. "$MK_HOME/lib/json.sh"
PATH="$MK_HOME/bin:$PATH"

target=${MK_TARGET:-/target}
steplog="$MK_STATE/install-step.log"
disk=''
wiped=no
callback_url=''

# report ACTION — one install callback (30 s limit); a failure is logged, never fatal.
report() {
  [ -n "$callback_url" ] || return 0
  timeout 30 wget -q -O /dev/null "$callback_url/install/$1" 2> /dev/null || log "callback install/$1 failed"
}

# part N — the device of partition N of $disk (vda3, nvme0n1p3).
part() {
  case "$disk" in *[0-9]) echo "/dev/${disk}p$1" ;; *) echo "/dev/$disk$1" ;; esac
}

# unmount_all — everything under $target, innermost first.
unmount_all() {
  local m
  for m in $(awk -v t="$target" '$2 == t || index($2, t "/") == 1 { print $2 }' /proc/mounts | sort -r); do
    umount "$m" 2> /dev/null || umount -l "$m" 2> /dev/null
  done
}

# fail STEP WHY — reports the failure (with the step's output) and stops; the agent takes over.
fail() {
  log "install failed at $1: $2"
  unmount_all
  if [ -n "$disk" ] && [ "$wiped" = yes ]; then
    wipefs -a "/dev/$disk" > /dev/null 2>&1 && log "wiped /dev/$disk: nothing half-written will boot"
  fi
  { tail -n 15 "$steplog" 2> /dev/null; echo "$2"; } | while IFS= read -r line; do
    [ -n "$line" ] && report "log/$(printf '%s' "$line" | cut -c1-200 | tr -d '\n' | urlencode)"
  done
  report "fail/$1"
  exit 1
}

# step NAME FUNCTION — runs one step with its output in the step log; reports it; fails on error.
step() {
  log "install: $1"
  report "step/$1"
  : > "$steplog"
  "$2" >> "$steplog" 2>&1 || fail "$1" "$(tail -n 1 "$steplog")"
  log "install: $1 done: $(tail -n 1 "$steplog" | cut -c1-160)"
}

# pick_disk — the first disk (not removable, not read-only) of at least $need bytes. Disk drivers
# load in the background: wait up to 60 s for any disk, then 10 s more for one large enough.
pick_disk() {
  local d name size i=0 seen='' grace=10
  while [ $i -lt 60 ] && [ $grace -gt 0 ]; do
    for d in /sys/block/*; do
      name=${d##*/}
      case "$name" in loop* | ram* | sr* | fd* | zram* | md* | dm-*) continue ;; esac
      [ "$(cat "$d/removable" 2> /dev/null)" = 0 ] || continue
      [ "$(cat "$d/ro" 2> /dev/null)" = 0 ] || continue
      size=$(($(cat "$d/size") * 512))
      case " $seen " in *" $name "*) ;; *)
        seen="$seen $name"
        echo "found /dev/$name: $((size / 1048576)) MiB"
        ;;
      esac
      [ "$size" -ge "$need" ] && disk=$name && return 0
    done
    sleep 1
    i=$((i + 1))
    [ -z "$seen" ] || grace=$((grace - 1))
  done
  echo "no disk of at least $((need / 1048576)) MiB (the image unpacks to $((image_unpacked_size / 1048576)) MiB, plus 1 GiB); disks:${seen:- none}"
  return 1
}

do_partition() {
  wiped=yes
  printf '%s\n' 'label: gpt' \
    'size=1MiB, type=21686148-6449-6E6F-744E-656564454649, name=bios' \
    'size=256MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=esp' \
    'type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=root' | sfdisk --wipe always --quiet "/dev/$disk" || return 1
  local i=0
  while [ ! -b "$(part 3)" ] && [ $i -lt 50 ]; do sleep 0.2 && i=$((i + 1)); done
  [ -b "$(part 3)" ] || { echo "$(part 3) did not appear" && return 1; }
}

# do_mkfs — the file systems, with identities chosen here (fstab names them; no blkid needed).
do_mkfs() {
  root_uuid=$(cat /proc/sys/kernel/random/uuid)
  esp_id=$(tr -d '-' < /proc/sys/kernel/random/uuid | cut -c1-8 | tr 'a-f' 'A-F')
  mkfs.fat -F 32 -n EFI -i "$esp_id" "$(part 2)" && mkfs.ext4 -q -F -L root -U "$root_uuid" "$(part 3)"
}

# do_stream — the archive from the image service into the new root, its SHA-256 checked on the way.
do_stream() {
  local unpack sum
  mkdir -p "$target" && mount -t ext4 "$(part 3)" "$target" || return 1
  case "$image_url" in
    *.zst) unpack='zstd -d -c' ;; *.gz) unpack='gzip -d -c' ;; *.xz) unpack='xz -d -c' ;; *) unpack=cat ;;
  esac
  rm -f "$MK_STATE/sum.fifo" && mkfifo "$MK_STATE/sum.fifo"
  sha256sum < "$MK_STATE/sum.fifo" > "$MK_STATE/sum" &
  # The pipeline's status is tar's: a cut-off download ends the stream early and tar fails.
  wget -q -O - "$image_url" | tee "$MK_STATE/sum.fifo" | $unpack | tar -x -p --numeric-owner -C "$target" ||
    { echo "unpacking $image_url failed" && return 1; }
  wait
  sum=$(cut -d' ' -f1 "$MK_STATE/sum")
  if [ "$sum" != "$image_sha256" ]; then
    echo "checksum mismatch: $image_url has SHA-256 $sum, the image razor recorded $image_sha256"
    return 1
  fi
  echo "unpacked $image_url ($(du -sm "$target" | cut -f1) MiB), SHA-256 $sum as recorded"
}

do_configure() {
  local t=$target
  mkdir -p "$t/boot/efi" && mount -t vfat "$(part 2)" "$t/boot/efi" || return 1
  printf 'UUID=%s / ext4 errors=remount-ro 0 1\nUUID=%s-%s /boot/efi vfat umask=0077 0 1\n' \
    "$root_uuid" "$(echo "$esp_id" | cut -c1-4)" "$(echo "$esp_id" | cut -c5-8)" > "$t/etc/fstab"
  echo "$short_hostname" > "$t/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s %s\n' "$hostname" "$short_hostname" > "$t/etc/hosts"
  mkdir -p "$t/etc/razor" && chmod 0700 "$t/etc/razor"
  printf 'callback_url=%s\nhostname=%s\n' "$callback_url" "$hostname" > "$t/etc/razor/node"
  chmod 0600 "$t/etc/razor/node"
  [ -z "$root_password_hash" ] || sed -i "s|^root:[^:]*:|root:$root_password_hash:|" "$t/etc/shadow"
  if [ -n "$ssh_authorized_key" ]; then
    mkdir -p "$t/root/.ssh" && chmod 0700 "$t/root/.ssh"
    echo "$ssh_authorized_key" > "$t/root/.ssh/authorized_keys" && chmod 0600 "$t/root/.ssh/authorized_keys"
  fi
  for m in dev proc sys; do mount -o bind "/$m" "$t/$m" || return 1; done
  # This machine's own identity, never the archive's.
  rm -f "$t"/etc/ssh/ssh_host_* && : > "$t/etc/machine-id"
  chroot "$t" ssh-keygen -A && chroot "$t" systemd-machine-id-setup
}

do_grub() {
  local t=$target
  [ -f "$t/etc/default/grub" ] || printf 'GRUB_DEFAULT=0\nGRUB_DISTRIBUTOR=Debian\n' > "$t/etc/default/grub"
  sed -i '/^GRUB_TIMEOUT=/d; /^GRUB_CMDLINE_LINUX=/d; /^GRUB_TERMINAL=/d; /^GRUB_SERIAL_COMMAND=/d' "$t/etc/default/grub"
  printf '%s\n' 'GRUB_TIMEOUT=1' 'GRUB_CMDLINE_LINUX="console=tty0 console=ttyS0,115200n8"' \
    'GRUB_TERMINAL="console serial"' 'GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"' \
    >> "$t/etc/default/grub"
  # grub-mkconfig names the root by UUID only when /dev/disk/by-uuid has it (udev's job; no udev here).
  mkdir -p /dev/disk/by-uuid && ln -sf "$(part 3)" "/dev/disk/by-uuid/$root_uuid"
  chroot "$t" grub-install --target=i386-pc "/dev/$disk" &&
    chroot "$t" grub-install --target=x86_64-efi --efi-directory=/boot/efi --removable --no-nvram &&
    chroot "$t" update-grub
}

main() {
  local plan_url=$1 i=0
  state_set install.tried "$plan_url"
  modprobe -a -q ext4 crc32c_generic vfat nls_cp437 nls_ascii 2> /dev/null
  wait_for_network
  # The plan: shell assignments, each value quoted by razor (install-plan.sh.hbs).
  until timeout 30 wget -q -O "$MK_STATE/plan" "$plan_url" 2> /dev/null; do
    i=$((i + 1))
    [ $i -lt 10 ] || { log "could not fetch the install plan $plan_url; checking in instead" && exit 1; }
    sleep 5
  done
  . "$MK_STATE/plan"
  log "install plan for $hostname: $image_url"
  need=$((image_unpacked_size + 1073741824))
  report start
  step disk pick_disk
  log "installing on /dev/$disk"
  step partition do_partition
  step mkfs do_mkfs
  step stream do_stream
  step configure do_configure
  step grub do_grub
  unmount_all
  sync
  report done
  log "installed $hostname on /dev/$disk; rebooting into it"
  sleep 1
  reboot -f
}

main "$@"
