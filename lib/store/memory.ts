/**
 * A store that lives in memory only: the same transactions as the embedded store (frozen documents
 * in reads, all-or-nothing writes, serialised writers) without a file. For handler tests, and for
 * anything that wants razor's logic without a disk.
 */
import {
  applyOverlay,
  deepFreeze,
  emptyFile,
  indexCache,
  memoCache,
  reader,
  writer,
  type Overlay,
  type Share,
  type StoreFile,
} from './snapshot.js';
import type { Store } from './store.js';

/** An in-memory store, optionally starting from `initial` (copied; later changes to it are not seen). */
export function memoryStore(initial: StoreFile = emptyFile()): Store {
  let data: StoreFile = structuredClone(initial);
  let chain: Promise<unknown> = Promise.resolve();
  const indexOf = indexCache();
  const memoOf = memoCache();
  const frozen = new WeakSet<object>();
  const share: Share = (doc) => deepFreeze(doc, frozen);
  return {
    location: 'memory',
    async read(fn) {
      return fn(reader(data, indexOf, undefined, share, memoOf));
    },
    write(fn) {
      const run = async () => {
        const before = data;
        const overlay: Overlay = new Map();
        const result = await fn(writer(before, indexOf, overlay));
        if (overlay.size > 0) data = applyOverlay(before, overlay, before.rev + 1);
        return result;
      };
      const next = chain.then(run, run);
      chain = next.catch(() => undefined);
      return next;
    },
    async close() {
      await chain;
    },
  };
}
