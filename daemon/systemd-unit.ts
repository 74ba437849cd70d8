/**
 * The systemd unit `razor daemon --print-systemd-unit` prints: a dedicated user, the store in
 * systemd's StateDirectory, only CAP_NET_BIND_SERVICE (for the PXE ports 67/69/4011 and ports
 * below 1024), restart on failure, and the hardening a Node.js server can run under. Node's JIT
 * needs writable executable memory, so `MemoryDenyWriteExecute` is the one usual option left out.
 */

/** What the unit runs. */
export interface UnitFacts {
  /** The Node.js binary (`process.execPath`). */
  node: string;
  /** razor's `bin/razor` (resolved, so the unit does not depend on PATH). */
  razorBin: string;
  /** `razor daemon` flags to keep (`--tftp --proxy-dhcp …`). */
  daemonArgs: readonly string[];
  /** The system user the daemon runs as (default `razor`). */
  user?: string;
}

/** Quotes one ExecStart word the way systemd reads it (systemd.syntax(7)). */
export function systemdWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '$$$$').replace(/%/g, '%%')}"`;
}

/** Where the daemon's state lives under the unit (systemd's StateDirectory=razor). */
export const UNIT_HOME = '/var/lib/razor';

/** The unit file's text. */
export function systemdUnit(f: UnitFacts): string {
  const user = f.user ?? 'razor';
  const exec = [f.node, f.razorBin, 'daemon', ...f.daemonArgs].map(systemdWord).join(' ');
  // ProtectHome=yes would hide a razor installed under /home or /root from its own daemon.
  const underHome = /^\/(home|root)(\/|$)/.test(f.razorBin) || /^\/(home|root)(\/|$)/.test(f.node);
  return `# razor daemon as a systemd service. Install:
#   useradd --system --home-dir ${UNIT_HOME} --shell /usr/sbin/nologin ${user}
#   razor daemon --print-systemd-unit ${f.daemonArgs.join(' ')} > /etc/systemd/system/razor.service
#   systemctl daemon-reload && systemctl enable --now razor
# The store, tokens and logs live in ${UNIT_HOME} (RAZOR_HOME); \`systemctl reload razor\` reopens
# the log file (logrotate), \`systemctl edit razor\` changes anything here.
[Unit]
Description=razor bare-metal provisioning server
After=network-online.target
Wants=network-online.target

[Service]
Type=exec
User=${user}
Group=${user}
Environment=RAZOR_HOME=${UNIT_HOME}
StateDirectory=razor
StateDirectoryMode=0700
ExecStart=${exec}
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=5s
TimeoutStopSec=60s
AmbientCapabilities=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=${underHome ? 'read-only' : 'yes'}
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
SystemCallArchitectures=native
UMask=0077
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
`;
}
