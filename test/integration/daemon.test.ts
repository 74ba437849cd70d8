/**
 * The daemon as operators and nodes meet it: `npm start` on an empty store and the README's two
 * curl commands (the local socket, the first token), /healthz telling strangers nothing internal,
 * request ids in the log, form-encoded `json_hash` (the original clients' shape), body limits, no
 * destructive GET, a clear error for a taken port, and a graceful SIGTERM that lets in-flight
 * requests finish. Admin calls over TCP carry the seeded token.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, testEnv } from '../helpers/deps.js';
import { ADMIN, SEED, tempHome, writeSeed } from '../helpers/fixture.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { childPids, logLines, until } from '../helpers/poll.js';

const json = async (res: Response) => JSON.parse(await res.text());
const run = promisify(execFile);

const EMPTY_POLICIES = {
  resource: 'ProjectRazor::Slice::Policy',
  command: 'policies_query_all',
  result: 'Ok',
  http_err_code: 200,
  errcode: 0,
  response: [],
};

test('npm start serves an empty policy list on a fresh store, and stops on SIGTERM', async () => {
  const home = tempHome();
  const proc = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: testEnv(home.home, {
      RAZOR_API_PORT: '0',
      RAZOR_IMAGE_SVC_PORT: '0',
      RAZOR_LISTEN_ADDRESS: '127.0.0.1',
    }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no banner:\n${out}`)), 120_000);
      proc.stdout.on('data', () => {
        const m = /API\s+http:\/\/[^:]+:(\d+)\/razor\/api/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(Number(m[1]));
        }
      });
    });
    const socket = join(home.home, 'razor.sock');
    expect(out).toContain(join(home.home, 'razor.json'));
    expect(out).toContain(`socket   ${socket}`);
    expect(out).toContain(`Next:\n  curl --unix-socket ${socket} http://localhost/razor/api/policy`);
    // The README's commands, with ~/.razor as this home: the socket, and the first token over TCP.
    const viaSocket = await run('curl', [
      '-sS',
      '--unix-socket',
      socket,
      'http://localhost/razor/api/policy',
    ]);
    expect(JSON.parse(viaSocket.stdout)).toEqual(EMPTY_POLICIES);
    const withToken = `curl -sS -H "Authorization: Bearer $(cat ${home.home}/admin.token)" localhost:${port}/razor/api/policy`;
    expect(JSON.parse((await run('sh', ['-c', withToken])).stdout)).toEqual(EMPTY_POLICIES);
    // Without either, TCP is refused — also on loopback, also for the daemon's own user.
    const bare = await run('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `localhost:${port}/razor/api/policy`,
    ]);
    expect(bare.stdout).toBe('401');
  } finally {
    process.kill(-(proc.pid as number), 'SIGTERM');
    await exited;
    home.cleanup();
  }
  expect(out).toContain('razor daemon: stopped');
});

describe('a running daemon', () => {
  let home: ReturnType<typeof tempHome>;
  let d: DaemonProcess;
  beforeAll(async () => {
    home = tempHome();
    await writeSeed(home.home);
    d = await startDaemon(home.home);
  });
  afterAll(async () => {
    await d.stop();
    home.cleanup();
  });

  test('/healthz answers without showing anything internal, and every request is logged with its id', async () => {
    const res = await fetch(`${d.url}/healthz`);
    expect(res.status).toBe(200);
    const health = await json(res);
    expect(health).toEqual({ status: 'ok', version: expect.any(String) });
    expect(JSON.stringify(health)).not.toContain(home.home);
    const id = res.headers.get('x-request-id');
    expect(id).toBeTruthy();
    // The log is written in batches: wait for the request's line.
    const line = await until('the request line in the log', () =>
      logLines(join(home.home, 'log', 'razor.log')).find((l) => l.req_id === id),
    );
    expect(line).toMatchObject({ method: 'GET', url: '/healthz', status: 200 });
  });

  test('POST with a form-encoded json_hash (the original clients) creates; @ keys are accepted', async () => {
    const res = await fetch(`${d.url}/razor/api/tag`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ json_hash: JSON.stringify({ '@name': 'form', '@tag': 'from_form' }) }),
    });
    expect(res.status).toBe(201);
    expect((await json(res)).response[0]).toMatchObject({ name: 'form', tag: 'from_form' });
  });

  test('GET never changes data: GET /broker/remove/<uuid> is 405 and the broker stays', async () => {
    const res = await fetch(`${d.url}/razor/api/broker/remove/${SEED.broker}`, { headers: ADMIN });
    expect(res.status).toBe(405);
    expect((await json(res)).err_class).toBe('ProjectRazor::Error::Slice::MethodNotAllowed');
    expect((await fetch(`${d.url}/razor/api/broker/${SEED.broker}`, { headers: ADMIN })).status).toBe(200);
  });

  test('a body over the limit is 413 and a broken JSON body 400, both as envelopes', async () => {
    const big = await fetch(`${d.url}/razor/api/tag`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(2 << 20), tag: 't' }),
    });
    expect(big.status).toBe(413);
    // PayloadTooLarge, its own row of the error table since ADR 0021 (was InputError 111 patched to 413).
    expect(await json(big)).toMatchObject({ std_err_code: 169, http_err_code: 413 });
    const broken = await fetch(`${d.url}/razor/api/tag`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(broken.status).toBe(400);
    expect((await json(broken)).std_err_code).toBe(111);
  });

  test('hostile path elements get 404 and never reach a slice', async () => {
    for (const p of ['..%2F..%2Fetc', '-V', '%00', 'a%7Cb', 'a&b', 'x'.repeat(201)]) {
      const res = await fetch(`${d.url}/razor/api/policy/${p}`, { headers: ADMIN });
      expect({ p, status: res.status }).toEqual({ p, status: 404 });
      // An InvalidPathItem envelope since ADR 0021 (was a plain-text 'Illegal path component').
      expect((await json(res)).std_err_code).toBe(118);
    }
    expect((await fetch(`${d.url}/razor/api/config`, { headers: ADMIN })).status).toBe(404);
  });

  test('a second daemon on the same port fails with a clear message', async () => {
    // Its own home: on this one the first daemon's socket would stop it earlier (local-trust.test.ts).
    const other = tempHome();
    const proc = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'razor'), 'daemon', '--port', String(d.port), '--listen', '127.0.0.1'],
      {
        env: testEnv(other.home),
      },
    );
    let err = '';
    proc.stderr.on('data', (x) => (err += x));
    const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
    other.cleanup();
    expect(code).toBe(1);
    expect(err).toContain(`port ${d.port} on 127.0.0.1 is already in use`);
  });
});

test('SIGTERM lets a request in flight finish (spawn mode: each request takes a child process)', async () => {
  const home = tempHome();
  await writeSeed(home.home);
  const d = await startDaemon(home.home, ['--invoke', 'spawn']);
  try {
    const inFlight = fetch(`${d.url}/razor/api/policy`, { headers: ADMIN });
    // In flight: the daemon has started the request's child process.
    await until("the request's child process", () => (childPids(d.proc.pid!).length ? true : undefined));
    const stopped = d.stop();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect((await json(res)).response).toHaveLength(2);
    expect(await stopped).toBe(0);
    expect(d.output()).toContain('razor daemon: stopped');
  } finally {
    home.cleanup();
  }
});
