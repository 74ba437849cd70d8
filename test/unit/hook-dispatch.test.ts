/**
 * The hook dispatcher (daemon/hooks) over a real journal and feed, with a recording delivery: each
 * hook gets the events after the journal's last when it was added, of its types only, in order, one
 * at a time; a failing delivery is retried with doubling waits, then counted failed and passed over;
 * events rotated out of the journal before delivery count as dropped; the status file says so and a
 * removed hook is forgotten.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { eventJournal, type EventJournal } from '../../lib/events/journal.js';
import { eventFeed, type EventFeed } from '../../lib/events/feed.js';
import { memoryStore } from '../../lib/store/memory.js';
import { hookStateFile, readHookStates } from '../../lib/hooks/hook-state.js';
import { startHookDispatcher, type HookDispatcher } from '../../daemon/hooks/dispatcher.js';
import { retryDelayMs } from '../../daemon/hooks/backoff.js';
import type { HookDoc } from '../../lib/hooks/hook-doc.js';
import type { HookEvent, DeliveryOutcome } from '../../lib/hooks/deliver.js';
import type { Store } from '../../lib/store/store.js';
import { tempHome } from '../helpers/fixture.js';
import { until } from '../helpers/poll.js';

const AT = '2026-12-05T12:00:00.000Z';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const hook = (name: string, more: Partial<HookDoc> = {}): HookDoc => ({
  uuid: `Hook${name}`,
  name,
  kind: 'url',
  target: 'http://127.0.0.1:9/',
  events: [],
  timeout: 5,
  max_attempts: 3,
  start_seq: 0,
  created_at: AT,
  updated_at: AT,
  ...more,
});

interface Rig {
  home: string;
  journal: EventJournal;
  feed: EventFeed;
  store: Store;
  delivered: { hook: string; seq: number; type: string; at: number }[];
  attempts: { hook: string; ok: boolean }[];
  dispatcher?: HookDispatcher;
  cleanup(): void;
}
const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.dispatcher?.stop();
    r.feed.stop();
    r.cleanup();
  }
});

async function rig(opts: { rotateBytes?: number } = {}): Promise<Rig> {
  const { home, cleanup } = tempHome('razor-hook-dispatch-');
  const journal = eventJournal(home, opts);
  const feed = eventFeed(journal, { intervalMs: 20 });
  const r: Rig = { home, journal, feed, store: memoryStore(), delivered: [], attempts: [], cleanup };
  rigs.push(r);
  return r;
}

async function start(r: Rig, outcome: (h: HookDoc, e: HookEvent) => DeliveryOutcome) {
  await r.feed.start();
  r.dispatcher = await startHookDispatcher({
    journal: r.journal,
    feed: r.feed,
    store: r.store,
    log: quiet,
    stateFile: hookStateFile(r.home),
    retryBaseMs: 20,
    clock: () => new Date(AT),
    refreshMs: 50,
    deliver: async (h, e) => {
      r.delivered.push({ hook: h.name, seq: e.seq, type: e.type, at: Date.now() });
      return outcome(h, e);
    },
    attempted: (h, ok) => r.attempts.push({ hook: h, ok }),
  });
}

const append = (r: Rig, ...types: string[]) =>
  r.journal.append(types.map((type) => ({ type, at: AT, node_uuid: 'N1' }) as never));
const put = (r: Rig, doc: HookDoc) => r.store.write((w) => w.put('hook', doc));
const states = (r: Rig) => readHookStates(hookStateFile(r.home));

test('retry waits double from the base and stop at 5 minutes', () => {
  expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 1000))).toEqual([1000, 2000, 4000, 8000]);
  expect(retryDelayMs(30, 1000)).toBe(300_000);
});

describe('the dispatcher', () => {
  test('delivers the events after the hook was added, of its types, in order', async () => {
    const r = await rig();
    await append(r, 'node-registered', 'node-bound'); // before the hooks: not theirs
    await put(r, hook('all', { start_seq: 2 }));
    await put(r, hook('bound', { start_seq: 2, events: ['node-bound', 'node-deleted'] }));
    await start(r, () => ({ ok: true }));
    await append(r, 'node-registered', 'node-bound', 'node-state-changed');
    await append(r, 'node-deleted');
    const of = (name: string) => r.delivered.filter((d) => d.hook === name).map((d) => `${d.seq} ${d.type}`);
    await until(
      'every delivery',
      () => (of('all').length === 4 && of('bound').length === 2) || undefined,
      30_000,
    );
    expect(of('all')).toEqual([
      '3 node-registered',
      '4 node-bound',
      '5 node-state-changed',
      '6 node-deleted',
    ]);
    expect(of('bound')).toEqual(['4 node-bound', '6 node-deleted']);
    await r.dispatcher?.stop();
    const s = await states(r);
    expect(s.all).toMatchObject({ uuid: 'Hookall', cursor: 6, delivered: 4, failed: 0, dropped: 0 });
    expect(s.all?.last_success).toEqual({ at: AT, seq: 6 });
    expect(s.bound).toMatchObject({ cursor: 6, delivered: 2 });
    expect(r.attempts.every((a) => a.ok)).toBe(true);
  });

  test('a failing delivery is retried with backoff, then counted failed; the next event goes on', async () => {
    const r = await rig();
    await put(r, hook('flaky', { max_attempts: 3 }));
    await start(r, (_h, e) => (e.seq === 1 ? { ok: false, error: 'HTTP 500' } : { ok: true }));
    await append(r, 'node-registered', 'node-bound');
    await until('the second event', () => r.delivered.find((d) => d.seq === 2), 30_000);
    const first = r.delivered.filter((d) => d.seq === 1);
    expect(first).toHaveLength(3);
    // Waits of at least 20 ms then 40 ms between the attempts.
    expect(first[1]!.at - first[0]!.at).toBeGreaterThanOrEqual(19);
    expect(first[2]!.at - first[1]!.at).toBeGreaterThanOrEqual(39);
    expect(r.attempts.map((a) => a.ok)).toEqual([false, false, false, true]);
    await r.dispatcher?.stop();
    expect((await states(r)).flaky).toMatchObject({
      cursor: 2,
      delivered: 1,
      failed: 1,
      last_error: { at: AT, seq: 1, error: 'HTTP 500' },
      last_success: { at: AT, seq: 2 },
    });
  });

  test('events rotated out of the journal before delivery count as dropped', async () => {
    const r = await rig({ rotateBytes: 300 });
    for (let i = 0; i < 12; i++) await append(r, 'node-registered');
    const first = (await r.journal.readAfter(0))[0]?.seq ?? 0;
    expect(first).toBeGreaterThan(1);
    await put(r, hook('late', { start_seq: 0 }));
    await start(r, () => ({ ok: true }));
    await until('the last event', () => r.delivered.find((d) => d.seq === 12), 30_000);
    await r.dispatcher?.stop();
    expect((await states(r)).late).toMatchObject({
      cursor: 12,
      dropped: first - 1,
      delivered: 12 - (first - 1),
    });
  });

  test('a removed hook stops and is forgotten; one added later starts at its own start', async () => {
    const r = await rig();
    await put(r, hook('gone'));
    await start(r, () => ({ ok: true }));
    await append(r, 'node-registered');
    await until('the delivery', () => r.delivered.find((d) => d.hook === 'gone'), 30_000);
    await r.store.write((w) => w.remove('hook', 'Hookgone'));
    await put(r, hook('new', { start_seq: 1 }));
    await r.dispatcher?.sync();
    await append(r, 'node-deleted');
    await until('the new hook', () => r.delivered.find((d) => d.hook === 'new'), 30_000);
    await r.dispatcher?.stop();
    expect(r.delivered.map((d) => `${d.hook} ${d.seq}`)).toEqual(['gone 1', 'new 2']);
    expect(Object.keys(await states(r))).toEqual(['new']);
  });
});
