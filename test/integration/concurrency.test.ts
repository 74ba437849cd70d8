/**
 * The embedded store under concurrent writers: the daemon serving 500 concurrent POSTs while four
 * CLI processes each add 100 tag rules — every one of the 900 lands and the file stays valid JSON;
 * and CLI writers killed with SIGKILL at random moments never leave an unreadable store or a
 * store generation that is not a complete store (ADR 0017).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import http from 'node:http';
import { seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { testEnv } from '../helpers/deps.js';
import { RAZOR, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { openJsonStore } from '../../lib/store/json-store.js';
import { generationProblems } from '../helpers/generations.js';

const run = promisify(execFile);

function post(url: string, agent: http.Agent, body: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    const started = performance.now();
    req.on('error', (err) =>
      reject(new Error(`POST ${body}: ${err.message} after ${Math.round(performance.now() - started)} ms`)),
    );
    req.end(body);
  });
}

async function cliWriter(home: string, id: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const json = JSON.stringify({ name: `cli-${id}-${i}`, tag: `t${id}` });
    await run(process.execPath, [RAZOR, '-w', 'tag', 'add', json], { env: testEnv(home) });
  }
}

/** The tag rules' names the store holds (its snapshot and journal, as any razor process reads them). */
const names = async (file: string): Promise<string[]> => {
  const store = await openJsonStore(file, { lockTimeoutMs: 5_000 });
  try {
    return (await store.read((r) => r.all('tag'))).map((t) => String(t.name));
  } finally {
    await store.close();
  }
};

describe('daemon and CLI processes writing at once', () => {
  let home: ReturnType<typeof tempHome>;
  let daemon: DaemonProcess;
  let token: string;
  beforeAll(async () => {
    home = tempHome();
    // 500 connections at once from one address: more than the default per-address cap (ADR 0018).
    // The slow-client limits are off: on a starved machine the daemon may reach a queued socket's
    // headers after 10 s, and this test is about writers, not about shedding slow clients.
    daemon = await startDaemon(home.home, [], {
      RAZOR_MAX_CONNECTIONS_PER_ADDRESS: '1000',
      RAZOR_MAX_CONNECTIONS_PER_PORT: '1000',
      RAZOR_REQUEST_TIMEOUT_MS: '0',
      RAZOR_HEADERS_TIMEOUT_MS: '0',
    });
    token = readFileSync(join(home.home, 'admin.token'), 'utf8').trim();
  });
  afterAll(async () => {
    await daemon?.stop();
    home.cleanup();
  });

  test('500 concurrent POSTs + 4 CLI processes × 100 tag rules → all 900 stored', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 500 });
    const posts = Array.from({ length: 500 }, (_, i) =>
      post(`${daemon.url}/razor/api/tag`, agent, JSON.stringify({ name: `http-${i}`, tag: 'h' }), token),
    );
    const clis = [0, 1, 2, 3].map((id) => cliWriter(home.home, id, 100));
    const statuses = await Promise.all(posts);
    await Promise.all(clis);
    agent.destroy();
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    const stored = new Set(await names(join(home.home, 'razor.json')));
    const expected = [
      ...Array.from({ length: 500 }, (_, i) => `http-${i}`),
      ...[0, 1, 2, 3].flatMap((id) => Array.from({ length: 100 }, (_, i) => `cli-${id}-${i}`)),
    ];
    expect(expected.filter((n) => !stored.has(n))).toEqual([]);
    expect(stored.size).toBe(900);
  }, 1_200_000);
});

const BULK = 40_000;

/** Runs one unkilled CLI write and returns how long it took (ms). */
/** The SIGKILL writers rewrite the file whole (no journal, ADR 0027): kills land inside that rewrite. */
const WHOLE_FILE = { RAZOR_STORE_JOURNAL_FROM: String(2 ** 40) };

async function timeOneWrite(home: string, name: string): Promise<number> {
  const t0 = performance.now();
  await run(process.execPath, [RAZOR, '-w', 'tag', 'add', JSON.stringify({ name, tag: 'k' })], {
    env: testEnv(home, WHOLE_FILE),
  });
  return performance.now() - t0;
}

describe('SIGKILL while writing', () => {
  let home: ReturnType<typeof tempHome>;
  beforeAll(async () => {
    home = tempHome();
    // A store of several MB, so each write (serialise, write, fsync, rename) takes long enough
    // for random kills to land inside it.
    const data = seedData();
    data.collections.tag = Object.fromEntries(
      Array.from({ length: BULK }, (_, i) => {
        const uuid = `Bulk${String(i).padStart(18, '0')}`;
        const matchers = [
          { uuid: `M${uuid}`, key: 'mk_hw_mem_size', compare: 'like', value: '^\\d+GiB$', inverse: false },
        ];
        return [uuid, { uuid, name: `bulk-${i}`, tag: 'bulk', matchers, created_at: '', updated_at: '' }];
      }),
    );
    await writeSeed(home.home, data);
  });
  afterAll(() => home.cleanup());

  test('50 CLI writers killed at random moments never leave an unreadable store', async () => {
    const file = join(home.home, 'razor.json');
    // Kills land at random moments in the second half of a writer's life, where its write is.
    let took = Math.max(await timeOneWrite(home.home, 'warm-1'), await timeOneWrite(home.home, 'warm-2'));
    const acknowledged: string[] = ['warm-1', 'warm-2'];
    const completeGenerations = new Set<string>();
    let killedMidRun = 0;
    let killedMidWrite = 0;
    // At least 50 writers; more (up to 150) while too few kills landed — on a busy machine a
    // writer's life varies, so the calibration follows the writers that ran to the end.
    const enough = () => killedMidRun >= 10 && killedMidWrite >= 3;
    for (let i = 0; i < 150 && (i < 50 || !enough()); i++) {
      const name = `kill-${i}`;
      const started = performance.now();
      const child = spawn(process.execPath, [RAZOR, '-w', 'tag', 'add', JSON.stringify({ name, tag: 'k' })], {
        env: testEnv(home.home, WHOLE_FILE),
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      const delay = took * (0.4 + Math.random() * 0.7);
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      await exited;
      clearTimeout(timer);
      if (child.signalCode === 'SIGKILL') killedMidRun++;
      else {
        took = performance.now() - started;
        if (JSON.parse(out).errcode === 0) acknowledged.push(name);
      }
      // A temp file left behind means the kill landed between creating and renaming it.
      if (readdirSync(home.home).some((f) => f.startsWith('.razor.json.tmp-'))) killedMidWrite++;
      // After every kill the file must parse and the store must open and read.
      expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
      expect({ i, generations: generationProblems(file, 5, completeGenerations) }).toEqual({
        i,
        generations: [],
      });
      const store = await openJsonStore(file, { lockTimeoutMs: 5_000 });
      expect(await store.read((r) => r.count('tag'))).toBeGreaterThanOrEqual(BULK);
      await store.close();
    }
    const stored = new Set(await names(file));
    expect(acknowledged.filter((n) => !stored.has(n))).toEqual([]);
    // The kills must really have hit running writers for the test to mean anything.
    expect(killedMidRun).toBeGreaterThanOrEqual(10);
    expect(killedMidWrite).toBeGreaterThanOrEqual(3);
    process.stdout.write(
      `SIGKILL test: a write takes ${Math.round(took)} ms; ${killedMidRun} killed mid-run (${killedMidWrite} mid-write), ${acknowledged.length} acknowledged\n`,
    );
  }, 1_200_000); // a hang guard: 50 CLI processes take 400 s and more on a loaded machine
});
