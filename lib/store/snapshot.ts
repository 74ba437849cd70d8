/**
 * Transactions over one in-memory snapshot of the store's data: readers that share frozen documents,
 * writers that collect changes in an overlay, per-snapshot indexes and memo maps, and the overlay
 * applied as the next snapshot. The embedded JSON store and the in-memory store both build on it.
 */
import type { Collection, Doc, StoreReader, StoreWriter } from './store.js';

/** One collection: uuid → document. */
export type Table = Record<string, Doc>;

/**
 * The file's shape: a revision (first, so it can be read without parsing the rest; bumped by
 * every write), a format tag, and one object of uuid → document per collection.
 */
export interface StoreFile {
  rev: number;
  format: 'razor-store/1';
  collections: Partial<Record<Collection, Table>>;
}

/** A store with nothing in it. */
export const emptyFile = (): StoreFile => ({ rev: 0, format: 'razor-store/1', collections: {} });

/** Changes of one write transaction: uuid → new document, or null for removed. */
export type Overlay = Map<Collection, Map<string, Doc | null>>;

/** value → uuids of the documents of one collection whose field has (or contains) that value. */
type Index = Map<string, string[]>;

/** Builds or returns the index of `field` in `collection` of one snapshot. */
export type IndexOf = (data: StoreFile, collection: Collection, field: string) => Index;

/** The values a document has for a field: each element of an array, or the scalar itself. */
function fieldValues(doc: Doc, field: string): string[] {
  const v = doc[field];
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

/** An index cache per snapshot: snapshots are replaced, never mutated, so nothing goes stale. */
export function indexCache(): IndexOf {
  const cache = new WeakMap<StoreFile, Map<string, Index>>();
  return (data, collection, field) => {
    let perData = cache.get(data);
    if (!perData) cache.set(data, (perData = new Map()));
    const key = `${collection}\u0000${field}`;
    let index = perData.get(key);
    if (!index) {
      index = new Map();
      for (const doc of Object.values(data.collections[collection] ?? {})) {
        for (const v of fieldValues(doc, field)) {
          const list = index.get(v);
          if (list) list.push(doc.uuid);
          else index.set(v, [doc.uuid]);
        }
      }
      perData.set(key, index);
    }
    return index;
  };
}

/**
 * How documents leave the store: a write transaction gets copies it may change; a read
 * transaction gets the stored objects themselves, deeply frozen (once), which costs nothing per
 * read — changing one throws instead of corrupting the cache.
 */
export type Share = <T>(doc: T) => T;

const copy: Share = (doc) => structuredClone(doc);

/** Freezes an object and everything in it, once (`seen` remembers what is frozen). */
export function deepFreeze<T>(o: T, seen: WeakSet<object>): T {
  if (o && typeof o === 'object' && !seen.has(o as object)) {
    seen.add(o as object);
    for (const v of Object.values(o as object)) deepFreeze(v, seen);
    Object.freeze(o);
  }
  return o;
}

/** Per-snapshot memo maps (see StoreReader.memo); like the indexes, they go with their snapshot. */
export type MemoOf = (data: StoreFile, name: string) => Map<string, unknown>;

export function memoCache(): MemoOf {
  const cache = new WeakMap<StoreFile, Map<string, Map<string, unknown>>>();
  return (data, name) => {
    let perData = cache.get(data);
    if (!perData) cache.set(data, (perData = new Map()));
    let memo = perData.get(name);
    if (!memo) perData.set(name, (memo = new Map()));
    return memo;
  };
}

const privateMemo: MemoOf = () => new Map();

/** Read access to a snapshot (plus a write transaction's pending overlay). */
export function reader(
  data: StoreFile,
  indexOf: IndexOf,
  overlay?: Overlay,
  share: Share = copy,
  memoOf: MemoOf = privateMemo,
): StoreReader {
  const base = (c: Collection): Table => data.collections[c] ?? {};
  const pending = (c: Collection) => overlay?.get(c);
  const uuids = (c: Collection): string[] => {
    const p = pending(c);
    const keys = Object.keys(base(c));
    if (!p) return keys;
    const set = new Set(keys);
    for (const [k, v] of p) {
      if (v === null) set.delete(k);
      else set.add(k);
    }
    return [...set];
  };
  const lookup = (c: Collection, uuid: string): Doc | undefined => {
    const p = pending(c);
    if (p?.has(uuid)) return p.get(uuid) ?? undefined;
    return Object.hasOwn(base(c), uuid) ? base(c)[uuid] : undefined;
  };
  return {
    async get<T extends Doc>(c: Collection, uuid: string) {
      const d = lookup(c, uuid);
      return d === undefined ? undefined : (share(d) as T);
    },
    async all<T extends Doc>(c: Collection) {
      return uuids(c).map((u) => share(lookup(c, u)) as T);
    },
    async matchUuid(c: Collection, fragment: string) {
      if (lookup(c, fragment)) return [fragment];
      return uuids(c).filter((u) => u.includes(fragment));
    },
    async count(c: Collection) {
      return uuids(c).length;
    },
    async findBy<T extends Doc>(c: Collection, field: string, value: string) {
      const hits = new Set(indexOf(data, c, field).get(value) ?? []);
      for (const [uuid, doc] of pending(c) ?? []) {
        if (doc && fieldValues(doc, field).includes(value)) hits.add(uuid);
        else hits.delete(uuid);
      }
      return [...hits].map((u) => share(lookup(c, u)) as T);
    },
    memo<V>(name: string) {
      return memoOf(data, name) as Map<string, V>;
    },
  };
}

/** Write access to a snapshot: changes go to `overlay`. */
export function writer(data: StoreFile, indexOf: IndexOf, overlay: Overlay): StoreWriter {
  const table = (c: Collection) => {
    let t = overlay.get(c);
    if (!t) overlay.set(c, (t = new Map()));
    return t;
  };
  const r = reader(data, indexOf, overlay);
  return {
    ...r,
    async put(c, doc) {
      if (typeof doc.uuid !== 'string' || doc.uuid === '') throw new Error(`put ${c}: document has no uuid`);
      // Writing back an unchanged document is not a change: the file is only rewritten for real ones.
      const current = data.collections[c]?.[doc.uuid];
      const pending = overlay.get(c)?.has(doc.uuid);
      if (!pending && current !== undefined && JSON.stringify(current) === JSON.stringify(doc)) return;
      table(c).set(doc.uuid, structuredClone(doc));
    },
    async remove(c, uuid) {
      const existed = (await r.get(c, uuid)) !== undefined;
      if (existed) table(c).set(uuid, null);
      return existed;
    },
  };
}

/** The snapshot after a write transaction: `data` with `overlay` applied, at revision `rev`. */
export function applyOverlay(data: StoreFile, overlay: Overlay, rev: number): StoreFile {
  const collections = { ...data.collections };
  for (const [c, changes] of overlay) {
    const t: Table = { ...(collections[c] ?? {}) };
    for (const [uuid, doc] of changes) {
      if (doc === null) delete t[uuid];
      else t[uuid] = doc;
    }
    collections[c] = t;
  }
  return { rev, format: 'razor-store/1', collections };
}
