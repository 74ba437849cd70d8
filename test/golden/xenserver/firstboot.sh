#!/bin/sh
# razor first boot of node3 (active model GoldenActive0000000001): XenServer runs
# /etc/firstboot.d scripts once with `start`. Report the host's address and postinstall/end
# (os_complete), then pull the broker hand-off if there is a broker.
[ "${1:-start}" = "start" ] || exit 0
CALLBACK='http://192.0.2.1:8026/razor/api/policy/callback/GoldenActive0000000001.GoldenInstallKey000001'
call() { curl -fsS -o /dev/null "$CALLBACK/$1" || wget -q -O /dev/null "$CALLBACK/$1" || true; }
server=$(echo "$CALLBACK" | sed 's|^[a-z]*://\([^:/]*\).*|\1|')
ip=$(ip -4 -o route get "$server" 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
[ -n "$ip" ] && call "postinstall/send_ips/$ip"
call postinstall/end
echo "razor: installed by razor as node3 (active model GoldenActive0000000001)" > /var/log/razor-complete.log
# Hand-off to the puppet broker: the host pulls its script, runs it and reports.
handoff=$(mktemp)
if { curl -fsS -o "$handoff" "$CALLBACK/broker/script" || wget -q -O "$handoff" "$CALLBACK/broker/script"; } &&
  sh "$handoff" >> /var/log/razor-broker.log 2>&1; then
  call broker/success
else
  call broker/fail
fi
rm -f "$handoff"
exit 0
