/**
 * `razor node` pages for scripts (issue 13): `limit` and `offset` cut the list in its order (oldest
 * first), a short page is the last, filters apply before the page is cut, bad values are refused
 * with the field named; and a node's status comes from its own active model, not a scan of all.
 * Driven over REST against the in-process app.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import request from 'supertest';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { testDeps } from '../helpers/deps.js';
import { testApp } from '../helpers/app.js';
import type { StoreFile } from '../../lib/store/json-store.js';

const COUNT = 25;
const nodeUuid = (n: number) => `NodePage${String(n).padStart(14, '0')}`;
/** Node n was created n minutes into the day: the list's order is 1, 2, … 25. */
const createdAt = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();

function seed(): StoreFile {
  const now = new Date().toISOString();
  // Written in reverse, so that the file's order is not the list's.
  const nodes = Object.fromEntries(
    Array.from({ length: COUNT }, (_, i) => COUNT - i).map((n) => [
      nodeUuid(n),
      {
        uuid: nodeUuid(n),
        created_at: createdAt(n),
        checked_in_at: now,
        hw_id: [`5254000001${String(n).padStart(2, '0')}`],
        attributes: { mk_hw_nic_count: n % 2 ? '1' : '2' },
        last_state: 'idle',
        dhcp_mac: null,
      },
    ]),
  );
  const bound = {
    uuid: 'AmPage0000000000000001',
    node_uuid: nodeUuid(7),
    policy_uuid: 'PolicyGone000000000001',
    state: 'init',
    model: { image_uuid: 'x' },
    log: [],
  };
  return {
    rev: 1,
    format: 'razor-store/1',
    collections: { node: nodes, active_model: { [bound.uuid]: bound } } as never,
  };
}

let home: ReturnType<typeof tempHome>;
let app: ReturnType<typeof testApp>;
beforeEach(async () => {
  home = tempHome();
  await writeSeed(home.home, seed());
  app = testApp(await testDeps(home.home));
});
afterEach(() => home.cleanup());

const list = async (query: string) => {
  const res = await request(app).get(`/razor/api/node${query}`);
  return { status: res.status, body: res.body as { response: Array<{ uuid: string; status: string }> } };
};
const numbers = (r: { body: { response: Array<{ uuid: string }> } }) =>
  r.body.response.map((n) => Number(n.uuid.slice(-14)));

test('pages cut the list in its order; the last page is short; no limit is everything from the offset', async () => {
  expect(numbers(await list('?limit=10'))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(numbers(await list('?limit=10&offset=10'))).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  expect(numbers(await list('?limit=10&offset=20'))).toEqual([21, 22, 23, 24, 25]);
  expect(numbers(await list('?limit=10&offset=30'))).toEqual([]);
  expect(numbers(await list('?offset=23'))).toEqual([24, 25]);
  expect(numbers(await list(''))).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));
});

test('filters apply before the page is cut', async () => {
  // Odd nodes have one NIC: 1, 3, 5, …
  const odd = await list('?attributes.mk_hw_nic_count=1&limit=3&offset=2');
  expect(numbers(odd)).toEqual([5, 7, 9]);
});

test("a node's status is its own: bound only where its active model is", async () => {
  const all = (await list('')).body.response;
  expect(all.filter((n) => n.status === 'bound').map((n) => n.uuid)).toEqual([nodeUuid(7)]);
  expect(new Set(all.filter((n) => n.uuid !== nodeUuid(7)).map((n) => n.status))).toEqual(
    new Set(['active']),
  );
});

test.each([
  ['?limit=0', "'limit' must be a whole number of at least 1, not '0'"],
  ['?limit=ten', "'limit' must be a whole number of at least 1, not 'ten'"],
  ['?offset=-1', "'offset' must be a whole number of at least 0, not '-1'"],
])('%s is refused with what to fix', async (query, message) => {
  const r = await request(app).get(`/razor/api/node${query}`);
  expect(r.status).toBe(400);
  expect(r.body.result).toContain(message);
});
