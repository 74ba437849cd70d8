/**
 * One hook's deliveries: from its cursor on, the events of the journal in order, one at a time,
 * those of the hook's types delivered — a failure retried with backoff up to the hook's attempts,
 * then counted failed and passed over. Events gone from the journal before the hook got to them
 * are counted dropped. New events come from the feed's memory when it still has them, else from
 * the journal file; nothing here is on a node's request path.
 */
import { hookWants } from '../../lib/hooks/hook-status.js';
import { retryDelayMs } from './backoff.js';
import type { DeliveryOutcome, HookEvent } from '../../lib/hooks/deliver.js';
import type { HookDoc } from '../../lib/hooks/hook-doc.js';
import type { EventFeed } from '../../lib/events/feed.js';
import type { EventJournal } from '../../lib/events/journal.js';
import type { RazorEvent } from '../../lib/events/event-types.js';
import type { HookStateBook } from './state-book.js';

/** Where the dispatcher's messages go (the daemon's log). */
export interface HookLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** What a hook's worker needs. */
export interface HookWorkerDeps {
  journal: Pick<EventJournal, 'readAfter'>;
  feed: Pick<EventFeed, 'recent' | 'lastSeq'>;
  book: HookStateBook;
  /** One attempt; aborted by `signal` when the worker stops. */
  deliver(hook: HookDoc, event: HookEvent, signal: AbortSignal): Promise<DeliveryOutcome>;
  retryBaseMs: number;
  clock(): Date;
  /** Hears of every attempt (the metrics). */
  attempted(hook: string, ok: boolean): void;
  log: HookLog;
}

/** A running worker. */
export interface HookWorker {
  /** New events may be there. */
  wake(): void;
  /** Ends the worker (an attempt under way is aborted; its event is delivered again next time). */
  stop(): Promise<void>;
}

/** Events read at a time. */
const BATCH = 100;
/** How long an idle worker waits before looking again without being woken. */
const IDLE_RECHECK_MS = 5000;

/** Starts delivering to `hook` from its recorded cursor (or `startCursor` for a new hook). */
export function hookWorker(hook: HookDoc, startCursor: number, d: HookWorkerDeps): HookWorker {
  const stopping = new AbortController();
  let wakeUp: (() => void) | undefined;
  let woken = false;
  const status = () => d.book.status(hook.name, hook.uuid, startCursor);
  /** Waits for `ms`, or until `stop`. */
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      stopping.signal.addEventListener('abort', done);
    });
  /** Waits until `wake` (new events) or `stop`; at most a few seconds, in case a wake was missed. */
  const newEvents = async () => {
    if (!woken && !stopping.signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => wakeUp?.(), IDLE_RECHECK_MS);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    wakeUp = undefined;
    woken = false;
  };
  const next = async (cursor: number): Promise<RazorEvent[]> => {
    const kept = d.feed.recent(cursor);
    if (kept[0]?.seq === cursor + 1) return kept.slice(0, BATCH);
    if (d.feed.lastSeq() <= cursor) return [];
    return d.journal.readAfter(cursor, BATCH);
  };
  const now = () => d.clock().toISOString();
  /** Delivers `e` until it succeeds or the attempts are used up; false when stopped first. */
  const deliver = async (e: RazorEvent): Promise<boolean> => {
    for (let attempt = 1; ; attempt++) {
      const outcome = await d.deliver(hook, e, stopping.signal);
      if (stopping.signal.aborted) return false;
      d.attempted(hook.name, outcome.ok);
      if (outcome.ok) {
        d.book.update(hook.name, (s) => {
          s.delivered++;
          s.last_success = { at: now(), seq: e.seq };
        });
        return true;
      }
      const error = outcome.error ?? 'failed';
      const last = attempt >= hook.max_attempts;
      d.book.update(hook.name, (s) => {
        s.last_error = { at: now(), seq: e.seq, error };
        if (last) s.failed++;
      });
      d.log.warn(
        { hook: hook.name, seq: e.seq, event: e.type, attempt, error },
        last ? 'hook delivery failed, event passed over' : 'hook delivery failed, will retry',
      );
      if (last) return true;
      await sleep(retryDelayMs(attempt, d.retryBaseMs));
      if (stopping.signal.aborted) return false;
    }
  };
  const run = async () => {
    while (!stopping.signal.aborted) {
      let batch: RazorEvent[];
      try {
        batch = await next(status().cursor);
      } catch (err) {
        d.log.warn({ hook: hook.name, err }, 'hook: the event journal could not be read');
        await sleep(1000);
        continue;
      }
      if (!batch.length) await newEvents();
      for (const e of batch) {
        const missed = e.seq - status().cursor - 1;
        if (missed > 0) {
          d.book.update(hook.name, (s) => (s.dropped += missed));
          d.log.warn({ hook: hook.name, missed }, 'hook: events left the journal before they were delivered');
        }
        if (hookWants(hook.events, e.type) && !(await deliver(e))) return;
        d.book.update(hook.name, (s) => (s.cursor = e.seq));
      }
    }
  };
  status();
  // Nothing in run() should throw; if it does, the hook stops, the daemon does not.
  const running = run().catch((err: Error) => d.log.warn({ hook: hook.name, err }, 'hook worker stopped'));
  return {
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop() {
      stopping.abort();
      wakeUp?.();
      await running;
    },
  };
}
