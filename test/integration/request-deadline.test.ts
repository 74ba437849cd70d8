/**
 * The request time limit (daemon/limits/deadlines.ts, daemon/rest/rest-handler.ts) and spawn-mode
 * children that time out or crash (daemon/spawn.ts). Slow handlers are made slow on purpose and
 * deterministically: a store whose writes wait until the test opens a gate, or the store's real
 * lock (flock on `<store>.lock`) held by the test — never a fixed sleep. A call past its limit
 * answers 503 StoreUnavailable; what it was writing still commits when the store lets it.
 * Spawned children run dist/ (`npm run build` first).
 */
import { afterEach, expect, test } from '@jest/globals';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { memoryStore } from '../../lib/store/memory.js';
import { acquireLock } from '../../lib/store/lock.js';
import { spawnInvoke } from '../../daemon/spawn.js';
import { ERRORS } from '../../lib/errors.js';
import { inProcessInvoke, testApp } from '../helpers/app.js';
import { memoryDeps, ROOT, testEnv } from '../helpers/deps.js';
import { seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import type { Store } from '../../lib/store/store.js';

const homes: { cleanup: () => void }[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) h.cleanup();
});

function home(): string {
  const h = tempHome('razor-deadline-');
  homes.push(h);
  return h.home;
}

/** A store whose writes wait until `release()`; `reached` settles when the first write is waiting. */
function gatedStore(inner: Store) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let arrived!: () => void;
  const reached = new Promise<void>((r) => (arrived = r));
  const writes: Promise<unknown>[] = [];
  const store: Store = {
    location: `gated:${inner.location}`,
    read: (fn) => inner.read(fn),
    write: (fn) => {
      const w = (async () => {
        arrived();
        await gate;
        return inner.write(fn);
      })();
      writes.push(w);
      return w;
    },
    close: () => inner.close(),
  };
  return { store, release, reached, settled: () => Promise.allSettled(writes) };
}

const LATE_TAG = { name: 'late rule', tag: 'late_tag' };

/** Tag rules named like LATE_TAG in a store. */
const lateRules = (s: Store) =>
  s.read(async (r) => (await r.all('tag')).filter((t) => t.name === LATE_TAG.name));

/** Tag rules named like LATE_TAG in the store file of `dir`. */
const lateRulesOnDisk = (dir: string) =>
  Object.values(
    (JSON.parse(readFileSync(join(dir, 'razor.json'), 'utf8')).collections.tag ?? {}) as Record<
      string,
      { name: string }
    >,
  ).filter((t) => t.name === LATE_TAG.name);

/** Polls `ok` until it holds or `ms` pass (a generous deadline: the machine may be loaded). */
async function until(ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function expectError(res: { status: number; text: string }, kind: keyof typeof ERRORS, text: string) {
  expect({ status: res.status, body: JSON.parse(res.text) }).toMatchObject({
    status: ERRORS[kind].http,
    body: {
      std_err_code: ERRORS[kind].code,
      http_err_code: ERRORS[kind].http,
      result: expect.stringContaining(text),
    },
  });
}

test('in-process: a call past its time limit answers 503, logs it, and its write commits once the store lets it', async () => {
  const inner = memoryStore(seedData());
  const gated = gatedStore(inner);
  const deps = await memoryDeps(home(), gated.store);
  const lines: string[] = [];
  const log = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) });
  const app = testApp(deps, inProcessInvoke(deps), { requestTimeoutMs: 200, log });

  const res = await request(app).post('/razor/api/tag').send(LATE_TAG);
  expectError(res, 'StoreUnavailable', 'the request took longer than 200 ms');
  await gated.reached;
  expect(await lateRules(inner)).toEqual([]);
  expect(lines.map((l) => JSON.parse(l))).toContainEqual(
    expect.objectContaining({ msg: 'request over its time limit', url: '/razor/api/tag' }),
  );

  gated.release();
  const [write] = await gated.settled();
  expect(write?.status).toBe('fulfilled');
  expect(await lateRules(inner)).toEqual([expect.objectContaining(LATE_TAG)]);
});

test('in-process: a call within its time limit is answered as usual', async () => {
  const inner = memoryStore(seedData());
  const gated = gatedStore(inner);
  gated.release();
  const deps = await memoryDeps(home(), gated.store);
  const app = testApp(deps, inProcessInvoke(deps), { requestTimeoutMs: 60_000 });
  const res = await request(app).post('/razor/api/tag').send(LATE_TAG);
  expect(res.status).toBe(201);
  expect(await lateRules(inner)).toHaveLength(1);
});

const razorBin = join(ROOT, 'bin', 'razor');

test('spawn: a child past the time limit answers 503; it commits its write once the store lock is free', async () => {
  const dir = home();
  await writeSeed(dir);
  const held = await acquireLock(join(dir, 'razor.json'), { timeoutMs: 0 });
  // The app's own store is not used: each call runs in a child over the store file.
  const deps = await memoryDeps(dir, memoryStore());
  const invoke = spawnInvoke({ razorBin, env: testEnv(dir), timeoutMs: 120_000 });
  const app = testApp(deps, invoke, { requestTimeoutMs: 300 });

  const res = await request(app).post('/razor/api/tag').send(LATE_TAG);
  expectError(res, 'StoreUnavailable', 'the request took longer than 300 ms');
  expect(lateRulesOnDisk(dir)).toEqual([]);
  await held.release();
  await until(() => lateRulesOnDisk(dir).length === 1, 60_000);
});

test('spawn: a child that outlives its own limit is killed; the client gets 500 and nothing is written', async () => {
  const dir = home();
  await writeSeed(dir);
  const before = readFileSync(join(dir, 'razor.json'), 'utf8');
  // The child waits for this lock (30 s) far longer than it is allowed to run.
  const held = await acquireLock(join(dir, 'razor.json'), { timeoutMs: 0 });
  const deps = await memoryDeps(dir, memoryStore());
  const invoke = spawnInvoke({ razorBin, env: testEnv(dir), timeoutMs: 1_000 });
  const app = testApp(deps, invoke, { requestTimeoutMs: 0 });

  const res = await request(app).post('/razor/api/tag').send(LATE_TAG);
  expectError(res, 'InternalError', 'razor child failed');
  // The answer came once the child had exited: with the lock free now, it cannot write later.
  await held.release();
  expect(readFileSync(join(dir, 'razor.json'), 'utf8')).toBe(before);
});

/** A stand-in for bin/razor that behaves badly in the way `script` says. */
function fakeRazor(dir: string, script: string): string {
  const file = join(dir, 'fake-razor.mjs');
  writeFileSync(file, script);
  chmodSync(file, 0o755);
  return file;
}

test.each([
  ['exits without answering', "process.stderr.write('boom\\n'); process.exit(3);", 'boom'],
  ['is killed by a signal', "process.kill(process.pid, 'SIGKILL');", 'razor child failed'],
  ['answers without a frame', "process.stdout.write('200 \\n{}');", 'answered without a frame'],
])(
  'spawn: a child that %s gets the client 500 InternalError',
  async (_what, script, says) => {
    const dir = home();
    await writeSeed(dir);
    const deps = await memoryDeps(dir, memoryStore());
    const invoke = spawnInvoke({ razorBin: fakeRazor(dir, script), env: testEnv(dir), timeoutMs: 60_000 });
    const app = testApp(deps, invoke, { requestTimeoutMs: 0 });
    const res = await request(app).get('/razor/api/tag');
    expectError(res, 'InternalError', says);
  },
  120_000,
);
