#!/usr/bin/env bash
# Builds the root filesystem archive razor's image-based install writes to a node's disk: Debian
# bookworm (amd64) from Debian packages with mmdebstrap — the kernel and initramfs, GRUB for BIOS
# and UEFI, openssh-server, puppet-agent and razor's first-boot unit (scripts/rootfs/). The archive
# has no SSH host keys and an empty machine-id: the installer gives every machine its own.
# Ready for `razor image add -t rootfs -p <archive>`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/scripts/rootfs"
cache="${RAZOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/razor}/rootfs"
sources="${ROOTFS_SOURCES:-/etc/apt/sources.list.d/debian.sources}"

usage() {
  cat << EOF
Usage: scripts/build-rootfs.sh [--force] [OUTPUT.tar.zst]

Builds a Debian bookworm root filesystem archive (tar + zstd) with mmdebstrap (as root) from the
packages in scripts/rootfs/packages.txt, with razor's first-boot unit from scripts/rootfs/.
Prints the archive's path on stdout; progress goes to stderr.

Cache: the archive is kept as $cache/<key>.tar.zst
  (\$RAZOR_CACHE/rootfs, default ~/.cache/razor/rootfs), where <key> is the SHA-256 of the package
  list, this script and the files in scripts/rootfs/. A build whose key matches reuses it.
  OUTPUT, if given, is a copy (a hard link where possible) of the cached archive.
  --force  builds again even when the cache has the archive.
Environment: RAZOR_CACHE, ROOTFS_SOURCES (apt sources for mmdebstrap; default the host's
  $sources, or Debian's mirror when that file is missing).
EOF
}

die() {
  echo "build-rootfs: $*" >&2
  exit 1
}
say() { echo "build-rootfs: [$((SECONDS))s] $*" >&2; }

force=0
out=""
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage && exit 0 ;;
    --force) force=1 ;;
    -*) die "unknown option $arg (see --help)" ;;
    *) out="$arg" ;;
  esac
done

for tool in mmdebstrap zstd sha256sum tar flock; do
  command -v "$tool" > /dev/null || die "'$tool' is missing; run ./scripts/system-deps.sh"
done
[ "$(id -u)" -eq 0 ] || die "mmdebstrap's root mode needs root (it mounts /proc, /sys and /dev in the chroot)"

# The cache key: everything that decides the archive's contents.
key="$(cd "$root" && cat scripts/build-rootfs.sh scripts/rootfs/* | sha256sum | cut -c1-16)"
archive="$cache/$key.tar.zst"
mkdir -p "$cache"
exec 9> "$cache/.lock"
flock 9

if [ "$force" -eq 1 ] || [ ! -s "$archive" ]; then
  packages="$(grep -v -e '^#' -e '^$' "$src/packages.txt" | paste -sd, -)"
  mirror=()
  [ -f "$sources" ] && mirror=("$sources")
  partial="$cache/.$key.$$.tar.zst"
  trap 'rm -f "$partial"' EXIT
  say "building $archive with mmdebstrap (a few minutes; mmdebstrap's I: lines follow)"
  mmdebstrap --mode=root --variant=minbase --arch=amd64 \
    --aptopt='Acquire::Check-Valid-Until "false"' \
    --include="$packages" \
    --customize-hook="cp '$src/razor-postinstall' \"\$1/usr/local/sbin/razor-postinstall\"" \
    --customize-hook="cp '$src/razor-postinstall.service' '$src/razor-ssh-keygen.service' \"\$1/etc/systemd/system/\"" \
    --customize-hook="cp '$src/80-dhcp.network' \"\$1/etc/systemd/network/\"" \
    --customize-hook='systemctl --root="$1" enable razor-postinstall.service razor-ssh-keygen.service systemd-networkd.service systemd-resolved.service' \
    --customize-hook='mkdir -p "$1/etc/razor" && chmod 0700 "$1/etc/razor"' \
    --customize-hook='rm -f "$1"/etc/ssh/ssh_host_* "$1/etc/apt/apt.conf.d/99mmdebstrap" "$1/var/lib/dbus/machine-id"' \
    --customize-hook=': > "$1/etc/machine-id" && echo localhost > "$1/etc/hostname"' \
    bookworm "$partial" "${mirror[@]}" >&2
  mv "$partial" "$archive"
  trap - EXIT
  say "built $archive ($(du -h "$archive" | cut -f1))"
else
  say "reusing $archive (cache key $key)"
fi

# A cheap check that the archive is what the installer needs.
listing="$(tar -tf "$archive")"
grep -q '^\./boot/vmlinuz-' <<< "$listing" || die "$archive has no boot/vmlinuz-*"
grep -q '^\./etc/ssh/ssh_host_' <<< "$listing" && die "$archive carries SSH host keys"

if [ -n "$out" ]; then
  mkdir -p "$(dirname "$out")"
  rm -f "$out"
  ln "$archive" "$out" 2> /dev/null || cp "$archive" "$out"
  echo "$out"
else
  echo "$archive"
fi
