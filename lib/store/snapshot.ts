/**
 * Transactions over one in-memory snapshot of the store's data: readers that share frozen documents,
 * writers that collect changes in an overlay (reads see the snapshot with the overlay on top).
 * The embedded JSON store and the in-memory store both build on it (transactions.ts).
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

/** Changes of write transactions: uuid → new document, or null for removed. */
export type Overlay = Map<Collection, Map<string, Doc | null>>;

/** A copy of an overlay (its documents shared), for the next transaction of a batch to build on. */
export const copyOverlay = (o: Overlay): Overlay => new Map([...o].map(([c, t]) => [c, new Map(t)]));

/** value → uuids of the documents of one collection whose field has (or contains) that value. */
export type Index = Map<string, string[]>;

/** Builds or returns the index of `field` in `collection` of one snapshot (indexes.ts). */
export type IndexOf = (data: StoreFile, collection: Collection, field: string) => Index;

/** What a memo entry depends on (memo.ts): "read the document `uuid`". */
export const dependsOnDoc = (c: Collection, uuid: string) => `${c}#${uuid}`;
/** "Looked for documents whose `field` has `value`". */
export const dependsOnValue = (c: Collection, field: string, value: string) => `${c}.${field}=${value}`;
/** "Read the whole collection". */
export const dependsOnAll = (c: Collection) => c;

/** The values a document has for a field: each element of an array, or the scalar itself. */
export function fieldValues(doc: Doc, field: string): string[] {
  const v = doc[field];
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
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

/** What a reader is given besides the data: how documents leave, its memo maps, what it read. */
export interface ReaderExtras {
  share?: Share;
  memo?: (name: string) => Map<string, unknown>;
  /** Collects what this transaction read, for memo entries to depend on (memo.ts). */
  deps?: Set<string>;
}

/** Read access to a snapshot (plus a write transaction's pending overlay). */
export function reader(
  data: StoreFile,
  indexOf: IndexOf,
  overlay?: Overlay,
  extras: ReaderExtras = {},
): StoreReader {
  const share = extras.share ?? copy;
  const deps = extras.deps;
  const base = (c: Collection): Table => data.collections[c] ?? {};
  const pending = (c: Collection) => overlay?.get(c);
  const uuids = (c: Collection): string[] => {
    deps?.add(dependsOnAll(c));
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
      deps?.add(dependsOnDoc(c, uuid));
      const d = lookup(c, uuid);
      return d === undefined ? undefined : (share(d) as T);
    },
    async all<T extends Doc>(c: Collection) {
      return uuids(c).map((u) => share(lookup(c, u)) as T);
    },
    async matchUuid(c: Collection, fragment: string) {
      if (lookup(c, fragment)) return (deps?.add(dependsOnDoc(c, fragment)), [fragment]);
      return uuids(c).filter((u) => u.includes(fragment));
    },
    async count(c: Collection) {
      return uuids(c).length;
    },
    async findBy<T extends Doc>(c: Collection, field: string, value: string) {
      deps?.add(dependsOnValue(c, field, value));
      const hits = new Set(indexOf(data, c, field).get(value) ?? []);
      for (const [uuid, doc] of pending(c) ?? []) {
        if (doc && fieldValues(doc, field).includes(value)) hits.add(uuid);
        else hits.delete(uuid);
      }
      return [...hits].map((u) => share(lookup(c, u)) as T);
    },
    memo<V>(name: string) {
      return (extras.memo?.(name) ?? new Map()) as Map<string, V>;
    },
  };
}

/** Write access to a snapshot: changes go to `overlay` (which may hold earlier transactions' too). */
export function writer(data: StoreFile, indexOf: IndexOf, overlay: Overlay): StoreWriter {
  const table = (c: Collection) => {
    let t = overlay.get(c);
    if (!t) overlay.set(c, (t = new Map()));
    return t;
  };
  const current = (c: Collection, uuid: string): Doc | undefined => {
    const p = overlay.get(c);
    if (p?.has(uuid)) return p.get(uuid) ?? undefined;
    return data.collections[c]?.[uuid];
  };
  const r = reader(data, indexOf, overlay);
  const patch = (c: Collection, uuid: string, fields: Record<string, unknown>): boolean => {
    const now = current(c, uuid);
    if (now === undefined) return false;
    if (Object.entries(fields).every(([k, v]) => now[k] === v)) return true;
    // A shallow copy: the unchanged fields' values are shared with the stored (immutable) one.
    table(c).set(uuid, { ...now, ...structuredClone(fields), uuid });
    return true;
  };
  return {
    ...r,
    async put(c, doc) {
      if (typeof doc.uuid !== 'string' || doc.uuid === '') throw new Error(`put ${c}: document has no uuid`);
      // Writing back an unchanged document is not a change: nothing is written for it.
      const now = current(c, doc.uuid);
      if (now !== undefined && JSON.stringify(now) === JSON.stringify(doc)) return;
      table(c).set(doc.uuid, structuredClone(doc));
    },
    patch: async (c, uuid, fields) => patch(c, uuid, fields),
    async patchMany(c, patches) {
      let found = 0;
      for (const [uuid, fields] of patches) if (patch(c, uuid, fields)) found++;
      return found;
    },
    async remove(c, uuid) {
      const existed = current(c, uuid) !== undefined;
      if (existed) table(c).set(uuid, null);
      return existed;
    },
  };
}

/** An overlay with no changes. */
export const emptyOverlay = (): Overlay => new Map();

/** True when the overlay changes nothing. */
export const overlayIsEmpty = (o: Overlay): boolean => [...o.values()].every((t) => t.size === 0);
