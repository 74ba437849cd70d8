/**
 * A store that lives in memory only: the same transactions as the embedded store (frozen documents
 * in reads, all-or-nothing writes, group commit of queued writers) without a file. For handler
 * tests, and for anything that wants razor's logic without a disk.
 */
import { emptyFile, overlayIsEmpty, type StoreFile } from './snapshot.js';
import { transactions } from './transactions.js';
import { writeQueue } from './group-commit.js';
import type { Store } from './store.js';

/** An in-memory store, optionally starting from `initial` (copied; later changes to it are not seen). */
export function memoryStore(initial: StoreFile = emptyFile()): Store {
  let data: StoreFile = structuredClone(initial);
  const tx = transactions();
  const queue = writeQueue(async (batch) => {
    const overlay = await batch.run(tx, data);
    if (!overlayIsEmpty(overlay)) data = tx.install(data, overlay, data.rev + 1, true);
  });
  return {
    location: 'memory',
    read: (fn) => tx.read(data, fn),
    write: (fn) => queue.write(fn),
    close: () => queue.idle(),
  };
}
