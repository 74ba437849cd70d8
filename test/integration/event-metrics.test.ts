/**
 * `/metrics` counts razor's events on a real daemon: a registration, a bind by the seeded policy
 * (binds per policy), the sweep timing out an install (a state transition of its model type and an
 * install failure) and an admin's reinstall — each exactly once, as the flow ran.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { SEED, tempHome } from '../helpers/fixture.js';
import { type DaemonProcess } from '../helpers/daemon.js';
import { adminCall } from '../helpers/from-address.js';
import { until } from '../helpers/poll.js';
import { startSweepingDaemon } from '../helpers/sweeping-daemon.js';

type Family = { name: string; metrics: Array<{ labels?: Record<string, string>; value?: string }> };

const home = tempHome();
let d: DaemonProcess;

beforeAll(async () => {
  d = await startSweepingDaemon(home.home);
});
afterAll(async () => {
  await d?.stop();
  home.cleanup();
});

/** The values of `name`'s samples, keyed by their labels. */
async function samples(name: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${d.url}/metrics`)).text();
  const family = (parsePrometheusTextFormat(text) as Family[]).find((f) => f.name === name);
  return Object.fromEntries(
    (family?.metrics ?? []).map((m) => [JSON.stringify(m.labels ?? {}), Number(m.value)]),
  );
}

test('events, binds per policy and state transitions are counted once each', async () => {
  const hw = '525400ee0001';
  const reg = await fetch(`${d.url}/razor/api/node/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hw_id: hw, last_state: 'idle', attributes_hash: { mk_hw_nic_count: '2' } }),
  });
  expect(reg.status).toBe(200);
  expect((await fetch(`${d.url}/razor/api/node/checkin?hw_id=${hw}&last_state=idle`)).status).toBe(200);
  // The seeded install, idle since January, is timed out by the sweep; then an admin restarts it.
  const failed = JSON.stringify({ type: 'node-install-failed' });
  await until('the timed-out install counted', async () =>
    (await samples('razor_events_total'))[failed] ? 1 : undefined,
  );
  const again = await adminCall(d, 'POST', `/razor/api/active_model/reinstall/${SEED.active_model}`);
  expect(again.status).toBe(202);
  const reinstalled = JSON.stringify({ model_type: 'debian_bookworm', from: 'timeout_error', to: 'init' });
  await until('the reinstall counted', async () =>
    (await samples('razor_state_transitions_total'))[reinstalled] ? 1 : undefined,
  );
  expect(await samples('razor_events_total')).toEqual({
    [JSON.stringify({ type: 'node-registered' })]: 1,
    [JSON.stringify({ type: 'node-bound' })]: 1,
    [JSON.stringify({ type: 'node-state-changed' })]: 2,
    [failed]: 1,
  });
  expect(await samples('razor_binds_total')).toEqual({ [JSON.stringify({ policy: 'first' })]: 1 });
  expect(await samples('razor_state_transitions_total')).toEqual({
    [JSON.stringify({ model_type: 'debian_bookworm', from: 'init', to: 'timeout_error' })]: 1,
    [reinstalled]: 1,
  });
});
