/**
 * Steady-state checkins write nothing (ADR 0027, lib/engine/last-seen.ts): with the daemon's
 * last-seen times, a checkin of a known node in the same state with nothing to bind is answered
 * from a read; its time is held in memory, used for `register_timeout`, and written in one batch by
 * `flush`. A state change is written at once; without last-seen times (the CLI) every checkin is.
 */
import { afterAll, beforeEach, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStore } from '../../lib/store/memory.js';
import { checkin, register } from '../../lib/engine/checkin.js';
import { lastSeen, type LastSeen } from '../../lib/engine/last-seen.js';
import { memoryDeps } from '../helpers/deps.js';
import type { Store } from '../../lib/store/store.js';
import type { VerbContext } from '../../lib/verbs/context.js';
import type { NodeDoc } from '../../lib/domain/documents.js';

const home = mkdtempSync(join(tmpdir(), 'razor-last-seen-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

let now = Date.parse('2026-12-05T10:00:00Z');
let writes = 0;
let store: Store;
let seen: LastSeen;

/** A context over a fresh in-memory store that counts write transactions; with or without last-seen. */
async function context(withLastSeen: boolean): Promise<VerbContext> {
  const inner = memoryStore();
  store = { ...inner, write: (fn) => (writes++, inner.write(fn)) };
  seen = lastSeen(store);
  const deps = await memoryDeps(home, store);
  return {
    ...deps,
    clock: () => new Date(now),
    mode: 'web',
    ...(withLastSeen ? { lastSeen: seen } : {}),
  };
}
const MAC = '52:54:00:aa:bb:01';
const stored = () => store.read(async (r) => (await r.all<NodeDoc>('node'))[0] as NodeDoc);
const checkIn = (ctx: VerbContext, lastState = 'idle') =>
  checkin(ctx, { hwId: MAC, lastState, firstCheckin: false });

beforeEach(() => {
  writes = 0;
});

test('a steady checkin writes nothing; its time is in memory, then written in one batch', async () => {
  const ctx = await context(true);
  await register(ctx, { hwId: MAC, attributes: { cpus: '2' }, lastState: 'idle' });
  const registeredAt = (await stored()).checked_in_at;
  writes = 0;
  for (let i = 0; i < 10; i++) {
    now += 1_000;
    expect(await checkIn(ctx)).toBe('acknowledge');
  }
  expect(writes).toBe(0);
  expect((await stored()).checked_in_at).toBe(registeredAt);
  expect(seen.get((await stored()).uuid)).toBe(now);
  expect(await seen.flush()).toBe(1);
  expect(writes).toBe(1);
  expect((await stored()).checked_in_at).toBe(new Date(now).toISOString());
  expect(await seen.flush()).toBe(0); // nothing new: no write
  expect(writes).toBe(1);
});

test('a new state is written at once', async () => {
  const ctx = await context(true);
  await register(ctx, { hwId: MAC, attributes: { cpus: '2' }, lastState: 'idle' });
  writes = 0;
  now += 1_000;
  expect(await checkIn(ctx, 'busy')).toBe('acknowledge');
  expect(writes).toBe(1);
  expect((await stored()).last_state).toBe('busy');
  expect((await stored()).checked_in_at).toBe(new Date(now).toISOString());
});

test('register_timeout counts from the time held in memory, not only the stored one', async () => {
  const ctx = await context(true);
  const timeout = ctx.config.values.register_timeout * 1000;
  await register(ctx, { hwId: MAC, attributes: { cpus: '2' }, lastState: 'idle' });
  // Checkins every half timeout: the stored time grows old, the node is not asked to register.
  for (let i = 0; i < 4; i++) {
    now += timeout / 2;
    expect(await checkIn(ctx)).toBe('acknowledge');
  }
  expect(writes).toBe(1); // the registration only
  // Silent for longer than the timeout: register again (and that checkin is written).
  now += timeout + 1_000;
  expect(await checkIn(ctx)).toBe('register');
  expect(writes).toBe(2);
});

test('without last-seen times (the CLI) every checkin is written, as before', async () => {
  const ctx = await context(false);
  await register(ctx, { hwId: MAC, attributes: { cpus: '2' }, lastState: 'idle' });
  writes = 0;
  for (let i = 0; i < 3; i++) {
    now += 1_000;
    await checkIn(ctx);
  }
  expect(writes).toBe(3);
  expect((await stored()).checked_in_at).toBe(new Date(now).toISOString());
});

test('steady checkins are answered from the memo until what they read changes (a tag rule added)', async () => {
  const ctx = await context(true);
  await register(ctx, { hwId: MAC, attributes: { cpus: '2' }, lastState: 'idle' });
  writes = 0;
  let lookups = 0;
  const inner = ctx.store;
  const counted: VerbContext = {
    ...ctx,
    store: {
      ...inner,
      read: (fn) =>
        inner.read((r) =>
          fn({
            ...r,
            findBy: (...a) => (lookups++, r.findBy(...a)),
            all: (...a) => (lookups++, r.all(...a)),
            get: (...a) => (lookups++, r.get(...a)),
          }),
        ),
    },
  };
  const rounds = async (n: number) => {
    lookups = 0;
    for (let i = 0; i < n; i++) {
      now += 1_000;
      expect(await checkIn(counted)).toBe('acknowledge');
    }
    return lookups;
  };
  expect(await rounds(1)).toBeGreaterThan(0); // the first reads the node, its active model, the rules
  expect(await rounds(10)).toBe(0); // then a lookup in the memo each
  await inner.write((w) => w.put('tag', { uuid: 'T1', name: 'big', tag: 'big', matchers: [] }));
  expect(await rounds(1)).toBeGreaterThan(0); // read again: the rules changed
  expect(await rounds(5)).toBe(0);
  expect(writes).toBe(1); // the tag rule; the checkins wrote nothing
  // The last-seen flush writes checked_in_at only: the memo keeps its entries.
  expect(await seen.flush()).toBe(1);
  expect(await rounds(5)).toBe(0);
});
