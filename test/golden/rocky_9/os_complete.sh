#!/bin/sh
# razor: node3.example.com is installed. Remove the first-boot hook, report, and hand off.
set -u
CALLBACK='http://192.0.2.1:8026/razor/api/policy/callback/GoldenActive0000000001.GoldenInstallKey000001'
call() { curl -fsS -o /dev/null "$CALLBACK/$1" || wget -q -O /dev/null "$CALLBACK/$1" || true; }
systemctl disable razor-postinstall.service >/dev/null 2>&1
[ -e /etc/rc.local ] && sed -i '\|^/usr/local/sbin/razor-postinstall$|d' "$(readlink -f /etc/rc.local)"
rm -f /usr/local/sbin/razor-postinstall
echo "razor: installed by razor as node3.example.com (active model GoldenActive0000000001)" > /var/log/razor-complete.log
call postinstall/final
# Hand-off to the puppet broker: the node pulls its script, runs it and reports.
handoff=$(mktemp)
if { curl -fsS -o "$handoff" "$CALLBACK/broker/script" || wget -q -O "$handoff" "$CALLBACK/broker/script"; } &&
  sh "$handoff" > /var/log/razor-broker.log 2>&1; then
  call broker/success
else
  # The tail of the hand-off's output goes into the active model's log, a line per call.
  tail -n 15 /var/log/razor-broker.log | while IFS= read -r line; do
    [ -n "$line" ] && call "broker/log/$(printf '%s' "$line" | cut -c1-200 | tr -d '\n' | od -An -tx1 -v | tr -d ' \n' | sed 's/../%&/g')"
  done
  call broker/fail
fi
rm -f "$handoff"
