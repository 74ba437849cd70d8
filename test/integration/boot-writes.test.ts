/**
 * Boots write the store only when something that matters changes, and only a few times a minute per
 * node (issue 10; lib/engine/boot-record.ts). A real daemon gets 500 boots naming one node, each with
 * another `dhcp_mac` and from another loopback address; every one is answered with an iPXE script,
 * and the store's revision (bumped once per write) rises by a bounded number.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { SEED, tempHome, writeSeed } from '../helpers/fixture.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { getFrom, seedWithAdmin, storeText, stored } from '../helpers/from-address.js';
import { BOOT_RECORDS_PER_MINUTE } from '../../lib/engine/boot-record.js';
import type { ActiveModelDoc, NodeDoc } from '../../lib/domain/documents.js';

const home = tempHome();
let d: DaemonProcess;
const rev = () => (JSON.parse(storeText(home.home)) as { rev: number }).rev;
beforeAll(async () => {
  await writeSeed(home.home, seedWithAdmin());
  d = await startDaemon(home.home);
});
afterAll(async () => {
  await d.stop();
  home.cleanup();
});

const hex = (n: number) => (n % 256).toString(16).padStart(2, '0');
/** Boot `i` of a flood: another NIC and another source address each time. */
const flood = (mac: string, i: number) => ({
  from: `127.0.${1 + Math.floor(i / 250)}.${2 + (i % 250)}`,
  path: `/razor/api/boot?hw_id=${mac}&dhcp_mac=01-${mac.slice(0, 14).replace(/:/g, '-')}-${hex(i)}`,
});

/** Sends 500 boots; returns the store writes they caused and the most a node may record in that time. */
async function fiveHundred(mac: string): Promise<{ writes: number; allowed: number; scripts: string[] }> {
  const start = Date.now();
  const before = rev();
  const scripts: string[] = [];
  for (let i = 0; i < 500; i++) {
    const { from, path } = flood(mac, i);
    const r = await getFrom(d, from, path);
    expect(r.status).toBe(200);
    scripts.push(r.body);
  }
  const minutes = (Date.now() - start) / 60_000;
  const allowed = BOOT_RECORDS_PER_MINUTE + Math.ceil(minutes * BOOT_RECORDS_PER_MINUTE);
  return { writes: rev() - before, allowed, scripts };
}

test('an unbound node: 500 boots with changing NIC and address → a handful of writes, every boot answered', async () => {
  const { writes, allowed, scripts } = await fiveHundred('52:54:00:12:34:56');
  expect(scripts.filter((s) => !(s.startsWith('#!ipxe\n') && s.includes('/razor/image/mk/')))).toEqual([]);
  expect(writes).toBeGreaterThanOrEqual(1);
  expect(writes).toBeLessThanOrEqual(allowed);
  // The first boots were recorded; the rest answered without recording.
  expect(stored<NodeDoc>(home.home, 'node', SEED.node).boot_ip).toMatch(/^127\.0\.1\.[2-9]$/);
});

test('a bound node: the first boot pins; 500 more from elsewhere and with new NICs → bounded writes, the pin unmoved', async () => {
  const mac = '52:54:00:65:43:21';
  expect((await getFrom(d, '127.0.0.250', `/razor/api/boot?hw_id=${mac}`)).body).toMatch(/^kernel /m);
  const am = () => stored<ActiveModelDoc>(home.home, 'active_model', SEED.active_model);
  const pin = am().pin;
  expect(pin?.address).toBe('127.0.0.250');
  const { writes, allowed, scripts } = await fiveHundred(mac);
  // None comes from the pinned 127.0.0.250: each gets the error script that names no UUID.
  expect(scripts.filter((s) => !s.includes('pinned to the address of its first boot'))).toEqual([]);
  expect(writes).toBeLessThanOrEqual(allowed);
  expect(am().pin).toEqual(pin);
  expect(am().log.filter((e) => e.action === 'boot_elsewhere').length).toBe(writes);
});

test('the pinned node itself with a new NIC on every boot: its NIC is recorded a few times a minute, every boot served', async () => {
  const before = rev();
  const start = Date.now();
  for (let i = 0; i < 200; i++) {
    const r = await getFrom(
      d,
      '127.0.0.250',
      `/razor/api/boot?hw_id=52:54:00:65:43:21&dhcp_mac=01-52-54-00-65-43-${hex(i)}`,
    );
    expect(r.body).toMatch(/^kernel .* BOOTIF=01-52-54-00-65-43-/m);
  }
  const allowed =
    BOOT_RECORDS_PER_MINUTE + Math.ceil(((Date.now() - start) / 60_000) * BOOT_RECORDS_PER_MINUTE);
  expect(rev() - before).toBeLessThanOrEqual(allowed);
});
