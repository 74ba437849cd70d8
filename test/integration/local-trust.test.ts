/**
 * Which clients on the razor host need no token (`auth_allow_localhost`, ADR 0012): by default
 * (`owner`) a process of the daemon's own user or root; another local user needs a token like a
 * remote client — also when the daemon listens on loopback only; `true` trusts every local user.
 * Clients as another user are real processes run with another uid, so the suite needs root.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { testEnv } from '../helpers/deps.js';
import { RAZOR, startDaemon } from '../helpers/daemon.js';
import { systemAvailable } from '../helpers/system.js';

const run = promisify(execFile);
const NOBODY = 65534;
const asRoot = systemAvailable('local-trust suite (clients run as another user)', () =>
  process.getuid?.() === 0 ? undefined : 'needs root to run a client as uid 65534',
);

/** A request from a child process running as `uid`: its status and the envelope's fields. */
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
  const { stdout } = await run(process.execPath, ['-e', script, url, JSON.stringify(options)], {
    uid,
    gid: uid,
    cwd: '/',
  });
  const answer = JSON.parse(stdout) as { status: number; body: string };
  return { status: answer.status, envelope: JSON.parse(answer.body) as Record<string, unknown> };
}

async function daemonWith(args: string[], env: Record<string, string> = {}) {
  const home = tempHome();
  // No tokens: the daemon's first start writes one to admin.token.
  const data = seedData();
  delete data.collections.token;
  await writeSeed(home.home, data);
  const d = await startDaemon(home.home, args, env);
  return { home, d, cleanup: async () => (await d.stop(), home.cleanup()) };
}

(asRoot ? describe : describe.skip)('auth_allow_localhost', () => {
  describe('owner (the default), listening on every address', () => {
    let s: Awaited<ReturnType<typeof daemonWith>>;
    let token: string;
    beforeAll(async () => {
      s = await daemonWith(['--listen', '0.0.0.0']);
      token = readFileSync(join(s.home.home, 'admin.token'), 'utf8').trim();
    });
    afterAll(async () => s.cleanup());

    test("the daemon's own user needs no token, and the audit log names its uid", async () => {
      const listed = await fetch(`${s.d.url}/razor/api/policy`);
      expect(listed.status).toBe(200);
      const added = await fetch(`${s.d.url}/razor/api/tag`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'by-owner', tag: 'o' }),
      });
      expect(added.status).toBe(201);
      await new Promise((r) => setTimeout(r, 100));
      const audit = JSON.parse(
        (await run(RAZOR, ['-w', 'log', '{"audit":true,"tail":50}'], { env: testEnv(s.home.home) })).stdout,
      ).response as Array<{ who: string; msg: string }>;
      expect(audit).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            who: `localhost:uid=${process.getuid?.()}`,
            msg: 'POST /razor/api/tag → 201',
          }),
        ]),
      );
    });

    test('another local user needs a token; the refusal says why and changes nothing', async () => {
      const store = join(s.home.home, 'razor.json');
      const before = readFileSync(store);
      const refused = await requestAs(NOBODY, `${s.d.url}/razor/api/policy`);
      expect(refused.status).toBe(401);
      expect(refused.envelope.err_class).toBe('ProjectRazor::Error::Slice::Unauthorized');
      expect(String(refused.envelope.result)).toContain(`local uid ${NOBODY} is not the daemon's user`);
      const write = await requestAs(NOBODY, `${s.d.url}/razor/api/tag`, {
        method: 'POST',
        body: JSON.stringify({ name: 'by-nobody', tag: 'n' }),
      });
      expect(write.status).toBe(401);
      expect(readFileSync(store).equals(before)).toBe(true);
      // With the token it is an admin call like any other.
      expect((await requestAs(NOBODY, `${s.d.url}/razor/api/policy`, { token })).status).toBe(200);
      expect((await requestAs(NOBODY, `${s.d.url}/razor/api/policy`, { token: 'rzr_wrong' })).status).toBe(
        401,
      );
      // Node-facing routes stay open to every user.
      const boot = await requestAs(
        NOBODY,
        `${s.d.url}/razor/api/node/checkin?hw_id=525400123456&last_state=idle`,
      );
      expect(boot.status).toBe(200);
    });
  });

  test('owner also applies when the daemon listens on loopback only', async () => {
    const s = await daemonWith([]);
    try {
      expect((await fetch(`${s.d.url}/razor/api/policy`)).status).toBe(200);
      expect((await requestAs(NOBODY, `${s.d.url}/razor/api/policy`)).status).toBe(401);
    } finally {
      await s.cleanup();
    }
  });

  test('true trusts every local user; false none', async () => {
    const open = await daemonWith(['--listen', '0.0.0.0'], { RAZOR_AUTH_ALLOW_LOCALHOST: 'true' });
    try {
      expect((await requestAs(NOBODY, `${open.d.url}/razor/api/policy`)).status).toBe(200);
    } finally {
      await open.cleanup();
    }
    const closed = await daemonWith([], { RAZOR_AUTH_ALLOW_LOCALHOST: 'false' });
    try {
      expect((await fetch(`${closed.d.url}/razor/api/policy`)).status).toBe(401);
    } finally {
      await closed.cleanup();
    }
  });
});
