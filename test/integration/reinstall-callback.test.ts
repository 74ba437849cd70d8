/**
 * A callback cannot make an installed node reinstall (issue 10, attack 3; ADR 0016). A real daemon
 * holds a finished install (os_complete, a broker attached, pinned with a known install key); the
 * attacker has its UUID (written to /var/log/razor-complete.log on the installed node) and, worst
 * case, its install key too. No callback moves it back: the store stays byte-identical and the
 * node's next PXE boot still boots its disk. Only the admin verb re-installs.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { SEED, tempHome, writeSeed } from '../helpers/fixture.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { adminCall, getFrom, seedWithAdmin, storeText, stored } from '../helpers/from-address.js';
import type { ActiveModelDoc } from '../../lib/domain/documents.js';
import type { StoreFile } from '../../lib/store/json-store.js';

const NODE = '127.0.0.2';
const ATTACKER = '127.0.0.3';
const AM = SEED.active_model;
const KEY = 'InstallKeyOfNode000001';
const BOOT = '/razor/api/boot?hw_id=52:54:00:65:43:21&dhcp_mac=01-52-54-00-65-43-21';
const at = '2026-01-01T00:00:00.000Z';

/** The seed with its active model finished: os_complete, a broker, pinned to the node. */
function finished(): StoreFile {
  const data = seedWithAdmin();
  const am = data.collections.active_model?.[AM] as ActiveModelDoc;
  am.state = 'os_complete';
  am.broker = data.collections.broker?.[SEED.broker_in_use] as ActiveModelDoc['broker'];
  am.pin = { address: NODE, key: KEY, pinned_at: at, served: { 'preseed/file': 1 } };
  return data;
}

const home = tempHome();
let d: DaemonProcess;
const am = () => stored<ActiveModelDoc>(home.home, 'active_model', AM);
beforeAll(async () => {
  await writeSeed(home.home, finished());
  d = await startDaemon(home.home);
});
afterAll(async () => {
  await d.stop();
  home.cleanup();
});

test('GET …/callback/<am>/postinstall/reset with the UUID alone: refused, the store byte-identical', async () => {
  const before = storeText(home.home);
  const r = await getFrom(d, ATTACKER, `/razor/api/policy/callback/${AM}/postinstall/reset`);
  expect(r.status).toBe(400);
  expect(JSON.parse(r.body).result).toMatch(/callback postinstall has no action 'reset'/);
  // Every callback that exists and could change anything needs the install key.
  for (const path of [
    'postinstall/final',
    'postinstall/boot',
    'broker/fail',
    'broker/script',
    'preseed/start',
  ]) {
    const a = await getFrom(d, ATTACKER, `/razor/api/policy/callback/${AM}/${path}`);
    expect({ path, status: a.status }).toEqual({ path, status: 403 });
    expect(JSON.parse(a.body).result).toMatch(/needs the install key/);
  }
  expect(storeText(home.home)).toBe(before);
});

test.each([
  ['postinstall/reset', 400, /callback postinstall has no action 'reset'/],
  ['broker/reset', 400, /callback broker has no action 'reset'/],
  ['postinstall/init', 400, /no action 'init'/],
  ['preseed/file', 403, /is in state os_complete: preseed\/file is served only while the node installs/],
  ['reset', 400, /no callback namespace 'reset'/],
])(
  'with the install key too, %s is refused (%i) and the store stays byte-identical',
  async (path, status, why) => {
    const before = storeText(home.home);
    const r = await getFrom(d, ATTACKER, `/razor/api/policy/callback/${AM}.${KEY}/${path}`);
    expect(r.status).toBe(status);
    expect(JSON.parse(r.body).result).toMatch(why);
    expect(storeText(home.home)).toBe(before);
  },
);

test('reports an installer makes before the end move nothing back: the install stays installed and boots its disk', async () => {
  for (const path of [
    'preseed/start',
    'preseed/end',
    'postinstall/final',
    'postinstall/inject_fail',
    'broker/fail',
  ]) {
    const r = await getFrom(d, NODE, `/razor/api/policy/callback/${AM}.${KEY}/${path}`);
    expect({ path, status: r.status }).toEqual({ path, status: 200 });
    expect({ path, state: ['os_complete', 'broker_fail'].includes(am().state) }).toEqual({
      path,
      state: true,
    });
  }
  const boot = await getFrom(d, NODE, BOOT);
  expect(boot.body).toContain('sanboot --no-describe --drive 0x80');
  expect(boot.body).not.toMatch(/^kernel /m);
});

test('only an admin re-installs: the node then boots the installer and pins a new key', async () => {
  const r = await adminCall(d, 'POST', `/razor/api/active_model/${AM}/reinstall`);
  expect(r.status).toBe(202);
  expect(am()).toMatchObject({ state: 'init' });
  expect(am().pin).toBeUndefined();
  expect(am().log.at(-1)).toMatchObject({ action: 'reinstall', state: 'init' });
  const boot = await getFrom(d, NODE, BOOT);
  expect(boot.body).toMatch(/^kernel /m);
  expect(am().pin?.address).toBe(NODE);
  expect(am().pin?.key).not.toBe(KEY);
  expect((await getFrom(d, NODE, `/razor/api/policy/callback/${AM}.${KEY}/preseed/start`)).status).toBe(403);
});
