#!/usr/bin/env bash
# Builds the razor Microkernel ISO from Debian packages only, without installing any of them and
# without razor itself: the kernel and its modules come out of the linux-image .deb (fetched with
# `apt-get download`), busybox from busybox-static, the init and agent from mk/. Output:
# dist-mk/razor-mk-<version>.iso (or the path given), holding boot/vmlinuz, boot/initrd.gz and
# iso-metadata.yaml — ready for `razor image add -t mk -p <iso>`.
#
# Usage: scripts/build-mk.sh [OUTPUT.iso]
# Environment: MK_KERNEL_PACKAGE (default: what linux-image-amd64 depends on; the generic flavour,
#   because the cloud one has no e1000/e1000e/ahci), MK_CACHE (downloaded .debs; default
#   dist-mk/cache), MK_BUSYBOX (a static busybox; default /bin/busybox from busybox-static).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/mk"
version="$(tr -d ' \n' < "$src/VERSION")"
out="${1:-$root/dist-mk/razor-mk-$version.iso}"
cache="${MK_CACHE:-$root/dist-mk/cache}"
busybox="${MK_BUSYBOX:-/bin/busybox}"
# Drivers for QEMU/KVM, VMware and common server NICs and disk controllers; their dependencies
# are added from modules.dep. Firmware is not included (Debian ships it in non-free-firmware).
modules=(virtio_pci virtio_net virtio_blk virtio_scsi e1000 e1000e igb ixgbe tg3 bnx2 r8169
  vmxnet3 ahci ata_piix sd_mod nvme
  ext4 crc32c_generic vfat nls_cp437 nls_ascii)
# Install mode (ADR 0029) partitions a disk, makes its file systems and unpacks a root file system
# archive: Debian's own tools from this build host's packages, copied with the libraries they load.
install_tools=(sfdisk wipefs mkfs.fat mkfs.ext4 tar zstd)

die() {
  echo "build-mk: $*" >&2
  exit 1
}
say() { echo "build-mk: $*" >&2; }

for tool in apt-get apt-cache dpkg-deb xorriso gzip sha256sum flock ldd "${install_tools[@]}"; do
  command -v "$tool" > /dev/null || die "'$tool' is missing; run ./scripts/system-deps.sh"
done
[ -x "$busybox" ] || die "$busybox is missing; install busybox-static (./scripts/system-deps.sh)"
case "$(ldd "$busybox" 2>&1 || true)" in *'not a dynamic executable'*) ;; *)
  die "$busybox is dynamically linked; the initramfs needs busybox-static" ;;
esac

mkdir -p "$cache" "$(dirname "$out")"
# dist-mk/ is build output: keep it out of git without touching the checkout's .gitignore.
[ -e "$root/dist-mk/.gitignore" ] || { mkdir -p "$root/dist-mk" && echo '*' > "$root/dist-mk/.gitignore"; }

# --- the kernel package, downloaded once into the cache (one build at a time per cache) ---
exec 9> "$cache/.lock"
flock 9
pkg="${MK_KERNEL_PACKAGE:-}"
if [ -z "$pkg" ]; then
  # (Readers consume all their input: an early exit would SIGPIPE the writer and, with pipefail,
  # fail the build at random.)
  pkg="$(apt-cache depends linux-image-amd64 2> /dev/null | awk '/Depends: linux-image-[0-9]/ && !p { p = $2 } END { print p }')"
  [ -n "$pkg" ] || die "apt knows no linux-image-amd64; run apt-get update"
fi
deb="$(ls "$cache/${pkg}_"*.deb 2> /dev/null | tail -n 1 || true)"
if [ -z "$deb" ]; then
  say "downloading $pkg"
  (cd "$cache" && apt-get -q download "$pkg" 2>&1 | grep -v -e unsandboxed -e '^Get:' >&2 || true)
  deb="$(ls "$cache/${pkg}_"*.deb 2> /dev/null | tail -n 1 || true)"
  [ -n "$deb" ] || die "apt-get download $pkg failed"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/razor-mk.XXXXXX")"
trap 'rm -rf "$work"' EXIT
say "unpacking $(basename "$deb")"
dpkg-deb -x "$deb" "$work/deb"
kver="$(ls "$work/deb/lib/modules")"
[ -f "$work/deb/boot/vmlinuz-$kver" ] || die "$deb has no boot/vmlinuz-$kver"
# The .deb has no modules.dep (depmod runs at install time): make one with busybox depmod.
"$busybox" depmod -b "$work/deb" "$kver"
dep="$work/deb/lib/modules/$kver/modules.dep"

# --- the module closure ---
norm() { echo "$1" | tr - _; }
declare -A chosen=()
add_module() {
  local name line path d
  name="$(norm "$1")"
  line="$(awk -F: -v n="$name" '{ b = $1; sub(/.*\//, "", b); sub(/\.ko(\.[a-z]+)?$/, "", b); gsub(/-/, "_", b) } b == n { print; exit }' "$dep")"
  [ -n "$line" ] || die "module $1 is not in $pkg (built in, or another flavour?)"
  path="${line%%:*}"
  [ -n "${chosen[$path]:-}" ] && return 0
  chosen[$path]=1
  for d in ${line#*:}; do chosen[$d]=1; done
}
for m in "${modules[@]}"; do add_module "$m"; done

# --- the initramfs tree ---
fs="$work/rootfs"
mkdir -p "$fs"/{bin,sbin,etc,proc,sys,dev,run,tmp,root,var/log,mk/lib,usr/bin,usr/sbin}
cp "$busybox" "$fs/bin/busybox"
install -m 0755 "$src/init" "$fs/init"
install -m 0755 "$src/agent.sh" "$src/udhcpc.sh" "$fs/mk/"
install -m 0644 "$src"/lib/*.sh "$fs/mk/lib/"
install -m 0644 "$src/inittab" "$fs/etc/inittab"
install -m 0755 "$src/install.sh" "$fs/mk/"
# copy_exec TOOL — the tool into /mk/bin, its libraries (and the loader) where it looks for them.
copy_exec() {
  local path lib
  path="$(command -v "$1")"
  install -m 0755 "$(readlink -f "$path")" "$fs/mk/bin/$1"
  for lib in $(ldd "$path" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
    [ -e "$fs$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$fs$lib"
  done
}
mkdir -p "$fs/mk/bin" "$fs/etc"
for t in "${install_tools[@]}"; do copy_exec "$t"; done
[ -f /etc/mke2fs.conf ] && cp /etc/mke2fs.conf "$fs/etc/"
echo "$version" > "$fs/etc/mk-version"
mdir="$fs/lib/modules/$kver"
mkdir -p "$mdir"
for p in "${!chosen[@]}"; do
  mkdir -p "$mdir/$(dirname "$p")"
  cp "$work/deb/lib/modules/$kver/$p" "$mdir/$p"
done
cp "$work/deb/lib/modules/$kver"/modules.builtin* "$mdir/"
"$busybox" depmod -b "$fs" "$kver"
# The kernel opens /dev/console before /init runs; devtmpfs replaces /dev afterwards.
[ "$(id -u)" -eq 0 ] && mknod -m 0600 "$fs/dev/console" c 5 1

iso="$work/iso"
mkdir -p "$iso/boot"
cp "$work/deb/boot/vmlinuz-$kver" "$iso/boot/vmlinuz"
(cd "$fs" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc -R 0:0 2> /dev/null) |
  gzip -9 -n > "$iso/boot/initrd.gz"

debver="$(dpkg-deb -f "$deb" Version)"
bbver="$("$busybox" 2>&1 | sed -n '1s/^BusyBox \(v[^ ]*\).*/\1/p')"
mods="$(for p in "${!chosen[@]}"; do basename "$p" .ko; done | LC_ALL=C sort | paste -sd, - | sed 's/,/, /g')"
cat > "$iso/iso-metadata.yaml" << EOF
# Razor Microkernel image (scripts/build-mk.sh); verified by razor image add -t mk.
name: razor-microkernel
iso_version: "$version"
iso_build_time: "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
kernel: boot/vmlinuz
initrd: boot/initrd.gz
kernel_hash: "$(sha256sum "$iso/boot/vmlinuz" | cut -d' ' -f1)"
initrd_hash: "$(sha256sum "$iso/boot/initrd.gz" | cut -d' ' -f1)"
hash_description: {type: Digest::SHA2, bitlen: 256}
kernel_version: "$kver"
kernel_package: "$pkg $debver"
busybox_version: "$bbver"
modules: [$mods]
EOF

# Written next to the target and renamed: a reader never sees half an ISO.
part="$out.part.$$"
xorriso -as mkisofs -quiet -R -J -V "RAZOR_MK_${version//./_}" -o "$part" "$iso" 2> /dev/null ||
  { rm -f "$part"; die "xorriso failed"; }
mv -f "$part" "$out"
say "$out: $(du -k "$out" | cut -f1) KiB (kernel $kver $(du -k "$iso/boot/vmlinuz" | cut -f1) KiB," \
  "initrd $(du -k "$iso/boot/initrd.gz" | cut -f1) KiB, ${#chosen[@]} modules," \
  "install tools $(du -sk "$fs/mk/bin" "$fs/lib/x86_64-linux-gnu" "$fs/lib64" 2> /dev/null | awk '{ s += $1 } END { print s }') KiB unpacked)"
echo "$out"
