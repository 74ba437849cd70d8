/**
 * The daemon itself times out stalled installs: a real `razor daemon` whose config.yaml sets a
 * one-second sweep cycle moves an install that has made no callback for `install_timeout` seconds
 * to `timeout_error` (with a `timeout` log entry), on its own, while an install that called back
 * recently and a finished one are left alone. Read back over REST and from the store file.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEED, tempHome, writeSeed } from '../helpers/fixture.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { adminCall, seedWithAdmin, stored } from '../helpers/from-address.js';
import type { ActiveModelDoc } from '../../lib/domain/documents.js';

const STALLED = 'StalledInstall00000001';
const RECENT = 'RecentInstall000000001';
const DONE = 'FinishedInstall0000001';
const home = tempHome();
let d: DaemonProcess;
/** Two hours ago: past the one-hour install_timeout. */
const longAgo = new Date(Date.now() - 2 * 3600_000).toISOString();

beforeAll(async () => {
  const data = seedWithAdmin();
  const base = data.collections.active_model?.[SEED.active_model] as ActiveModelDoc;
  const am = (uuid: string, state: string, updated_at: string, node: string): ActiveModelDoc => ({
    ...structuredClone(base),
    uuid,
    state,
    updated_at,
    node_uuid: node,
  });
  data.collections.active_model = {
    [STALLED]: am(STALLED, 'preinstall', longAgo, SEED.node),
    // Called back a minute ago: far from the limit even on a slow machine.
    [RECENT]: am(RECENT, 'preinstall', new Date(Date.now() - 60_000).toISOString(), SEED.node2),
    [DONE]: am(DONE, 'os_complete', longAgo, 'NodeElsewhere000000001'),
  };
  await writeSeed(home.home, data);
  writeFileSync(join(home.home, 'config.yaml'), 'install_timeout: 3600\ndaemon_min_cycle_time: 1\n');
  d = await startDaemon(home.home);
});
afterAll(async () => {
  await d.stop();
  home.cleanup();
});

test('the running daemon moves the stalled install to timeout_error and leaves the others', async () => {
  const deadline = Date.now() + 60_000;
  while (stored<ActiveModelDoc>(home.home, 'active_model', STALLED).state !== 'timeout_error') {
    if (Date.now() > deadline) throw new Error(`no sweep within 60 s:\n${d.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stalled = stored<ActiveModelDoc>(home.home, 'active_model', STALLED);
  expect(stalled.log.at(-1)).toMatchObject({
    old_state: 'preinstall',
    state: 'timeout_error',
    action: 'timeout',
    result: 'no callback for 3600 s in preinstall',
  });
  expect(stalled.log).toHaveLength(2);
  expect(stored<ActiveModelDoc>(home.home, 'active_model', RECENT).state).toBe('preinstall');
  expect(stored<ActiveModelDoc>(home.home, 'active_model', DONE).state).toBe('os_complete');

  const shown = await adminCall(d, 'GET', `/razor/api/active_model/${STALLED}`);
  expect(shown.status).toBe(200);
  expect(JSON.parse(shown.body).response[0]).toMatchObject({ uuid: STALLED, state: 'timeout_error' });
  // A timed-out install boots the Microkernel again (the state's boot answer is `mk`).
  const boot = await adminCall(d, 'GET', '/razor/api/boot?hw_id=52:54:00:12:34:56');
  expect(boot.body).toContain('echo razor: booting the Microkernel 1.0.0 for discovery');
});
