/**
 * The post-install and broker scripts RUN: served through the real callback path of a listening
 * app, executed with busybox sh in a chroot whose PATH holds stub commands that log their argv
 * (curl, hostnamectl, systemctl, puppet, apt-get; busybox's own applets such as ip and wget are
 * real). The curl stub fails, so the scripts' own fallback, busybox wget, makes the real callbacks to the app. A puppet run that succeeds ends in
 * broker_success; one that fails makes the script call broker/fail, which the store records; a
 * retry (fetching the broker script again) then succeeds. Needs root (chroot) and a static busybox.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { SEED, seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { testDeps } from '../helpers/deps.js';
import { testApp } from '../helpers/app.js';
import { systemAvailable } from '../helpers/system.js';
import type { ActiveModelDoc } from '../../lib/domain/documents.js';

const BUSYBOX = '/usr/bin/busybox';
const CHROOT = '/usr/sbin/chroot';
const UNSHARE = '/usr/bin/unshare';
const canRun = systemAvailable('broker scripts run in a chroot', () => {
  if (process.getuid?.() !== 0) return 'needs root (chroot, mknod)';
  for (const f of [BUSYBOX, CHROOT, UNSHARE]) if (!existsSync(f)) return `needs ${f}`;
  const file = spawnSync('file', ['-L', BUSYBOX], { encoding: 'utf8' }).stdout ?? '';
  return /statically linked/.test(file) ? undefined : `${BUSYBOX} is not statically linked`;
});
const it = canRun ? test : test.skip;

const AM = SEED.active_model;
const KEY = 'InstallKeyOfNode000001';
const at = '2026-01-01T00:00:00.000Z';

/** A stub that logs `name argv` to /calls.log; `body` runs after (default: exit 0). */
const stub = (name: string, body = 'exit 0') => `#!/bin/sh\necho "${name} $*" >> /calls.log\n${body}\n`;

/** A scratch root: busybox applets in /bin, stubs in /stubs, /dev/null, /tmp, /etc/hosts. */
function scratchRoot(dir: string, stubs: Record<string, string>): void {
  for (const d of ['bin', 'stubs', 'dev', 'tmp', 'etc', 'var/log', 'usr/local/sbin'])
    mkdirSync(join(dir, d), { recursive: true });
  copyFileSync(BUSYBOX, join(dir, 'bin', 'busybox'));
  chmodSync(join(dir, 'bin', 'busybox'), 0o755);
  const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const a of applets) if (a !== 'busybox') symlinkSync('busybox', join(dir, 'bin', a));
  execFileSync('mknod', ['-m', '666', join(dir, 'dev', 'null'), 'c', '1', '3']);
  chmodSync(join(dir, 'tmp'), 0o1777);
  writeFileSync(join(dir, 'etc', 'hosts'), '127.0.0.1 localhost\n');
  writeFileSync(join(dir, 'calls.log'), '');
  for (const [name, text] of Object.entries(stubs)) {
    writeFileSync(join(dir, 'stubs', name), text);
    chmodSync(join(dir, 'stubs', name), 0o755);
  }
}

/** The puppet stub: `config print` answers a confdir; `agent` exits with `agentRc`. */
const puppet = (agentRc: number) =>
  stub(
    'puppet',
    `case "$1" in config) [ "$2" = print ] && echo /etc/puppetlabs/puppet; exit 0;; agent) exit ${agentRc};; esac`,
  );

const STUBS = {
  // curl cannot connect (exit 7): each call falls back to busybox wget, which reaches the app.
  curl: stub('curl', 'exit 7'),
  hostnamectl: stub('hostnamectl'),
  systemctl: stub('systemctl'),
};

let home: ReturnType<typeof tempHome>;
let server: http.Server;
let root: string;

/** The seed's install in postinstall with a puppet broker, pinned to 127.0.0.1 with a known key. */
function installing() {
  const data = seedData();
  const am = data.collections.active_model?.[AM] as ActiveModelDoc;
  am.state = 'postinstall';
  am.broker = data.collections.broker?.[SEED.broker_in_use] as ActiveModelDoc['broker'];
  am.pin = { address: '127.0.0.1', key: KEY, pinned_at: at, served: {} };
  return data;
}

beforeEach(async () => {
  home = tempHome();
  root = join(home.home, 'root');
  await writeSeed(home.home, installing());
  server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  // The callback URLs the scripts carry point at this server.
  const deps = await testDeps(home.home, { RAZOR_IMAGE_SVC_HOST: '127.0.0.1', RAZOR_API_PORT: String(port) });
  server.on('request', testApp(deps));
});
afterEach(async () => {
  await new Promise((r) => server.close(r));
  home.cleanup();
});

const am = () =>
  (
    JSON.parse(readFileSync(join(home.home, 'razor.json'), 'utf8')).collections.active_model as Record<
      string,
      ActiveModelDoc
    >
  )[AM] as ActiveModelDoc;
const calls = () => readFileSync(join(root, 'calls.log'), 'utf8').trim().split('\n');
const port = () => (server.address() as AddressInfo).port;
const url = (path: string) => `/razor/api/policy/callback/${AM}.${KEY}/${path}`;

/** Fetches `path` as the node does and runs it with sh in the scratch root. */
async function runServed(path: string, args: string[] = []) {
  const served = await request(server).get(url(path));
  expect(served.status).toBe(200);
  writeFileSync(join(root, 'script.sh'), served.text);
  // Asynchronously: the script's callbacks are answered by this process.
  // A UTS namespace of its own: a fallback to `hostname` could never rename this machine.
  const child = spawn(UNSHARE, ['--uts', CHROOT, root, '/bin/sh', '/script.sh', ...args], {
    env: { PATH: '/stubs:/bin' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const status = await new Promise<number | null>((r) => child.once('close', r));
  return { status, stderr };
}

describe('post-install and broker scripts run', () => {
  it('the first-boot script sets the hostname, reports, completes and hands off to puppet: broker_success', async () => {
    scratchRoot(root, { ...STUBS, puppet: puppet(2) });
    const r = await runServed('postinstall/inject');
    expect(r).toEqual({ status: 0, stderr: '' });
    const cb = `http://127.0.0.1:${port()}/razor/api/policy/callback/${AM}.${KEY}`;
    expect(calls().filter((c) => c.startsWith('curl '))).toEqual([
      `curl -fsS -o /dev/null ${cb}/postinstall/set_hostname_ok`,
      `curl -fsS -o /dev/null ${cb}/postinstall/send_ips/127.0.0.1`,
      expect.stringMatching(new RegExp(`^curl -fsS -o /tmp/\\S+ ${cb}/postinstall/boot$`)),
      `curl -fsS -o /dev/null ${cb}/postinstall/final`,
      expect.stringMatching(new RegExp(`^curl -fsS -o /tmp/\\S+ ${cb}/broker/script$`)),
      `curl -fsS -o /dev/null ${cb}/broker/success`,
    ]);
    expect(calls().filter((c) => !c.startsWith('curl '))).toEqual([
      'hostnamectl set-hostname node1.example.com',
      'systemctl disable razor-postinstall.service',
      'puppet config print confdir',
      'puppet config set server puppet.example.com --section main',
      'puppet config set certname node1.example.com --section main',
      'puppet agent --onetime --no-daemonize --verbose --waitforcert 60 --detailed-exitcodes',
    ]);
    const done = am();
    expect(done.state).toBe('broker_success');
    expect((done as unknown as { node_ip: string }).node_ip).toBe('127.0.0.1');
    expect(done.log.slice(1).map((e) => `${e.action}:${e.state}`)).toEqual([
      'postinstall_inject:postinstall',
      'set_hostname_ok:postinstall',
      'os_boot:postinstall',
      'os_final:os_complete',
      'broker_fetch:broker_wait',
      'broker_success:broker_success',
    ]);
    expect(readFileSync(join(root, 'var/log/razor-complete.log'), 'utf8')).toBe(
      `razor: installed by razor as node1.example.com (active model ${AM})\n`,
    );
    expect(readFileSync(join(root, 'etc/puppetlabs/facter/facts.d/razor.txt'), 'utf8')).toContain(
      `razor_active_model_uuid=${AM}\n`,
    );
  });

  it('puppet missing: apt-get installs it first; a failing agent run makes the script call broker/fail', async () => {
    const aptGet = stub(
      'apt-get',
      'case "$*" in *install*) cp /stubs/puppet.pkg /stubs/puppet; chmod 755 /stubs/puppet;; esac',
    );
    scratchRoot(root, { ...STUBS, 'apt-get': aptGet, 'puppet.pkg': puppet(1) });
    const r = await runServed('postinstall/inject');
    expect(r.status).toBe(0); // the completion script always ends well; the result goes to razor
    expect(calls().filter((c) => /^(apt-get|puppet) /.test(c))).toEqual([
      'apt-get update -q',
      'apt-get install -y -q puppet-agent',
      'puppet config print confdir',
      'puppet config set server puppet.example.com --section main',
      'puppet config set certname node1.example.com --section main',
      'puppet agent --onetime --no-daemonize --verbose --waitforcert 60 --detailed-exitcodes',
    ]);
    expect(am().state).toBe('broker_fail');
    expect(am().log.at(-1)).toMatchObject({
      old_state: 'broker_wait',
      action: 'broker_fail',
      state: 'broker_fail',
    });
    // The hand-off's output came before the fail, a line per broker/log call (decoded, in order).
    const said = am()
      .log.filter((e) => e.action === 'broker_log')
      .map((e) => e.result.replace(/^broker\/log\//, ''));
    expect(said.at(-1)).toBe(
      'razor: puppet agent run as node1.example.com against puppet.example.com failed (exit 1)',
    );
    expect(said).toHaveLength(1);

    // The broker script alone exits non-zero when the agent fails, zero when it succeeds.
    writeFileSync(join(root, 'stubs', 'puppet'), puppet(1));
    expect((await runServed('broker/script')).status).toBe(1);
    expect(am().state).toBe('broker_wait'); // fetching it again is the retry
    writeFileSync(join(root, 'stubs', 'puppet'), puppet(0));
    expect(
      await request(server)
        .get(url('broker/fail'))
        .then((x) => x.text),
    ).toBe('ok');
    expect((await runServed('broker/script')).status).toBe(0);
    expect(
      await request(server)
        .get(url('broker/success'))
        .then((x) => x.status),
    ).toBe(200);
    expect(am().state).toBe('broker_success');
  });
});
