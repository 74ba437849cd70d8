/**
 * Hook deliveries from a real daemon (ADR 0032): a URL hook's POST carries the event headers and a
 * valid HMAC-SHA256 signature; a URL that always fails is tried max-attempts times with doubling
 * waits, then counted failed; a script that hangs is killed (its whole process group) at its
 * timeout; a script sees none of the daemon's environment but PATH and the RAZOR_EVENT* names;
 * `razor hook list` shows each hook's status, the metrics count the attempts, and `razor hook test`
 * delivers now and fails with a nonzero exit status when the delivery fails.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { registerNode, runRazor, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { testEnv } from '../helpers/deps.js';
import { until } from '../helpers/poll.js';

const home = tempHome('razor-hooks-delivery-');
const SECRET = 'hmac-test-key';
interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}
const received: Received[] = [];
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    received.push({ path: req.url ?? '', headers: req.headers, body, at: Date.now() });
    res.writeHead(req.url === '/fail' ? 500 : 204).end();
  });
});
let d: DaemonProcess;
const env = () => testEnv(home.home);
const razor = (...args: string[]) => runRazor(args, env());
const file = (name: string) => join(home.home, name);
const script = (name: string, text: string) => {
  writeFileSync(file(name), `#!/bin/sh\n${text}\n`);
  chmodSync(file(name), 0o755);
  return file(name);
};
const read = (name: string) => {
  try {
    return readFileSync(file(name), 'utf8');
  } catch {
    return '';
  }
};
interface Listed {
  name: string;
  status: {
    queue_depth: number;
    delivered: number;
    failed: number;
    dropped: number;
    last_error?: { error: string };
  };
}
const listed = async () =>
  (JSON.parse((await razor('-w', 'hook', 'list')).stdout) as { response: Listed[] }).response;
const statusOf = async (name: string) => (await listed()).find((h) => h.name === name)?.status;

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const seed = seedData();
  delete seed.collections.hook; // only this test's hooks
  await writeSeed(home.home, seed);
  writeFileSync(file('config.yaml'), 'hook_retry_base_ms: 300\n');
  d = await startDaemon(home.home, [], { HOOK_TEST_CANARY: 'daemon-secret' });
  const hooks = [
    ['--name', 'signed', '--url', `${base}/ok`, '--secret', SECRET, '--events', 'node-registered'],
    ['--name', 'failing', '--url', `${base}/fail`, '--max-attempts', '3', '--events', 'node-registered'],
    [
      '--name',
      'hanging',
      '--script',
      script('hang.sh', `sleep 60 & echo $! > '${file('sleep.pid')}'; wait`),
      '--timeout',
      '1',
      '--max-attempts',
      '1',
    ],
    [
      '--name',
      'env',
      '--script',
      script('env.sh', `env | cut -d= -f1 | sort > '${file('env.txt')}'; cat > '${file('env-event.json')}'`),
    ],
  ];
  for (const h of hooks) expect(await razor('hook', 'add', ...h)).toMatchObject({ code: 0 });
}, 180_000);
afterAll(async () => {
  await d?.stop();
  server.close();
  home.cleanup();
});

test('deliveries: signed, retried then failed, killed at the timeout, without the daemon environment', async () => {
  expect(await registerNode(d, '525400bb0001')).toBe(200);

  // The signed POST: headers and an HMAC-SHA256 of the exact body.
  const ok = await until('the signed delivery', () => received.find((r) => r.path === '/ok'));
  const event = JSON.parse(ok.body) as { seq: number; type: string };
  expect(event).toMatchObject({ seq: 1, type: 'node-registered' });
  expect(ok.headers).toMatchObject({
    'content-type': 'application/json',
    'x-razor-event': 'node-registered',
    'x-razor-delivery': '1',
    'x-razor-signature-256': `sha256=${createHmac('sha256', SECRET).update(ok.body).digest('hex')}`,
  });

  // The failing URL: three attempts, 300 ms then 600 ms apart at least, then counted failed.
  const failed = await until('the failing hook to give up', async () => {
    const s = await statusOf('failing');
    return s?.failed === 1 ? s : undefined;
  });
  expect(failed).toMatchObject({ delivered: 0, failed: 1, dropped: 0, queue_depth: 0 });
  expect(failed.last_error?.error).toContain('HTTP 500');
  const tries = received.filter((r) => r.path === '/fail');
  expect(tries.map((r) => r.headers['x-razor-delivery'])).toEqual(['1', '1', '1']);
  expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(290);
  expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(590);
  expect(tries[0]!.headers['x-razor-signature-256']).toBeUndefined();

  // The hanging script: killed at its 1 s timeout, with what it started.
  const hung = await until('the hanging hook to give up', async () => {
    const s = await statusOf('hanging');
    return s?.failed === 1 ? s : undefined;
  });
  expect(hung.last_error?.error).toBe('timed out after 1 s (killed)');
  const pid = Number(read('sleep.pid'));
  expect(pid).toBeGreaterThan(0);
  await until('the sleep to be gone', () => {
    try {
      process.kill(pid, 0);
      return undefined;
    } catch {
      return true;
    }
  });

  // The script's environment: PATH and the RAZOR_EVENT* names only (a shell adds PWD and the like).
  const names = await until('the env dump', () =>
    read('env-event.json') ? read('env.txt').split('\n').filter(Boolean) : undefined,
  );
  expect(names).toEqual(expect.arrayContaining(['PATH', 'RAZOR_EVENT', 'RAZOR_EVENT_SEQ', 'RAZOR_HOOK']));
  expect(
    names.filter(
      (n) =>
        !['PATH', 'RAZOR_EVENT', 'RAZOR_EVENT_SEQ', 'RAZOR_HOOK', 'PWD', 'SHLVL', '_', 'OLDPWD'].includes(n),
    ),
  ).toEqual([]);
  expect(JSON.parse(read('env-event.json'))).toMatchObject({ seq: 1, type: 'node-registered' });

  // The list, human and JSON; the metrics count attempts.
  const human = await razor('hook', 'list');
  expect(human.code).toBe(0);
  for (const word of ['signed', 'failing', 'hanging', 'env', 'HTTP 500', 'timed out'])
    expect(human.stdout).toContain(word);
  expect(await statusOf('signed')).toMatchObject({ delivered: 1, failed: 0, queue_depth: 0 });
  const metrics = await (await fetch(`${d.url}/metrics`)).text();
  expect(metrics).toContain('razor_hook_deliveries_total{hook="failing",outcome="error"} 3');
  expect(metrics).toContain('razor_hook_deliveries_total{hook="signed",outcome="ok"} 1');
  expect(metrics).toContain('razor_hook_deliveries_total{hook="hanging",outcome="error"} 1');
}, 240_000);

test('hook test delivers a hook-test event now, and fails loudly', async () => {
  const before = received.length;
  const good = await razor('hook', 'test', 'signed');
  expect(good).toMatchObject({ code: 0 });
  expect(good.stdout).toContain('hook signed: hook-test event delivered');
  const sent = received.slice(before).find((r) => r.path === '/ok');
  expect(JSON.parse(sent?.body ?? '{}')).toMatchObject({ seq: 0, type: 'hook-test', hook: 'signed' });
  expect(sent?.headers['x-razor-signature-256']).toBe(
    `sha256=${createHmac('sha256', SECRET)
      .update(sent?.body ?? '')
      .digest('hex')}`,
  );

  const bad = await razor('hook', 'test', 'failing');
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain('the hook-test delivery failed: POST');
  expect(bad.stderr).toContain('HTTP 500');
  const slow = await razor('hook', 'test', 'hanging');
  expect(slow.code).not.toBe(0);
  expect(slow.stderr).toContain('timed out after 1 s (killed)');
  const none = await razor('hook', 'test', 'nosuch');
  expect(none.code).not.toBe(0);
  expect(none.stderr).toContain("no hook named 'nosuch'");

  // Removed: gone from the list and from the daemon's status file.
  expect(await razor('hook', 'remove', 'hanging')).toMatchObject({ code: 0 });
  expect((await listed()).map((h) => h.name).sort()).toEqual(['env', 'failing', 'signed']);
  await until('the status file to forget it', () =>
    read(join('events', 'hooks-state.json')).includes('"hanging"') ? undefined : true,
  );
}, 120_000);
