/**
 * Installer callbacks that cannot be answered record nothing: a broker plugin that is not
 * installed (the render fails after the event fired in memory), the node gone, a model type razor
 * no longer has. Each answers its exact error and leaves the store byte-identical. And
 * `broker/fail` then a retry over HTTP: the failure is recorded, fetching the script again waits
 * for the broker once more, and success ends the hand-off.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { SEED, seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { testDeps } from '../helpers/deps.js';
import { testApp } from '../helpers/app.js';
import type { ActiveModelDoc, BrokerDoc } from '../../lib/domain/documents.js';
import type { StoreFile } from '../../lib/store/json-store.js';

const AM = SEED.active_model;
const KEY = 'InstallKeyOfNode000001';
const at = '2026-01-01T00:00:00.000Z';
let home: ReturnType<typeof tempHome>;
beforeEach(() => {
  home = tempHome();
});
afterEach(() => home.cleanup());

const storeText = () => readFileSync(join(home.home, 'razor.json'), 'utf8');
const am = () => (JSON.parse(storeText()) as StoreFile).collections.active_model?.[AM] as ActiveModelDoc;

/** The seed's install finished (os_complete) with a puppet broker, pinned to 127.0.0.1. */
function finished(change: (data: StoreFile, am: ActiveModelDoc) => void = () => undefined): StoreFile {
  const data = seedData();
  const a = data.collections.active_model?.[AM] as ActiveModelDoc;
  a.state = 'os_complete';
  a.broker = structuredClone(data.collections.broker?.[SEED.broker_in_use]) as BrokerDoc;
  a.pin = { address: '127.0.0.1', key: KEY, pinned_at: at, served: {} };
  change(data, a);
  return data;
}

async function call(data: StoreFile, path: string) {
  await writeSeed(home.home, data);
  const app = testApp(await testDeps(home.home));
  const before = storeText();
  const r = await request(app).get(`/razor/api/policy/callback/${AM}.${KEY}/${path}`);
  return { r, unchanged: storeText() === before };
}

test.each([
  [
    'the broker plugin is not installed (a failed render)',
    (_d: StoreFile, a: ActiveModelDoc) => void ((a.broker as BrokerDoc).plugin = 'cfengine'),
    'InvalidPlugin',
    112,
    "broker plugin 'cfengine' is not installed",
  ],
  [
    'the node is gone',
    (d: StoreFile) => void delete d.collections.node?.[SEED.node2],
    'ActiveModelInvalid',
    160,
    `active model ${AM} names node ${SEED.node2}, which is gone`,
  ],
  [
    'the model type is unknown',
    (_d: StoreFile, a: ActiveModelDoc) => void (a.model.type = 'debian_sarge'),
    'ActiveModelInvalid',
    160,
    `active model ${AM} uses unknown model type 'debian_sarge'`,
  ],
])('broker/script when %s: its exact error, nothing recorded', async (_why, change, kind, code, message) => {
  const { r, unchanged } = await call(finished(change), 'broker/script');
  expect(r.status).toBe(400);
  expect(r.body).toEqual({
    std_err_code: code,
    err_class: `ProjectRazor::Error::Slice::${kind}`,
    result: message,
    http_err_code: 400,
    slice: 'ProjectRazor::Slice::Policy',
    command: 'get_callback',
  });
  expect(unchanged).toBe(true);
});

test('an unknown active model: 404 NotFound, nothing recorded', async () => {
  await writeSeed(home.home, finished());
  const app = testApp(await testDeps(home.home));
  const before = storeText();
  const r = await request(app).get('/razor/api/policy/callback/Zz9Zz9Zz9Zz9Zz9Zz9Zz9Z/broker/fail');
  expect(r.status).toBe(404);
  expect(r.body).toMatchObject({
    std_err_code: 123,
    err_class: 'ProjectRazor::Error::Slice::NotFound',
    result: 'Not found: no active model Zz9Zz9Zz9Zz9Zz9Zz9Zz9Z',
  });
  expect(storeText()).toBe(before);
});

test('broker/fail is recorded; fetching the script again retries; success ends it', async () => {
  await writeSeed(home.home, finished());
  const app = testApp(await testDeps(home.home));
  const get = (p: string) => request(app).get(`/razor/api/policy/callback/${AM}.${KEY}/${p}`);
  const script = await get('broker/script');
  expect(script.status).toBe(200);
  expect(script.text).toContain("SERVER='puppet.example.com'");
  expect(am().state).toBe('broker_wait');
  const fail = await get('broker/fail');
  expect([fail.status, fail.text]).toEqual([200, 'ok']);
  expect(am().state).toBe('broker_fail');
  expect(am().log.at(-1)).toMatchObject({
    old_state: 'broker_wait',
    state: 'broker_fail',
    action: 'broker_fail',
    result: 'broker/fail',
  });
  expect((await get('broker/script')).status).toBe(200);
  expect(am().state).toBe('broker_wait');
  expect(am().pin?.served).toEqual({ 'broker/script': 2 });
  expect((await get('broker/success')).text).toBe('ok');
  expect(am().state).toBe('broker_success');
  expect(
    am()
      .log.slice(-4)
      .map((e) => e.action),
  ).toEqual(['broker_fetch', 'broker_fail', 'broker_fetch', 'broker_success']);
});
