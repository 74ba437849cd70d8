/**
 * The store's cross-process lock (lib/store/lock.ts, ADR 0015): flock(2) on `<store>.lock`, mode
 * 0600. A second taker waits and then gets StoreUnavailable naming the lock file; a holder killed
 * with SIGKILL frees it at once, even when it left child processes running; a lock file another
 * user could open is tightened, a symbolic link refused. Holders in other processes run dist/
 * (`npm run build` first). Another local user: test/integration/local-squat.test.ts.
 */
import { afterEach, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, lockFile } from '../../lib/store/lock.js';
import { openJsonStore } from '../../lib/store/json-store.js';
import { RazorError } from '../../lib/errors.js';
import { ROOT } from '../helpers/deps.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempStoreFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'razor-lock-'));
  dirs.push(dir);
  return join(dir, 'razor.json');
}

async function storeUnavailable(p: Promise<unknown>): Promise<RazorError> {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RazorError);
  expect((err as RazorError).kind).toBe('StoreUnavailable');
  return err as RazorError;
}

/**
 * Another process that takes the lock with razor's own code (dist/, so `npm run build` first) and
 * prints `locked <child pid>`; with `withChild` it then starts a `sleep` that outlives it, as a
 * spawn-mode request child could.
 */
function holder(file: string, withChild: boolean) {
  const script = `
    const { acquireLock } = await import(process.argv[1]);
    // Kept reachable: a lock nobody refers to could be closed by the garbage collector.
    globalThis.held = await acquireLock(process.argv[2], { timeoutMs: 0 });
    let child = 0;
    if (process.argv[3] === 'child') {
      const { spawn } = await import('node:child_process');
      const c = spawn('sleep', ['120'], { stdio: 'ignore', detached: true });
      c.unref();
      child = c.pid;
    }
    process.stdout.write('locked ' + child + '\\n');
    setInterval(() => {}, 1 << 30);`;
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const lockJs = join(ROOT, 'dist', 'lib', 'store', 'lock.js');
  const args = ['--input-type=module', '-e', script, lockJs, file, withChild ? 'child' : ''];
  const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => proc.once('exit', r));
  const locked = new Promise<number>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /locked (\d+)\n/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
  });
  return { proc, exited, locked };
}

test('a held lock makes a second taker wait, then fail with StoreUnavailable naming the lock file', async () => {
  const file = tempStoreFile();
  const held = await acquireLock(file);
  const t0 = Date.now();
  const err = await storeUnavailable(acquireLock(file, { timeoutMs: 200 }));
  expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
  expect(err.message).toContain(`lock file ${file}.lock`);
  expect(err.message).toMatch(/locked by another razor process/);
  await held.release();
  const again = await acquireLock(file, { timeoutMs: 200 });
  await again.release();
});

test('the lock file sits beside the store, mode 0600, and stays after release', async () => {
  const file = tempStoreFile();
  const held = await acquireLock(file);
  const st = statSync(lockFile(file));
  expect(lockFile(file)).toBe(`${file}.lock`);
  expect(st.isFile()).toBe(true);
  expect(st.mode & 0o777).toBe(0o600);
  expect(st.uid).toBe(process.getuid?.());
  await held.release();
  expect(existsSync(lockFile(file))).toBe(true);
});

test('a looser lock file is tightened to 0600; a symbolic link is refused and its target untouched', async () => {
  const file = tempStoreFile();
  writeFileSync(lockFile(file), '');
  chmodSync(lockFile(file), 0o666);
  await (await acquireLock(file)).release();
  expect(statSync(lockFile(file)).mode & 0o777).toBe(0o600);

  const other = tempStoreFile();
  const target = `${other}-target`;
  writeFileSync(target, 'keep');
  symlinkSync(target, lockFile(other));
  const err = await storeUnavailable(acquireLock(other, { timeoutMs: 100 }));
  expect(err.message).toContain(`${other}.lock: it is a symbolic link`);
  expect(readFileSync(target, 'utf8')).toBe('keep');
});

test('a lock held by a SIGKILLed process is free at once', async () => {
  const file = tempStoreFile();
  const h = holder(file, false);
  try {
    await h.locked;
    await storeUnavailable(acquireLock(file, { timeoutMs: 200 }));
    // The store itself gives up the same way while another process holds its lock.
    await storeUnavailable(openJsonStore(file, { lockTimeoutMs: 200 }));
  } finally {
    h.proc.kill('SIGKILL');
    await h.exited;
  }
  // Free without waiting (a 0 ms timeout gives up after the first failed attempts).
  const lock = await acquireLock(file, { timeoutMs: 0 });
  await lock.release();
});

test("a SIGKILLed holder's surviving child processes do not keep the lock", async () => {
  const file = tempStoreFile();
  const h = holder(file, true);
  let child = 0;
  try {
    child = await h.locked;
    expect(child).toBeGreaterThan(0);
    await storeUnavailable(acquireLock(file, { timeoutMs: 100 }));
  } finally {
    h.proc.kill('SIGKILL');
    await h.exited;
  }
  try {
    process.kill(child, 0); // the child is still alive…
    const lock = await acquireLock(file, { timeoutMs: 0 }); // …and the lock is free
    await lock.release();
  } finally {
    process.kill(child, 'SIGKILL');
  }
});
