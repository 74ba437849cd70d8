/**
 * Boot answers stay warm under a live fleet (issue 13, ADR 0027): a registration or checkin of
 * node A does not drop node B's memoised boot answer; it drops A's; a change outside the
 * per-machine collections (a tag) drops them all. Misses are counted through a hook on the memo
 * maps the engine gets, not by timing.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStore } from '../../lib/store/memory.js';
import { bootScript } from '../../lib/engine/boot.js';
import { checkin, register } from '../../lib/engine/checkin.js';
import { memoryDeps } from '../helpers/deps.js';
import { seedData } from '../helpers/fixture.js';
import type { Store } from '../../lib/store/store.js';
import type { VerbContext } from '../../lib/verbs/context.js';

const home = mkdtempSync(join(tmpdir(), 'razor-boot-warm-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Lookups of memo `boot` that found nothing, per key. */
const misses = new Map<string, number>();
let ctx: VerbContext;

/** `inner`, with every memo map's `get` counted. */
function counting(inner: Store): Store {
  return {
    ...inner,
    read: (fn) =>
      inner.read((r) =>
        fn({
          ...r,
          memo: <V>(name: string) => {
            const map = r.memo<V>(name);
            const get = map.get.bind(map);
            map.get = (key: string) => {
              const v = get(key);
              if (v === undefined && name === 'boot') misses.set(key, (misses.get(key) ?? 0) + 1);
              return v;
            };
            return map;
          },
        }),
      ),
  };
}

const A = '52:54:00:00:0a:01';
const B = '52:54:00:00:0b:01';
const missesOf = (mac: string) =>
  [...misses]
    .filter(([k]) => k.startsWith(mac.replaceAll(':', '').toUpperCase()))
    .reduce((n, [, v]) => n + v, 0);
/** Boots `mac` until its answer is memoised (the first boots record the NIC, which is a write). */
async function bootWarm(mac: string) {
  for (let i = 0; i < 5; i++) {
    const before = missesOf(mac);
    const script = await bootScript(ctx, { hwId: mac, dhcpMac: `01-${mac.replaceAll(':', '-')}` });
    expect(script).toContain('/razor/image/mk/');
    if (missesOf(mac) === before) return;
  }
  throw new Error(`the boot answer of ${mac} was never memoised`);
}
const boot = (mac: string) => bootScript(ctx, { hwId: mac, dhcpMac: `01-${mac.replaceAll(':', '-')}` });

beforeAll(async () => {
  const data = seedData();
  data.collections.policy = {}; // nothing binds: both nodes boot the Microkernel
  const deps = await memoryDeps(home, counting(memoryStore(data)));
  ctx = { ...deps, mode: 'web', method: 'GET', remote: '192.0.2.7' };
  for (const mac of [A, B]) await register(ctx, { hwId: mac, attributes: { cpus: '2' }, lastState: 'idle' });
  await bootWarm(A);
  await bootWarm(B);
});

test("a registration and a checkin of node A keep node B's boot answer and drop A's", async () => {
  const [a, b] = [missesOf(A), missesOf(B)];
  await register(ctx, { hwId: A, attributes: { cpus: '4' }, lastState: 'idle' });
  await checkin(ctx, { hwId: A, lastState: 'busy', firstCheckin: false });
  await boot(B);
  expect(missesOf(B)).toBe(b);
  await boot(A);
  expect(missesOf(A)).toBe(a + 1);
});

test('a change outside the per-machine collections drops every answer', async () => {
  await bootWarm(A);
  const b = missesOf(B);
  await ctx.store.write((w) => w.put('tag', { uuid: 'TagWarm', name: 'warm', rule: ['=', 1, 1] }));
  await boot(B);
  expect(missesOf(B)).toBe(b + 1);
});
