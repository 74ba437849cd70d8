/**
 * The embedded store: one JSON file (`$RAZOR_HOME/razor.json`) managed by lowdb, safe when the
 * daemon and CLI processes write it at once. Writes are serialised in-process by a promise chain and
 * across processes by a kernel-released lock; each write re-reads the file if another process
 * changed it, applies the transaction, and replaces the file atomically (ADR 0003).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { acquireLock } from './lock.js';
import { AtomicJsonFile, removeStaleTemps } from './atomic-file.js';
import { heldFile } from './held-file.js';
import { keepGeneration, pruneGenerations } from './generations.js';
import { storeShapeProblem, type RequiredFields } from './store-shape.js';
import { storeError, unusableStoreError } from './store-errors.js';
import { CONFIG_DEFAULTS } from '../config.js';
import type { Collection, Doc, Store, StoreReader, StoreWriter } from './store.js';

type Table = Record<string, Doc>;

/**
 * The file's shape: a revision (first, so it can be read without parsing the rest; bumped by
 * every write), a format tag, and one object of uuid → document per collection.
 */
export interface StoreFile {
  rev: number;
  format: 'razor-store/1';
  collections: Partial<Record<Collection, Table>>;
}

const emptyFile = (): StoreFile => ({ rev: 0, format: 'razor-store/1', collections: {} });

/** Options for the embedded store. */
export interface JsonStoreOptions {
  /** How long a writer waits for another process's lock before failing. */
  lockTimeoutMs?: number;
  /** How many earlier versions to keep beside the file (`store_generations`, default 5; 0: none). */
  generations?: number;
  /** Fields each document must have, per collection, for the file to load (store-shape.ts). */
  requiredFields?: RequiredFields;
}

type Overlay = Map<Collection, Map<string, Doc | null>>;

/** value → uuids of the documents of one collection whose field has (or contains) that value. */
type Index = Map<string, string[]>;

/** Builds or returns the index of `field` in `collection` of one snapshot. */
type IndexOf = (data: StoreFile, collection: Collection, field: string) => Index;

/** The values a document has for a field: each element of an array, or the scalar itself. */
function fieldValues(doc: Doc, field: string): string[] {
  const v = doc[field];
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

/** An index cache per snapshot: snapshots are replaced, never mutated, so nothing goes stale. */
function indexCache(): IndexOf {
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
type Share = <T>(doc: T) => T;

const copy: Share = (doc) => structuredClone(doc);

function deepFreeze<T>(o: T, seen: WeakSet<object>): T {
  if (o && typeof o === 'object' && !seen.has(o as object)) {
    seen.add(o as object);
    for (const v of Object.values(o as object)) deepFreeze(v, seen);
    Object.freeze(o);
  }
  return o;
}

/** Per-snapshot memo maps (see StoreReader.memo); like the indexes, they go with their snapshot. */
type MemoOf = (data: StoreFile, name: string) => Map<string, unknown>;

function memoCache(): MemoOf {
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

function reader(
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

function writer(data: StoreFile, indexOf: IndexOf, overlay: Overlay): StoreWriter {
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

function applyOverlay(data: StoreFile, overlay: Overlay, rev: number): StoreFile {
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

/** Opens (creating if needed) the embedded JSON store at `file`. */
export async function openJsonStore(file: string, opts: JsonStoreOptions = {}): Promise<Store> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const generations = opts.generations ?? CONFIG_DEFAULTS.store_generations;
  const required = opts.requiredFields ?? {};
  // Generations are a safety net: a file system that refuses one does not fail the write.
  const adapter = new AtomicJsonFile<StoreFile>(file, (next) => keepGeneration(file, next, generations));
  const db = new Low<StoreFile>(adapter, emptyFile());
  /** Revision of `db.data`; undefined until first loaded. */
  let loadedRev: number | undefined;
  /** Bumped on every install, so a slow refresh never replaces newer data with what it read earlier. */
  let epoch = 0;
  let chain: Promise<unknown> = Promise.resolve();
  const indexOf = indexCache();
  const memoOf = memoCache();
  const onDisk = heldFile(file);
  const frozen = new WeakSet<object>();
  const share: Share = (doc) => deepFreeze(doc, frozen);

  const install = (data: StoreFile) => {
    db.data = data;
    loadedRev = data.rev;
    epoch++;
  };

  /**
   * Re-reads the file when another process replaced it. Whether it did costs one `fstat` of the
   * file we hold (ADR 0011); reading it again happens only when it changed.
   */
  const refresh = async () => {
    if (epoch > 0 && onDisk.fresh()) return;
    const startedAt = epoch;
    let text: string | null;
    try {
      text = await onDisk.read();
    } catch (err) {
      throw storeError('read', file, err);
    }
    if (text === null) {
      if (loadedRev !== 0 || epoch === 0) install(emptyFile());
      return;
    }
    let data: StoreFile;
    try {
      data = JSON.parse(text) as StoreFile;
    } catch (err) {
      throw await unusableStoreError(file, `it is not valid JSON (${(err as Error).message})`, required);
    }
    const problem = storeShapeProblem(data, required);
    if (problem) throw await unusableStoreError(file, problem, required);
    if (epoch === startedAt)
      install({
        rev: Number.isSafeInteger(data.rev) ? data.rev : 0,
        format: data.format,
        collections: data.collections,
      });
  };

  const lockOpts = { timeoutMs: opts.lockTimeoutMs ?? 30_000 };
  const held = await acquireLock(file, lockOpts);
  try {
    await removeStaleTemps(file);
    await pruneGenerations(file, generations);
  } finally {
    await held.release();
  }

  const store: Store = {
    location: file,
    async read(fn) {
      if (epoch === 0 || !onDisk.fresh()) await refresh();
      return fn(reader(db.data, indexOf, undefined, share, memoOf));
    },
    write(fn) {
      const run = async () => {
        const lock = await acquireLock(file, lockOpts);
        try {
          await refresh();
          const before = db.data;
          const overlay: Overlay = new Map();
          const result = await fn(writer(before, indexOf, overlay));
          if (overlay.size === 0) return result;
          const next = applyOverlay(before, overlay, (loadedRev ?? 0) + 1);
          try {
            await adapter.write(next);
          } catch (err) {
            throw storeError('write', file, err);
          }
          // We still hold the lock, so the file on disk is the one we just wrote.
          install(next);
          // Not holding it only costs the next read a re-read; the write itself has landed.
          await onDisk.hold().catch(() => onDisk.close());
          return result;
        } finally {
          await lock.release();
        }
      };
      const next = chain.then(run, run);
      chain = next.catch(() => undefined);
      return next;
    },
    async close() {
      await chain;
      onDisk.close();
    },
  };
  return store;
}
