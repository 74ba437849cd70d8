/**
 * Binding is atomic: 200 nodes checking in at once against a policy with maximum_count 50 end with
 * exactly 50 bound and 50 distinct hostnames — through the real daemon, and with CLI processes
 * checking in beside it (both write the same store).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import http from 'node:http';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { testEnv } from '../helpers/deps.js';
import { RAZOR, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import type { StoreFile } from '../../lib/store/json-store.js';

const run = promisify(execFile);
const OS = 'OsImage000000000000001';
const hwId = (i: number) => `5254${String(i).padStart(8, '0')}`;

function request(
  url: string,
  agent: http.Agent,
  method = 'GET',
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let home: ReturnType<typeof tempHome>;
let d: DaemonProcess;
/** The admin token the daemon's first start wrote (node-facing calls do not need it). */
let token = '';
// No keep-alive: a reused socket the server has just timed out would read as a hang-up.
const agent = new http.Agent({ keepAlive: false, maxSockets: 200 });

beforeAll(async () => {
  home = tempHome();
  const at = '2026-01-01T00:00:00.000Z';
  const seed: StoreFile = {
    rev: 1,
    format: 'razor-store/1',
    collections: {
      image: {
        [OS]: { uuid: OS, created_at: at, type: 'os', name: 'debian', version: '12', status: 'valid' },
      },
    },
  };
  await writeSeed(home.home, seed);
  // 200 connections at once from one address: more than the default per-address cap (ADR 0018).
  d = await startDaemon(home.home, [], { RAZOR_MAX_CONNECTIONS_PER_ADDRESS: '1000' });
  token = readFileSync(join(home.home, 'admin.token'), 'utf8').trim();
});
afterAll(async () => {
  agent.destroy();
  await d.stop();
  home.cleanup();
});

test('200 concurrent checkins, maximum_count 50 → exactly 50 bound, hostnames distinct', async () => {
  const api = (p: string) => `${d.url}/razor/api/${p}`;
  const facts = { mk_hw_nic_count: '1', mk_hw_mem_size: '4GiB', mk_hw_cpu_count: '2' };
  const regs = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      request(
        api('node/register'),
        agent,
        'POST',
        JSON.stringify({ hw_id: hwId(i), attributes_hash: facts, last_state: 'idle' }),
      ),
    ),
  );
  expect(regs.filter((r) => r.status !== 200)).toEqual([]);
  const model = JSON.parse(
    (
      await request(
        api('model'),
        agent,
        'POST',
        JSON.stringify({
          template: 'debian_bookworm',
          label: 'm',
          image_uuid: OS,
          req_metadata_hash: { hostname_prefix: 'web', root_password: 'correct-horse' },
        }),
      )
    ).text,
  ).response[0].uuid;
  const policy = await request(
    api('policy'),
    agent,
    'POST',
    JSON.stringify({
      template: 'linux_deploy',
      label: 'fifty',
      model_uuid: model,
      tags: 'nics_1,memsize_4GiB',
      enabled: true,
      maximum: 50,
    }),
  );
  expect(policy.status).toBe(201);

  // 150 checkins over HTTP and 50 from CLI processes (`razor -w node checkin`), all at once.
  const httpCheckins = Array.from({ length: 150 }, (_, i) =>
    request(api(`node/checkin?hw_id=${hwId(i)}&last_state=idle`), agent),
  );
  const cliCheckins = Array.from({ length: 50 }, (_, i) =>
    run(
      process.execPath,
      [RAZOR, '-w', 'node', 'checkin', JSON.stringify({ hw_id: hwId(150 + i), last_state: 'idle' })],
      { env: testEnv(home.home) },
    ).then((r) => ({ status: 200, text: r.stdout })),
  );
  const answers = await Promise.all([...httpCheckins, ...cliCheckins]);
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);
  expect(new Set(answers.map((a) => JSON.parse(a.text).response.command_name))).toEqual(
    new Set(['acknowledge']),
  );

  const ams = JSON.parse((await request(api('active_model'), agent)).text).response as {
    hostname: string;
    counter: number;
    node_uuid: string;
  }[];
  expect(ams).toHaveLength(50);
  expect(new Set(ams.map((a) => a.hostname)).size).toBe(50);
  expect(new Set(ams.map((a) => a.node_uuid)).size).toBe(50);
  expect(ams.map((a) => a.counter).sort((a, b) => a - b)).toEqual(
    Array.from({ length: 50 }, (_, i) => i + 1),
  );
  expect(ams.map((a) => a.hostname).sort()).toEqual(
    Array.from({ length: 50 }, (_, i) => `web${i + 1}.localdomain`).sort(),
  );

  // Another round changes nothing: the policy is at its maximum; bound nodes are told to reboot.
  const again = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      request(api(`node/checkin?hw_id=${hwId(i)}&last_state=idle`), agent),
    ),
  );
  const commands = again.map((a) => JSON.parse(a.text).response.command_name as string);
  expect(commands.filter((c) => c === 'reboot')).toHaveLength(50);
  expect(commands.filter((c) => c === 'acknowledge')).toHaveLength(150);
  expect(JSON.parse((await request(api('active_model'), agent)).text).response).toHaveLength(50);
  const p = JSON.parse((await request(api('policy'), agent)).text).response[0];
  expect(p).toMatchObject({ counter: 50, current_count: 50, maximum_count: 50 });
}, 300_000);
