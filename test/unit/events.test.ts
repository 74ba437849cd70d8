/**
 * Events from committed store changes (lib/events): a transaction's changes to nodes and active
 * models become the events they mean, in order, only once it commits; the journal numbers them
 * strictly increasing across processes' appends, survives a torn line and rotates; the feed hands
 * each appended event to subscribers once.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { appendFileSync, readFileSync } from 'node:fs';
import { memoryStore } from '../../lib/store/memory.js';
import { observeEvents } from '../../lib/events/observed-store.js';
import { eventJournal } from '../../lib/events/journal.js';
import { eventFeed } from '../../lib/events/feed.js';
import type { PendingEvent, RazorEvent } from '../../lib/events/event-types.js';
import type { ActiveModelDoc } from '../../lib/domain/documents.js';
import { tempHome } from '../helpers/fixture.js';

const AT = new Date('2026-12-05T12:00:00.000Z');

function observed() {
  const published: PendingEvent[][] = [];
  const store = observeEvents(memoryStore(), {
    finalState: (t) => (t === 'debian_bookworm' ? 'os_complete' : undefined),
    clock: () => AT,
    publish: (e) => published.push(e),
  });
  return { store, published, types: () => published.flat().map((e) => e.type) };
}

const entry = (old_state: string, state: string, action: string) => ({
  at: AT.toISOString(),
  old_state,
  state,
  action,
  result: action,
});

const am = (state: string, log: ReturnType<typeof entry>[]) =>
  ({
    uuid: 'Am1',
    node_uuid: 'Node1',
    policy_uuid: 'Pol1',
    label: 'web',
    hostname: 'web1.example.com',
    state,
    model: { type: 'debian_bookworm' },
    log,
  }) as unknown as ActiveModelDoc;

describe('events derived from changes', () => {
  test('a node registered, bound (exhausting its policy), installed, handed off, unbound, deleted', async () => {
    const { store, types, published } = observed();
    await store.write(async (w) => {
      await w.put('node', { uuid: 'Node1', hw_id: ['525400000001'] });
      await w.put('policy', { uuid: 'Pol1', maximum_count: 1 });
      await w.put('active_model', am('init', [entry('init', 'init', 'bind')]));
    });
    expect(types()).toEqual(['node-registered', 'node-bound', 'policy-exhausted']);
    expect(published[0]?.[2]).toMatchObject({ bound: 1, maximum_count: 1, policy_uuid: 'Pol1' });
    await store.write(async (w) => {
      const doc = (await w.get<ActiveModelDoc>('active_model', 'Am1'))!;
      doc.log.push(
        entry('init', 'preinstall', 'preseed_start'),
        entry('preinstall', 'os_complete', 'os_final'),
      );
      doc.state = 'os_complete';
      await w.put('active_model', doc);
    });
    await store.write(async (w) => {
      const doc = (await w.get<ActiveModelDoc>('active_model', 'Am1'))!;
      doc.log.push(
        entry('os_complete', 'broker_wait', 'broker_fetch'),
        entry('broker_wait', 'broker_fail', 'broker_fail'),
      );
      await w.put('active_model', doc);
    });
    await store.write(async (w) => {
      await w.remove('active_model', 'Am1');
      await w.remove('node', 'Node1');
    });
    expect(types()).toEqual([
      'node-registered',
      'node-bound',
      'policy-exhausted',
      'node-state-changed',
      'node-state-changed',
      'node-install-finished',
      'node-state-changed',
      'node-state-changed',
      'broker-finished',
      'node-unbound',
      'node-deleted',
    ]);
    const flat = published.flat();
    expect(flat[4]).toMatchObject({ old_state: 'preinstall', state: 'os_complete', action: 'os_final' });
    expect(flat[8]).toMatchObject({ type: 'broker-finished', result: 'fail', node_uuid: 'Node1' });
    expect(flat.every((e) => e.at === AT.toISOString())).toBe(true);
  });

  test('a transaction that throws publishes nothing; a timeout is an install failure', async () => {
    const { store, types } = observed();
    await expect(
      store.write(async (w) => {
        await w.put('node', { uuid: 'Node1', hw_id: [] });
        throw new Error('render failed');
      }),
    ).rejects.toThrow('render failed');
    expect(types()).toEqual([]);
    await store.write((w) => w.put('active_model', am('preinstall', [])));
    await store.write(async (w) => {
      const doc = (await w.get<ActiveModelDoc>('active_model', 'Am1'))!;
      doc.log.push(entry('preinstall', 'timeout_error', 'timeout'));
      await w.put('active_model', doc);
    });
    expect(types()).toEqual(['node-bound', 'node-state-changed', 'node-install-failed']);
  });

  test('unchanged states, patches and other collections make no event', async () => {
    const { store, types } = observed();
    await store.write((w) => w.put('node', { uuid: 'Node1', hw_id: [] }));
    await store.write(async (w) => {
      await w.patch('node', 'Node1', { checked_in_at: AT.toISOString() });
      await w.put('node', { uuid: 'Node1', hw_id: ['x'] });
      await w.put('tag', { uuid: 'Tag1' });
    });
    expect(types()).toEqual(['node-registered']);
  });
});

describe('the journal and its feed', () => {
  const homes: { cleanup: () => void }[] = [];
  afterEach(() => homes.splice(0).forEach((h) => h.cleanup()));
  const home = () => {
    const h = tempHome();
    homes.push(h);
    return h.home;
  };
  const ev = (n: number): PendingEvent[] =>
    Array.from({ length: n }, (_, i) => ({
      type: 'node-registered',
      at: AT.toISOString(),
      node_uuid: `N${i}`,
    }));

  test('numbers strictly increase across journals of one home, after a torn line too', async () => {
    const h = home();
    const a = eventJournal(h);
    const b = eventJournal(h);
    const appended = await Promise.all([a.append(ev(3)), b.append(ev(2)), a.append(ev(4))]);
    expect(
      appended
        .flat()
        .map((e) => e.seq)
        .sort((x, y) => x - y),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    appendFileSync(a.file, '{"seq":10,"type":"node-reg'); // a crash mid-append
    expect((await b.append(ev(1)))[0]?.seq).toBe(10);
    expect((await a.readAfter(7)).map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(readFileSync(a.file, 'utf8').split('\n').filter(Boolean)).toHaveLength(11);
  });

  test('rotation keeps one older file; reading after a number spans both', async () => {
    const j = eventJournal(home(), { rotateBytes: 400 });
    for (let i = 0; i < 6; i++) await j.append(ev(2));
    expect(await j.lastSeq()).toBe(12);
    const after = await j.readAfter(0);
    expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => 13 - after.length + i));
    expect(after.length).toBeGreaterThan(2);
    expect(after.length).toBeLessThan(12);
  });

  test('the feed announces each appended event once, in order, across a rotation', async () => {
    const h = home();
    const j = eventJournal(h, { rotateBytes: 300 });
    await j.append(ev(2)); // before the feed starts: kept, not announced
    const feed = eventFeed(j, { intervalMs: 3_600_000 });
    const seen: RazorEvent[] = [];
    feed.subscribe((e) => seen.push(e));
    await feed.start();
    seen.length = 0;
    for (let i = 0; i < 5; i++) {
      await j.append(ev(2));
      if (i % 2) await feed.poll();
    }
    await feed.poll();
    feed.stop();
    expect(seen.map((e) => e.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(feed.recent(10).map((e) => e.seq)).toEqual([11, 12]);
  });
});
