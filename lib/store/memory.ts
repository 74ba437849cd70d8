/**
 * A store that lives in memory only: the same transactions as the embedded store (frozen documents
 * in reads, all-or-nothing writes, serialised writers) without a file. For handler tests, and for
 * anything that wants razor's logic without a disk.
 */
import { emptyFile, type StoreFile } from './snapshot.js';
import { transactions } from './transactions.js';
import type { Store } from './store.js';

/** An in-memory store, optionally starting from `initial` (copied; later changes to it are not seen). */
export function memoryStore(initial: StoreFile = emptyFile()): Store {
  let data: StoreFile = structuredClone(initial);
  let chain: Promise<unknown> = Promise.resolve();
  const tx = transactions();
  return {
    location: 'memory',
    async read(fn) {
      return fn(tx.read(data));
    },
    write(fn) {
      const run = async () => {
        const { result, next } = await tx.write(data, data.rev + 1, fn);
        if (next) data = next;
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
