/**
 * The indexes behind `findBy`: value → uuids of one collection's documents whose field has (or
 * contains) that value. Built once per snapshot object on first use, then kept exact as writes
 * change that snapshot in place (transactions.ts) — a write costs the documents it changed, not a
 * rebuild over the fleet.
 */
import type { Collection, Doc } from './store.js';
import { fieldValues, type Index, type IndexOf, type StoreFile } from './snapshot.js';

/** The index cache of one store. */
export interface Indexes {
  of: IndexOf;
  /** Updates `data`'s built indexes for one document changing from `before` to `after` (null: gone). */
  change(data: StoreFile, c: Collection, uuid: string, before: Doc | undefined, after: Doc | null): void;
}

function add(index: Index, value: string, uuid: string) {
  const list = index.get(value);
  if (!list) index.set(value, [uuid]);
  else if (!list.includes(uuid)) list.push(uuid);
}

function drop(index: Index, value: string, uuid: string) {
  const list = index.get(value);
  if (!list) return;
  const rest = list.filter((u) => u !== uuid);
  if (rest.length) index.set(value, rest);
  else index.delete(value);
}

/** A new, empty index cache; entries go with their snapshot object (a WeakMap). */
export function indexes(): Indexes {
  const cache = new WeakMap<StoreFile, Map<Collection, Map<string, Index>>>();
  return {
    of(data, collection, field) {
      let perData = cache.get(data);
      if (!perData) cache.set(data, (perData = new Map()));
      let perCollection = perData.get(collection);
      if (!perCollection) perData.set(collection, (perCollection = new Map()));
      let index = perCollection.get(field);
      if (!index) {
        index = new Map();
        for (const doc of Object.values(data.collections[collection] ?? {}))
          for (const v of fieldValues(doc, field)) add(index, v, doc.uuid);
        perCollection.set(field, index);
      }
      return index;
    },
    change(data, c, uuid, before, after) {
      for (const [field, index] of cache.get(data)?.get(c) ?? []) {
        const old = before ? fieldValues(before, field) : [];
        const now = after ? fieldValues(after, field) : [];
        for (const v of old) if (!now.includes(v)) drop(index, v, uuid);
        for (const v of now) add(index, v, uuid);
      }
    },
  };
}
