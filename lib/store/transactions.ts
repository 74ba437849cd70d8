/**
 * One store's transactions over whatever snapshot it holds: reads share frozen documents, the
 * indexes and the memo maps; a write transaction runs over the snapshot plus the overlay of the
 * transactions committed before it in the same batch, and yields its own overlay on top of that
 * (group commit, ADR 0027). A batch's overlay is installed as the next revision — in place when no
 * transaction is looking at the snapshot, so a write costs what it changed, not the fleet's size.
 * Documents entering a snapshot share their repeated strings (intern.ts).
 */
import {
  copyOverlay,
  deepFreeze,
  reader,
  writer,
  type Overlay,
  type Share,
  type StoreFile,
} from './snapshot.js';
import { indexes } from './indexes.js';
import { memoTable } from './memo.js';
import { interner } from './intern.js';
import type { StoreReader, StoreWriter } from './store.js';

/** A write transaction's outcome: its result, and the batch overlay with its changes on top. */
export interface WriteOutcome<T> {
  result: T;
  overlay: Overlay;
}

/** Transactions over snapshots, with the caches one store keeps across them. */
export interface Transactions {
  read<T>(data: StoreFile, fn: (r: StoreReader) => Promise<T>): Promise<T>;
  /** Runs `fn` over `data` with `batch` (changes of earlier transactions, not yet installed) on top. */
  write<T>(data: StoreFile, batch: Overlay, fn: (w: StoreWriter) => Promise<T>): Promise<WriteOutcome<T>>;
  /**
   * The snapshot with `overlay` applied at revision `rev`: `data` itself, changed, when `inPlace`
   * and no transaction is looking at it; else a new object (the changed collections copied).
   */
  install(data: StoreFile, overlay: Overlay, rev: number, inPlace: boolean): StoreFile;
  /** Forgets memoised answers: `data` was loaded whole (its repeated strings are shared now). */
  reset(data: StoreFile): void;
  /** Memo lookups that found no valid entry, per memo name. */
  memoMisses(name: string): number;
}

/** New transactions with their own index, memo and frozen-object caches (and strings, if asked). */
export function transactions(o: { internStrings?: boolean } = {}): Transactions {
  const index = indexes();
  const memo = memoTable();
  const strings = o.internStrings ? interner() : undefined;
  const frozen = new WeakSet<object>();
  const share: Share = (doc) => deepFreeze(doc, frozen);
  let inFlight = 0;
  return {
    async read(data, fn) {
      const deps = memo.reads();
      const r = reader(data, index.of, undefined, { share, deps, memo: (n) => memo.view(n, data.rev, deps) });
      inFlight++;
      try {
        return await fn(r);
      } finally {
        inFlight--;
      }
    },
    async write(data, batch, fn) {
      const overlay = copyOverlay(batch);
      inFlight++;
      try {
        return { result: await fn(writer(data, index.of, overlay)), overlay };
      } finally {
        inFlight--;
      }
    },
    install(data, overlay, rev, inPlace) {
      const next: StoreFile =
        inPlace && inFlight === 0 ? data : { rev, format: data.format, collections: { ...data.collections } };
      for (const [c, changes] of overlay) {
        const before = data.collections[c] ?? {};
        const table = next === data ? before : { ...before };
        for (const [uuid, changed] of changes) {
          const doc = changed && strings ? strings.doc(changed) : changed;
          const old = Object.hasOwn(before, uuid) ? before[uuid] : undefined;
          if (next === data) index.change(data, c, uuid, old, doc);
          memo.changed(rev, c, uuid, old, doc);
          if (doc === null) delete table[uuid];
          else table[uuid] = doc;
        }
        next.collections[c] = table;
      }
      next.rev = rev;
      return next;
    },
    reset(data) {
      memo.reset();
      if (!strings) return;
      for (const table of Object.values(data.collections))
        for (const doc of Object.values(table)) strings.doc(doc);
    },
    memoMisses: (name) => memo.misses(name),
  };
}
