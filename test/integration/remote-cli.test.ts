/**
 * The remote CLI's own edges (ADR 0025): `--url` as well as RAZOR_URL, the token from the
 * credentials file (refused when others may read it), certificates always verified, no token in
 * cleartext to another host, verbs not served over REST, and failures to connect as one line that
 * names the URL and what to check. A wrong token is refused wherever it is sent, also from root on
 * the daemon's own socket and loopback port, and also for writes.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEnv } from '../helpers/deps.js';
import { runRazor, socketRequest, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { SEED_TOKEN, tempHome, writeSeed } from '../helpers/fixture.js';
import { selfSignedCert } from '../helpers/cli-mode.js';

let h: ReturnType<typeof tempHome>;
let d: DaemonProcess;
let tls: { cert: string; key: string };
let client: string;

beforeAll(async () => {
  h = tempHome('razor-remote-test-');
  await writeSeed(h.home);
  tls = selfSignedCert(h.home);
  d = await startDaemon(h.home, [], { RAZOR_TLS_CERT: tls.cert, RAZOR_TLS_KEY: tls.key });
  client = mkdtempSync(join(tmpdir(), 'razor-remote-client-'));
});
afterAll(async () => {
  await d.stop();
  h.cleanup();
});

/** The environment of a client with nothing local: its own empty home and config folder. */
const clientEnv = (extra: Record<string, string> = {}) =>
  testEnv(client, { XDG_CONFIG_HOME: join(client, 'config'), ...extra });

/** No stack trace and exactly one line. */
function oneLine(stderr: string): string {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return stderr;
}

describe('reaching the daemon', () => {
  test('--url and RAZOR_URL give the same output as the local CLI, -w included', async () => {
    const ca = { RAZOR_TOKEN: SEED_TOKEN };
    const [local, flag, env, webLocal, webRemote] = await Promise.all([
      runRazor(['policy'], testEnv(h.home)),
      runRazor(['--url', d.url, '--ca-file', tls.cert, 'policy'], clientEnv(ca)),
      runRazor(['policy'], clientEnv({ ...ca, RAZOR_URL: d.url, RAZOR_CA_FILE: tls.cert })),
      runRazor(['-w', 'policy'], testEnv(h.home)),
      runRazor(['--url', d.url, '--ca-file', tls.cert, '-w', 'policy'], clientEnv(ca)),
    ]);
    expect(local.code).toBe(0);
    expect(local.stdout).toContain('PolicySeed000000000001');
    expect(flag).toEqual(local);
    expect(env).toEqual(local);
    expect(webRemote).toEqual(webLocal);
  });

  test('nothing listening: exit 5, one line naming the URL and what to check', async () => {
    const r = await runRazor(['--url', 'https://127.0.0.1:1', 'policy'], clientEnv());
    expect(r.code).toBe(5);
    expect(oneLine(r.stderr)).toBe(
      "razor policy list: cannot reach the razor daemon at https://127.0.0.1:1 (ECONNREFUSED): nothing listens there: is 'razor daemon' running, on this port?\n",
    );
  });

  test('a certificate not trusted is refused, never skipped: the message says to give --ca-file', async () => {
    const r = await runRazor(['--url', d.url, 'policy'], clientEnv({ RAZOR_TOKEN: SEED_TOKEN }));
    expect(r.code).toBe(5);
    expect(oneLine(r.stderr)).toContain(`cannot reach the razor daemon at ${d.url}`);
    expect(r.stderr).toContain(
      'its certificate is not trusted: give the CA that signed it with --ca-file or RAZOR_CA_FILE',
    );
  });

  test('plain HTTP to the TLS port fails clearly; a token is never sent in cleartext to another host', async () => {
    const plain = await runRazor(['--url', d.url.replace('https:', 'http:'), 'policy'], clientEnv());
    expect(plain.code).toBe(5);
    expect(oneLine(plain.stderr)).toContain('cannot reach the razor daemon');
    const far = await runRazor(['--url', 'http://192.0.2.1:8026', 'policy'], clientEnv({ RAZOR_TOKEN: 'x' }));
    expect(far.code).toBe(4);
    expect(oneLine(far.stderr)).toContain(
      'refusing to send a token in cleartext to http://192.0.2.1:8026; use https://',
    );
  });

  test('a verb not served over REST says to run it on the daemon host', async () => {
    const r = await runRazor(
      ['--url', d.url, '--ca-file', tls.cert, 'log'],
      clientEnv({ RAZOR_TOKEN: SEED_TOKEN }),
    );
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(
      "razor log show: it is not served over REST: run it on the daemon's host, without --url or RAZOR_URL",
    );
  });
});

describe('tokens', () => {
  const remote = (extra: Record<string, string> = {}) =>
    clientEnv({ RAZOR_URL: d.url, RAZOR_CA_FILE: tls.cert, ...extra });

  test('no token or a wrong one: 401 as a clear error saying where a token goes', async () => {
    for (const env of [remote(), remote({ RAZOR_TOKEN: 'rzr_wrong' })]) {
      const r = await runRazor(['tag', 'add', '-n', 'no', '-t', 'no'], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        '(remote CLI: set RAZOR_TOKEN, or write the token to the credentials file, mode 600)',
      );
    }
    expect((await runRazor(['-w', 'tag'], testEnv(h.home))).stdout).not.toContain('"name":"no"');
  });

  test('the credentials file: refused when others may read it; per URL or for any daemon', async () => {
    const dir = join(client, 'config', 'razor');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'credentials');
    writeFileSync(file, `# razor tokens\n${d.url} ${SEED_TOKEN}\nrzr_someOtherToken\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    const open = await runRazor(['policy'], remote());
    expect(open.code).toBe(4);
    expect(oneLine(open.stderr)).toBe(
      `razor: ${file} is readable by others (mode 644): it holds tokens; run 'chmod 600 ${file}'\n`,
    );
    chmodSync(file, 0o600);
    const ok = await runRazor(['policy'], remote());
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('PolicySeed000000000001');
    writeFileSync(file, 'rzr_someOtherToken\n');
    expect((await runRazor(['policy'], remote())).stderr).toContain('unknown or revoked token');
  });

  test('a wrong token from root on the socket is refused, for writes too; the store is unchanged', async () => {
    const store = join(h.home, 'razor.json');
    const before = readFileSync(store);
    const wrong = { authorization: 'Bearer rzr_wrong' };
    const body = JSON.stringify({ name: 'evil', tag: 'evil' });
    const onSocket = await socketRequest(d.socket!, '/razor/api/tag', {
      method: 'POST',
      body,
      headers: wrong,
    });
    expect(onSocket.status).toBe(401);
    // Over loopback TCP (the remote CLI on this host): the test above.
    expect(readFileSync(store).equals(before)).toBe(true);
  });
});
