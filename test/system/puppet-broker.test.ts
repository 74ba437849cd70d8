/**
 * The puppet broker's script, as razor serves it for a node (`broker/script` through the real
 * callback path), runs unmodified on the host with the real `puppet` against a private
 * puppetserver (test/helpers/puppetserver.ts): it configures the agent for the broker's server,
 * port and the node's certname, the agent is autosigned and applies the catalogue. With no server
 * listening the script fails and prints the agent's output and a `razor:` line. The script runs in
 * a mount namespace whose /etc, /var and /run are overlays, so what it writes (puppet.conf, facts,
 * the agent's SSL and cache) lands in a scratch folder, never on the host. Needs root and the
 * Debian packages puppetserver and puppet-agent.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { SEED, seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { testDeps } from '../helpers/deps.js';
import { testApp } from '../helpers/app.js';
import { systemAvailable } from '../helpers/system.js';
import { puppetServerProbe, startPuppetServer, type PuppetServer } from '../helpers/puppetserver.js';
import type { ActiveModelDoc } from '../../lib/domain/documents.js';

const available = systemAvailable('puppet broker script against a private puppetserver', () =>
  process.getuid?.() !== 0 ? 'needs root (mount namespace with overlays)' : puppetServerProbe(),
);
const AM = SEED.active_model;
const KEY = 'InstallKeyOfNode000001';
const CERTNAME = 'node1.example.com'; // the seed node's hostname

let ps: PuppetServer | undefined;
let home: ReturnType<typeof tempHome>;
let work: string;

/** The broker script razor serves the seed's installed node whose puppet broker has `metadata`. */
async function servedScript(metadata: Record<string, string>): Promise<string> {
  const data = seedData();
  const am = data.collections.active_model?.[AM] as ActiveModelDoc;
  am.state = 'os_complete';
  am.broker = {
    ...(data.collections.broker?.[SEED.broker_in_use] as object),
    metadata,
  } as ActiveModelDoc['broker'];
  am.pin = { address: '127.0.0.1', key: KEY, pinned_at: '2026-01-01T00:00:00.000Z', served: {} };
  await writeSeed(home.home, data);
  const server = http.createServer(testApp(await testDeps(home.home, { RAZOR_IMAGE_SVC_HOST: '127.0.0.1' })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const res = await request(`http://127.0.0.1:${(server.address() as AddressInfo).port}`).get(
      `/razor/api/policy/callback/${AM}.${KEY}/broker/script`,
    );
    expect(res.status).toBe(200);
    return res.text;
  } finally {
    await new Promise((r) => server.close(r));
  }
}

/** Runs `script` with sh as root with /etc, /var and /run overlaid by folders under `dir`. */
async function runIsolated(dir: string, script: string) {
  const mounts = ['etc', 'var', 'run'].map((d) => {
    for (const s of ['upper', 'work']) mkdirSync(join(dir, d, s), { recursive: true });
    return `mount -t overlay overlay -o lowerdir=/${d},upperdir=${dir}/${d}/upper,workdir=${dir}/${d}/work /${d}`;
  });
  writeFileSync(join(dir, 'script.sh'), script);
  const child = spawn(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      `${mounts.join(' && ')} && sh "$0"`,
      join(dir, 'script.sh'),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const status = await new Promise<number | null>((r) => child.once('close', r));
  return { status, output };
}

/** Seeds the node's site puppet.conf (the agent's keep-alive stall off: install-lab-notes.md). */
function siteConf(dir: string) {
  mkdirSync(join(dir, 'etc/upper/puppet'), { recursive: true });
  writeFileSync(join(dir, 'etc/upper/puppet/puppet.conf'), '[agent]\nhttp_keepalive_timeout = 0\n');
}

beforeAll(async () => {
  if (!available) return;
  home = tempHome();
  work = mkdtempSync(join(tmpdir(), 'razor-puppet-broker-'));
  ps = await startPuppetServer({ autosign: ['*.example.com'], file: join(work, 'applied') });
}, 1_200_000);

afterAll(async () => {
  await ps?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  home?.cleanup();
}, 60_000);

(available ? describe : describe.skip)('the puppet broker script, run for real', () => {
  test('configures server, port and certname; the agent is signed and applies the catalogue', async () => {
    const script = await servedScript({ server: '127.0.0.1', port: String(ps!.port) });
    const dir = join(work, 'ok');
    siteConf(dir);
    const r = await runIsolated(dir, script);
    expect({ status: r.status, last: r.output.trim().split('\n').at(-1) }).toEqual({
      status: 0,
      last: `razor: puppet agent run as ${CERTNAME} against 127.0.0.1:${ps!.port} succeeded (exit 2)`,
    });
    expect(readFileSync(join(work, 'applied'), 'utf8')).toBe(`${CERTNAME} ${hostname().split('.')[0]}\n`);
    const conf = readFileSync(join(dir, 'etc/upper/puppet/puppet.conf'), 'utf8');
    for (const line of ['server = 127.0.0.1', `serverport = ${ps!.port}`, `certname = ${CERTNAME}`])
      expect(conf).toContain(line);
    expect(readFileSync(join(dir, 'etc/upper/puppetlabs/facter/facts.d/razor.txt'), 'utf8')).toContain(
      `razor_active_model_uuid=${AM}\n`,
    );
  }, 1_200_000);

  test("with no server listening the script fails and prints the agent's output", async () => {
    const script = await servedScript({ server: '127.0.0.1', port: '9' });
    const dir = join(work, 'down');
    siteConf(dir);
    const r = await runIsolated(dir, script);
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/Failed to open TCP connection to 127\.0\.0\.1:9 \(Connection refused/);
    expect(r.output.trim().split('\n').at(-1)).toBe(
      `razor: puppet agent run as ${CERTNAME} against 127.0.0.1:9 failed (exit 1)`,
    );
  }, 1_200_000);
});
