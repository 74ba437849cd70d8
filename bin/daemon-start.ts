/**
 * `razor daemon`'s start-up pieces: its flags, the first admin token, and the banner that says
 * where it listens and what to do next.
 */
import { isPostgresUrl } from '../lib/store/pg-url.js';
import { chmodSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { createToken } from '../lib/domain/tokens.js';
import type { Deps } from '../lib/verbs/context.js';
import type { ConfigKey } from '../lib/config.js';

/** What `razor daemon` does instead of serving when a flag asks for it. */
export interface DaemonFlagActions {
  /** `--print-systemd-unit`: prints the unit for the other flags given. */
  printUnit?: (daemonArgs: string[]) => void;
}

/** The daemon's flags as config values, or the exit status when they were help, wrong, or an action. */
export function parseFlags(
  args: string[],
  actions: DaemonFlagActions = {},
): Partial<Record<ConfigKey, unknown>> | number {
  const cmd = new Command('razor daemon')
    .description('Run the razor server in the foreground: the REST API nodes and operators talk to')
    .option('-p, --port <port>', 'API port (config api_port, env RAZOR_API_PORT; default 8026)')
    .option('-l, --listen <address>', 'address to listen on (config listen_address; default 0.0.0.0)')
    .option('--image-port <port>', 'image service port (config image_svc_port; default 8027)')
    .option('-i, --invoke <mode>', "'inprocess' (default) or 'spawn': a razor -w child process per request")
    .option('--tftp', 'serve iPXE and razor.ipxe over TFTP (config tftp, tftp_root)')
    .option('--tftp-port <port>', 'TFTP port (config tftp_port; default 69)')
    .option('--dhcp', 'full DHCP server for an isolated lab network, off by default (config dhcp)')
    .option('--dhcp-range <first-last>', 'DHCP address pool (config dhcp_range)')
    .option('--dhcp-netmask <mask>', "DHCP netmask (config dhcp_netmask; default: the interface's)")
    .option('--dhcp-router <ip>', 'DHCP default gateway, option 3 (config dhcp_router)')
    .option('--dhcp-dns <ips>', 'DHCP DNS servers, comma-separated (config dhcp_dns)')
    .option('--dhcp-lease-time <seconds>', 'DHCP lease time (config dhcp_lease_time; default 3600)')
    .option('--proxy-dhcp', 'answer PXE clients beside your DHCP server, UDP 67 and 4011 (config proxy_dhcp)')
    .option(
      '--dhcp-interface <if>',
      'the interface whose address ProxyDHCP or DHCP announces (config dhcp_interface)',
    )
    .option(
      '--print-systemd-unit',
      'print a systemd unit running the daemon with the other flags given, and exit',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  razor daemon\n  razor daemon status    # is one running for this RAZOR_HOME, where, since when (exit 3: none)\n  razor daemon --port 9026 --listen 127.0.0.1\n  RAZOR_HOME=/srv/razor razor daemon --invoke spawn\n  razor daemon --tftp --proxy-dhcp --dhcp-interface eth1\n  razor daemon --tftp --proxy-dhcp --print-systemd-unit > /etc/systemd/system/razor.service',
    )
    .exitOverride();
  try {
    cmd.parse(args, { from: 'user' });
  } catch (err) {
    return (err as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
  const o = cmd.opts();
  if (o.printSystemdUnit && actions.printUnit) {
    actions.printUnit(args.filter((a) => a !== '--print-systemd-unit'));
    return 0;
  }
  return {
    api_port: o.port,
    image_svc_port: o.imagePort,
    listen_address: o.listen,
    invoke: o.invoke,
    // Built-in TFTP/ProxyDHCP (issue 17).
    ...{ tftp: o.tftp && 'true', tftp_port: o.tftpPort, proxy_dhcp: o.proxyDhcp && 'true' },
    dhcp_interface: o.dhcpInterface,
    // Full DHCP mode (ADR 0026); reservations are the config key dhcp_reservations.
    ...{ dhcp: o.dhcp && 'true', dhcp_range: o.dhcpRange, dhcp_netmask: o.dhcpNetmask },
    ...{ dhcp_router: o.dhcpRouter, dhcp_dns: o.dhcpDns, dhcp_lease_time: o.dhcpLeaseTime },
  };
}

/** On first start (no tokens yet) creates an admin token and writes it to `file` (mode 0600). */
export async function firstToken(deps: Deps, file: string): Promise<string | undefined> {
  const secret = await deps.store.write(async (w) => {
    if ((await w.count('token')) > 0) return undefined;
    return (await createToken(w, 'admin', deps.newUuid(), deps.clock())).token;
  });
  if (!secret) return undefined;
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** What the banner names. */
export interface BannerFacts {
  version: string;
  apiUrl: string;
  /** Set with TLS: the certificate (nodes then use plain HTTP on the image port). */
  certPath?: string;
  /** What nodes are told (image_svc_host and the node port). */
  nodeUrl: string;
  /** `http://host:port` of the image port. */
  imagesUrl: string;
  imageRoot: string;
  store: string;
  logFile: string;
  spawn: boolean;
  /** What the built-in TFTP and ProxyDHCP serve where (none when they are off). */
  pxeLines: readonly string[];
  socketLine: string;
  authLine: string;
  next: readonly string[];
}

/** The start-up banner's lines. */
export function bannerLines(b: BannerFacts): string[] {
  return [
    `razor ${b.version} daemon (pid ${process.pid})`,
    b.certPath
      ? `  API      ${b.apiUrl}/razor/api   (TLS, certificate ${b.certPath})\n` +
        `  nodes    ${b.imagesUrl}/razor/api   (node-facing routes only, plain HTTP for iPXE; nodes are told ${b.nodeUrl})`
      : `  API      ${b.apiUrl}/razor/api   (nodes are told ${b.nodeUrl})`,
    `  images   ${b.imagesUrl}/razor/image   (also on the API port; files in ${b.imageRoot})`,
    `  store    ${b.store} (${isPostgresUrl(b.store) ? 'PostgreSQL' : 'embedded JSON'})`,
    `  log      ${b.logFile}   (razor log -t 20)`,
    `  invoke   ${b.spawn ? 'a razor -w child process per request' : 'in-process'}`,
    ...b.pxeLines,
    b.socketLine,
    b.authLine,
    'Next:',
    ...b.next,
    '  razor config ipxe > /srv/tftp/razor.ipxe             the chain script for your TFTP server',
    '  razor help                                           every command, with examples',
    'Stop with Ctrl-C (SIGINT) or SIGTERM; requests in flight finish first.',
    '',
  ];
}
