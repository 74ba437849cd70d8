/**
 * The daemon log against a real daemon (issue 10, "also found"; ADR 0017): the file is 0600 and
 * its directory 0700 under umask 022, also when both existed more open; a password or key given in
 * an admin request's query string, in JSON in the query, or in a JSON body never reaches it, on
 * either port; a callback's active model UUID is cut to its first six characters, and `razor log`
 * still finds the install's requests by them.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SEED, seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { testEnv } from '../helpers/deps.js';
import { RAZOR, startDaemon, type DaemonProcess } from '../helpers/daemon.js';

const run = promisify(execFile);
const SECRET = 'hunter2';
const OLD_LINE = '{"level":30,"time":1,"msg":"a line from before"}\n';

describe('the daemon log', () => {
  let home: ReturnType<typeof tempHome>;
  let d: DaemonProcess;
  let umask: number;
  const logFile = () => join(home.home, 'log', 'razor.log');
  const razorLog = async (filter: Record<string, unknown>) =>
    JSON.parse((await run(RAZOR, ['-w', 'log', JSON.stringify(filter)], { env: testEnv(home.home) })).stdout)
      .response as { msg: string }[];

  beforeAll(async () => {
    home = tempHome();
    await writeSeed(home.home, seedData());
    // A log and a directory from before, readable by everyone; the daemon starts under umask 022.
    chmodSync(join(home.home, 'log'), 0o755);
    writeFileSync(logFile(), OLD_LINE, { mode: 0o644 });
    chmodSync(logFile(), 0o644);
    umask = process.umask(0o022);
    d = await startDaemon(home.home);
    const json = { 'content-type': 'application/json' };
    const metadata = { hostname_prefix: 'web', domainname: 'example.com', root_password: SECRET };
    const model = {
      label: 'm',
      template: 'debian_bookworm',
      image_uuid: SEED.image_in_use,
      req_metadata_hash: metadata,
    };
    const requests: [string, RequestInit?][] = [
      [`/razor/api/model?root_password=${SECRET}`],
      [
        `/razor/api/model?root_password=${SECRET}`,
        { method: 'POST', headers: json, body: JSON.stringify(model) },
      ],
      [`/razor/api/model?json_hash=${encodeURIComponent(JSON.stringify(model))}`, { method: 'POST' }],
      [
        `/razor/api/broker?json_hash=${encodeURIComponent(JSON.stringify({ name: 'c', plugin: 'chef', req_metadata_hash: { validation_key: SECRET } }))}`,
        { method: 'POST' },
      ],
      [`/nothing-here?password=${SECRET}`],
      [`/razor/api/policy/callback/${SEED.active_model}/status/now`],
    ];
    for (const [path, init] of requests) await (await fetch(`${d.url}${path}`, init)).arrayBuffer();
    // The image port logs its own lines.
    const imagePort = /images\s+http:\/\/[^:]+:(\d+)\//.exec(d.output())?.[1];
    await (await fetch(`http://127.0.0.1:${imagePort}/razor/image/os/x?token=${SECRET}`)).arrayBuffer();
    // Lines are written in batches: wait for the last of them.
    for (const end = Date.now() + 60_000; !readFileSync(logFile(), 'utf8').includes('image request');) {
      if (Date.now() > end) throw new Error('the log lines never came');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    process.umask(umask);
    await d?.stop();
    home?.cleanup();
  });

  test('is 0600 in a 0700 directory, though both existed more open and the umask is 022', () => {
    expect(statSync(logFile()).mode & 0o777).toBe(0o600);
    expect(statSync(join(home.home, 'log')).mode & 0o777).toBe(0o700);
    expect(readFileSync(logFile(), 'utf8').startsWith(OLD_LINE)).toBe(true);
  });

  test('holds no secret given in a query string, JSON in a query or a JSON body', () => {
    const text = readFileSync(logFile(), 'utf8');
    expect(text).toContain('root_password=[redacted]');
    expect(text).toContain('/nothing-here?password=[redacted]');
    expect(text).toContain('token=[redacted]');
    expect(text).not.toContain(SECRET);
  });

  test('holds no whole callback UUID; razor log finds the callback by its first characters', async () => {
    expect(readFileSync(logFile(), 'utf8')).not.toContain(SEED.active_model);
    const rows = await razorLog({ log_message: SEED.active_model.slice(0, 6), tail: 10 });
    expect(rows.map((r) => r.msg)).toEqual([
      expect.stringMatching(/^GET \/razor\/api\/policy\/callback\/Active…\/status\/now → \d{3}$/),
    ]);
  });
});
