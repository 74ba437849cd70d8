/**
 * When each node last checked in, kept in memory and written to the store in batches (ADR 0027):
 * a steady-state checkin (same node, same state, nothing to bind) writes nothing. The time is
 * written every `LAST_SEEN_FLUSH_MS` through the ordinary write path (one transaction setting
 * `checked_in_at` on every node seen since, a journal line of a few dozen bytes per node), and when
 * the daemon stops. So the store — and the CLI, another process reading it — lags by at most that
 * much, and a daemon killed with SIGKILL loses at most that much of last-seen times (never a
 * registration, a state change or a binding: those are written at once). Decisions in the daemon
 * (`register_timeout`) use the time held here.
 */
import type { Store } from '../store/store.js';

/** How long a checkin's time may wait in memory before it is in the store. */
export const LAST_SEEN_FLUSH_MS = 5_000;

/** Nodes per flush transaction: requests are served between them (no long pause of the event loop). */
const PER_TRANSACTION = 500;

/** The last-seen times of one daemon. */
export interface LastSeen {
  /** Records that node `uuid` checked in at `atMs` (kept if later than what is known). */
  note(uuid: string, atMs: number): void;
  /** The latest time known for node `uuid` that may not be in the store yet. */
  get(uuid: string): number | undefined;
  /** Writes the times noted since the last flush; resolves with how many. */
  flush(): Promise<number>;
  /** Flushes every `everyMs` from now on (the timer does not keep the process alive). */
  start(everyMs?: number): void;
  /** Stops the timer and writes what is pending. */
  close(): Promise<void>;
}

/** Last-seen times written to `store`. */
export function lastSeen(store: Store): LastSeen {
  const known = new Map<string, number>();
  let pending = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<number> | undefined;
  const keep = (into: Map<string, number>, uuid: string, atMs: number) => {
    if ((into.get(uuid) ?? -Infinity) < atMs) into.set(uuid, atMs);
  };
  const write = async (): Promise<number> => {
    const batch = pending;
    pending = new Map();
    if (batch.size === 0) return 0;
    const entries = [...batch];
    try {
      for (let i = 0; i < entries.length; i += PER_TRANSACTION) {
        const part = entries.slice(i, i + PER_TRANSACTION);
        const patches = new Map(
          part.map(([uuid, atMs]) => [uuid, { checked_in_at: new Date(atMs).toISOString() }]),
        );
        await store.write((w) => w.patchMany('node', patches));
      }
    } catch (err) {
      // Kept for the next attempt (the store is unavailable: a full disk, a held lock).
      for (const [uuid, atMs] of batch) keep(pending, uuid, atMs);
      throw err;
    }
    return batch.size;
  };
  const flush = () => (flushing ??= write().finally(() => (flushing = undefined)));
  return {
    note(uuid, atMs) {
      keep(known, uuid, atMs);
      keep(pending, uuid, atMs);
    },
    get: (uuid) => known.get(uuid),
    flush,
    start(everyMs = LAST_SEEN_FLUSH_MS) {
      if (timer) return;
      timer = setInterval(() => void flush().catch(() => undefined), everyMs);
      timer.unref();
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await flushing?.catch(() => undefined);
      await flush();
    },
  };
}
