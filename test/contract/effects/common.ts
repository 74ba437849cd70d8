/**
 * Effects shared by many slices: the generated list, get, remove and remove-all verbs
 * (lib/verbs/crud.ts), and small readers of an outcome.
 */
import { expect } from '@jest/globals';
import type { Effect, Outcome } from './effect.js';

/** A document as a plain object. */
export type Doc = Record<string, unknown>;

/** The response as a list of objects (JSON verbs answer arrays). */
export const rows = (o: Outcome): Doc[] => {
  expect(Array.isArray(o.response)).toBe(true);
  return o.response as Doc[];
};

/** The response's single object (`get`, `add`, `update` answer a one-element list). */
export const only = (o: Outcome): Doc => {
  const list = rows(o);
  expect(list).toHaveLength(1);
  return list[0] as Doc;
};

/** A stored document after the call (it must exist). */
export const stored = (o: Outcome, coll: string, uuid: string): Doc => {
  const doc = o.after[coll]?.[uuid];
  expect({ coll, uuid, exists: doc !== undefined }).toEqual({ coll, uuid, exists: true });
  return doc as Doc;
};

/** The one document the call added to `coll`. */
export const addedDoc = (o: Outcome, coll: string): Doc => {
  const uuids = o.added[coll] ?? [];
  expect(uuids).toHaveLength(1);
  return stored(o, coll, uuids[0] as string);
};

/** The sorted UUIDs of a collection before the call. */
export const uuidsBefore = (o: Outcome, coll: string): string[] => Object.keys(o.before[coll] ?? {}).sort();

/** `updated_at` moved forward from the seeded stamp. */
export const touched = (before: Doc, after: Doc): void => {
  expect(Date.parse(String(after.updated_at))).toBeGreaterThan(Date.parse(String(before.updated_at)));
};

/**
 * The list verb: every document of `coll` (as presented), nothing written; with `limit`/`offset`
 * (paged lists), that page of them in creation order.
 */
export const listEffect = (coll: string, extra?: (o: Outcome) => void): Effect => ({
  store: 'unchanged',
  response: (o) => {
    const byCreated = Object.values(o.before[coll] ?? {})
      .sort(
        (a, b) =>
          String(a.created_at ?? '').localeCompare(String(b.created_at ?? '')) ||
          String(a.uuid).localeCompare(String(b.uuid)),
      )
      .map((d) => String(d.uuid));
    const uuids = rows(o).map((d) => String(d.uuid));
    if (o.input.offset === undefined && o.input.limit === undefined)
      // Unpaged: every one, in whatever order the slice sorts by.
      expect([...uuids].sort()).toEqual([...byCreated].sort());
    else {
      const offset = Number(o.input.offset ?? 0);
      const end = o.input.limit === undefined ? undefined : offset + Number(o.input.limit);
      expect(uuids).toEqual(byCreated.slice(offset, end));
    }
    extra?.(o);
  },
});

/**
 * The get verb: the named document, its stored fields as they were (`hidden` ones, e.g. redacted
 * secrets or digests, are compared elsewhere or not shown), nothing written.
 */
export const getEffect = (coll: string, hidden: readonly string[] = []): Effect => ({
  store: 'unchanged',
  response: (o) => {
    const doc = only(o);
    const seeded = { ...o.before[coll]?.[o.input.uuid as string] };
    for (const k of hidden) delete seeded[k];
    expect(doc.uuid).toBe(o.input.uuid);
    expect(doc).toMatchObject(seeded);
  },
});

/** The remove verb: the named document is gone and the answer says so. */
export const removeEffect = (coll: string, noun: string, more: Partial<Effect> = {}): Effect => ({
  response: (o) => expect(o.response).toBe(`${noun} ${o.input.uuid as string} removed`),
  store: (input) => ({ removed: { [coll]: [input.uuid as string] } }),
  ...more,
});

/** The remove-all verb (CLI only): every document of `coll` is gone and the answer counts them. */
export const removeAllEffect = (coll: string, noun: string, more: Partial<Effect> = {}): Effect => ({
  response: (o) => {
    expect(uuidsBefore(o, coll).length).toBeGreaterThan(0);
    expect(o.response).toBe(`${uuidsBefore(o, coll).length} ${noun} objects removed`);
  },
  store: { removed: { [coll]: 'all' } },
  ...more,
});

/** The four generated verbs of a collection. */
export const crudEffects = (coll: string, noun: string, hidden: readonly string[] = []) => ({
  list: listEffect(coll),
  get: getEffect(coll, hidden),
  remove: removeEffect(coll, noun),
  'remove-all': removeAllEffect(coll, noun),
});
