/** Stalled installs time out; finished ones and ones that called back recently are left alone. */
import { afterAll, expect, test } from '@jest/globals';
import { seedData, SEED, tempHome, writeSeed } from '../helpers/fixture.js';
import { testDeps } from '../helpers/deps.js';
import { sweepTimeouts } from '../../lib/engine/sweeper.js';
import type { ActiveModelDoc } from '../../lib/domain/documents.js';

const home = tempHome();
afterAll(() => home.cleanup());

test('an install with no callback for install_timeout seconds moves to timeout_error', async () => {
  const data = seedData();
  const base = data.collections.active_model?.[SEED.active_model] as ActiveModelDoc;
  const am = (uuid: string, state: string, updated_at: string) => ({
    ...structuredClone(base),
    uuid,
    state,
    updated_at,
  });
  data.collections.active_model = {
    StalledPre000000000001: am('StalledPre000000000001', 'preinstall', '2026-01-01T00:00:00.000Z'),
    Recent0000000000000001: am('Recent0000000000000001', 'preinstall', '2026-01-01T01:59:00.000Z'),
    Done000000000000000001: am('Done000000000000000001', 'os_complete', '2026-01-01T00:00:00.000Z'),
  };
  await writeSeed(home.home, data);
  const deps = await testDeps(home.home, { RAZOR_INSTALL_TIMEOUT: '3600' });
  const clock = () => new Date('2026-01-01T02:30:00.000Z');
  expect(await sweepTimeouts({ ...deps, clock })).toEqual(['StalledPre000000000001']);
  const states = await deps.store.read(async (r) =>
    Object.fromEntries((await r.all<ActiveModelDoc>('active_model')).map((a) => [a.uuid, a.state])),
  );
  expect(states).toEqual({
    StalledPre000000000001: 'timeout_error',
    Recent0000000000000001: 'preinstall',
    Done000000000000000001: 'os_complete',
  });
  const log = (await deps.store.read((r) => r.get<ActiveModelDoc>('active_model', 'StalledPre000000000001')))
    ?.log;
  expect(log?.[log.length - 1]).toMatchObject({
    action: 'timeout',
    old_state: 'preinstall',
    state: 'timeout_error',
  });
  // A second sweep finds nothing more to do.
  expect(await sweepTimeouts({ ...deps, clock })).toEqual([]);
});
