/**
 * `razor daemon --print-systemd-unit`: the unit passes `systemd-analyze verify` with nothing to
 * say, and the daemon really runs under the unit's properties — its User=, NoNewPrivileges=, only
 * CAP_NET_BIND_SERVICE (ambient and bounding) and UMask=, applied with util-linux's `setpriv`
 * because this machine's PID 1 is not systemd (no `systemd-run`). Under them it serves on a port
 * below 1024, writes its store private, and reopens its log on SIGHUP (logrotate). Without the
 * capability it says what to do.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/deps.js';
import { commandProbe, systemAvailable } from '../helpers/system.js';
import { until } from '../helpers/poll.js';

const USER = 'razor-unit-test';
const BIN = join(ROOT, 'bin', 'razor');

const ready =
  systemAvailable('systemd unit', () =>
    process.getuid?.() === 0 ? undefined : 'needs root (to run the daemon as a dedicated user)',
  ) &&
  systemAvailable('systemd unit', commandProbe('systemd-analyze')) &&
  systemAvailable('systemd unit', commandProbe('setpriv'));

/** The unit `razor daemon --print-systemd-unit <args>` prints. */
function unitFor(args: string[]): string {
  return execFileSync(BIN, ['daemon', '--print-systemd-unit', ...args], {
    encoding: 'utf8',
    env: { ...process.env, RAZOR_HOME: mkdtempSync(join(tmpdir(), 'razor-unit-home-')) },
  });
}

/** The values of `key=` lines in the unit's [Service] section. */
function directive(unit: string, key: string): string {
  const line = unit.split('\n').find((l) => l.startsWith(`${key}=`));
  if (!line) throw new Error(`the unit has no ${key}=`);
  return line.slice(key.length + 1);
}

/** A free TCP port below 1024 on loopback (only root can find one by binding). */
async function freeLowPort(): Promise<number> {
  for (let port = 700; port < 1000; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port between 700 and 999 on 127.0.0.1');
}

/** Runs the unit's ExecStart as the unit would: its user, umask, capabilities and no new privileges. */
function runAsUnit(unit: string, home: string, withCapability: boolean): ChildProcess {
  const user = directive(unit, 'User');
  const caps = withCapability ? '-all,+net_bind_service' : '-all';
  const exec = directive(unit, 'ExecStart').split(' ');
  const setpriv = [
    `--reuid=${user}`,
    `--regid=${directive(unit, 'Group')}`,
    '--init-groups',
    ...(directive(unit, 'NoNewPrivileges') === 'yes' ? ['--no-new-privs'] : []),
    `--inh-caps=${caps}`,
    `--ambient-caps=${caps}`,
    `--bounding-set=${caps}`,
  ];
  const script = `umask ${directive(unit, 'UMask')} && exec setpriv "$@"`;
  return spawn('sh', ['-c', script, 'sh', ...setpriv, '--', ...exec], {
    env: { PATH: process.env.PATH, RAZOR_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** /proc/<pid>/status's `field:` value. */
const status = (pid: number, field: string) =>
  readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`))
    ?.split(/\s+/)[1];

(ready ? describe : describe.skip)('razor daemon --print-systemd-unit', () => {
  let home: string;
  beforeAll(() => {
    if (spawnSync('id', [USER]).status !== 0)
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
  });
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'razor-unit-'));
    chownSync(home, Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' })), 0);
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  test('the unit verifies with nothing to say and runs the daemon with the flags given', () => {
    const unit = unitFor(['--tftp', '--proxy-dhcp', '--port', '8026']);
    const dir = mkdtempSync(join(tmpdir(), 'razor-unit-file-'));
    try {
      writeFileSync(join(dir, 'razor.service'), unit);
      const verify = spawnSync('systemd-analyze', ['verify', join(dir, 'razor.service')], {
        encoding: 'utf8',
      });
      expect({ status: verify.status, stderr: verify.stderr }).toEqual({ status: 0, stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(directive(unit, 'ExecStart')).toMatch(/ daemon --tftp --proxy-dhcp --port 8026$/);
    const expected: Array<[string, string]> = [
      ['User', 'razor'],
      ['StateDirectory', 'razor'],
      ['Environment', 'RAZOR_HOME=/var/lib/razor'],
      ['AmbientCapabilities', 'CAP_NET_BIND_SERVICE'],
      ['CapabilityBoundingSet', 'CAP_NET_BIND_SERVICE'],
      ['Restart', 'on-failure'],
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ExecReload', '/bin/kill -HUP $MAINPID'],
    ];
    for (const [key, value] of expected) expect([key, directive(unit, key)]).toEqual([key, value]);
  });

  test('under the unit the daemon serves a port below 1024, keeps its store private and reopens its log on SIGHUP', async () => {
    const port = await freeLowPort();
    const unit = unitFor(['--port', String(port), '--listen', '127.0.0.1', '--image-port', '0'])
      .replace(/^User=razor$/m, `User=${USER}`)
      .replace(/^Group=razor$/m, `Group=${USER}`);
    const child = runAsUnit(unit, home, true);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await until('the banner', () => (out.includes('Next:') ? true : undefined), 120_000);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const pid = Number(/daemon \(pid (\d+)\)/.exec(out)![1]);
      expect({
        uid: status(pid, 'Uid'),
        noNewPrivs: status(pid, 'NoNewPrivs'),
        effective: status(pid, 'CapEff'),
        bounding: status(pid, 'CapBnd'),
      }).toEqual({
        uid: execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim(),
        noNewPrivs: '1',
        effective: '0000000000000400',
        bounding: '0000000000000400',
      });
      expect(statSync(join(home, 'razor.json')).mode & 0o777).toBe(0o600);
      const log = join(home, 'log', 'razor.log');
      renameSync(log, `${log}.1`);
      process.kill(pid, 'SIGHUP');
      await until('the reopened log', () =>
        existsSync(log) && readFileSync(log, 'utf8').includes('log file reopened') ? true : undefined,
      );
      expect(statSync(log).mode & 0o777).toBe(0o600);
      process.kill(pid, 'SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('without CAP_NET_BIND_SERVICE the daemon says what to do', async () => {
    const port = await freeLowPort();
    const unit = unitFor(['--port', String(port), '--listen', '127.0.0.1', '--image-port', '0'])
      .replace(/^User=razor$/m, `User=${USER}`)
      .replace(/^Group=razor$/m, `Group=${USER}`);
    const child = runAsUnit(unit, home, false);
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(err).toContain(`no permission to listen on port ${port}`);
    expect(err).toContain('CAP_NET_BIND_SERVICE');
    expect(err).toContain('razor daemon --print-systemd-unit');
  });
});
