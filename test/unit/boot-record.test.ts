/**
 * The per-node bucket of boot records (lib/engine/boot-record.ts), with an injected clock: a burst of
 * BOOT_RECORDS_PER_MINUTE records, then one more each 60/BOOT_RECORDS_PER_MINUTE seconds; boots
 * beyond it are answered from the same data without a write.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSeed } from '../helpers/fixture.js';
import { testDeps } from '../helpers/deps.js';
import { bootScript } from '../../lib/engine/boot.js';
import { BOOT_RECORDS_PER_MINUTE } from '../../lib/engine/boot-record.js';
import type { VerbContext } from '../../lib/verbs/context.js';

const home = mkdtempSync(join(process.platform === 'linux' ? '/dev/shm' : tmpdir(), 'razor-boot-record-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

let now = Date.parse('2026-03-01T00:00:00Z');
let ctx: VerbContext;
let boots = 0;
const rev = () => (JSON.parse(readFileSync(join(home, 'razor.json'), 'utf8')) as { rev: number }).rev;
/** Boots the unbound seeded node from a new NIC; returns how many writes it caused. */
async function boot(): Promise<number> {
  const before = rev();
  const nic = (boots++ % 256).toString(16).padStart(2, '0');
  const script = await bootScript(ctx, { hwId: '52:54:00:12:34:56', dhcpMac: `01-52-54-00-12-34-${nic}` });
  expect(script).toContain('/razor/image/mk/');
  return rev() - before;
}
const writesOf = async (n: number) => {
  let w = 0;
  for (let i = 0; i < n; i++) w += await boot();
  return w;
};

beforeAll(async () => {
  await writeSeed(home);
  const deps = await testDeps(home);
  ctx = { ...deps, clock: () => new Date(now), mode: 'web', method: 'GET', remote: '192.0.2.7' };
});

test('a burst, then the refill rate; the excess is answered without a write', async () => {
  expect(BOOT_RECORDS_PER_MINUTE).toBe(3);
  expect(await writesOf(20)).toBe(3);
  now += 10_000; // a third of a token
  expect(await writesOf(5)).toBe(0);
  now += 10_000; // 20 s: one token
  expect(await writesOf(5)).toBe(1);
  now += 10 * 60_000; // the bucket is full again, not fuller
  expect(await writesOf(10)).toBe(3);
});

test('a clock that goes backwards refills nothing', async () => {
  now -= 60 * 60_000;
  expect(await writesOf(5)).toBe(0);
});
