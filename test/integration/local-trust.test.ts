/**
 * Who on the razor host needs no token (`auth_allow_localhost`, ADR 0014). By default (`owner`)
 * only a client of the daemon's Unix socket `$RAZOR_HOME/razor.sock`, which the kernel lets only
 * the daemon's user and root connect to; over TCP, loopback or not, admin routes need a token —
 * root's and the owner's too. The attack that beat ADR 0012's /proc/net/tcp lookup (send a whole
 * admin request as another user and close at once, so the orphaned socket shows uid 0) is run for
 * real. Clients as another user are processes run as uid 65534, so the suite needs root.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { testEnv } from '../helpers/deps.js';
import { RAZOR, socketRequest, startDaemon } from '../helpers/daemon.js';
import { systemAvailable } from '../helpers/system.js';

const run = promisify(execFile);
const NOBODY = 65534;
const asRoot = systemAvailable('local-trust suite (clients run as another user)', () =>
  process.getuid?.() === 0 ? undefined : 'needs root to run a client as uid 65534',
);

/** Runs a CommonJS `script` with `args` as `uid`; its stdout. */
async function nodeAs(uid: number, script: string, args: string[]): Promise<string> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return (await run(process.execPath, ['-e', script, ...args], { uid, gid: uid, cwd: '/', env })).stdout;
}

/** A fetch from a process running as `uid`: its status and the envelope's fields. */
async function requestAs(
  uid: number,
  url: string,
  init: { method?: string; token?: string; body?: string } = {},
) {
  const script = `fetch(process.argv[1], JSON.parse(process.argv[2])).then(async (r) => {
    process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() }));
  });`;
  const options = {
    method: init.method ?? 'GET',
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body ? { body: init.body } : {}),
  };
  const answer = JSON.parse(await nodeAs(uid, script, [url, JSON.stringify(options)])) as {
    status: number;
    body: string;
  };
  return { status: answer.status, envelope: JSON.parse(answer.body) as Record<string, unknown> };
}

/**
 * The attack: as `uid`, `count` connections to the API port, each sending a whole
 * `POST /razor/api/tag` and closing at once (`close`), or waiting for the answer. Prints the
 * status lines received.
 */
function postTagAs(uid: number, port: number, count: number, close: boolean): Promise<string> {
  const script = `
    const net = require('node:net');
    const [port, count, close] = [Number(process.argv[1]), Number(process.argv[2]), process.argv[3] === 'close'];
    const body = JSON.stringify({ name: 'by-nobody', tag: 'n' });
    const request = 'POST /razor/api/tag HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Type: application/json\\r\\n' +
      'Content-Length: ' + Buffer.byteLength(body) + '\\r\\nConnection: close\\r\\n\\r\\n' + body;
    const one = () => new Promise((done) => {
      const s = net.connect(port, '127.0.0.1', () => {
        if (close) s.write(request, () => (s.destroy(), done('')));
        else s.write(request);
      });
      let answer = '';
      s.on('data', (d) => (answer += d));
      s.on('end', () => done(answer.split('\\r\\n')[0]));
      s.on('error', () => done('error'));
    });
    Promise.all(Array.from({ length: count }, one)).then((lines) => process.stdout.write(lines.join('\\n')));`;
  return nodeAs(uid, script, [String(port), String(count), close ? 'close' : 'wait']);
}

/** Waits until the daemon's request log holds `count` answered `POST /razor/api/tag` requests. */
async function loggedTagPosts(home: string, count: number): Promise<Array<{ status: number; who?: string }>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const text = existsSync(join(home, 'log', 'razor.log'))
      ? readFileSync(join(home, 'log', 'razor.log'), 'utf8')
      : '';
    const posts = text
      .split('\n')
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as { method?: string; url?: string; status: number; who?: string }];
        } catch {
          return [];
        }
      })
      .filter((l) => l.method === 'POST' && l.url === '/razor/api/tag');
    if (posts.length >= count || Date.now() > deadline) return posts;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The audit trail (`razor log --audit`). */
async function audit(home: string): Promise<Array<{ who: string; msg: string }>> {
  const { stdout } = await run(RAZOR, ['-w', 'log', '{"audit":true,"tail":200}'], { env: testEnv(home) });
  return JSON.parse(stdout).response as Array<{ who: string; msg: string }>;
}

/** A daemon on a seeded store without tokens (its first start writes admin.token); no sweeps. */
async function daemonWith(args: string[], env: Record<string, string> = {}) {
  const home = tempHome();
  const data = seedData();
  delete data.collections.token;
  await writeSeed(home.home, data);
  const d = await startDaemon(home.home, args, { RAZOR_DAEMON_MIN_CYCLE_TIME: '86400', ...env });
  const token = readFileSync(join(home.home, 'admin.token'), 'utf8').trim();
  const store = join(home.home, 'razor.json');
  return { home, d, token, store, cleanup: async () => (await d.stop(), home.cleanup()) };
}

const ATTEMPTS = 40;
const TAG = JSON.stringify({ name: 'by-owner', tag: 'o' });

(asRoot ? describe : describe.skip)('auth_allow_localhost', () => {
  describe('owner (the default), listening on every address', () => {
    let s: Awaited<ReturnType<typeof daemonWith>>;
    beforeAll(async () => {
      s = await daemonWith(['--listen', '0.0.0.0']);
    });
    afterAll(async () => s.cleanup());

    test('another user sending a whole admin request and closing at once gets nothing; the store is unchanged', async () => {
      const before = readFileSync(s.store);
      await postTagAs(NOBODY, s.d.port, ATTEMPTS, true);
      // …and the same without closing: the answer is 401.
      const waited = (await postTagAs(NOBODY, s.d.port, 5, false)).split('\n');
      expect(waited).toEqual(Array(5).fill('HTTP/1.1 401 Unauthorized'));
      // Every attempt reached the daemon and was refused.
      const posts = await loggedTagPosts(s.home.home, ATTEMPTS + 5);
      expect(posts).toHaveLength(ATTEMPTS + 5);
      expect(posts.every((p) => p.status === 401 && p.who === undefined)).toBe(true);
      expect(readFileSync(s.store).equals(before)).toBe(true);
    });

    test('another user cannot connect to the Unix socket (EACCES)', async () => {
      expect(s.d.socket).toBe(join(s.home.home, 'razor.sock'));
      const script = `require('node:net').connect({ path: process.argv[1] })
        .on('connect', () => { process.stdout.write('connected'); process.exit(0); })
        .on('error', (e) => process.stdout.write(e.code));`;
      expect(await nodeAs(NOBODY, script, [s.d.socket!])).toBe('EACCES');
    });

    test("the daemon's user on the socket needs no token; the audit log says local:socket", async () => {
      expect(s.d.output()).toContain(`socket   ${join(s.home.home, 'razor.sock')}`);
      expect((await socketRequest(s.d.socket!, '/razor/api/policy')).status).toBe(200);
      const added = await socketRequest(s.d.socket!, '/razor/api/tag', { method: 'POST', body: TAG });
      expect(added.status).toBe(201);
      // A token that is sent is checked, on the socket too.
      const wrong = { authorization: 'Bearer rzr_wrong' };
      expect((await socketRequest(s.d.socket!, '/razor/api/policy', { headers: wrong })).status).toBe(401);
      const deadline = Date.now() + 30_000;
      let trail = await audit(s.home.home);
      while (!trail.some((e) => e.who === 'local:socket') && Date.now() < deadline)
        trail = await audit(s.home.home);
      expect(trail).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ who: 'local:socket', msg: 'POST /razor/api/tag → 201' }),
        ]),
      );
    });

    test('root over TCP needs a token: none or a wrong one is 401, the right one 200', async () => {
      const none = await fetch(`${s.d.url}/razor/api/policy`);
      expect(none.status).toBe(401);
      expect((await none.json()).result).toContain('the Unix socket razor.sock in $RAZOR_HOME');
      const write = await fetch(`${s.d.url}/razor/api/tag`, { method: 'POST', body: TAG });
      expect(write.status).toBe(401);
      const wrong = { authorization: 'Bearer rzr_wrong' };
      expect((await fetch(`${s.d.url}/razor/api/policy`, { headers: wrong })).status).toBe(401);
      const right = { authorization: `Bearer ${s.token}` };
      expect((await fetch(`${s.d.url}/razor/api/policy`, { headers: right })).status).toBe(200);
    });

    test('another user with the token is an admin; node-facing routes are open to everyone', async () => {
      expect((await requestAs(NOBODY, `${s.d.url}/razor/api/policy`, { token: s.token })).status).toBe(200);
      const refused = await requestAs(NOBODY, `${s.d.url}/razor/api/policy`);
      expect(refused.status).toBe(401);
      expect(refused.envelope.err_class).toBe('ProjectRazor::Error::Slice::Unauthorized');
      const checkin = await requestAs(
        NOBODY,
        `${s.d.url}/razor/api/node/checkin?hw_id=525400123456&last_state=idle`,
      );
      expect(checkin.status).toBe(200);
    });
  });

  test('true also trusts every loopback TCP client — the same attack then works (unsafe on a shared host)', async () => {
    const s = await daemonWith([], { RAZOR_AUTH_ALLOW_LOCALHOST: 'true' });
    try {
      expect(s.d.output()).toContain('from this host over TCP (unsafe on a shared host)');
      await postTagAs(NOBODY, s.d.port, 1, true);
      const posts = await loggedTagPosts(s.home.home, 1);
      expect(posts).toEqual([expect.objectContaining({ status: 201, who: 'localhost' })]);
      expect((await socketRequest(s.d.socket!, '/razor/api/policy')).status).toBe(200);
      // A wrong token is refused even where no token is needed.
      const wrong = { authorization: 'Bearer rzr_wrong' };
      expect((await fetch(`${s.d.url}/razor/api/policy`, { headers: wrong })).status).toBe(401);
    } finally {
      await s.cleanup();
    }
  });

  test('false trusts nobody, not even the socket; the token works on both', async () => {
    const s = await daemonWith([], { RAZOR_AUTH_ALLOW_LOCALHOST: 'false' });
    try {
      expect((await socketRequest(s.d.socket!, '/razor/api/policy')).status).toBe(401);
      expect((await fetch(`${s.d.url}/razor/api/policy`)).status).toBe(401);
      const right = { authorization: `Bearer ${s.token}` };
      expect((await socketRequest(s.d.socket!, '/razor/api/policy', { headers: right })).status).toBe(200);
    } finally {
      await s.cleanup();
    }
  });

  test("a killed daemon's socket is replaced at the next start; a live one is never taken over", async () => {
    const s = await daemonWith([]);
    const socket = s.d.socket!;
    s.d.proc.kill('SIGKILL');
    await s.d.stop();
    expect(existsSync(socket)).toBe(true); // left behind: nothing answers on it
    const again = await startDaemon(s.home.home, [], { RAZOR_DAEMON_MIN_CYCLE_TIME: '86400' });
    try {
      expect(again.socket).toBe(socket);
      expect((await socketRequest(socket, '/razor/api/policy')).status).toBe(200);
      // A second daemon on this RAZOR_HOME (another port) stops, naming the first; it keeps its socket.
      await expect(startDaemon(s.home.home, [], { RAZOR_DAEMON_MIN_CYCLE_TIME: '86400' })).rejects.toThrow(
        `another razor daemon is serving this RAZOR_HOME's store ${join(s.home.home, 'razor.json')}: ` +
          `pid ${again.proc.pid}, API ${again.url}`,
      );
      expect((await socketRequest(socket, '/razor/api/policy')).status).toBe(200);
    } finally {
      await again.stop();
      s.home.cleanup();
    }
    expect(existsSync(socket)).toBe(false); // removed at shutdown
  });

  test('a RAZOR_HOME others may enter gets no socket, and says why', async () => {
    const home = tempHome();
    await writeSeed(home.home);
    chmodSync(home.home, 0o755);
    const d = await startDaemon(home.home, [], { RAZOR_DAEMON_MIN_CYCLE_TIME: '86400' });
    try {
      expect(d.socket).toBeUndefined();
      expect(existsSync(join(home.home, 'razor.sock'))).toBe(false);
      expect(d.output()).toContain(
        `socket   none: ${home.home} is mode 755, not 700; run 'chmod 700 ${home.home}'`,
      );
      expect((await fetch(`${d.url}/razor/api/policy`)).status).toBe(401);
    } finally {
      await d.stop();
      home.cleanup();
    }
  });
});
