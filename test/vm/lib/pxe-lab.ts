/**
 * The PXE lab (issue 17, boot-lab-notes.md): namespace `lab` holds bridge br0 (192.168.77.1), razor's
 * real daemon with --tftp --proxy-dhcp on br0, and the VMs' taps; the site's plain DHCP server
 * (dnsmasq with no PXE option at all) sits in its own namespace on the bridge (192.168.77.2) and
 * hands out the addresses and router adverts (so iPXE does not wait for IPv6). VMs reach razor at
 * 192.168.77.1; the tests reach it over its Unix socket. `stop()` removes everything, even after a
 * failure.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testEnv } from '../../helpers/deps.js';
import { RAZOR, socketRequest, startDaemon, type DaemonProcess } from '../../helpers/daemon.js';
import { tempHome } from '../../helpers/fixture.js';
import { NetnsLab, type NsProcess } from '../../helpers/netns.js';
import { logLines, until } from '../../helpers/poll.js';
import { ensureMkIso } from './mk-image.js';
import { LAB_CONFIG, type NodeView } from './lab.js';
import { Vm, type VmSpec } from './qemu.js';

const run = promisify(execFile);

/** razor's address on the lab network. */
export const LAB_ADDRESS = '192.168.77.1';

/** The site's DHCP server: addresses and router adverts, no PXE option (no boot file, no proxy). */
function plainDnsmasq(dir: string): string {
  const file = join(dir, 'site-dhcp.conf');
  const lines = [
    'port=0',
    'interface=eth0',
    'bind-interfaces',
    'user=root',
    'dhcp-range=192.168.77.100,192.168.77.150,255.255.255.0,1h',
    `dhcp-leasefile=${join(dir, 'site-dhcp.leases')}`,
    `pid-file=${join(dir, 'site-dhcp.pid')}`,
    'dhcp-authoritative',
    'no-ping',
    'log-dhcp',
    'log-facility=-',
    'enable-ra',
    'dhcp-range=::,constructor:eth0,ra-only',
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A running PXE lab. */
export class PxeLab {
  readonly vms: Vm[] = [];
  private taps = 0;
  private constructor(
    readonly net: NetnsLab,
    readonly home: string,
    readonly siteDhcp: NsProcess,
    readonly daemon: DaemonProcess,
    private readonly cleanup: () => void,
  ) {}

  /** Builds the namespaces, imports the MK, starts dnsmasq and the daemon. */
  static async start(): Promise<PxeLab> {
    const iso = await ensureMkIso();
    const home = tempHome('razor-pxe-');
    const settings = {
      ...LAB_CONFIG,
      RAZOR_IMAGE_SVC_HOST: LAB_ADDRESS,
      RAZOR_API_PORT: '8026',
      RAZOR_IMAGE_SVC_PORT: '8027',
    };
    let net: NetnsLab | undefined;
    let daemon: DaemonProcess | undefined;
    try {
      net = await NetnsLab.create('pxe', LAB_ADDRESS);
      const dhcpNs = await net.addHost('dhcp', '192.168.77.2', 'fd77::2');
      const site = net.start(dhcpNs, 'dnsmasq', [
        '--keep-in-foreground',
        `--conf-file=${plainDnsmasq(home.home)}`,
      ]);
      await until(
        'the site DHCP server',
        () => /DHCP, IP range/.test(site.output()) || undefined,
        60_000,
        200,
      );
      await run(RAZOR, ['image', 'add', '-t', 'mk', '-p', iso], { env: testEnv(home.home, settings) });
      daemon = await startDaemon(
        home.home,
        ['--port', '8026', '--image-port', '8027', '--listen', '0.0.0.0'].concat([
          '--tftp',
          '--proxy-dhcp',
          '--dhcp-interface',
          'br0',
        ]),
        settings,
        net.launcher(net.lab),
      );
      return new PxeLab(net, home.home, site, daemon, home.cleanup);
    } catch (err) {
      await daemon?.stop();
      await net?.destroy();
      home.cleanup();
      throw err;
    }
  }

  /** Boots `spec` with its first NIC on a new tap on br0. */
  async boot(spec: Omit<VmSpec, 'tap'>): Promise<Vm> {
    const ifname = await this.net.addTap(`tap${this.taps++}`);
    const vm = new Vm({ ...spec, tap: { netns: this.net.lab, ifname } }, this.home, this.home);
    this.vms.push(vm);
    return vm;
  }

  /** The node razor knows by MAC `mac` (aa:bb:…), from GET /razor/api/node over the Unix socket. */
  async node(mac: string): Promise<NodeView | undefined> {
    const hw = mac.replace(/:/g, '').toUpperCase();
    const res = await socketRequest(this.daemon.socket ?? join(this.home, 'razor.sock'), '/razor/api/node');
    if (res.status !== 200) return undefined;
    const nodes = (JSON.parse(res.text) as { response: NodeView[] }).response;
    return nodes.find((n) => n.hw_id.includes(hw));
  }

  /** The daemon's PXE log lines (ProxyDHCP and TFTP) so far. */
  pxeLog(): Array<Record<string, unknown>> {
    return logLines(join(this.home, 'log', 'razor.log')).filter((l) =>
      /^(proxydhcp|tftp):/.test(String(l.msg)),
    );
  }

  /** Runs `body`; a failure carries the consoles, the daemon's PXE log and the site DHCP's log. */
  async check<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      const e = err as Error;
      const pxe = this.pxeLog()
        .slice(-30)
        .map((l) => JSON.stringify(l))
        .join('\n');
      const more = [
        ...this.vms.map((v) => v.consoleTail()),
        `--- razor PXE log ---\n${pxe}`,
        `--- site DHCP (dnsmasq) ---\n${this.siteDhcp.output().slice(-3000)}`,
        `--- daemon ---\n${this.daemon.output().slice(-2000)}`,
      ].join('\n\n');
      const wrapped = new Error(`${e.message}\n\n${more}`);
      wrapped.stack = `${wrapped.message}\n${(e.stack ?? '').split('\n').slice(1).join('\n')}`;
      throw wrapped;
    }
  }

  /** Stops the VMs, the daemon and dnsmasq, removes the namespaces and (unless RAZOR_VM_KEEP=1) the home. */
  async stop(): Promise<void> {
    await Promise.all(this.vms.map((v) => v.stop()));
    await this.daemon.stop();
    await this.net.destroy();
    if (process.env.RAZOR_VM_KEEP === '1') process.stderr.write(`PXE lab kept in ${this.home}\n`);
    else this.cleanup();
  }
}
