#!/bin/sh
# razor: XenServer's files are in place for node3 (active model GoldenActive0000000001).
# The installer runs this at its filesystem-populated stage with the new root's mount point as $1:
# report the end of the install and put the first-boot script into the new system.
CALLBACK='http://192.0.2.1:8026/razor/api/policy/callback/GoldenActive0000000001.GoldenInstallKey000001'
root=${1:-/tmp/root}
call() { curl -fsS -o /dev/null "$CALLBACK/$1" || wget -q -O /dev/null "$CALLBACK/$1" || true; }
call xenserverinstall_xml/end
mkdir -p "$root/etc/firstboot.d"
if curl -fsS -o "$root/etc/firstboot.d/95-razor" "$CALLBACK/postinstall/inject" ||
  wget -q -O "$root/etc/firstboot.d/95-razor" "$CALLBACK/postinstall/inject"; then
  chmod 0755 "$root/etc/firstboot.d/95-razor"
fi
exit 0
