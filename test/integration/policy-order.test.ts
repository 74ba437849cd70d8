/**
 * The policy table decides which policy binds a node: the first enabled match in table order wins.
 * Moving a policy (`new_line_number`, `before`, `after`) changes which one binds; a move out of the
 * table is refused and changes nothing; disabling a policy lets the next one bind; `simulate` says
 * the same as a real checkin; an exhausted IP pool stops a policy binding. Driven over REST against
 * the in-process app, store contents read back from the file.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { testDeps } from '../helpers/deps.js';
import { testApp } from '../helpers/app.js';
import type { StoreFile } from '../../lib/store/json-store.js';
import type { ActiveModelDoc, PolicyDoc } from '../../lib/domain/documents.js';

const OS = 'OsImage000000000000001';
const MODEL = 'ModelPlain000000000001';
const POOL_MODEL = 'ModelPool0000000000001';
const at = '2026-01-01T00:00:00.000Z';
/** Node n's MAC (upper case, no colons, as the Microkernel sends it). */
const mac = (n: number) => `5254000000${String(n).padStart(2, '0')}`;
const nodeUuid = (n: number) => `NodeOrder${String(n).padStart(13, '0')}`;

function model(uuid: string, metadata: Record<string, string>) {
  return {
    uuid,
    created_at: at,
    updated_at: at,
    label: uuid === MODEL ? 'plain' : 'pooled',
    type: 'debian_bookworm',
    template: 'linux_deploy',
    description: 'Debian Bookworm',
    image_uuid: OS,
    metadata: { hostname_prefix: uuid === MODEL ? 'web' : 'pool', domainname: 'example.com', ...metadata },
  };
}

/** An image, two models (one with a two-address IP pool) and `count` nodes that checked in just now. */
function seed(count: number): StoreFile {
  const now = new Date().toISOString();
  const nodes = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      nodeUuid(i + 1),
      {
        uuid: nodeUuid(i + 1),
        created_at: at,
        checked_in_at: now,
        hw_id: [mac(i + 1)],
        attributes: { mk_hw_nic_count: '2', mk_hw_mem_size: '4GiB' },
        last_state: 'idle',
        dhcp_mac: null,
      },
    ]),
  );
  return {
    rev: 1,
    format: 'razor-store/1',
    collections: {
      image: {
        [OS]: { uuid: OS, created_at: at, type: 'os', name: 'debian', version: '12', status: 'valid' },
      },
      model: {
        [MODEL]: model(MODEL, {}),
        [POOL_MODEL]: model(POOL_MODEL, {
          ip_range_network: '10.9.8',
          ip_range_start: '10',
          ip_range_end: '11',
          gateway: '10.9.8.1',
          nameserver: '10.9.8.2',
        }),
      },
      node: nodes,
    },
  };
}

let home: ReturnType<typeof tempHome>;
let app: ReturnType<typeof testApp>;
const api = (p: string) => `/razor/api/${p}`;
const storeText = () => readFileSync(join(home.home, 'razor.json'), 'utf8');
const stored = () => JSON.parse(storeText()) as StoreFile;
const activeModels = () => Object.values(stored().collections.active_model ?? {}) as ActiveModelDoc[];
const boundTo = (n: number) => activeModels().find((a) => a.node_uuid === nodeUuid(n))?.label;
const tableOrder = () => (stored().collections.meta?.policy_table as unknown as { order: string[] }).order;

async function addPolicy(label: string, tags: string, modelUuid = MODEL): Promise<string> {
  const r = await request(app)
    .post(api('policy'))
    .send({ template: 'linux_deploy', label, model_uuid: modelUuid, tags, enabled: true });
  expect(r.status).toBe(201);
  return r.body.response[0].uuid as string;
}

async function checkin(n: number): Promise<string> {
  const r = await request(app).get(api(`node/checkin?hw_id=${mac(n)}&last_state=idle`));
  expect(r.status).toBe(200);
  return r.body.response.command_name as string;
}

/** The labels of `GET /policy`, in the order it lists them, with their line numbers. */
async function listed(): Promise<string[]> {
  const r = await request(app).get(api('policy'));
  expect(r.status).toBe(200);
  return (r.body.response as { label: string; line_number: number }[]).map(
    (p) => `${p.line_number}:${p.label}`,
  );
}

const move = (uuid: string, body: Record<string, unknown>) =>
  request(app)
    .put(api(`policy/${uuid}`))
    .send(body);

beforeEach(async () => {
  home = tempHome();
});
afterEach(() => home.cleanup());

async function start(nodes: number): Promise<void> {
  await writeSeed(home.home, seed(nodes));
  app = testApp(await testDeps(home.home));
}

describe('first match wins', () => {
  test('two matching policies: the one earlier in the table binds; moved to the top, the other binds', async () => {
    await start(2);
    const narrow = await addPolicy('narrow', 'nics_2,memsize_4GiB');
    const broad = await addPolicy('broad', 'nics_2');
    expect(await listed()).toEqual(['0:narrow', '1:broad']);
    expect(await checkin(1)).toBe('acknowledge');
    expect(boundTo(1)).toBe('narrow');

    const r = await move(broad, { new_line_number: 0 });
    expect(r.status).toBe(202);
    expect(r.body.response[0]).toMatchObject({ uuid: broad, line_number: 0 });
    expect(tableOrder()).toEqual([broad, narrow]);
    expect(await listed()).toEqual(['0:broad', '1:narrow']);
    expect(await checkin(2)).toBe('acknowledge');
    expect(boundTo(2)).toBe('broad');
    expect(
      activeModels()
        .map((a) => a.hostname)
        .sort(),
    ).toEqual(['web1.example.com', 'web1.example.com']);
  });

  test('before and after move a policy beside another; the table keeps every policy once', async () => {
    await start(0);
    const a = await addPolicy('a', 'nics_2');
    const b = await addPolicy('b', 'nics_2');
    const c = await addPolicy('c', 'nics_2');
    expect((await move(c, { before: a })).status).toBe(202);
    expect(tableOrder()).toEqual([c, a, b]);
    expect((await move(c, { after: b })).status).toBe(202);
    expect(tableOrder()).toEqual([a, b, c]);
    expect((await move(a, { after: b })).status).toBe(202);
    expect(tableOrder()).toEqual([b, a, c]);
    expect((await move(c, { new_line_number: 1 })).status).toBe(202);
    expect(tableOrder()).toEqual([b, c, a]);
    expect(await listed()).toEqual(['0:b', '1:c', '2:a']);
  });

  test.each([
    [{ new_line_number: 3 }, 'line number 3 is outside the policy table (0 to 2)'],
    [{ new_line_number: 2, before: 'A' }, 'give only one of: new_line_number, before'],
    [{ before: 'SELF' }, 'a policy cannot be moved beside itself'],
  ])('a bad move %j is refused (400 InputError) and the store stays byte-identical', async (body, why) => {
    await start(0);
    const a = await addPolicy('a', 'nics_2');
    await addPolicy('b', 'nics_2');
    const c = await addPolicy('c', 'nics_2');
    const fill = (v: unknown) => (v === 'A' ? a : v === 'SELF' ? c : v);
    const before = storeText();
    const r = await move(c, Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fill(v)])));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      err_class: 'ProjectRazor::Error::Slice::InputError',
      std_err_code: 111,
      result: why,
    });
    expect(storeText()).toBe(before);
  });

  test('a negative line number is refused before the handler runs', async () => {
    await start(0);
    const a = await addPolicy('a', 'nics_2');
    const before = storeText();
    const r = await move(a, { new_line_number: -1 });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      err_class: 'ProjectRazor::Error::Slice::InputError',
      std_err_code: 111,
      result: "'new_line_number' must be a whole number of at least 0, not '-1'",
    });
    expect(storeText()).toBe(before);
  });
});

describe('enable and disable', () => {
  test('a disabled policy binds nothing; the next match binds; enabled again, it binds first', async () => {
    await start(3);
    const first = await addPolicy('first', 'nics_2');
    await addPolicy('second', 'nics_2');
    const off = await request(app).post(api(`policy/disable/${first}`));
    expect(off.status).toBe(202);
    expect(off.body.response[0]).toMatchObject({ uuid: first, enabled: false });
    expect((stored().collections.policy?.[first] as PolicyDoc).enabled).toBe(false);
    await checkin(1);
    expect(boundTo(1)).toBe('second');

    const on = await request(app).post(api(`policy/enable/${first}`));
    expect(on.status).toBe(202);
    expect((stored().collections.policy?.[first] as PolicyDoc).enabled).toBe(true);
    await checkin(2);
    expect(boundTo(2)).toBe('first');

    // Both disabled: the node stays unbound.
    await request(app).post(api(`policy/disable/${first}`));
    await request(app)
      .post(api(`policy/disable/${(await request(app).get(api('policy'))).body.response[1].uuid}`))
      .expect(202);
    await checkin(3);
    expect(boundTo(3)).toBeUndefined();
    expect(activeModels()).toHaveLength(2);
  });
});

describe('simulate', () => {
  test('says which policy a node would get and why each earlier one would not, binding nothing', async () => {
    await start(1);
    const off = await addPolicy('off', 'nics_2');
    const big = await addPolicy('big', 'nics_2,memsize_64GiB');
    const fits = await addPolicy('fits', 'memsize_4GiB');
    await addPolicy('after', 'nics_2'); // after the match: not evaluated
    await request(app)
      .post(api(`policy/disable/${off}`))
      .expect(202);
    const before = storeText();
    const r = await request(app).get(api(`policy/simulate/${nodeUuid(1)}`));
    expect(r.status).toBe(200);
    expect(r.body.response).toEqual([
      { line: 0, policy: 'off', uuid: off, binds: false, why: 'disabled' },
      { line: 1, policy: 'big', uuid: big, binds: false, why: 'node lacks tag(s) memsize_64GiB' },
      { line: 2, policy: 'fits', uuid: fits, binds: true, why: 'matches tags memsize_4GiB' },
    ]);
    expect(storeText()).toBe(before);
    await checkin(1);
    expect(boundTo(1)).toBe('fits');
  });

  test('facts that match nothing: every verdict and a closing (none) row', async () => {
    await start(0);
    const a = await addPolicy('a', 'nics_4');
    const input = encodeURIComponent(JSON.stringify({ facts: { mk_hw_nic_count: '2' } }));
    const r = await request(app).get(api(`policy/simulate?json_hash=${input}`));
    expect(r.status).toBe(200);
    expect(r.body.response).toEqual([
      { line: 0, policy: 'a', uuid: a, binds: false, why: 'node lacks tag(s) nics_4' },
      {
        line: -1,
        policy: '(none)',
        uuid: '',
        binds: false,
        why: 'no policy binds a node with tags [nics_2]',
      },
    ]);
  });
});

describe('IP pool', () => {
  test('a pool of two addresses binds two nodes with those addresses; the third binds the next policy', async () => {
    await start(3);
    await addPolicy('pooled', 'nics_2', POOL_MODEL);
    await addPolicy('fallback', 'nics_2');
    for (const n of [1, 2, 3]) await checkin(n);
    const byNode = (n: number) => activeModels().find((a) => a.node_uuid === nodeUuid(n));
    expect(byNode(1)).toMatchObject({
      label: 'pooled',
      hostname: 'pool1.example.com',
      ip: { address: '10.9.8.10', netmask: '255.255.255.0', gateway: '10.9.8.1', nameserver: '10.9.8.2' },
    });
    expect(byNode(2)).toMatchObject({ label: 'pooled', ip: { address: '10.9.8.11' } });
    expect(byNode(3)).toMatchObject({ label: 'fallback', hostname: 'web1.example.com', ip: null });
    const sim = await request(app).get(api(`policy/simulate/${nodeUuid(3)}`));
    expect(sim.body.response[0]).toMatchObject({
      policy: 'pooled',
      binds: false,
      why: 'IP pool 10.9.8.10-11 is exhausted (bind #3)',
    });
  });

  test('with no other policy, a node past the pool stays unbound', async () => {
    await start(3);
    const pooled = await addPolicy('pooled', 'nics_2', POOL_MODEL);
    for (const n of [1, 2, 3]) await checkin(n);
    expect([boundTo(1), boundTo(2), boundTo(3)]).toEqual(['pooled', 'pooled', undefined]);
    expect((stored().collections.policy?.[pooled] as PolicyDoc).counter).toBe(2);
  });
});
