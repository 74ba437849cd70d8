/**
 * A store that reports events: it watches what each write transaction reads and writes of nodes
 * and active models, and once the transaction has committed hands the events its changes mean
 * (derive.ts) to `publish`. A transaction that fails or rolls back reports nothing.
 */
import { addedEntries, deriveEvents, summarize, type Change, type Summary } from './derive.js';
import type { PendingEvent } from './event-types.js';
import type { ActiveModelDoc, PolicyDoc } from '../domain/documents.js';
import type { Collection, Doc, Store, StoreWriter } from '../store/store.js';

/** What the observer needs: the final state of a model type, the clock, and where events go. */
export interface ObserverDeps {
  finalState(modelType: string | undefined): string | undefined;
  clock(): Date;
  publish(events: PendingEvent[]): void;
}

type Watched = 'node' | 'active_model';
const watched = (c: Collection): c is Watched => c === 'node' || c === 'active_model';

/** What one transaction attempt touched, in first-touch order. */
interface Touched {
  before: Map<string, Summary | null>;
  changes: Map<string, Change>;
}

/** A writer that records, for the watched collections, each document as read first and as left. */
function recordingWriter(w: StoreWriter, t: Touched): StoreWriter {
  const seen = (c: Collection, doc: Doc | undefined) => {
    if (!doc || !watched(c)) return;
    const key = `${c}/${doc.uuid}`;
    if (!t.before.has(key)) t.before.set(key, summarize(c, doc));
  };
  const beforeOf = async (c: Watched, uuid: string) => {
    const key = `${c}/${uuid}`;
    if (!t.before.has(key)) {
      const doc = await w.get(c, uuid);
      t.before.set(key, doc ? summarize(c, doc) : null);
    }
    return t.before.get(key) ?? null;
  };
  const record = (c: Watched, uuid: string, before: Summary | null, change: Omit<Change, 'before'>) => {
    const key = `${c}/${uuid}`;
    t.changes.delete(key); // re-inserted: the order is the last write's
    t.changes.set(key, { before, ...change });
  };
  return {
    get: async (c, uuid) => {
      const doc = await w.get(c, uuid);
      seen(c, doc);
      return doc as never;
    },
    all: async (c) => {
      const docs = await w.all(c);
      if (watched(c)) for (const d of docs) seen(c, d);
      return docs as never;
    },
    findBy: async (c, field, value) => {
      const docs = await w.findBy(c, field, value);
      if (watched(c)) for (const d of docs) seen(c, d);
      return docs as never;
    },
    matchUuid: (c, fragment) => w.matchUuid(c, fragment),
    count: (c) => w.count(c),
    memo: (name) => w.memo(name),
    put: async (c, doc) => {
      if (!watched(c)) return w.put(c, doc);
      const before = await beforeOf(c, doc.uuid);
      const am = doc as ActiveModelDoc;
      const added = c === 'active_model' ? addedEntries(am.log, before?.lastLog) : [];
      await w.put(c, doc);
      let policy: Change['policy'];
      if (c === 'active_model' && !before) {
        const p = await w.get<PolicyDoc>('policy', am.policy_uuid);
        if (p && p.maximum_count > 0)
          policy = { doc: p, bound: (await w.findBy('active_model', 'policy_uuid', p.uuid)).length };
      }
      record(c, doc.uuid, before, { after: summarize(c, doc), added, policy });
    },
    remove: async (c, uuid) => {
      if (!watched(c)) return w.remove(c, uuid);
      const before = await beforeOf(c, uuid);
      const removed = await w.remove(c, uuid);
      if (removed) record(c, uuid, before, { after: null, added: [] });
      return removed;
    },
    // Patches change informational fields only (a node's checked_in_at): no event.
    patch: (c, uuid, fields) => w.patch(c, uuid, fields),
    patchMany: (c, patches) => w.patchMany(c, patches),
  };
}

/** Wraps `inner` so that every committed write transaction publishes the events of its changes. */
export function observeEvents(inner: Store, deps: ObserverDeps): Store {
  return {
    location: inner.location,
    read: (fn) => inner.read(fn),
    write: async (fn) => {
      let touched: Touched | undefined;
      const result = await inner.write((w) => {
        touched = { before: new Map(), changes: new Map() }; // a retried attempt starts over
        return fn(recordingWriter(w, touched));
      });
      if (touched?.changes.size) {
        // A document created and removed in one transaction never existed for anyone else.
        const changes = [...touched.changes.values()].filter((c) => c.before || c.after);
        const events = deriveEvents(changes, deps.finalState, deps.clock().toISOString());
        if (events.length) deps.publish(events);
      }
      return result;
    },
    close: () => inner.close(),
  };
}
