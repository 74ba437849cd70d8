/**
 * Events on their way into the journal: a committed transaction hands its events over and goes on
 * at once (a node's request never waits for the journal); they are appended in batches, in order.
 * A failed append (a full disk) loses that batch — reported, never thrown at a request.
 */
import type { PendingEvent } from './event-types.js';
import type { EventJournal } from './journal.js';

/** A batching writer of events into a journal. */
export interface EventOutbox {
  /** Queues events (returns at once). */
  push(events: readonly PendingEvent[]): void;
  /** Resolves when everything pushed so far has been appended (or reported lost). */
  flush(): Promise<void>;
}

/** An outbox for `journal`; `lost` hears of batches that could not be appended. */
export function eventOutbox(
  journal: Pick<EventJournal, 'append'>,
  lost: (err: Error, count: number) => void,
): EventOutbox {
  let pending: PendingEvent[] = [];
  let draining: Promise<void> | undefined;
  const drain = async () => {
    // Lets the other requests of this tick add theirs: one append for all of them.
    await new Promise((r) => setImmediate(r));
    while (pending.length) {
      const batch = pending;
      pending = [];
      try {
        await journal.append(batch);
      } catch (err) {
        lost(err as Error, batch.length);
      }
    }
    draining = undefined;
  };
  return {
    push(events) {
      if (!events.length) return;
      pending.push(...events);
      draining ??= drain();
    },
    async flush() {
      while (draining) await draining;
    },
  };
}
