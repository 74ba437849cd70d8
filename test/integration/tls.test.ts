/**
 * TLS for the admin API (ADR 0010): with `tls_cert`/`tls_key` the API port serves HTTPS only (a
 * plain HTTP request there fails), admin routes work over it with the token and the CA trusted, and
 * the node-facing routes stay reachable over plain HTTP on the image port — which serves nothing
 * else; nodes are told that port. A half or broken TLS config stops the daemon with a clear error.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SEED, seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { testEnv } from '../helpers/deps.js';
import { RAZOR, startDaemon, type DaemonProcess } from '../helpers/daemon.js';

const run = promisify(execFile);
let home: ReturnType<typeof tempHome>;
let d: DaemonProcess;
let token: string;
let cert: Buffer;
let nodePort: number;
let tlsEnv: Record<string, string>;

/** A self-signed certificate for 127.0.0.1 and localhost, made with openssl. */
function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const files = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  execFileSync('openssl', [
    'req', '-x509', '-nodes', '-days', '2', '-subj', `/CN=${name}`,
    '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', files.key, '-out', files.cert,
  ], { stdio: 'ignore' }); // prettier-ignore
  return files;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Answer {
  status: number;
  body: string;
}

/** One request with node's http/https clients (so the CA can be given). */
function call(
  url: string,
  o: { method?: string; token?: string; ca?: Buffer; body?: string } = {},
): Promise<Answer> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: o.method ?? 'GET',
        ...(o.ca ? { ca: o.ca } : {}),
        headers: {
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
          ...(o.body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timed out')));
    req.end(o.body);
  });
}

beforeAll(async () => {
  home = tempHome();
  const data = seedData();
  delete data.collections.token;
  await writeSeed(home.home, data);
  const files = selfSigned(home.home, 'razor-test');
  cert = readFileSync(files.cert);
  nodePort = await freePort();
  // Relative paths are under $RAZOR_HOME.
  tlsEnv = {
    RAZOR_TLS_CERT: 'razor-test.crt',
    RAZOR_TLS_KEY: files.key,
    RAZOR_IMAGE_SVC_PORT: String(nodePort),
    RAZOR_AUTH_ALLOW_LOCALHOST: 'false',
  };
  d = await startDaemon(home.home, ['--listen', '0.0.0.0'], tlsEnv);
  token = readFileSync(join(home.home, 'admin.token'), 'utf8').trim();
});
afterAll(async () => {
  await d?.stop();
  home.cleanup();
});

describe('the API port serves HTTPS', () => {
  test('the startup message says https:// and where the plain-HTTP node routes are', () => {
    expect(d.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(d.output()).toMatch(
      /API {6}https:\/\/localhost:\d+\/razor\/api {3}\(TLS, certificate .*razor-test\.crt\)/,
    );
    expect(d.output()).toContain(`nodes    http://localhost:${nodePort}/razor/api`);
    expect(d.output()).toContain(`nodes are told http://10.0.2.2:${nodePort}`);
    const bearer = `-H "Authorization: Bearer $(cat ${join(home.home, 'admin.token')})"`;
    expect(d.output()).toContain(`curl --cacert ${join(home.home, 'razor-test.crt')} ${bearer} https://`);
  });

  test('admin routes work over HTTPS with the CA trusted and the token', async () => {
    const ok = await call(`${d.url}/razor/api/policy`, { ca: cert, token });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).http_err_code).toBe(200);
    expect((await call(`${d.url}/razor/api/policy`, { ca: cert })).status).toBe(401);
    const created = await call(`${d.url}/razor/api/tag`, {
      method: 'POST',
      ca: cert,
      token,
      body: JSON.stringify({ name: 'over-tls', tag: 't' }),
    });
    expect(created.status).toBe(201);
  });

  test('the certificate is checked: without trusting it the client refuses', async () => {
    await expect(call(`${d.url}/razor/api/policy`, { token })).rejects.toThrow(/self[- ]signed/i);
  });

  test('plain HTTP on the API port fails', async () => {
    await expect(call(`http://127.0.0.1:${d.port}/razor/api/policy`, { token })).rejects.toThrow();
    await expect(call(`http://127.0.0.1:${d.port}/razor/api/boot?hw_id=525400123456`)).rejects.toThrow();
  });

  test('node-facing routes work over HTTPS too', async () => {
    const boot = await call(`${d.url}/razor/api/boot?hw_id=525400123456`, { ca: cert });
    expect(boot.status).toBe(200);
    expect(boot.body.startsWith('#!ipxe')).toBe(true);
  });
});

describe('the image port serves the node-facing routes over plain HTTP, and only those', () => {
  const node = (path: string) => `http://127.0.0.1:${nodePort}/razor/api/${path}`;

  test('boot, checkin, register and callbacks answer without a token', async () => {
    const boot = await call(node('boot?hw_id=52:54:00:65:43:21'));
    expect(boot.status).toBe(200);
    expect(boot.body.startsWith('#!ipxe')).toBe(true);
    // The bound node's installer is told the plain-HTTP port for its callbacks.
    expect(boot.body).toContain(
      `http://10.0.2.2:${nodePort}/razor/api/policy/callback/${SEED.active_model}/`,
    );
    expect(boot.body).not.toContain(`:${d.port}/`);
    expect((await call(node('node/checkin?hw_id=525400654321&last_state=idle'))).status).toBe(200);
    const reg = await call(node('node/register'), {
      method: 'POST',
      body: JSON.stringify({ hw_id: '52540000AA01', last_state: 'idle', attributes_hash: { a: '1' } }),
    });
    expect(reg.status).toBe(200);
    expect((await call(node(`policy/callback/${SEED.active_model}/status`))).status).toBe(200);
  });

  test('a new node is sent to the Microkernel with the plain-HTTP port', async () => {
    const boot = await call(node('boot?hw_id=52540000BB01'));
    expect(boot.status).toBe(200);
    expect(boot.body).toContain(`razor.port=${nodePort}`);
  });

  test('admin routes are not served there, not even with a token', async () => {
    for (const [method, path] of [
      ['GET', 'policy'],
      ['GET', 'token'],
      ['POST', 'tag'],
      ['POST', `policy/callback/${SEED.active_model}/status`],
    ] as const) {
      const res = await call(node(path), { method, token, body: method === 'POST' ? '{}' : undefined });
      expect(res.status).toBe(404);
      const env = JSON.parse(res.body);
      expect(env.err_class).toBe('ProjectRazor::Error::Slice::NotFound');
      expect(env.result).toMatch(
        /only the node-facing routes over plain HTTP; admin routes are at https:\/\//,
      );
    }
  });

  test('the image service is still there', async () => {
    const res = await call(`http://127.0.0.1:${nodePort}/razor/image/mk/nothing/here`);
    expect(res.status).toBe(404);
  });

  test('razor config ipxe and mk_uri point firmware at the plain-HTTP port', async () => {
    const env = testEnv(home.home, tlsEnv);
    const ipxe = (await run(RAZOR, ['config', 'ipxe'], { env })).stdout;
    expect(ipxe).toContain(`http://10.0.2.2:${nodePort}/razor/api/boot`);
    const config = JSON.parse((await run(RAZOR, ['-w', 'config'], { env })).stdout).response;
    expect(config).toEqual(
      expect.arrayContaining([{ key: 'mk_uri', value: `http://10.0.2.2:${nodePort}`, source: 'derived' }]),
    );
  });
});

describe('a half or broken TLS config stops the daemon with a clear error', () => {
  const start = async (env: Record<string, string>) => {
    try {
      await run(process.execPath, [RAZOR, 'daemon', '--port', '0', '--listen', '127.0.0.1'], {
        env: testEnv(home.home, { RAZOR_IMAGE_SVC_PORT: '0', ...env }),
        timeout: 20_000,
      });
      return { code: 0, stderr: '' };
    } catch (err) {
      const e = err as { code: number; stderr: string };
      return { code: e.code, stderr: e.stderr };
    }
  };

  test.each([
    [{ RAZOR_TLS_CERT: 'razor-test.crt' }, /tls_cert is set but tls_key is not; set both .* or neither/],
    [{ RAZOR_TLS_KEY: 'razor-test.key' }, /tls_key is set but tls_cert is not/],
    [
      { RAZOR_TLS_CERT: 'missing.crt', RAZOR_TLS_KEY: 'razor-test.key' },
      /tls_cert: cannot read .*missing\.crt \(no such file\)/,
    ],
    [
      { RAZOR_TLS_CERT: 'other.crt', RAZOR_TLS_KEY: 'razor-test.key' },
      /private key .* does not belong to the certificate/,
    ],
    [
      { RAZOR_TLS_CERT: 'razor-test.key', RAZOR_TLS_KEY: 'razor-test.key' },
      /not a usable PEM certificate and private key/,
    ],
  ])('%j', async (env, message) => {
    selfSigned(home.home, 'other');
    const r = await start(env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
