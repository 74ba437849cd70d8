/**
 * Another local user cannot freeze the store (ADR 0015). The old lock was an abstract Unix socket
 * named after the store path, which any user could bind first (every write then waited 30 s and
 * failed with 503); the lock is now flock(2) on `razor.json.lock`, mode 0600 in the 0700
 * RAZOR_HOME. A process as uid 65534 squats the old name and tries the new file while a daemon and
 * a CLI write. Root-only parts (another user's processes, chown) make this a system suite.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN, tempHome, writeSeed } from '../helpers/fixture.js';
import { testEnv } from '../helpers/deps.js';
import { RAZOR, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { systemAvailable } from '../helpers/system.js';
import { acquireLock, lockFile } from '../../lib/store/lock.js';
import { RazorError } from '../../lib/errors.js';

const run = promisify(execFile);
const NOBODY = 65534;
const asRoot = systemAvailable('local-squat suite (a squatter runs as another user)', () =>
  process.getuid?.() === 0 ? undefined : 'needs root to run a process as uid 65534',
);

/**
 * As uid 65534: binds the abstract socket name the old lock used for `store` and tries to open
 * the new lock file; prints `bound <open result>` and stays alive holding the name.
 */
function squat(store: string) {
  const script = `
    const net = require('node:net');
    const fs = require('node:fs');
    const store = process.argv[1];
    const hash = require('node:crypto').createHash('sha256').update(store).digest('hex').slice(0, 32);
    let opened;
    try { fs.openSync(store + '.lock', 'r'); opened = 'opened'; } catch (e) { opened = e.code; }
    net.createServer()
      .on('error', (e) => process.stdout.write('bind failed ' + e.code + '\\n'))
      .listen({ path: '\\0razor-lock-' + hash, exclusive: true }, () => process.stdout.write('bound ' + opened + '\\n'));`;
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const proc = spawn(process.execPath, ['-e', script, store], {
    uid: NOBODY,
    gid: NOBODY,
    cwd: '/',
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((r) => proc.once('exit', r));
  const line = new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
    proc.once('exit', (code) => reject(new Error(`squatter exited (${code}): ${out}`)));
  });
  return { line, stop: async () => (proc.kill('SIGKILL'), await exited) };
}

(asRoot ? describe : describe.skip)('another local user and the store lock', () => {
  let home: ReturnType<typeof tempHome>;
  let d: DaemonProcess;
  beforeAll(async () => {
    home = tempHome();
    await writeSeed(home.home);
    d = await startDaemon(home.home, [], { RAZOR_DAEMON_MIN_CYCLE_TIME: '86400' });
  });
  afterAll(async () => {
    await d.stop();
    home.cleanup();
  });

  test('squatting the old lock name and trying the lock file stop no write', async () => {
    const store = join(home.home, 'razor.json');
    const squatter = squat(store);
    try {
      // The old name is free for anyone to take; the new lock file is out of reach.
      expect(await squatter.line).toBe('bound EACCES');
      const started = Date.now();
      const post = await fetch(`${d.url}/razor/api/tag`, {
        method: 'POST',
        headers: { ...ADMIN, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'while-squatted', tag: 's' }),
      });
      expect(post.status).toBe(201);
      const cli = await run(
        RAZOR,
        ['-w', 'tag', 'add', JSON.stringify({ name: 'cli-while-squatted', tag: 'c' })],
        {
          env: testEnv(home.home),
        },
      );
      expect(JSON.parse(cli.stdout).http_err_code).toBe(201);
      // The old lock would have made each wait its 30 s and fail.
      expect(Date.now() - started).toBeLessThan(25_000);
      const names = Object.values(JSON.parse(readFileSync(store, 'utf8')).collections.tag).map(
        (t) => (t as { name: string }).name,
      );
      expect(names).toEqual(expect.arrayContaining(['while-squatted', 'cli-while-squatted']));
    } finally {
      await squatter.stop();
    }
    const st = statSync(lockFile(store));
    expect({ mode: st.mode & 0o777, uid: st.uid }).toEqual({ mode: 0o600, uid: 0 });
  });
});

(asRoot ? describe : describe.skip)('whose lock file it is', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const storeIn = (owner: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'razor-lock-owner-'));
    dirs.push(dir);
    chownSync(dir, owner, owner);
    return join(dir, 'razor.json');
  };

  test('a lock file planted by another user is refused (its owner could lock it whenever it liked)', async () => {
    const store = storeIn(0);
    writeFileSync(lockFile(store), '', { mode: 0o600 });
    chownSync(lockFile(store), NOBODY, NOBODY);
    const err = await acquireLock(store, { timeoutMs: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RazorError);
    expect((err as RazorError).kind).toBe('StoreUnavailable');
    expect((err as RazorError).message).toContain(`${lockFile(store)} belongs to uid ${NOBODY}`);
  });

  test("root working on another user's store leaves the lock file to that user", async () => {
    const store = storeIn(NOBODY);
    await (await acquireLock(store)).release();
    expect(statSync(lockFile(store)).uid).toBe(NOBODY);
    // …and takes it again as it is.
    await (await acquireLock(store)).release();
  });
});
