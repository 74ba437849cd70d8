#!/bin/sh
# Razor Microkernel — udhcpc hook: configures the address, a default route per NIC (metric =
# ifindex, so several NICs coexist), DNS, and records the DHCP next-server (siaddr) for discovery.
. /mk/lib/common.sh
mkdir -p "$MK_STATE"
[ -w /dev/console ] && exec 2> /dev/console
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface" 2>/dev/null
    ip link set "$interface" up
    ;;
  bound | renew)
    metric=$(cat "/sys/class/net/$interface/ifindex" 2>/dev/null || echo 10)
    if [ "$1" = bound ] || ! ip -4 addr show dev "$interface" | grep -q " $ip/"; then
      ip -4 addr flush dev "$interface"
      ip addr add "$ip/${mask:-24}" ${broadcast:+broadcast "$broadcast"} dev "$interface"
    fi
    for r in $router; do
      ip route replace default via "$r" dev "$interface" metric "$metric" && break
    done
    : > "$MK_STATE/dns.$interface"
    for d in $dns; do echo "nameserver $d" >> "$MK_STATE/dns.$interface"; done
    cat "$MK_STATE"/dns.* 2>/dev/null | awk '!seen[$0]++' > /etc/resolv.conf
    echo "${siaddr:-}" > "$MK_STATE/siaddr.$interface"
    log "DHCP $1 on $interface: $ip/${mask:-24} router ${router:-none} next-server ${siaddr:-none}"
    ;;
  leasefail | nak)
    log "DHCP $1 on $interface"
    ;;
esac
exit 0
