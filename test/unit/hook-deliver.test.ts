/**
 * One delivery (lib/hooks/deliver.ts): a script gets the event JSON on stdin and an environment of
 * PATH and the RAZOR_EVENT* names only, exit status 0 is delivered and anything else an error with
 * its stderr, it is killed with everything it started at the timeout or when aborted; a URL gets
 * the signed POST, 2xx is delivered, an error status, a redirect or no server is an error.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { deliverEvent, hookTestEvent } from '../../lib/hooks/deliver.js';
import type { HookDoc } from '../../lib/hooks/hook-doc.js';
import { tempHome } from '../helpers/fixture.js';
import { until } from '../helpers/poll.js';

const { home, cleanup } = tempHome('razor-hook-deliver-');
const EVENT = { seq: 7, type: 'node-bound', at: '2026-12-05T12:00:00.000Z', node_uuid: 'N1' };
const PATH = '/usr/bin:/bin';
const script = (
  name: string,
  body: string,
  timeout = 10,
): Pick<HookDoc, 'name' | 'kind' | 'target' | 'timeout'> => {
  const target = join(home, name);
  writeFileSync(target, `#!/bin/sh\n${body}\n`);
  chmodSync(target, 0o755);
  return { name, kind: 'script', target, timeout };
};
const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return undefined;
  } catch {
    return true;
  }
};
const seen: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    seen.push({ url: req.url ?? '', headers: req.headers, body });
    const status = req.url === '/ok' ? 200 : req.url === '/moved' ? 302 : 503;
    res.writeHead(status, status === 302 ? { location: '/ok' } : {}).end();
  });
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  cleanup();
});

describe('script hooks', () => {
  test('stdin is the event, the environment only PATH and RAZOR_EVENT*; exit 0 is delivered', async () => {
    const hook = script('ok.sh', `cat > '${home}/in.json'; env | cut -d= -f1 | sort > '${home}/env.txt'`);
    process.env.HOOK_UNIT_CANARY = 'secret';
    expect(await deliverEvent(hook, EVENT, { path: PATH })).toEqual({ ok: true });
    delete process.env.HOOK_UNIT_CANARY;
    expect(JSON.parse(readFileSync(join(home, 'in.json'), 'utf8'))).toEqual(EVENT);
    const names = readFileSync(join(home, 'env.txt'), 'utf8').split('\n').filter(Boolean);
    expect(names.filter((n) => !['PWD', 'SHLVL', '_', 'OLDPWD'].includes(n))).toEqual([
      'PATH',
      'RAZOR_EVENT',
      'RAZOR_EVENT_SEQ',
      'RAZOR_HOOK',
    ]);
  });

  test('a nonzero exit is an error with its status and stderr', async () => {
    const hook = script('bad.sh', 'echo "no database" >&2; exit 3');
    expect(await deliverEvent(hook, EVENT, { path: PATH })).toEqual({
      ok: false,
      error: 'exit status 3: no database',
    });
  });

  test('at the timeout the script and what it started are killed', async () => {
    const hook = script('hang.sh', `sleep 60 & echo $! > '${home}/hang.pid'; wait`, 1);
    const started = Date.now();
    expect(await deliverEvent(hook, EVENT, { path: PATH })).toEqual({
      ok: false,
      error: 'timed out after 1 s (killed)',
    });
    expect(Date.now() - started).toBeLessThan(30_000);
    await until('the sleep to be killed', () => gone(Number(readFileSync(join(home, 'hang.pid'), 'utf8'))));
  });

  test('an abort kills it at once', async () => {
    const hook = script('long.sh', `sleep 60 & echo $! > '${home}/long.pid'; wait`, 600);
    const stop = new AbortController();
    const pending = deliverEvent(hook, EVENT, { path: PATH, signal: stop.signal });
    await until('the script to start', () =>
      readFileSync(join(home, 'long.pid'), { flag: 'a+' }).length ? true : undefined,
    );
    stop.abort();
    expect(await pending).toEqual({ ok: false, error: 'stopped (killed)' });
    await until('the sleep to be killed', () => gone(Number(readFileSync(join(home, 'long.pid'), 'utf8'))));
  });

  test('a program that cannot run is an error', async () => {
    const out = await deliverEvent(
      { name: 'x', kind: 'script', target: join(home, 'none'), timeout: 5 },
      EVENT,
      { path: PATH },
    );
    expect(out.ok).toBe(false);
    expect(out.error).toContain('could not run');
  });
});

describe('URL hooks', () => {
  const url = (
    path: string,
    secret?: string,
  ): Pick<HookDoc, 'name' | 'kind' | 'target' | 'timeout' | 'secret'> => ({
    name: 'u',
    kind: 'url',
    target: `${base}${path}`,
    timeout: 5,
    ...(secret ? { secret } : {}),
  });

  test('the POST carries the event headers and the HMAC of its body; 2xx is delivered', async () => {
    const event = hookTestEvent('u', new Date('2026-12-05T12:00:00.000Z'));
    expect(await deliverEvent(url('/ok', 'k3y'), event, { path: PATH })).toEqual({ ok: true });
    const got = seen.at(-1)!;
    expect(JSON.parse(got.body)).toEqual({
      seq: 0,
      type: 'hook-test',
      at: '2026-12-05T12:00:00.000Z',
      hook: 'u',
    });
    expect(got.headers['x-razor-event']).toBe('hook-test');
    expect(got.headers['x-razor-delivery']).toBe('0');
    expect(got.headers['x-razor-signature-256']).toBe(
      `sha256=${createHmac('sha256', 'k3y').update(got.body).digest('hex')}`,
    );
  });

  test('an error status, a redirect and no server are errors', async () => {
    expect(await deliverEvent(url('/down'), EVENT, { path: PATH })).toEqual({
      ok: false,
      error: `POST ${base}/down: HTTP 503`,
    });
    expect(await deliverEvent(url('/moved'), EVENT, { path: PATH })).toEqual({
      ok: false,
      error: `POST ${base}/moved: HTTP 302`,
    });
    expect(seen.at(-1)?.url).toBe('/moved'); // not followed
    // A port nothing listens on (one just freed).
    const spare = http.createServer();
    await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
    const port = (spare.address() as AddressInfo).port;
    await new Promise((r) => spare.close(r));
    const target = `http://127.0.0.1:${port}/`;
    expect(await deliverEvent({ ...url('/'), target }, EVENT, { path: PATH })).toEqual({
      ok: false,
      error: `POST ${target}: ECONNREFUSED`,
    });
  });
});
