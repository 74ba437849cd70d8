# Razor Microkernel — network: the NICs, the hw_id, DHCP on every NIC, and finding the razor
# server the original's three ways in order (reference §3.2): razor.ip= on the kernel command line,
# DNS for razor.server= (default name `razor`), the DHCP next-server (siaddr).

# nics — the physical NICs (eth*/en* with a device behind them), one name a line, sorted by name.
nics() {
  local p n
  for p in "$MK_SYS"/class/net/*; do
    n=${p##*/}
    case "$n" in eth* | en*) [ -e "$p/device" ] && echo "$n" ;; esac
  done
}

# mac_of NIC — the NIC's MAC as razor wants it: upper case, no colons.
mac_of() { tr -d ':\n' < "$MK_SYS/class/net/$1/address" | tr 'a-f' 'A-F'; }

# hw_id — the MACs of all NICs joined by `_` (e.g. 525400AA0001_525400AA0002).
hw_id() {
  local n out=''
  for n in $(nics); do out="${out:+${out}_}$(mac_of "$n")"; done
  echo "$out"
}

# nics_up — brings every NIC up and starts a udhcpc for each that has none running.
nics_up() {
  local n pid
  mkdir -p "$MK_STATE"
  for n in $(nics); do
    pid=$(cat "$MK_STATE/udhcpc.$n.pid" 2>/dev/null)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && continue
    ip link set "$n" up
    udhcpc -f -i "$n" -s /mk/udhcpc.sh -t 3 -T 1 -A 3 > "$MK_STATE/udhcpc.$n.log" 2>&1 &
    pid=$!
    echo "$pid" > "$MK_STATE/udhcpc.$n.pid"
    log "DHCP started on $n ($(cat "$MK_SYS/class/net/$n/address"))"
  done
}

# has_address — true when some NIC has an IPv4 address that is not loopback or link-local.
has_address() {
  ip -4 -o addr show scope global 2>/dev/null | grep -v ' inet 169\.254\.' | grep -q ' inet '
}

# wait_for_network — waits for an address: every 0.2 s for 10 s, then every 2 s up to 120 s in all.
wait_for_network() {
  local tries=0
  while ! has_address; do
    tries=$((tries + 1))
    if [ "$tries" -le 50 ]; then
      sleep 0.2
    elif [ "$tries" -le 105 ]; then
      sleep 2
    else
      log "no DHCP address after 120 s; carrying on"
      return 1
    fi
  done
  return 0
}

# is_ipv4 VALUE — true for a dotted quad.
is_ipv4() { echo "$1" | grep -Eq '^[0-9]{1,3}(\.[0-9]{1,3}){3}$'; }

# resolve NAME — the first IPv4 address DNS gives for NAME (NAME itself when it is an address).
resolve() {
  is_ipv4 "$1" && {
    echo "$1"
    return 0
  }
  grep -q '^nameserver' "${MK_RESOLV:-/etc/resolv.conf}" 2>/dev/null || return 1
  timeout 5 nslookup "$1" 2>/dev/null | awk '
    /^Name:/ { named = 1; next }
    named && /^Address/ { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/) { print $i; found = 1; exit } }
    END { exit !found }'
}

# discover_server — prints http://<server>:<port>: razor.ip=, then DNS for razor.server= (default
# `razor`), then the DHCP next-server; the port is razor.port= or 8026. Fails when none works.
discover_server() {
  local port addr name f
  port=$(cmdline_arg razor.port) && is_uint "$port" || port=8026
  if addr=$(cmdline_arg razor.ip) && [ -n "$addr" ]; then
    log "server from razor.ip on the kernel command line: $addr:$port"
    echo "http://$addr:$port"
    return 0
  fi
  name=$(cmdline_arg razor.server) && [ -n "$name" ] || name=razor
  if addr=$(resolve "$name"); then
    log "server from DNS ($name): $addr:$port"
    echo "http://$addr:$port"
    return 0
  fi
  for f in "$MK_STATE"/siaddr.*; do
    [ -r "$f" ] || continue
    read -r addr < "$f"
    case "$addr" in '' | 0.0.0.0) continue ;; esac
    log "server from the DHCP next-server on ${f##*.}: $addr:$port"
    echo "http://$addr:$port"
    return 0
  done
  log "no razor server found (no razor.ip=, no DNS answer for '$name', no DHCP next-server)"
  return 1
}
