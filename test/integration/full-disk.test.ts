/**
 * Attack 4 of issue 10, a full disk, against a real daemon whose $RAZOR_HOME (store, log, images)
 * is a real 8 MiB tmpfs, filled to the last byte (ADR 0017): an admin write fails with a clear
 * StoreUnavailable naming the store and the store stays byte-identical; lists, the boot of a bound
 * node, an image download and /healthz are still served; hundreds of requests with long URLs (more
 * log than the log's buffer holds) all get answers; once the filler is deleted, the next write
 * succeeds without a restart and the log says how many lines were dropped — and the daemon is the
 * same process throughout. A system suite: mounting a tmpfs needs root.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN, SEED, seedData, writeSeed } from '../helpers/fixture.js';
import { testEnv } from '../helpers/deps.js';
import { RAZOR, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { systemAvailable } from '../helpers/system.js';

const run = promisify(execFile);
/** Can this process mount a tmpfs (root, and a container that allows it)? Tried when the file loads. */
const canMount = systemAvailable('full-disk suite (a real tmpfs as $RAZOR_HOME)', () => {
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs';
  const probe = mkdtempSync(join(tmpdir(), 'razor-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
});

const BOUND_NODE_MAC = '525400654321'; // SEED.node2, bound to SEED.active_model
const KERNEL = `os/${SEED.image_in_use}/debian-installer/amd64/linux`;

/** A request that must be answered: a hung daemon fails the test within a minute, not at its timeout. */
const answered = (url: string, init: RequestInit = {}) =>
  fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });

/** Fills the file system holding `dir` to the last byte with `dir/filler`. */
function fill(dir: string): void {
  const fd = openSync(join(dir, 'filler'), 'w');
  try {
    for (const size of [1 << 20, 1 << 16, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0x55);
      for (;;) {
        try {
          if (writeSync(fd, chunk) < size) break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Polls `check` (generous deadline: the machine is shared) until it returns a value. */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 100))) {
    const got = await check();
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

(canMount ? describe : describe.skip)('a full disk under a running daemon', () => {
  let home: string;
  let d: DaemonProcess;
  let mounted = false;
  const kernel = Buffer.from('not really a kernel\n'.repeat(2000));
  const store = () => readFileSync(join(home, 'razor.json'));
  const addTag = (name: string) =>
    answered(`${d.url}/razor/api/tag`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ADMIN },
      body: JSON.stringify({ name, tag: 'disk' }),
    });
  const boot = async () => (await answered(`${d.url}/razor/api/boot?hw_id=${BOUND_NODE_MAC}`)).text();

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'razor-full-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', home], { stdio: 'pipe' });
    mounted = true;
    mkdirSync(join(home, 'log'));
    mkdirSync(join(home, 'image', KERNEL, '..'), { recursive: true });
    writeFileSync(join(home, 'image', KERNEL), kernel);
    await writeSeed(home, seedData());
    d = await startDaemon(home);
  });
  afterAll(async () => {
    // A daemon hung by the disk (the attack, before the fix) does not stop on SIGTERM.
    const stopped = d?.stop();
    await Promise.race([stopped, new Promise((r) => setTimeout(r, 20_000))]);
    if (d?.proc.exitCode === null && d.proc.signalCode === null) {
      d.proc.kill('SIGKILL');
      await stopped;
    }
    if (mounted) execFileSync('umount', [home]);
    rmSync(home, { recursive: true, force: true });
  });

  test('writes fail clearly, everything else is served, and service resumes when space returns', async () => {
    // Before the disk fills: the bound node boots once (its address and boot are recorded).
    const script = await boot();
    expect(script).toMatch(/^#!ipxe\n[\s\S]*installing debian_bookworm/);
    expect((await addTag('before')).status).toBe(201);
    const pid = d.proc.pid;
    fill(home);
    const stored = store();

    // A write: a clear 503 StoreUnavailable naming the store and the cause; nothing changed.
    const refused = await addTag('while-full');
    expect(refused.status).toBe(503);
    const envelope = (await refused.json()) as Record<string, unknown>;
    expect(envelope.err_class).toBe('ProjectRazor::Error::Slice::StoreUnavailable');
    expect(envelope.result).toBe(
      `could not write the store ${join(home, 'razor.json')}: no space left on the device; nothing was changed`,
    );
    expect(store().equals(stored)).toBe(true);

    // Reads, the bound node's boot, an image download and /healthz are served.
    const listed = await answered(`${d.url}/razor/api/tag`, { headers: ADMIN });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(await listed.json())).toContain('"before"');
    expect(await boot()).toBe(script);
    const image = await answered(`${d.url}/razor/image/${KERNEL}`);
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer()).equals(kernel)).toBe(true);
    expect((await answered(`${d.url}/healthz`)).status).toBe(200);

    // More log than the buffer keeps (1 MiB): 200 requests with 7 KB URLs, 8 at a time — all answered.
    const pad = 'x'.repeat(7000);
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = w; i < 200; i += 8)
          statuses.push((await answered(`${d.url}/healthz?pad=${i}-${pad}`)).status);
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(200);
    expect(store().equals(stored)).toBe(true);
    expect(d.proc.exitCode).toBeNull();

    // Space returns: the next write succeeds without a restart, and the log reports what it dropped.
    rmSync(join(home, 'filler'));
    const added = await addTag('after');
    expect(added.status).toBe(201);
    const dropped = await until('the dropped-lines line', async () => {
      const { stdout } = await run(
        RAZOR,
        ['-w', 'log', JSON.stringify({ log_message: 'dropped', tail: 5 })],
        {
          env: testEnv(home),
        },
      );
      const rows = JSON.parse(stdout).response as { msg: string }[];
      return rows.length ? rows : undefined;
    });
    expect(dropped).toHaveLength(1);
    const n = Number(/^(\d+) log lines dropped while the disk was full$/.exec(dropped[0]!.msg)?.[1]);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(210);
    // The daemon never died: the same process answers, and the new tag is stored.
    expect(d.proc.exitCode).toBeNull();
    expect(d.proc.pid).toBe(pid);
    const names = Object.values(JSON.parse(store().toString()).collections.tag).map(
      (t) => (t as { name: string }).name,
    );
    expect(names).toEqual(expect.arrayContaining(['before', 'after']));
    expect(names).not.toContain('while-full');
    expect((await answered(`${d.url}/healthz`)).status).toBe(200);
  }, 300_000);
});
