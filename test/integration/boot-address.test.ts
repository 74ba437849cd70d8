/**
 * `secrets_to_boot_address` (docs/security.md): a node's rendered files — the preseed with its
 * password hash, broker keys — are served only to the IP address the node booted from. Real
 * daemons on loopback; clients bind distinct source addresses in 127.0.0.0/8 to stand in for two
 * machines.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEED, tempHome, writeSeed } from '../helpers/fixture.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';

/** GET `path` from the daemon, the connection coming from `from`. */
function getFrom(d: DaemonProcess, from: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${d.url}${path}`, { localAddress: from, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

const BOOT = '/razor/api/boot?hw_id=52:54:00:65:43:21&dhcp_mac=01-52-54-00-65-43-21';
const PRESEED = `/razor/api/policy/callback/${SEED.active_model}/preseed/file`;

describe('secrets_to_boot_address = true', () => {
  const home = tempHome();
  let d: DaemonProcess;
  const store = () => readFileSync(join(home.home, 'razor.json'), 'utf8');
  beforeAll(async () => {
    await writeSeed(home.home);
    d = await startDaemon(home.home, [], { RAZOR_SECRETS_TO_BOOT_ADDRESS: 'true' });
  }, 30_000);
  afterAll(async () => {
    await d.stop();
    home.cleanup();
  });

  test('before the node has booted, nobody gets its preseed', async () => {
    const r = await getFrom(d, '127.0.0.2', PRESEED);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toMatchObject({ http_err_code: 403, std_err_code: 168 });
    expect(JSON.parse(r.body).result).toMatch(/none recorded yet.*secrets_to_boot_address/);
  });

  test('the boot records the address; only that address gets the preseed, and a refusal changes nothing', async () => {
    const boot = await getFrom(d, '127.0.0.2', BOOT);
    expect(boot.status).toBe(200);
    expect(boot.body).toMatch(/^#!ipxe/);
    const node = JSON.parse(store()).collections.node[SEED.node2];
    expect(node.boot_ip).toBe('127.0.0.2');
    expect(node.dhcp_mac).toBe('01-52-54-00-65-43-21');

    const before = store();
    const other = await getFrom(d, '127.0.0.3', PRESEED);
    expect(other.status).toBe(403);
    expect(JSON.parse(other.body).result).toMatch(/booted from \(127\.0\.0\.2\), not to 127\.0\.0\.3/);
    expect(other.body).not.toMatch(/\$6\$/); // no password hash in the refusal
    expect(store()).toBe(before);

    const own = await getFrom(d, '127.0.0.2', PRESEED);
    expect(own.status).toBe(200);
    expect(own.body).toMatch(/d-i passwd\/root-password-crypted password \$6\$/);
  });

  test('a node booting from a new address moves the binding with it', async () => {
    expect((await getFrom(d, '127.0.0.4', BOOT)).status).toBe(200);
    expect((await getFrom(d, '127.0.0.2', PRESEED)).status).toBe(403);
    expect((await getFrom(d, '127.0.0.4', PRESEED)).status).toBe(200);
  });
});

test('off by default: any address with the whole active-model UUID gets the files', async () => {
  const home = tempHome();
  await writeSeed(home.home);
  const d = await startDaemon(home.home);
  try {
    expect((await getFrom(d, '127.0.0.2', BOOT)).status).toBe(200);
    const r = await getFrom(d, '127.0.0.3', PRESEED);
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/root-password-crypted/);
  } finally {
    await d.stop();
    home.cleanup();
  }
}, 30_000);
