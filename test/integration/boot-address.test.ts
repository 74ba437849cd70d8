/**
 * A MAC is not enough to take a node's secrets (issue 10, attack 2; ADR 0016). Real daemons on
 * loopback; clients bind distinct source addresses in 127.0.0.0/8 to stand in for the node and an
 * attacker on the provisioning network who knows the node's MAC. The seeded node 525400654321 is
 * bound (state init, debian_bookworm, a root password hash) and has not booted yet.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SEED, tempHome, writeSeed } from '../helpers/fixture.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { adminCall, getFrom, seedWithAdmin, storeText, stored } from '../helpers/from-address.js';
import type { ActiveModelDoc, NodeDoc } from '../../lib/domain/documents.js';

const NODE = '127.0.0.2';
const ATTACKER = '127.0.0.3';
const AM = SEED.active_model;
const BOOT = '/razor/api/boot?hw_id=52:54:00:65:43:21&dhcp_mac=01-52-54-00-65-43-21';
const CALLBACK = `/razor/api/policy/callback/${AM}`;
const PRESEED = `${CALLBACK}/preseed/file`;
const HASH = /root-password-crypted password \$6\$salt\$hash/;

/** The keyed callback base in a served file: `<uuid>.<install key>`. */
const keyedId = (file: string) => new RegExp(`callback/(${AM}\\.[0-9A-Za-z]{22})/`).exec(file)?.[1];

function daemonWith(env: Record<string, string> = {}) {
  const home = tempHome();
  const state: { d?: DaemonProcess } = {};
  beforeAll(async () => {
    await writeSeed(home.home, seedWithAdmin());
    state.d = await startDaemon(home.home, [], env);
  });
  afterAll(async () => {
    await state.d?.stop();
    home.cleanup();
  });
  return {
    home: home.home,
    get d() {
      return state.d as DaemonProcess;
    },
    am: () => stored<ActiveModelDoc>(home.home, 'active_model', AM),
    node: () => stored<NodeDoc>(home.home, 'node', SEED.node2),
  };
}

describe('the node boots first (secure by default): an attacker who knows its MAC gets no secret', () => {
  const t = daemonWith();
  let preseed = '';

  test('before the first boot of the install nobody gets its preseed, and the refusal records nothing', async () => {
    const before = storeText(t.home);
    const r = await getFrom(t.d, NODE, PRESEED);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toMatchObject({ http_err_code: 403, std_err_code: 168 });
    expect(JSON.parse(r.body).result).toMatch(/has not booted this install yet/);
    expect(storeText(t.home)).toBe(before);
  });

  test("the node's first boot pins the install to its address and gets the installer", async () => {
    const boot = await getFrom(t.d, NODE, BOOT);
    expect(boot.body).toContain(`url=http://10.0.2.2:`);
    expect(boot.body).toContain(`${CALLBACK}/preseed/file`);
    expect(t.am().pin).toMatchObject({ address: NODE, served: {} });
    expect(t.am().log.at(-2)).toMatchObject({
      action: 'pin',
      result: `install pinned to ${NODE} (its first boot)`,
    });
    expect(t.node()).toMatchObject({ boot_ip: NODE, dhcp_mac: '01-52-54-00-65-43-21' });
  });

  test('a boot with its MAC from elsewhere gets no installer and no UUID, moves nothing, and is logged once', async () => {
    const pin = t.am().pin;
    const facts = (n: NodeDoc) => ({ boot_ip: n.boot_ip, dhcp_mac: n.dhcp_mac });
    const node = facts(t.node());
    const boot = await getFrom(t.d, ATTACKER, BOOT.replace('65-43-21', 'aa-bb-cc'));
    expect(boot.status).toBe(200);
    expect(boot.body).toMatch(/^#!ipxe\n/);
    expect(boot.body).toContain('pinned to the address of its first boot');
    expect(boot.body).not.toContain(AM);
    expect(boot.body).not.toMatch(/^(kernel|chain|imgexec)/m);
    expect(t.am().pin).toEqual(pin);
    expect(facts(t.node())).toEqual(node);
    expect(t.am().log.at(-1)).toMatchObject({
      action: 'boot_elsewhere',
      result: `boot from ${ATTACKER} (refused the installer); the install stays pinned to ${NODE}`,
    });
    const before = storeText(t.home);
    expect((await getFrom(t.d, ATTACKER, BOOT)).body).not.toContain(AM);
    expect(storeText(t.home)).toBe(before);
  });

  test('with the UUID (learned elsewhere) the attacker gets no file and moves nothing', async () => {
    const before = storeText(t.home);
    const r = await getFrom(t.d, ATTACKER, PRESEED);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).result).toMatch(
      /only to the address this install first booted from, not to 127\.0\.0\.3/,
    );
    expect(r.body).not.toMatch(/\$6\$/);
    const forged = `${AM}.${'A'.repeat(22)}`;
    for (const path of [
      'postinstall/inject',
      'postinstall/boot',
      'broker/script',
      'preseed/start',
      'preseed/end',
      'postinstall/final',
      'postinstall/send_ips/192.0.2.9',
    ]) {
      for (const [id, why] of [
        [AM, /needs the install key/],
        [forged, /not this install's key/],
      ] as const) {
        const a = await getFrom(t.d, ATTACKER, `/razor/api/policy/callback/${id}/${path}`);
        expect({ path, id, status: a.status }).toEqual({ path, id, status: 403 });
        expect(JSON.parse(a.body).result).toMatch(why);
      }
    }
    expect(storeText(t.home)).toBe(before);
    // Public callbacks: the install's state, nothing secret.
    expect((await getFrom(t.d, ATTACKER, `${CALLBACK}/status`)).body).toBe('init\n');
  });

  test('the node still gets its preseed, whose callback URL carries the install key', async () => {
    const r = await getFrom(t.d, NODE, PRESEED);
    expect(r.status).toBe(200);
    expect(r.body).toMatch(HASH);
    preseed = r.body;
    expect(keyedId(preseed)).toBeDefined();
    expect(r.body).toContain(`/razor/api/policy/callback/${keyedId(preseed)}/preseed/start`);
    expect(t.am().pin?.served).toEqual({ 'preseed/file': 1 });
  });

  test('each secret file is served at most 3 times per install; then 403 and nothing recorded', async () => {
    expect((await getFrom(t.d, NODE, PRESEED)).status).toBe(200);
    expect((await getFrom(t.d, NODE, PRESEED)).status).toBe(200);
    const before = storeText(t.home);
    const r = await getFrom(t.d, NODE, PRESEED);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).result).toMatch(/has served preseed\/file 3 times this install, its limit/);
    expect(storeText(t.home)).toBe(before);
  });

  test("the installer's later callbacks work with the key, from any address (the installed OS may move)", async () => {
    const keyed = `/razor/api/policy/callback/${keyedId(preseed)}`;
    expect((await getFrom(t.d, NODE, `${keyed}/preseed/start`)).body).toBe('ok');
    expect((await getFrom(t.d, '127.0.0.4', `${keyed}/preseed/end`)).body).toBe('ok');
    expect(t.am().state).toBe('postinstall');
    const inject = await getFrom(t.d, '127.0.0.4', `${keyed}/postinstall/inject`);
    expect(inject.body).toContain(`CALLBACK='http://10.0.2.2:`);
    expect(inject.body).toContain(keyedId(preseed));
  });
});

describe('the attacker boots first (the residual): pinned to the attacker, visible, an admin moves it', () => {
  const t = daemonWith();

  test("the attacker's boot pins the install and gets the preseed; the node's boot and preseed are refused and logged", async () => {
    expect((await getFrom(t.d, ATTACKER, BOOT)).body).toContain(CALLBACK);
    expect(t.am().pin?.address).toBe(ATTACKER);
    const stolen = await getFrom(t.d, ATTACKER, PRESEED);
    expect(stolen.body).toMatch(HASH);

    const boot = await getFrom(t.d, NODE, BOOT);
    expect(boot.body).toContain('pinned to the address of its first boot');
    expect(boot.body).not.toContain(AM);
    const refused = await getFrom(t.d, NODE, PRESEED);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).result).toContain('rebind-address');
    const shown = JSON.parse((await adminCall(t.d, 'GET', `/razor/api/active_model/${AM}`)).body);
    expect(shown.response[0].pin).toMatchObject({ address: ATTACKER, key: '<redacted>' });
    expect(shown.response[0].log.at(-1)).toMatchObject({
      action: 'boot_elsewhere',
      result: `boot from ${NODE} (refused the installer); the install stays pinned to ${ATTACKER}`,
    });

    // An admin moves the pin to the node: a new key, so the attacker's copy of the URL is dead.
    const moved = await adminCall(t.d, 'POST', `/razor/api/active_model/${AM}/rebind-address`, {
      address: NODE,
    });
    expect(moved.status).toBe(202);
    expect(t.am().pin).toMatchObject({ address: NODE, served: {} });
    expect((await getFrom(t.d, NODE, BOOT)).body).toContain(CALLBACK);
    expect((await getFrom(t.d, NODE, PRESEED)).body).toMatch(HASH);
    expect((await getFrom(t.d, ATTACKER, PRESEED)).status).toBe(403);
    const old = await getFrom(
      t.d,
      ATTACKER,
      `/razor/api/policy/callback/${keyedId(stolen.body)}/preseed/start`,
    );
    expect(old.status).toBe(403);
    expect(JSON.parse(old.body).result).toMatch(/not this install's key/);
  });
});

describe('secrets_to_boot_address: false (behind a proxy every client has its address)', () => {
  const t = daemonWith({ RAZOR_SECRETS_TO_BOOT_ADDRESS: 'false' });

  test('any address gets the installer and the preseed after the first boot; still bounded and keyed', async () => {
    expect((await getFrom(t.d, NODE, BOOT)).body).toContain(CALLBACK);
    expect((await getFrom(t.d, ATTACKER, BOOT)).body).toContain(CALLBACK);
    expect(t.am().pin?.address).toBe(NODE);
    for (const from of [ATTACKER, NODE, '127.0.0.4'])
      expect((await getFrom(t.d, from, PRESEED)).body).toMatch(HASH);
    expect((await getFrom(t.d, NODE, PRESEED)).status).toBe(403);
    expect((await getFrom(t.d, ATTACKER, `${CALLBACK}/preseed/start`)).status).toBe(403);
  });
});
