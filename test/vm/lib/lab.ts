/**
 * A boot lab: a temporary RAZOR_HOME holding the Microkernel image, a TFTP folder with the output
 * of the real `razor config ipxe`, the real daemon on two free loopback ports (passed as
 * RAZOR_API_PORT / RAZOR_IMAGE_SVC_PORT, so iPXE and the MK are sent to 10.0.2.2:<those ports>,
 * which QEMU's user networking maps to the host's loopback), and the VMs. Every failure inside
 * `lab.check()` carries the VMs' serial consoles.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testEnv } from '../../helpers/deps.js';
import { RAZOR, startDaemon, type DaemonProcess } from '../../helpers/daemon.js';
import { tempHome } from '../../helpers/fixture.js';
import { ensureMkIso } from './mk-image.js';
import { Vm, type VmSpec } from './qemu.js';

const run = promisify(execFile);

/** A request the daemon logged. */
export interface DaemonRequest {
  time: number;
  method: string;
  url: string;
  status: number;
}

/** A node as `razor -w node` shows it. */
export interface NodeView {
  uuid: string;
  hw_id: string[];
  attributes: Record<string, string>;
  tags: string[];
  status: string;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Test settings: quick checkins, the kernel console on the serial port. */
export const LAB_CONFIG: Record<string, string> = {
  RAZOR_MK_CHECKIN_INTERVAL: '5',
  RAZOR_MK_CHECKIN_SKEW: '1',
  RAZOR_RZ_MK_BOOT_KERNEL_ARGS: 'console=ttyS0',
};

/** The URL of the requests `loggedRequests` marks the log with. */
const MARKER = '/healthz?log-marker=';

/** A running lab; `Lab.start()` makes one, `stop()` ends it. */
export class Lab {
  readonly vms: Vm[] = [];
  private constructor(
    readonly home: string,
    readonly tftp: string,
    readonly env: NodeJS.ProcessEnv,
    readonly daemon: DaemonProcess,
    readonly apiPort: number,
    private readonly cleanup: () => void,
  ) {}

  /** Imports the MK, writes razor.ipxe, starts the daemon. `config` adds RAZOR_* settings. */
  static async start(config: Record<string, string> = {}): Promise<Lab> {
    const iso = await ensureMkIso();
    const home = tempHome('razor-vm-');
    const [apiPort, imagePort] = [await freePort(), await freePort()];
    const settings = {
      ...LAB_CONFIG,
      RAZOR_API_PORT: String(apiPort),
      RAZOR_IMAGE_SVC_PORT: String(imagePort),
      ...config,
    };
    const env = testEnv(home.home, settings);
    const tftp = join(home.home, 'tftp');
    mkdirSync(tftp, { recursive: true });
    try {
      await run(RAZOR, ['image', 'add', '-t', 'mk', '-p', iso], { env });
      writeFileSync(join(tftp, 'razor.ipxe'), (await run(RAZOR, ['config', 'ipxe'], { env })).stdout);
      const daemon = await startDaemon(
        home.home,
        ['--port', String(apiPort), '--image-port', String(imagePort)],
        settings,
      );
      return new Lab(home.home, tftp, env, daemon, apiPort, home.cleanup);
    } catch (err) {
      home.cleanup();
      throw err;
    }
  }

  /** Boots a VM. */
  boot(spec: VmSpec): Vm {
    const vm = new Vm(spec, this.home, this.tftp);
    this.vms.push(vm);
    return vm;
  }

  /** Runs `razor -w <args>` and returns the parsed envelope. */
  async razor(args: string[]): Promise<{ response: unknown }> {
    const { stdout } = await run(RAZOR, ['-w', ...args], { env: this.env });
    return JSON.parse(stdout) as { response: unknown };
  }

  /** GET /razor/api/<path> from the daemon (cheaper than the CLI for polling), with its first token. */
  async api<T>(path: string): Promise<T> {
    const token = readFileSync(join(this.home, 'admin.token'), 'utf8').trim();
    const res = await fetch(`http://127.0.0.1:${this.apiPort}/razor/api/${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await res.json()) as { response: T }).response;
  }

  /** The node that has MAC `hwId`'s first part, if razor knows it. */
  async node(hwId: string): Promise<NodeView | undefined> {
    const first = hwId.split('_')[0] ?? hwId;
    return (await this.api<NodeView[]>('node')).find((n) => n.hw_id.includes(first));
  }

  /** Polls `probe` every 500 ms until it returns something truthy; throws after `timeoutMs`. */
  async until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /**
   * Every request the daemon had answered by now: a marker request is sent and the log read once
   * its line is there (lines are written in order, in batches — daemon/logs/log-file.ts), so no line
   * before it is missing, however loaded the machine. Marker lines are left out.
   */
  async loggedRequests(): Promise<DaemonRequest[]> {
    const mark = `${MARKER}${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await (await fetch(`http://127.0.0.1:${this.apiPort}${mark}`)).arrayBuffer();
    await this.until(
      'the marker request in the log',
      async () => this.requests().some((r) => r.url === mark),
      60_000,
    );
    return this.requests().filter((r) => !r.url.startsWith(MARKER));
  }

  /** The requests in razor.log so far (lines still in the daemon's buffer not yet among them). */
  requests(): DaemonRequest[] {
    const file = join(this.home, 'log', 'razor.log');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"url"'))
      .map((l) => JSON.parse(l) as DaemonRequest);
  }

  /** Every VM's console tail and the daemon's output, for a failure message. */
  consoles(): string {
    return [
      ...this.vms.map((v) => v.consoleTail()),
      `--- daemon ---\n${this.daemon.output().slice(-2000)}`,
    ].join('\n\n');
  }

  /** Runs `body`; a failure is rethrown with the serial consoles appended to its message. */
  async check<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      const e = err as Error;
      const wrapped = new Error(`${e.message}\n\n${this.consoles()}`);
      wrapped.stack = `${wrapped.message}\n${(e.stack ?? '').split('\n').slice(1).join('\n')}`;
      throw wrapped;
    }
  }

  /** Stops the VMs and the daemon; removes the lab unless RAZOR_VM_KEEP=1 (then prints where). */
  async stop(): Promise<void> {
    await Promise.all(this.vms.map((v) => v.stop()));
    await this.daemon.stop();
    if (process.env.RAZOR_VM_KEEP === '1') process.stderr.write(`VM lab kept in ${this.home}\n`);
    else this.cleanup();
  }
}
