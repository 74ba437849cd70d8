/**
 * Group commit (ADR 0027): write transactions queued while a commit is under way are run together,
 * in order, each over the changes of those before it, and committed with one file write and one
 * fsync. Each still succeeds or fails alone: one that throws is refused at once and the batch goes
 * on without its changes; the others are acknowledged only once their batch is durable.
 */
import { emptyOverlay, type Overlay, type StoreFile } from './snapshot.js';
import type { Transactions } from './transactions.js';
import type { StoreWriter } from './store.js';

/** A queued write transaction. */
interface Queued {
  fn: (w: StoreWriter) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** One batch's transactions, to run and then acknowledge (or fail) together. */
export interface Batch {
  /** Runs the transactions over `data`; the overlay of those that did not throw (maybe empty). */
  run(tx: Transactions, data: StoreFile): Promise<Overlay>;
  /** Acknowledges the transactions that did not throw. */
  done(): void;
  /** Fails every transaction not yet settled with `err` (the commit failed). */
  fail(err: unknown): void;
}

function batchOf(queued: Queued[]): Batch {
  const succeeded: Array<() => void> = [];
  let settled = false;
  return {
    async run(tx, data) {
      let overlay = emptyOverlay();
      for (const q of queued) {
        try {
          const out = await tx.write(data, overlay, q.fn);
          overlay = out.overlay;
          succeeded.push(() => q.resolve(out.result));
        } catch (err) {
          q.reject(err);
        }
      }
      return overlay;
    },
    done() {
      settled = true;
      for (const ack of succeeded) ack();
    },
    fail(err) {
      if (settled) return;
      settled = true;
      for (const q of queued) q.reject(err);
    },
  };
}

/** A write queue: `commit` runs one batch at a time with everything queued when it starts. */
export function writeQueue(commit: (batch: Batch) => Promise<void>) {
  const queue: Queued[] = [];
  let running: Promise<void> | undefined;
  const drain = async () => {
    while (queue.length) {
      const batch = batchOf(queue.splice(0));
      try {
        await commit(batch);
        batch.done();
      } catch (err) {
        batch.fail(err);
      }
    }
    running = undefined;
  };
  return {
    write<T>(fn: (w: StoreWriter) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
        running ??= Promise.resolve().then(drain);
      });
    },
    /** Resolves when nothing is queued or running. */
    async idle(): Promise<void> {
      while (running) await running;
    },
  };
}
