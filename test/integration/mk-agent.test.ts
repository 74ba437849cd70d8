/**
 * The Microkernel agent's loop (mk/agent.sh) run whole under busybox sh against the daemon's real
 * app on a real socket, behind a thin front that can answer 429: the first checkins get 429 and the
 * agent retries sooner and sooner (1 s, 2 s with MK_RETRY_STEP=1); the first real checkin leads to
 * a registration; the server's unreachable mk_uri is dropped after 3 failures for the discovered
 * address; a changed fact (the stubbed `hostname`) makes it register again. Commands that touch the
 * host (ip, udhcpc, uname, hostname, reboot) are shell-function stubs: busybox sh runs its own
 * applets before anything on PATH.
 */
import { systemAvailable } from '../helpers/system.js';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { ROOT, testDeps } from '../helpers/deps.js';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { until } from '../helpers/poll.js';
import { testApp } from '../helpers/app.js';
import type { Deps } from '../../lib/verbs/context.js';

const BUSYBOX = '/bin/busybox';
const run = systemAvailable('the Microkernel agent under busybox sh', () =>
  existsSync(BUSYBOX) ? undefined : `needs ${BUSYBOX} (the busybox package)`,
)
  ? test
  : test.skip;
const STUBS = `
ip() { [ "$1" = -4 ] && echo '2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0'; return 0; }
udhcpc() { return 0; }
uname() { case "$1" in -m) echo x86_64 ;; *) echo 6.1.0-test ;; esac; }
hostname() { cat "$MK_TEST_HOSTNAME"; }
reboot() { return 0; }
poweroff() { return 0; }
`;

let home: ReturnType<typeof tempHome>;
let deps: Deps;
let app: ReturnType<typeof testApp>;
let front: Server;
let told: Server;
const toldCheckins: string[] = [];
let agent: ChildProcess | undefined;
let log = '';
let tooMany = 2;
const checkins: string[] = [];

function write(path: string, text: string) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
const listen = (s: Server) =>
  new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
const seen = (text: string) =>
  until(`the agent to log "${text}"`, () => (log.includes(text) ? true : undefined));
const storeText = () => readFileSync(join(home.home, 'razor.json'), 'utf8');

beforeAll(async () => {
  home = tempHome();
  await writeSeed(home.home);
  // The address the server tells the agent to use (mk_uri): the same app, until the test closes it.
  told = createServer((req, res) => {
    if (req.url?.startsWith('/razor/api/node/checkin')) toldCheckins.push(req.url);
    app(req, res);
  });
  deps = await testDeps(home.home, {
    RAZOR_MK_URI: `http://127.0.0.1:${await listen(told)}`,
    RAZOR_MK_CHECKIN_INTERVAL: '1',
    RAZOR_MK_CHECKIN_SKEW: '0',
  });
  app = testApp(deps);
  front = createServer((req, res) => {
    if (req.url?.startsWith('/razor/api/node/checkin')) {
      checkins.push(req.url);
      if (tooMany > 0) {
        tooMany--;
        res.writeHead(429, { 'content-type': 'application/json' }).end('{"errcode":166}');
        return;
      }
    }
    app(req, res);
  });
  const port = await listen(front);
  const m = join(home.home, 'mk');
  write(join(m, 'proc', 'uptime'), '5.00 5.00\n');
  write(join(m, 'proc', 'cmdline'), `razor.ip=127.0.0.1 razor.port=${port} razor.skew=0\n`);
  write(join(m, 'proc', 'meminfo'), 'MemTotal:       480000 kB\n');
  write(join(m, 'sys', 'class', 'net', 'eth0', 'address'), '52:54:00:12:34:56\n');
  mkdirSync(join(m, 'sys', 'devices', 'nic0'), { recursive: true });
  symlinkSync(join(m, 'sys', 'devices', 'nic0'), join(m, 'sys', 'class', 'net', 'eth0', 'device'));
  write(join(m, 'hostname'), 'mk-one\n');
  agent = spawn(BUSYBOX, ['sh', '-c', `${STUBS}\n. ${join(ROOT, 'mk', 'agent.sh')}`], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: '/usr/bin:/bin',
      MK_HOME: join(ROOT, 'mk'),
      MK_SYS: join(m, 'sys'),
      MK_PROC: join(m, 'proc'),
      MK_STATE: join(m, 'state'),
      MK_RESOLV: join(m, 'no-resolv.conf'),
      MK_RETRY_STEP: '1',
      MK_TEST_HOSTNAME: join(m, 'hostname'),
    },
  });
  agent.stderr!.on('data', (d: Buffer) => (log += d.toString()));
});

afterAll(async () => {
  if (agent?.pid && agent.exitCode === null) process.kill(-agent.pid, 'SIGKILL');
  await new Promise((r) => front?.close(r));
  if (told?.listening) await new Promise((r) => told.close(r));
  await deps?.store.close();
  home?.cleanup();
});

run(
  '429 with backoff, registration, mk_uri fallback, re-registration on changed facts',
  async () => {
    // Two 429s: failures in a row, and the next checkin comes 1 s, then 2 s later.
    await seen('failed (1 in a row)');
    await seen('next checkin in 1s');
    await seen('failed (2 in a row)');
    await seen('next checkin in 2s');
    // Then the server answers: the first real checkin says so, and the node registers.
    await seen('registered 525400123456');
    expect(checkins[2]).toMatch(/hw_id=525400123456&last_state=idle&first_checkin=true$/);
    expect(storeText()).toMatch(/"hostname": ?"mk-one"/);
    // The server told the agent its mk_uri: checkins go there now.
    await until('a checkin at mk_uri', () => (toldCheckins.length > 0 ? true : undefined));
    // A fact changes: the agent registers again and the store holds the new value.
    write(join(home.home, 'mk', 'hostname'), 'mk-two\n');
    await seen('facts changed since the last registration');
    await until('the new hostname in the store', () =>
      /"hostname": ?"mk-two"/.test(storeText()) ? true : undefined,
    );
    // mk_uri stops answering: 3 failures there, then a checkin at the discovered address.
    told.closeAllConnections();
    await new Promise((r) => told.close(r));
    const before = checkins.length;
    await seen(`checkin at ${deps.config.values.mk_uri} failed (3 in a row)`);
    await until('a checkin at the discovered address after the fallback', () =>
      checkins.length > before ? true : undefined,
    );
    expect(checkins.filter((u) => u.includes('first_checkin=true'))).toHaveLength(3);
  },
  120_000,
);
