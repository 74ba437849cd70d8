/**
 * The CLI knows the daemon (ADR 0025): the daemon's record in $RAZOR_HOME (written once it
 * listens, removed when it stops, ignored when its pid is gone or holds no lock), `razor daemon
 * status` (exit 0 / 3, `-w` JSON), `razor config ipxe` with the daemon's real port, one daemon per
 * store, and changes made at the shell in the audit log with the local user who made them.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { testEnv } from '../helpers/deps.js';
import { runRazor, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { SEED_TOKEN, tempHome, writeSeed } from '../helpers/fixture.js';

const homes: (() => void)[] = [];
const daemons: DaemonProcess[] = [];
afterAll(async () => {
  await Promise.all(daemons.map((d) => d.stop()));
  homes.forEach((cleanup) => cleanup());
});

/** A fresh home, seeded. */
async function home(): Promise<string> {
  const h = tempHome('razor-record-test-');
  homes.push(h.cleanup);
  await writeSeed(h.home);
  return h.home;
}

/** A daemon of `home` (stopped after all tests). */
async function daemon(h: string, args: string[] = []): Promise<DaemonProcess> {
  const d = await startDaemon(h, args);
  daemons.push(d);
  return d;
}

/** The audit entries `razor -w log --audit` shows. */
async function auditTrail(h: string): Promise<Record<string, string>[]> {
  const r = await runRazor(['-w', 'log', 'show', '{"audit":true,"tail":100}'], testEnv(h));
  return (JSON.parse(r.stdout) as { response: Record<string, string>[] }).response;
}

describe('razor daemon status', () => {
  test('no daemon: exit 3 and says so; -w says running: false', async () => {
    const h = await home();
    const r = await runRazor(['daemon', 'status'], testEnv(h));
    expect(r).toEqual({
      code: 3,
      stdout: `razor daemon: not running for RAZOR_HOME ${h}; start it with 'razor daemon'\n`,
      stderr: '',
    });
    const w = await runRazor(['-w', 'daemon', 'status'], testEnv(h));
    expect(w.code).toBe(3);
    expect(JSON.parse(w.stdout)).toEqual({ running: false, home: h, stale_pid: null });
  });

  test('a running daemon: where it listens, pid, version, uptime; the record goes when it stops', async () => {
    const h = await home();
    const d = await daemon(h);
    const record = join(h, 'daemon.json');
    expect(statSync(record).mode & 0o777).toBe(0o644);
    const r = await runRazor(['daemon', 'status'], testEnv(h));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^razor daemon: running for RAZOR_HOME ${h} \\(pid ${d.proc.pid}, razor \\d+\\.\\d+\\.\\d+, up \\d+s\\)`,
      ),
    );
    expect(r.stdout).toContain(`  API      ${d.url}/razor/api\n`);
    expect(r.stdout).toContain(`  socket   ${join(h, 'razor.sock')}\n`);
    const w = JSON.parse((await runRazor(['daemon', 'status', '-w'], testEnv(h))).stdout);
    expect(w).toMatchObject({
      running: true,
      pid: d.proc.pid,
      api_url: d.url,
      tls: false,
      api_port: d.port,
      node_port: d.port,
    });
    expect(w.uptime_seconds).toBeGreaterThanOrEqual(0);
    expect(await d.stop()).toBe(0);
    expect(existsSync(record)).toBe(false);
    expect((await runRazor(['daemon', 'status'], testEnv(h))).code).toBe(3);
  });

  test('a record left by a killed daemon, or naming a live pid that holds no lock, is stale', async () => {
    const h = await home();
    const d = await daemon(h);
    d.proc.kill('SIGKILL');
    await d.stop();
    const left = JSON.parse(readFileSync(join(h, 'daemon.json'), 'utf8'));
    const r = await runRazor(['daemon', 'status'], testEnv(h));
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`(the record of pid ${left.pid}, which is gone, was ignored)`);
    // A reused pid: this test process is alive but is no daemon (it holds no lock).
    writeFileSync(join(h, 'daemon.json'), JSON.stringify({ ...left, pid: process.pid }));
    const reused = await runRazor(['-w', 'daemon', 'status'], testEnv(h));
    expect(reused.code).toBe(3);
    expect(JSON.parse(reused.stdout)).toMatchObject({ running: false, stale_pid: process.pid });
    const ipxe = await runRazor(['config', 'ipxe'], testEnv(h));
    expect(ipxe.stdout).toContain('chain http://10.0.2.2:8026/razor/api/boot?');
    expect(ipxe.stderr).toBe('');
  });
});

describe('razor config ipxe and the running daemon', () => {
  test("the chain URL is the daemon's port, not the configuration's, and stderr says so", async () => {
    const h = await home();
    const d = await daemon(h);
    const r = await runRazor(['config', 'ipxe'], testEnv(h));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`chain http://10.0.2.2:${d.port}/razor/api/boot?hw_id=`);
    expect(r.stderr).toBe(
      `razor config ipxe: the daemon of this RAZOR_HOME (pid ${d.proc.pid}) tells nodes http://10.0.2.2:${d.port}, ` +
        "the configuration says http://10.0.2.2:8026; using the daemon's\n",
    );
    const dnsmasq = await runRazor(['config', 'dnsmasq'], testEnv(h));
    expect(dnsmasq.stdout).toContain(`:${d.port}/razor/api/boot`);
    // The same settings as the daemon: nothing to say.
    const same = await runRazor(['config', 'ipxe'], testEnv(h, { RAZOR_API_PORT: String(d.port) }));
    expect(same.stderr).toBe('');
  });

  test("no daemon and ports that are not the defaults: stderr says the URL is the configuration's", async () => {
    const h = await home();
    const r = await runRazor(['config', 'ipxe'], testEnv(h, { RAZOR_API_PORT: '28026' }));
    expect(r.stdout).toContain('chain http://10.0.2.2:28026/razor/api/boot?');
    expect(r.stderr).toContain(
      'razor config ipxe: no daemon is running for this RAZOR_HOME; http://10.0.2.2:28026 comes from the configuration (api_port from env)',
    );
  });
});

describe('one daemon per store', () => {
  test('a second daemon on the home, or on another home sharing the store, refuses and names the first', async () => {
    const h = await home();
    const first = await daemon(h);
    const store = join(h, 'razor.json');
    const named = `another razor daemon is serving this RAZOR_HOME's store ${store}: pid ${first.proc.pid}, API ${first.url}`;
    await expect(startDaemon(h)).rejects.toThrow(named);
    const other = await home();
    await expect(startDaemon(other, [], { RAZOR_PERSIST_PATH: store })).rejects.toThrow(
      `${named} (RAZOR_HOME ${h})`,
    );
    expect((await runRazor(['daemon', 'status'], testEnv(h))).code).toBe(0);
  });
});

describe('changes made at the shell are audited', () => {
  test('a write is logged with the local user and channel cli; reads and refused writes are not', async () => {
    const h = await home();
    const added = await runRazor(['tag', 'add', '-n', 'nameInOption', '-t', 'big'], testEnv(h));
    expect(added.code).toBe(0);
    expect((await runRazor(['tag'], testEnv(h))).code).toBe(0);
    expect((await runRazor(['tag', 'add', '-n', 'x'], testEnv(h))).code).toBe(2);
    const web = await runRazor(['-w', 'tag', 'add', '{"name":"w","tag":"w"}'], testEnv(h));
    expect(web.code).toBe(0);
    const user = userInfo();
    const who = `cli:${user.username}(uid=${user.uid})`;
    expect(await auditTrail(h)).toEqual([
      expect.objectContaining({ who, msg: 'razor tag add → exit 0' }),
      expect.objectContaining({ who, msg: 'razor tag add → exit 0' }),
    ]);
    const lines = readFileSync(join(h, 'log', 'razor.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({
      channel: 'cli',
      uid: user.uid,
      user: user.username,
      command: 'razor tag add',
      audit: true,
    });
    // Option values and the JSON argument may hold secrets: never logged.
    expect(JSON.stringify(lines)).not.toContain('nameInOption');
    expect(statSync(join(h, 'log', 'razor.log')).mode & 0o777).toBe(0o600);
  });

  test('beside the daemon: one log, CLI and REST changes each with who made them', async () => {
    const h = await home();
    const d = await daemon(h);
    expect((await runRazor(['tag', 'add', '-n', 'cli', '-t', 'cli'], testEnv(h))).code).toBe(0);
    const remote = await runRazor(
      ['--url', d.url, 'tag', 'add', '-n', 'rest', '-t', 'rest'],
      testEnv(h, { RAZOR_TOKEN: SEED_TOKEN }),
    );
    expect(remote.code).toBe(0);
    const deadline = Date.now() + 30_000;
    let trail = await auditTrail(h);
    while (trail.length < 2 && Date.now() < deadline) trail = await auditTrail(h);
    expect(trail.map((e) => e.who)).toEqual([expect.stringMatching(/^cli:/), 'token:seeded']);
  });
});
