#!/bin/sh
# razor post-install for node3.example.com (active model GoldenActive0000000001).
# Installed by the installer's last step; `--install` makes it run at boot until the completion
# script (postinstall/boot) removes it: a systemd unit, or /etc/rc.local where there is no systemd.
set -u
CALLBACK='http://192.0.2.1:8026/razor/api/policy/callback/GoldenActive0000000001.GoldenInstallKey000001'
call() { curl -fsS -o /dev/null "$CALLBACK/$1" || wget -q -O /dev/null "$CALLBACK/$1" || true; }

if [ "${1:-}" = "--install" ]; then
  if command -v systemctl >/dev/null 2>&1; then
    cat > /etc/systemd/system/razor-postinstall.service <<'UNIT'
[Unit]
Description=razor post-install (first boot)
After=network-online.target
Wants=network-online.target
ConditionPathExists=/usr/local/sbin/razor-postinstall

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/razor-postinstall

[Install]
WantedBy=multi-user.target
UNIT
    systemctl enable razor-postinstall.service >/dev/null 2>&1 || ln -sf /etc/systemd/system/razor-postinstall.service /etc/systemd/system/multi-user.target.wants/
  else
    # No systemd (Ubuntu 12.04, Debian 7, EL6): rc.local runs it, before its `exit 0` if it has one.
    [ -e /etc/rc.local ] || printf '#!/bin/sh\nexit 0\n' > /etc/rc.local
    rc=$(readlink -f /etc/rc.local)
    if grep -q '^exit 0' "$rc"; then
      sed -i '/^exit 0/i /usr/local/sbin/razor-postinstall' "$rc"
    else
      echo /usr/local/sbin/razor-postinstall >> "$rc"
    fi
    chmod 0755 "$rc"
  fi
  call postinstall/inject_ok
  exit 0
fi

hostnamectl set-hostname 'node3.example.com' 2>/dev/null || { hostname 'node3'; echo 'node3' > /etc/hostname; }
if grep -qw 'node3' /etc/hosts; then call postinstall/set_hostname_ok; else
  echo "127.0.1.1 "'node3.example.com'" "'node3' >> /etc/hosts && call postinstall/set_hostname_ok || call postinstall/set_hostname_fail
fi
# The address this node reaches razor from.
server=$(echo "$CALLBACK" | sed 's|^[a-z]*://\([^:/]*\).*|\1|')
ip=$(ip -4 -o route get "$server" 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
[ -n "$ip" ] && call "postinstall/send_ips/$ip"
script=$(mktemp)
if curl -fsS -o "$script" "$CALLBACK/postinstall/boot" || wget -q -O "$script" "$CALLBACK/postinstall/boot"; then
  sh "$script"
fi
rm -f "$script"
