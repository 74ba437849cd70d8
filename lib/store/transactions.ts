/**
 * One store's transactions over whatever snapshot it holds: reads share frozen documents and the
 * snapshot's indexes and memo maps; a write collects its changes and yields the next snapshot (or
 * none when nothing changed). The embedded and in-memory stores differ only in where snapshots live.
 */
import {
  applyOverlay,
  deepFreeze,
  indexCache,
  memoCache,
  reader,
  writer,
  type Overlay,
  type Share,
  type StoreFile,
} from './snapshot.js';
import type { StoreReader, StoreWriter } from './store.js';

/** A write transaction's outcome: the function's result, and the next snapshot if anything changed. */
export interface WriteOutcome<T> {
  result: T;
  next?: StoreFile;
}

/** Transactions over snapshots, with the caches one store keeps across them. */
export interface Transactions {
  read(data: StoreFile): StoreReader;
  write<T>(data: StoreFile, rev: number, fn: (w: StoreWriter) => Promise<T>): Promise<WriteOutcome<T>>;
}

/** New transactions with their own index, memo and frozen-object caches. */
export function transactions(): Transactions {
  const indexOf = indexCache();
  const memoOf = memoCache();
  const frozen = new WeakSet<object>();
  const share: Share = (doc) => deepFreeze(doc, frozen);
  return {
    read: (data) => reader(data, indexOf, undefined, share, memoOf),
    async write(data, rev, fn) {
      const overlay: Overlay = new Map();
      const result = await fn(writer(data, indexOf, overlay));
      return overlay.size === 0 ? { result } : { result, next: applyOverlay(data, overlay, rev) };
    },
  };
}
