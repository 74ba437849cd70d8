/**
 * The embedded store: a JSON snapshot (`$RAZOR_HOME/razor.json`, written by lowdb through our
 * atomic adapter) and an append-only journal beside it (`razor.journal`), safe when the daemon and
 * CLI processes write at once (ADR 0003, 0027). Writes queued in one process are committed together
 * under the cross-process lock (group commit): catch up with the files, run the transactions,
 * append one journal line and fdatasync it, then acknowledge. A small store (under `journalFrom`
 * bytes) is instead rewritten whole, as before; a journal grown past the snapshot (and
 * `compactFrom`) is folded into a new snapshot after the write that grew it was acknowledged.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { acquireLock } from './lock.js';
import { AtomicJsonFile, removeStaleTemps } from './atomic-file.js';
import { keepGeneration, pruneGenerations } from './generations.js';
import { type RequiredFields } from './store-shape.js';
import { storeError } from './store-errors.js';
import { CONFIG_DEFAULTS } from '../config.js';
import { emptyFile, overlayIsEmpty, type StoreFile } from './snapshot.js';
import { transactions } from './transactions.js';
import { writeQueue, type Batch } from './group-commit.js';
import { journalFile } from './journal-file.js';
import { encodeLine, journalHeader } from './journal.js';
import { synced } from './json-sync.js';
import type { Store } from './store.js';

export type { StoreFile };

/** Options for the embedded store. */
export interface JsonStoreOptions {
  /** How long a writer waits for another process's lock before failing. */
  lockTimeoutMs?: number;
  /** How many earlier versions to keep beside the file (`store_generations`, default 5; 0: none). */
  generations?: number;
  /** Fields each document must have, per collection, for the file to load (store-shape.ts). */
  requiredFields?: RequiredFields;
  /** Below this many bytes of store, writes rewrite the snapshot whole (no journal). Default 64 KiB. */
  journalFrom?: number;
  /** The journal is compacted once larger than the snapshot and this. Default 1 MiB. */
  compactFrom?: number;
  /** Share repeated strings in memory (ADR 0033): for a long-lived process, the daemon. */
  internStrings?: boolean;
}

/** The journal beside the store `file`. */
export const journalPath = (file: string): string => file.replace(/\.json$/, '') + '.journal';

/** Opens (creating if needed) the embedded JSON store at `file`. */
export async function openJsonStore(file: string, opts: JsonStoreOptions = {}): Promise<Store> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const generations = opts.generations ?? CONFIG_DEFAULTS.store_generations;
  const journalFrom = opts.journalFrom ?? 64 * 1024;
  let compactFrom = opts.compactFrom ?? 1024 * 1024;
  // Generations are a safety net: a file system that refuses one does not fail the write.
  const adapter = new AtomicJsonFile<StoreFile>(file, (next) => keepGeneration(file, next, generations));
  const db = new Low<StoreFile>(adapter, emptyFile());
  const tx = transactions({ internStrings: opts.internStrings });
  const journal = journalFile(journalPath(file));
  const state = synced(file, journal, tx, opts.requiredFields ?? {});
  const lockOpts = { timeoutMs: opts.lockTimeoutMs ?? 30_000 };
  /** True while this process holds the lock: then no one else can have written, so reads need no check. */
  let holding = false;
  let exclusive: Promise<unknown> = Promise.resolve();

  /** Runs `fn` holding the cross-process lock, after catching up; one at a time in this process. */
  const underLock = <T>(fn: () => Promise<T>, catchUp = true): Promise<T> => {
    const run = async () => {
      const lock = await acquireLock(file, lockOpts);
      try {
        if (catchUp) {
          await state.sync();
          holding = true;
        }
        return await fn();
      } finally {
        holding = false;
        await lock.release();
      }
    };
    const next = exclusive.then(run, run);
    exclusive = next.catch(() => undefined);
    return next;
  };

  /** Writes the whole store as the new snapshot (a generation kept) and starts an empty journal. */
  const writeSnapshot = async (next: StoreFile) => {
    db.data = next;
    try {
      await db.write();
    } catch (err) {
      throw storeError('write', file, err);
    }
  };

  const compact = () =>
    underLock(async () => {
      const data = state.data();
      await writeSnapshot(data);
      await state.advanced(data, undefined, adapter.lastBytes);
      await journal.start(journalHeader(data.rev));
      await state.advanced(data, data.rev);
    }).catch(() => {
      // Not fatal: the journal goes on; try again once it has grown by as much again.
      compactFrom *= 2;
    });
  let compacting: Promise<void> | undefined;

  const commit = (batch: Batch) =>
    underLock(async () => {
      const data = state.data();
      const overlay = await batch.run(tx, data);
      if (overlayIsEmpty(overlay)) return;
      const rev = data.rev + 1;
      if (state.snapshotBytes() + journal.size() < journalFrom) {
        // A small store is rewritten whole: one file, as readable as ever.
        const next = tx.install(data, overlay, rev, false);
        await writeSnapshot(next);
        await journal.remove().catch(() => undefined);
        await state.advanced(next, undefined, adapter.lastBytes);
        return;
      }
      try {
        if (state.journalEnd() !== data.rev) {
          await journal.start(journalHeader(data.rev));
          await state.advanced(data, data.rev);
        }
        await journal.append(encodeLine(data, overlay, rev));
      } catch (err) {
        throw storeError('write', file, err);
      }
      await state.advanced(tx.install(data, overlay, rev, true), rev);
      if (journal.size() > Math.max(state.snapshotBytes(), compactFrom))
        compacting ??= compact().finally(() => (compacting = undefined));
    });

  const queue = writeQueue(commit);

  await underLock(async () => {
    await removeStaleTemps(file);
    await removeStaleTemps(journal.path);
    await pruneGenerations(file, generations);
  }, false);

  return {
    location: file,
    async read(fn) {
      if (!holding) await state.sync({ forRead: true });
      return tx.read(state.data(), fn);
    },
    write: (fn) => queue.write(fn),
    async close() {
      await queue.idle();
      await compacting;
      await exclusive;
      state.close();
    },
  };
}
