/**
 * Network-namespace labs for the PXE and DHCP suites (boot-lab-notes.md): namespaces with unique
 * names, a bridge, veth pairs and taps, all made inside namespaces this lab creates and removed by
 * `destroy()` with the processes it started — the host's own interfaces are never touched.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A probe for `systemAvailable`: undefined when namespaces can be made here (root, iproute2, tun). */
export function netnsProbe(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  if (!existsSync('/dev/net/tun')) return 'no /dev/net/tun (taps for QEMU)';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch {
    return "'ip netns' does not run (iproute2 is not installed)";
  }
  return undefined;
}

/** A process started in a namespace: its output so far, and stop. */
export interface NsProcess {
  readonly proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * A lab: namespace `lab` holds bridge br0 with `address`/24 (and fd77::1/64 for router adverts),
 * where the server under test runs; `addHost` adds a namespace on the bridge, `addTap` a tap on it.
 */
export class NetnsLab {
  private readonly namespaces: string[];
  private readonly procs: NsProcess[] = [];
  private constructor(readonly lab: string) {
    this.namespaces = [lab];
  }

  /** Makes the lab namespace and its bridge. */
  static async create(tag: string, address: string): Promise<NetnsLab> {
    const net = new NetnsLab(`rzr-${tag}-${process.pid}-${randomBytes(3).toString('hex')}`);
    await run('ip', ['netns', 'add', net.lab]);
    try {
      await net.ip(net.lab, 'link', 'set', 'lo', 'up');
      await net.ip(net.lab, 'link', 'add', 'br0', 'type', 'bridge', 'forward_delay', '0', 'stp_state', '0');
      await net.ip(net.lab, 'addr', 'add', `${address}/24`, 'dev', 'br0');
      await net.ip(net.lab, '-6', 'addr', 'add', 'fd77::1/64', 'dev', 'br0', 'nodad');
      await net.ip(net.lab, 'link', 'set', 'br0', 'up');
    } catch (err) {
      await net.destroy();
      throw err;
    }
    return net;
  }

  /** Runs `ip -n <ns> …args`. */
  async ip(ns: string, ...args: string[]): Promise<string> {
    return (await run('ip', ['-n', ns, ...args])).stdout;
  }

  /** Runs `command` in namespace `ns` to its end; its stdout. */
  async exec(ns: string, command: string, args: string[], timeout = 60_000): Promise<string> {
    return (await run('ip', ['netns', 'exec', ns, command, ...args], { timeout })).stdout;
  }

  /** The launcher that runs a command in `ns` (`ip netns exec` execs it: same PID). */
  launcher(ns: string): string[] {
    return ['ip', 'netns', 'exec', ns];
  }

  /**
   * A namespace named after `name` joined to br0 by a veth pair (its end is `eth0`), with
   * `address`/24 (and `ipv6`/64) when given. Returns the namespace's name.
   */
  async addHost(name: string, address?: string, ipv6?: string): Promise<string> {
    const ns = `${this.lab}-${name}`;
    await run('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    const bridgeEnd = `v-${name}`.slice(0, 15);
    await this.ip(this.lab, 'link', 'add', bridgeEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    await this.ip(this.lab, 'link', 'set', bridgeEnd, 'master', 'br0');
    await this.ip(this.lab, 'link', 'set', bridgeEnd, 'up');
    await this.ip(ns, 'link', 'set', 'lo', 'up');
    if (address) await this.ip(ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    if (ipv6) await this.ip(ns, '-6', 'addr', 'add', `${ipv6}/64`, 'dev', 'eth0', 'nodad');
    await this.ip(ns, 'link', 'set', 'eth0', 'up');
    return ns;
  }

  /** A tap device `name` in the lab namespace, on br0 (for QEMU's `-netdev tap`). */
  async addTap(name: string): Promise<string> {
    await this.ip(this.lab, 'tuntap', 'add', 'dev', name, 'mode', 'tap');
    await this.ip(this.lab, 'link', 'set', name, 'master', 'br0');
    await this.ip(this.lab, 'link', 'set', name, 'up');
    return name;
  }

  /** Starts `command` in `ns`; `destroy()` stops it if the test has not. */
  start(ns: string, command: string, args: string[]): NsProcess {
    const proc = spawn('ip', ['netns', 'exec', ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout?.on('data', (d) => (out += d));
    proc.stderr?.on('data', (d) => (out += d));
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    const stop = async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    };
    const p = { proc, output: () => out, stop };
    this.procs.push(p);
    return p;
  }

  /** Stops every process started here and removes every namespace (and with them br0, taps, veths). */
  async destroy(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop()));
    for (const ns of this.namespaces.reverse()) await run('ip', ['netns', 'del', ns]).catch(() => undefined);
  }
}
