/**
 * The per-node checkin rate limit: a node checking in faster than `checkin_rate_per_minute` gets
 * 429 with a TooManyRequests envelope and the store is not touched; other nodes are unaffected; the
 * node is served again once its bucket refills; and the daemon applies the configured rate.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { testDeps } from '../helpers/deps.js';
import { inProcessInvoke, testApp } from '../helpers/app.js';
import { startDaemon } from '../helpers/daemon.js';
import { tokenBuckets } from '../../lib/engine/rate-limit.js';
import { limitCheckins } from '../../daemon/limits/checkin-limit.js';
import type { Deps } from '../../lib/verbs/context.js';
import type { Invoke } from '../../daemon/app.js';

let home: ReturnType<typeof tempHome>;
let deps: Deps;
let app: ReturnType<typeof testApp>;
let now = Date.parse('2026-12-01T10:00:00Z');
let dispatched = 0;
const RATE = 5;

beforeAll(async () => {
  home = tempHome();
  await writeSeed(home.home);
  const real = await testDeps(home.home);
  deps = { ...real, clock: () => new Date(now) };
  const inner = inProcessInvoke(deps);
  const counting: Invoke = (call) => {
    dispatched++;
    return inner(call);
  };
  const buckets = tokenBuckets({ perMinute: RATE, clock: deps.clock });
  app = testApp(deps, limitCheckins(counting, { buckets, perMinute: RATE }));
});
afterAll(() => home.cleanup());

const checkin = (hwId: string) =>
  request(app).get(`/razor/api/node/checkin?hw_id=${encodeURIComponent(hwId)}&last_state=idle`);
const storeBytes = () => readFileSync(deps.config.values.persist_path, 'utf8');

describe('in-process, with an injected clock', () => {
  test('a burst from one node: the excess get 429 and the store is not written', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < RATE; i++) {
      now += 10; // every accepted checkin writes checked_in_at
      statuses.push((await checkin('52:54:00:12:34:56')).status);
    }
    expect(statuses).toEqual(Array(RATE).fill(200));
    const before = storeBytes();
    const calls = dispatched;
    // The same node, spelled differently, shares the bucket.
    for (const hw of ['525400123456', '52-54-00-12-34-56', '_525400123456_']) {
      now += 10;
      const res = await checkin(hw);
      expect(res.status).toBe(429);
      expect(res.body).toMatchObject({
        err_class: 'ProjectRazor::Error::Slice::TooManyRequests',
        http_err_code: 429,
        std_err_code: 166,
        command: 'checkin_node',
      });
      expect(res.body.result).toMatch(
        /node 525400123456 called node checkin more than 5 times a minute; retry in \d+ s/,
      );
    }
    expect(dispatched).toBe(calls);
    expect(storeBytes()).toBe(before);
    // register shares the node's bucket.
    const reg = await request(app)
      .post('/razor/api/node/register')
      .send({ hw_id: '525400123456', last_state: 'idle', attributes_hash: { a: '1' } });
    expect(reg.status).toBe(429);
    // …in the Microkernel's own shape too: a form-encoded json_hash with `@hw_id`.
    const mk = await request(app)
      .post('/razor/api/node/register')
      .type('form')
      .send({
        json_hash: JSON.stringify({
          '@hw_id': '525400123456',
          '@last_state': 'idle',
          '@attributes_hash': {},
        }),
      });
    expect(mk.status).toBe(429);
    expect(storeBytes()).toBe(before);
  });

  test('another node is unaffected', async () => {
    for (let i = 0; i < RATE; i++) expect((await checkin('525400654321')).status).toBe(200);
  });

  test('after the window the node is served again', async () => {
    expect((await checkin('525400123456')).status).toBe(429);
    now += 60_000 / RATE; // one token back
    expect((await checkin('525400123456')).status).toBe(200);
    expect((await checkin('525400123456')).status).toBe(429);
    now += 60_000;
    for (let i = 0; i < RATE; i++) expect((await checkin('525400123456')).status).toBe(200);
  });

  test('requests the dispatcher refuses anyway are not counted', async () => {
    for (let i = 0; i < 20; i++) expect((await checkin('not-a-mac')).status).toBe(400);
    const res = await request(app).get('/razor/api/node/checkin?json_hash={');
    expect(res.status).toBe(400);
  });
});

test('the daemon applies checkin_rate_per_minute; 0 turns it off', async () => {
  const h = tempHome();
  await writeSeed(h.home);
  const burst = async (rate: string, n: number) => {
    const d = await startDaemon(h.home, [], { RAZOR_CHECKIN_RATE_PER_MINUTE: rate });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < n; i++) {
        statuses.push(
          (await fetch(`${d.url}/razor/api/node/checkin?hw_id=525400123456&last_state=idle`)).status,
        );
      }
      return statuses;
    } finally {
      await d.stop();
    }
  };
  try {
    expect(await burst('3', 5)).toEqual([200, 200, 200, 429, 429]);
    expect((await burst('0', 100)).every((s) => s === 200)).toBe(true);
  } finally {
    h.cleanup();
  }
});
