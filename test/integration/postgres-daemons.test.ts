/**
 * Two `razor daemon` processes on different ports sharing one PostgreSQL database: 200 concurrent
 * binding checkins spread over both against a policy with maximum_count 50 bind exactly 50 with
 * distinct hostnames and counters; and 500 concurrent POSTs spread over both, with CLI processes
 * writing beside them, all land.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import http from 'node:http';
import { tempHome } from '../helpers/fixture.js';
import { testEnv } from '../helpers/deps.js';
import { RAZOR, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { postgresAvailable, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { openPostgresStore } from '../../lib/store/postgres-store.js';

const run = promisify(execFile);
const OS = 'OsImage000000000000001';
const hwId = (i: number) => `5254${String(i).padStart(8, '0')}`;
const agent = new http.Agent({ keepAlive: false, maxSockets: 600 });

/** One request with the admin token `token`; resolves with status and body. */
function request(url: string, token: string, method = 'GET', body?: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const headers = {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    };
    const req = http.request(url, { method, agent, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const suite = postgresAvailable() ? describe : describe.skip;

suite('two daemons sharing one PostgreSQL database', () => {
  let server: PostgresServer;
  let url: string;
  const homes: ReturnType<typeof tempHome>[] = [];
  const daemons: DaemonProcess[] = [];
  let token = '';
  const LIMITS = { RAZOR_MAX_CONNECTIONS_PER_ADDRESS: '1000', RAZOR_MAX_CONNECTIONS_PER_PORT: '1000' };
  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase('two_daemons');
    const store = await openPostgresStore(url);
    const at = '2026-01-01T00:00:00.000Z';
    await store.write((w) =>
      w.put('image', {
        uuid: OS,
        created_at: at,
        type: 'os',
        name: 'debian',
        version: '12',
        status: 'valid',
      }),
    );
    await store.close();
    for (let i = 0; i < 2; i++) {
      const home = tempHome();
      homes.push(home);
      writeFileSync(join(home.home, 'config.yaml'), `store: ${url}\n`);
      daemons.push(await startDaemon(home.home, [], LIMITS));
    }
    token = readFileSync(join(homes[0]!.home, 'admin.token'), 'utf8').trim();
  }, 180_000);
  afterAll(async () => {
    agent.destroy();
    await Promise.all(daemons.map((d) => d.stop()));
    homes.forEach((h) => h.cleanup());
    await server?.stop();
  });

  /** `path` of the API on daemon `i % 2`. */
  const api = (i: number, path: string) => `${daemons[i % 2]!.url}/razor/api/${path}`;

  test('200 binding checkins over both daemons, maximum_count 50 → exactly 50 bound, hostnames distinct', async () => {
    const facts = { mk_hw_nic_count: '1', mk_hw_mem_size: '4GiB', mk_hw_cpu_count: '2' };
    const regs = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        request(
          api(i, 'node/register'),
          token,
          'POST',
          JSON.stringify({ hw_id: hwId(i), attributes_hash: facts, last_state: 'idle' }),
        ),
      ),
    );
    expect(regs.filter((r) => r.status !== 200)).toEqual([]);
    const model = await request(
      api(0, 'model'),
      token,
      'POST',
      JSON.stringify({
        template: 'debian_bookworm',
        label: 'm',
        image_uuid: OS,
        req_metadata_hash: { hostname_prefix: 'web', root_password: 'correct-horse' },
      }),
    );
    const policy = await request(
      api(1, 'policy'),
      token,
      'POST',
      JSON.stringify({
        template: 'linux_deploy',
        label: 'fifty',
        model_uuid: JSON.parse(model.text).response[0].uuid,
        tags: 'nics_1,memsize_4GiB',
        enabled: true,
        maximum: 50,
      }),
    );
    expect(policy.status).toBe(201);

    /** Node `i` checks in on daemon `on`. */
    const checkin = (i: number, on = i) =>
      request(api(on, `node/checkin?hw_id=${hwId(i)}&last_state=idle`), token);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => checkin(i)));
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const ams = JSON.parse((await request(api(1, 'active_model'), token)).text).response as {
      hostname: string;
      counter: number;
      node_uuid: string;
    }[];
    expect(ams).toHaveLength(50);
    expect(new Set(ams.map((a) => a.node_uuid)).size).toBe(50);
    expect(ams.map((a) => a.counter).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(ams.map((a) => a.hostname).sort()).toEqual(
      Array.from({ length: 50 }, (_, i) => `web${i + 1}.localdomain`).sort(),
    );

    const again = await Promise.all(Array.from({ length: 200 }, (_, i) => checkin(i, i + 1)));
    const commands = again.map((a) => JSON.parse(a.text).response.command_name as string);
    expect(commands.filter((c) => c === 'reboot')).toHaveLength(50);
    expect(commands.filter((c) => c === 'acknowledge')).toHaveLength(150);
    const p = JSON.parse((await request(api(0, 'policy'), token)).text).response[0];
    expect(p).toMatchObject({ counter: 50, current_count: 50, maximum_count: 50 });
  }, 600_000);

  test('500 concurrent POSTs over both daemons + 4 CLI processes × 25 tag rules → all 600 stored', async () => {
    const posts = Array.from({ length: 500 }, (_, i) =>
      request(api(i, 'tag'), token, 'POST', JSON.stringify({ name: `http-${i}`, tag: 'h' })),
    );
    const cli = async (id: number) => {
      for (let i = 0; i < 25; i++)
        await run(
          process.execPath,
          [RAZOR, '-w', 'tag', 'add', JSON.stringify({ name: `cli-${id}-${i}`, tag: 'c' })],
          {
            env: testEnv(homes[id % 2]!.home),
          },
        );
    };
    const clis = [0, 1, 2, 3].map(cli);
    const statuses = (await Promise.all(posts)).map((r) => r.status);
    await Promise.all(clis);
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    const store = await openPostgresStore(url);
    const names = new Set(
      (await store.read((r) => r.all<{ uuid: string; name: string }>('tag'))).map((t) => t.name),
    );
    await store.close();
    const expected = [
      ...Array.from({ length: 500 }, (_, i) => `http-${i}`),
      ...[0, 1, 2, 3].flatMap((id) => Array.from({ length: 25 }, (_, i) => `cli-${id}-${i}`)),
    ];
    expect(expected.filter((n) => !names.has(n))).toEqual([]);
  }, 600_000);
});
