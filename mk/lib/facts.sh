# Razor Microkernel — facts: what the node is, read from /proc, /sys/class/dmi, /sys/class/net,
# /sys/block and the SMBIOS tables, with the original MK's names where it had one (reference
# §3.3: mk_hw_*, Facter's macaddress_*, is_virtual…). `collect_facts` prints `name<TAB>value`
# lines sorted by name; values are printable ASCII, empty values are left out. See mk/README.md.

# clean — printable ASCII on one line, surrounding blanks trimmed (DMI strings are padded).
clean() { tr -c ' -~' ' ' | sed 's/^ *//; s/ *$//'; }

# rd FILE — the cleaned contents of FILE, or nothing.
rd() { [ -r "$1" ] && clean < "$1"; }

# dmi FIELD — /sys/class/dmi/id/FIELD, cleaned.
dmi() { rd "$MK_SYS/class/dmi/id/$1"; }

# fact NAME VALUE — prints the fact unless VALUE is empty.
fact() { [ -n "$2" ] && printf '%s\t%s\n' "$1" "$2"; return 0; }

# lshw_size BYTES — lshw's notation: divide by 1024 while > 10000 or exact (2GiB, 1536MiB, 768MiB).
lshw_size() {
  local v=$1 i=0
  while [ "$v" -gt 0 ] && [ "$i" -lt 6 ] && { [ "$v" -gt 10000 ] || [ $((v % 1024)) -eq 0 ]; }; do
    v=$((v / 1024))
    i=$((i + 1))
  done
  case $i in 0) echo "${v}B" ;; *) echo "${v}$(echo KMGTPE | cut -c"$i")iB" ;; esac
}

# facter_size BYTES — Facter's notation: two decimals in the largest unit below 1024 (1.94 GB).
facter_size() {
  awk -v b="$1" 'BEGIN { split("bytes KB MB GB TB PB", u, " "); i = 1
    while (b >= 1024 && i < 6) { b /= 1024; i++ } printf "%.2f %s\n", b, u[i] }'
}

# count_list LIST — how many CPUs a sysfs CPU list names ("0-3,6" → 5).
count_list() {
  echo "$1" | tr ',' '\n' | awk -F- 'NF == 2 { n += $2 - $1 + 1; next } NF == 1 && $1 != "" { n++ } END { print n + 0 }'
}

# smbios_mem_bytes — the sum of the installed memory devices (SMBIOS type 17), as lshw reports
# System Memory; nothing when the firmware has no such table.
smbios_mem_bytes() {
  local e total=0 sz found=''
  for e in "$MK_SYS"/firmware/dmi/entries/17-*; do
    [ -r "$e/raw" ] || continue
    # shellcheck disable=SC2046
    set -- $(od -An -tu1 -v -N 32 "$e/raw")
    [ $# -ge 14 ] || continue
    sz=$((${13} + ${14} * 256))
    if [ "$sz" -eq 0 ] || [ "$sz" -eq 65535 ]; then continue; fi
    if [ "$sz" -eq 32767 ] && [ $# -ge 32 ]; then
      total=$((total + (${29} + ${30} * 256 + ${31} * 65536 + (${32} & 127) * 16777216) * 1048576))
    elif [ $((sz & 32768)) -ne 0 ]; then
      total=$((total + (sz & 32767) * 1024))
    else
      total=$((total + sz * 1048576))
    fi
    found=1
  done
  [ -n "$found" ] && [ "$total" -gt 0 ] && echo "$total"
}

# mem_bytes — installed memory: SMBIOS type 17, else the online memory blocks, else MemTotal
# rounded up to 128 MiB.
mem_bytes() {
  local bs n=0 b kb
  smbios_mem_bytes && return 0
  bs=$(cat "$MK_SYS/devices/system/memory/block_size_bytes" 2>/dev/null)
  if [ -n "$bs" ]; then
    for b in "$MK_SYS"/devices/system/memory/memory*/online; do
      [ "$(cat "$b" 2>/dev/null)" = 1 ] && n=$((n + 1))
    done
    [ "$n" -gt 0 ] && {
      echo $((n * 0x$bs))
      return 0
    }
  fi
  kb=$(awk '/^MemTotal:/ { print $2 }' "$MK_PROC/meminfo" 2>/dev/null)
  is_uint "$kb" && echo $(((kb * 1024 + 134217727) / 134217728 * 134217728))
}

# virtual_type — physical, or the hypervisor: vmware, virtualbox, xenhvm, hyperv, parallels, gce,
# kvm (QEMU/KVM with kvm-clock), qemu (QEMU without KVM, e.g. TCG), bochs; `virtual` when only the
# CPU's hypervisor flag says so.
virtual_type() {
  local id clocks
  id="$(dmi sys_vendor) | $(dmi product_name) | $(dmi bios_vendor) | $(dmi board_vendor)"
  clocks=$(cat "$MK_SYS/devices/system/clocksource/clocksource0/available_clocksource" 2>/dev/null)
  case "$id" in
    *VMware*) echo vmware ;;
    *VirtualBox* | *innotek*) echo virtualbox ;;
    *Parallels*) echo parallels ;;
    *Microsoft\ Corporation*Virtual\ Machine*) echo hyperv ;;
    *Xen* | *HVM\ domU*) echo xenhvm ;;
    *Google*) echo gce ;;
    *)
      case "$clocks" in *kvm-clock*)
        echo kvm
        return
        ;;
      esac
      case "$id" in
        *QEMU* | *KVM* | *OpenStack* | *oVirt* | *RHEV*) echo qemu ;;
        *Bochs*) echo bochs ;;
        *) grep -qw hypervisor "$MK_PROC/cpuinfo" 2>/dev/null && echo virtual || echo physical ;;
      esac
      ;;
  esac
}

# cpuinfo FIELD — the first value of FIELD in /proc/cpuinfo.
cpuinfo() {
  awk -F'\t*: *' -v k="$1" '$1 == k { print $2; exit }' "$MK_PROC/cpuinfo" 2>/dev/null | clean
}

cpu_facts() {
  local present online cpus flags
  present=$(cat "$MK_SYS/devices/system/cpu/present" 2>/dev/null)
  online=$(cat "$MK_SYS/devices/system/cpu/online" 2>/dev/null)
  # The MK boots with maxcpus=1: count the CPUs present, not the ones online.
  cpus=$(count_list "$present")
  [ "$cpus" -gt 0 ] || cpus=$(grep -c '^processor' "$MK_PROC/cpuinfo" 2>/dev/null)
  fact mk_hw_cpu_count "$cpus"
  fact processorcount "$cpus"
  fact mk_hw_cpu_online "$(count_list "$online")"
  fact physicalprocessorcount "$(ls -d "$MK_SYS"/firmware/dmi/entries/4-* 2>/dev/null | wc -l | sed 's/^0$//')"
  fact processor0 "$(cpuinfo 'model name')"
  fact mk_hw_cpu0_product "$(cpuinfo 'model name')"
  fact mk_hw_cpu0_vendor "$(cpuinfo vendor_id)"
  fact mk_hw_lscpu_Architecture "$(uname -m)"
  fact mk_hw_lscpu_Byte_Order 'Little Endian'
  fact mk_hw_lscpu_Vendor_ID "$(cpuinfo vendor_id)"
  fact mk_hw_lscpu_CPU_family "$(cpuinfo 'cpu family')"
  fact mk_hw_lscpu_Model "$(cpuinfo model)"
  fact mk_hw_lscpu_Stepping "$(cpuinfo stepping)"
  flags=" $(cpuinfo flags) "
  case "$flags" in
    *' vmx '*) fact mk_hw_lscpu_Virtualization VT-x ;;
    *' svm '*) fact mk_hw_lscpu_Virtualization AMD-V ;;
  esac
}

mem_facts() {
  local bytes kb
  bytes=$(mem_bytes)
  is_uint "$bytes" && {
    fact mk_hw_mem_size "$(lshw_size "$bytes")"
    fact mk_hw_mem_description 'System Memory'
  }
  kb=$(awk '/^MemTotal:/ { print $2 }' "$MK_PROC/meminfo" 2>/dev/null)
  is_uint "$kb" && {
    fact memorysize "$(facter_size $((kb * 1024)))"
    fact memorysize_mb "$(awk -v k="$kb" 'BEGIN { printf "%.2f", k / 1024 }')"
  }
}

dmi_facts() {
  local v
  fact manufacturer "$(dmi sys_vendor)"
  fact productname "$(dmi product_name)"
  fact serialnumber "$(dmi product_serial)"
  fact uuid "$(dmi product_uuid)"
  fact boardmanufacturer "$(dmi board_vendor)"
  fact boardproductname "$(dmi board_name)"
  fact boardserialnumber "$(dmi board_serial)"
  fact bios_vendor "$(dmi bios_vendor)"
  fact bios_version "$(dmi bios_version)"
  fact bios_release_date "$(dmi bios_date)"
  v=$(dmi board_vendor)
  fact mk_hw_bus_vendor "${v:-$(dmi sys_vendor)}"
  v=$(dmi board_name)
  fact mk_hw_bus_product "${v:-$(dmi product_name)}"
  fact mk_hw_bus_serial "$(dmi board_serial)"
  fact mk_hw_bus_version "$(dmi board_version)"
  fact mk_hw_fw_vendor "$(dmi bios_vendor)"
  fact mk_hw_fw_version "$(dmi bios_version)"
  fact mk_hw_fw_date "$(dmi bios_date)"
  [ -d "$MK_SYS/firmware/efi" ] && fact mk_hw_fw_type UEFI || fact mk_hw_fw_type BIOS
  v=$(virtual_type)
  fact virtual "$v"
  [ "$v" = physical ] && fact is_virtual false || fact is_virtual true
}

nic_facts() {
  local n i=0 p dev all='' first_ip='' first_mac='' addr
  for n in $(nics); do
    p="$MK_SYS/class/net/$n"
    fact "macaddress_$n" "$(rd "$p/address")"
    [ -n "$first_mac" ] || first_mac=$(rd "$p/address")
    fact "mk_hw_nic${i}_logical_name" "$n"
    fact "mk_hw_nic${i}_serial" "$(rd "$p/address")"
    # virtio NICs hang below their PCI function: report that, as lshw does.
    dev=$(readlink -f "$p/device" 2>/dev/null)
    case "${dev##*/}" in virtio*) dev=${dev%/*} ;; esac
    case "${dev##*/}" in *:*:*.*) fact "mk_hw_nic${i}_bus_info" "pci@${dev##*/}" ;; esac
    fact "mk_hw_nic${i}_configuration" "driver=$(readlink "$p/device/driver" 2>/dev/null | sed 's|.*/||')"
    [ -r "$dev/vendor" ] && [ -r "$dev/device" ] &&
      fact "mk_hw_nic${i}_pci_id" "$(sed 's/^0x//' "$dev/vendor"):$(sed 's/^0x//' "$dev/device")"
    addr=$(ip -4 -o addr show dev "$n" scope global 2>/dev/null | awk '{ print $4; exit }')
    [ -n "$addr" ] && {
      fact "ipaddress_$n" "${addr%/*}"
      fact "netmask_$n" "$(ipcalc -m "$addr" 2>/dev/null | sed 's/^NETMASK=//')"
      [ -n "$first_ip" ] || first_ip=${addr%/*}
    }
    i=$((i + 1))
  done
  for p in "$MK_SYS"/class/net/*; do [ -e "$p" ] && all="${all:+$all,}${p##*/}"; done
  fact mk_hw_nic_count "$i"
  fact interfaces "$all"
  fact macaddress "$first_mac"
  fact ipaddress "$first_ip"
}

disk_facts() {
  local p d i=0 all='' sectors
  for p in "$MK_SYS"/block/*; do
    d=${p##*/}
    case "$d" in loop* | ram* | zram* | fd* | sr* | dm-* | md* | nbd*) continue ;; esac
    [ -e "$p/device" ] || continue
    sectors=$(cat "$p/size" 2>/dev/null)
    all="${all:+$all,}$d"
    fact "mk_hw_disk${i}_logical_name" "/dev/$d"
    is_uint "$sectors" && [ "$sectors" -gt 0 ] && {
      fact "mk_hw_disk${i}_size" "$(lshw_size $((sectors * 512)))"
      fact "blockdevice_${d}_size" "$((sectors * 512))"
    }
    fact "mk_hw_disk${i}_product" "$(rd "$p/device/model")"
    fact "mk_hw_disk${i}_vendor" "$(rd "$p/device/vendor")"
    fact "mk_hw_disk${i}_serial" "$(rd "$p/device/serial" || rd "$p/serial")"
    fact "blockdevice_${d}_model" "$(rd "$p/device/model")"
    fact "blockdevice_${d}_vendor" "$(rd "$p/device/vendor")"
    i=$((i + 1))
  done
  fact mk_hw_disk_count "$i"
  fact blockdevices "$all"
}

system_facts() {
  local m
  m=$(uname -m)
  fact hardwaremodel "$m"
  [ "$m" = x86_64 ] && m=amd64
  fact architecture "$m"
  fact hostname "$(hostname 2>/dev/null)"
  fact mk_version "$(cat /etc/mk-version 2>/dev/null)"
  fact kernelrelease "$(uname -r)"
}

# collect_facts — every fact, `name<TAB>value` a line, sorted by name.
collect_facts() {
  {
    cpu_facts
    mem_facts
    dmi_facts
    nic_facts
    disk_facts
    system_facts
  } | sort
}

# filter_facts PATTERN — drops the facts whose name matches the ERE PATTERN (mk_fact_excl_pattern).
filter_facts() {
  if [ -z "$1" ]; then
    cat
  else
    MK_PAT="$1" awk -F'\t' '$1 !~ ENVIRON["MK_PAT"]'
  fi
}
