/**
 * Who may do what: on a daemon listening beyond loopback, admin routes need a bearer token (the
 * first one is written to $RAZOR_HOME/admin.token, mode 0600), node-facing routes stay open,
 * revoked tokens stop working, and every admin change is in the audit log with its token.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SEED, seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { testEnv } from '../helpers/deps.js';
import { RAZOR, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { until } from '../helpers/poll.js';

const run = promisify(execFile);
let home: ReturnType<typeof tempHome>;
let d: DaemonProcess;
let token: string;

beforeAll(async () => {
  home = tempHome();
  // A store without tokens: the daemon's first start creates one.
  const data = seedData();
  delete data.collections.token;
  await writeSeed(home.home, data);
  // Listening on every address, and not trusting this host: the strictest setting.
  d = await startDaemon(home.home, ['--listen', '0.0.0.0'], { RAZOR_AUTH_ALLOW_LOCALHOST: 'false' });
  token = readFileSync(join(home.home, 'admin.token'), 'utf8').trim();
});
afterAll(async () => {
  await d.stop();
  home.cleanup();
});

const call = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${d.url}/razor/api/${path}`, {
    ...init,
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      'content-type': 'application/json',
    },
  });

test('the first token is written 0600 and its location printed', () => {
  expect(statSync(join(home.home, 'admin.token')).mode & 0o777).toBe(0o600);
  expect(token).toMatch(/^rzr_[0-9A-Za-z]{40}$/);
  expect(d.output()).toContain(`first token written to ${join(home.home, 'admin.token')}`);
});

test('admin routes need the token; node-facing routes do not', async () => {
  const anonymous = await call('policy');
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="razor"');
  expect((await anonymous.json()).err_class).toBe('ProjectRazor::Error::Slice::Unauthorized');
  expect((await call('policy', { token: 'rzr_wrong' })).status).toBe(401);
  expect((await call('policy', { token })).status).toBe(200);
  expect((await call('tag', { method: 'POST', body: JSON.stringify({ name: 'x', tag: 'y' }) })).status).toBe(
    401,
  );
  // Firmware, Microkernels and installers carry no token.
  const boot = await call('boot?hw_id=52:54:00:12:34:56');
  expect(boot.status).toBe(200);
  expect((await boot.text()).startsWith('#!ipxe')).toBe(true);
  expect((await call('node/checkin?hw_id=525400123456&last_state=idle')).status).toBe(200);
  expect((await call(`policy/callback/${SEED.active_model}/status`)).status).toBe(200);
  // …but a node-facing path used with an admin method is not a way around the token.
  expect((await call(`policy/callback/${SEED.active_model}/status`, { method: 'POST' })).status).toBe(401);
});

test('a revoked token stops working; admin changes are audited with the token name', async () => {
  const created = JSON.parse(
    (await run(RAZOR, ['-w', 'token', 'create', '{"name":"ci"}'], { env: testEnv(home.home) })).stdout,
  ).response[0];
  expect(created.token).toMatch(/^rzr_/);
  expect(
    (
      await call('tag', {
        method: 'POST',
        token: created.token,
        body: JSON.stringify({ name: 'audited', tag: 'a' }),
      })
    ).status,
  ).toBe(201);
  const listed = JSON.parse((await run(RAZOR, ['-w', 'token'], { env: testEnv(home.home) })).stdout).response;
  expect(listed.map((t: { name: string }) => t.name).sort()).toEqual(['admin', 'ci']);
  expect(JSON.stringify(listed)).not.toContain('sha256');
  await run(RAZOR, ['token', 'revoke', created.uuid], { env: testEnv(home.home) });
  expect((await call('tag', { token: created.token })).status).toBe(401);
  // The log is written in batches: wait until the audit trail has the tag's POST.
  const audit = await until('the audited POST', async () => {
    const trail = JSON.parse(
      (await run(RAZOR, ['-w', 'log', '{"audit":true,"tail":50}'], { env: testEnv(home.home) })).stdout,
    ).response as Array<{ who: string; msg: string }>;
    return trail.some((e) => e.msg === 'POST /razor/api/tag → 201') ? trail : undefined;
  });
  expect(audit).toEqual(
    expect.arrayContaining([expect.objectContaining({ who: 'token:ci', msg: 'POST /razor/api/tag → 201' })]),
  );
  expect(audit.every((e: { msg: string }) => !e.msg.startsWith('GET'))).toBe(true);
});
