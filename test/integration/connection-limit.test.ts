/**
 * Connection caps (issue 10; ADR 0018) against a real daemon whose file limit is 512 (`prlimit
 * --nofile=512`): 600 idle connections to each port, from one address and from ten loopback
 * addresses, no longer stop it from serving. Before: the daemon ran out of descriptors and a fresh
 * client waited forever on both ports. Now idle connections are shed first, a fresh client gets its
 * boot script and an image range, and the daemon stays well inside its file limit.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { commandProbe, systemAvailable } from '../helpers/system.js';

const FD_LIMIT = 512;
const IMAGE = '5kYFJPb5qATl4JxeVQQaMs';
const KERNEL = Buffer.from(Array.from({ length: 65_536 }, (_, i) => i % 251));
const hasPrlimit = systemAvailable(
  'connection-limit suite (a daemon with 512 files)',
  commandProbe('prlimit'),
);

let home: ReturnType<typeof tempHome>;
let d: DaemonProcess;
let imagePort: number;

beforeAll(async () => {
  if (!hasPrlimit) return;
  home = tempHome();
  await writeSeed(home.home);
  mkdirSync(join(home.home, 'image', 'os', IMAGE), { recursive: true });
  writeFileSync(join(home.home, 'image', 'os', IMAGE, 'vmlinuz'), KERNEL);
  d = await startDaemon(home.home, [], { RAZOR_INSTALL_TIMEOUT: '1000000000' }, [
    'prlimit',
    `--nofile=${FD_LIMIT}`,
  ]);
  imagePort = Number(/images\s+http:\/\/[^:]+:(\d+)\//.exec(d.output())?.[1]);
});
afterAll(async () => {
  await d?.stop();
  home?.cleanup();
});

/**
 * Opens `n` connections to `port` that never send a byte, from the given local addresses in turn;
 * resolves once each has connected or been closed (or after 20 s: some may still wait in SYN retry).
 */
async function idleFlood(port: number, n: number, from: string[]): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  const settled: Array<Promise<void>> = [];
  for (let i = 0; i < n; i++) {
    const s = net.connect({ port, host: '127.0.0.1', localAddress: from[i % from.length] });
    s.on('error', () => undefined);
    sockets.push(s);
    settled.push(new Promise((r) => (s.once('connect', () => r()), s.once('close', () => r()))));
  }
  await Promise.race([Promise.all(settled), new Promise((r) => setTimeout(r, 20_000))]);
  return sockets;
}

/** What a fresh client gets: the boot script and a range of the kernel, each within 20 s. */
async function freshClient() {
  const signal = AbortSignal.timeout(20_000);
  const boot = await fetch(`${d.url}/razor/api/boot?hw_id=525400123456`, { signal });
  const script = await boot.text();
  const range = await fetch(`http://127.0.0.1:${imagePort}/razor/image/os/${IMAGE}/vmlinuz`, {
    headers: { range: 'bytes=1000-1999' },
    signal,
  });
  const bytes = Buffer.from(await range.arrayBuffer());
  return { boot: boot.status, script: script.slice(0, 6), range: range.status, bytes };
}

const openFiles = () => readdirSync(`/proc/${d.proc.pid}/fd`).length;

(hasPrlimit ? describe : describe.skip)(`a daemon limited to ${FD_LIMIT} open files`, () => {
  test.each([
    ['one address', ['127.0.0.1']],
    ['ten loopback addresses', Array.from({ length: 10 }, (_, i) => `127.0.0.${i + 2}`)],
  ])(
    '600 idle connections to each port from %s: a fresh client is still served',
    async (_n, from) => {
      const flood = [...(await idleFlood(d.port, 600, from)), ...(await idleFlood(imagePort, 600, from))];
      try {
        expect(openFiles()).toBeLessThan(FD_LIMIT * 0.8);
        expect(await freshClient()).toEqual({
          boot: 200,
          script: '#!ipxe',
          range: 206,
          bytes: KERNEL.subarray(1000, 2000),
        });
        expect((await fetch(`${d.url}/healthz`)).status).toBe(200);
        expect(d.proc.exitCode).toBeNull();
      } finally {
        for (const s of flood) s.destroy();
      }
      const log = readFileSync(join(home.home, 'log', 'razor.log'), 'utf8');
      expect(log).toMatch(/"per_port":179,"per_address":64,"msg":"connection limit reached"/);
    },
    120_000,
  );
});
