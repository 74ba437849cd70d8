#!/bin/sh
# razor broker hand-off (puppet) for node3.example.com: install the Puppet agent, point it
# at the server with certname = hostname, record razor's node metadata as facts, run it once. On
# failure it exits non-zero after printing the agent's output (the caller reports it to razor).
set -eu
SERVER='puppet.example.com'
[ -n "$SERVER" ] || SERVER=puppet
PORT=''
VERSION=''
CERTNAME='node3.example.com'
if ! command -v puppet >/dev/null 2>&1 && [ ! -x /opt/puppetlabs/bin/puppet ]; then
  if command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    if [ -n "$VERSION" ]; then apt-get install -y -q "puppet-agent=$VERSION*" || apt-get install -y -q puppet-agent || apt-get install -y -q puppet; else apt-get install -y -q puppet-agent || apt-get install -y -q puppet; fi
  elif command -v dnf >/dev/null 2>&1; then dnf install -y puppet-agent || dnf install -y puppet
  elif command -v yum >/dev/null 2>&1; then yum install -y puppet-agent || yum install -y puppet
  elif command -v zypper >/dev/null 2>&1; then zypper --non-interactive install puppet
  else echo "razor: no package manager to install puppet with" >&2; exit 1; fi
fi
PUPPET=$(command -v puppet || echo /opt/puppetlabs/bin/puppet)
CONFDIR=$("$PUPPET" config print confdir 2>/dev/null || echo /etc/puppetlabs/puppet)
mkdir -p "$CONFDIR" /etc/puppetlabs/facter/facts.d
"$PUPPET" config set server "$SERVER" --section main
[ -z "$PORT" ] || "$PUPPET" config set serverport "$PORT" --section main
"$PUPPET" config set certname "$CERTNAME" --section main
# One fact per line, each value quoted for the shell (a value can never end the list or run code).
: > /etc/puppetlabs/facter/facts.d/razor.txt
printf '%s=%s\n' 'razor_node_uuid' 'GoldenNode000000000001' >> /etc/puppetlabs/facter/facts.d/razor.txt
printf '%s=%s\n' 'razor_active_model_uuid' 'GoldenActive0000000001' >> /etc/puppetlabs/facter/facts.d/razor.txt
printf '%s=%s\n' 'razor_policy_uuid' 'GoldenPolicy0000000001' >> /etc/puppetlabs/facter/facts.d/razor.txt
printf '%s=%s\n' 'razor_model_uuid' 'GoldenModel00000000001' >> /etc/puppetlabs/facter/facts.d/razor.txt
printf '%s=%s\n' 'razor_model_label' 'golden-debian_bookworm_image' >> /etc/puppetlabs/facter/facts.d/razor.txt
printf '%s=%s\n' 'razor_model_type' 'debian_bookworm_image' >> /etc/puppetlabs/facter/facts.d/razor.txt
printf '%s=%s\n' 'razor_hostname' 'node3.example.com' >> /etc/puppetlabs/facter/facts.d/razor.txt
printf '%s=%s\n' 'razor_bind_number' '3' >> /etc/puppetlabs/facter/facts.d/razor.txt
printf '%s=%s\n' 'razor_tags' 'golden,kvm_vm' >> /etc/puppetlabs/facter/facts.d/razor.txt
# --detailed-exitcodes: 0 = no changes, 2 = changes applied; both are success.
rc=0
"$PUPPET" agent --onetime --no-daemonize --verbose --waitforcert 60 --detailed-exitcodes 2>&1 || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
  echo "razor: puppet agent run as $CERTNAME against $SERVER${PORT:+:$PORT} failed (exit $rc)"
  exit 1
fi
echo "razor: puppet agent run as $CERTNAME against $SERVER${PORT:+:$PORT} succeeded (exit $rc)"
