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
import { emptyFile, type StoreFile } from './snapshot.js';
import { transactions } from './transactions.js';
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
  const tx = transactions();
  const onDisk = heldFile(file);

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
      return fn(tx.read(db.data));
    },
    write(fn) {
      const run = async () => {
        const lock = await acquireLock(file, lockOpts);
        try {
          await refresh();
          const { result, next } = await tx.write(db.data, (loadedRev ?? 0) + 1, fn);
          if (!next) return result;
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
