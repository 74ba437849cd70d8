/**
 * A live view of a home's event journal: polls the file for appended lines (by whichever process)
 * and hands each new event to subscribers, in order, once; keeps the newest events for replay.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseEvents, type EventJournal } from './journal.js';
import type { RazorEvent } from './event-types.js';

/** A subscription to new events. */
export type EventListener = (e: RazorEvent) => void;

/** The feed of one journal. */
export interface EventFeed {
  /** Calls `fn` for every event appended from now on; returns the unsubscribe function. */
  subscribe(fn: EventListener): () => void;
  /** Kept events numbered after `seq` (the newest `keep`), oldest first. */
  recent(seq: number): RazorEvent[];
  /** The newest event number seen. */
  lastSeq(): number;
  /** Reads what was appended since the last poll (the timer calls this; tests may too). */
  poll(): Promise<void>;
  start(): Promise<void>;
  stop(): void;
}

/** Bytes of `file` from `from` to its end, and its inode (null when it does not exist). */
async function tail(file: string, from: number) {
  let fh;
  try {
    fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const st = await fh.stat();
    const buf = Buffer.alloc(Math.max(0, st.size - Math.min(from, st.size)));
    if (buf.length) await fh.read(buf, 0, buf.length, from);
    return { ino: st.ino, buf };
  } finally {
    await fh.close();
  }
}

/** A feed over `journal`, polling every `intervalMs`, keeping the newest `keep` events. */
export function eventFeed(
  journal: Pick<EventJournal, 'file'>,
  opts: { intervalMs?: number; keep?: number; keepAlive?: boolean; onError?: (err: Error) => void } = {},
): EventFeed {
  const keep = opts.keep ?? 1000;
  const listeners = new Set<EventListener>();
  let kept: RazorEvent[] = [];
  let last = 0;
  let at = { ino: -1, offset: 0 };
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  const take = (events: RazorEvent[]) => {
    for (const e of events) {
      if (e.seq <= last) continue;
      last = e.seq;
      kept.push(e);
      for (const fn of listeners) fn(e);
    }
    if (kept.length > keep * 2) kept = kept.slice(-keep);
  };
  /** Consumes whole lines of `buf`; returns the bytes used. */
  const lines = (buf: Buffer) => {
    const end = buf.lastIndexOf(0x0a) + 1;
    take(parseEvents(buf.subarray(0, end).toString('utf8')));
    return end;
  };
  const once = async () => {
    const now = await tail(journal.file, Infinity);
    if (at.ino !== -1 && now?.ino !== at.ino) {
      // Rotated: finish the old file (now `.1`), then read the new one from its start.
      const old = await tail(`${journal.file}.1`, at.offset);
      if (old && old.ino === at.ino) at.offset += lines(old.buf);
      if (!now) return;
      at = { ino: now.ino, offset: 0 };
    }
    const t = await tail(journal.file, at.offset);
    if (!t) return;
    if (at.ino === -1) at.ino = t.ino;
    at.offset += lines(t.buf);
  };
  const poll = () => (polling ??= once().finally(() => (polling = undefined)));
  return {
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    recent: (seq) => kept.filter((e) => e.seq > seq).slice(-keep),
    lastSeq: () => last,
    poll,
    async start() {
      // The journal so far: kept for replay (announced only to those already subscribed).
      const older = await tail(`${journal.file}.1`, 0);
      if (older) lines(older.buf);
      const t = await tail(journal.file, 0);
      at = t ? { ino: t.ino, offset: lines(t.buf) } : { ino: -1, offset: 0 };
      timer = setInterval(() => {
        poll().catch((err: Error) => opts.onError?.(err));
      }, opts.intervalMs ?? 200);
      // A daemon's feed never holds the process open; a CLI's `--follow` is what keeps it running.
      if (!opts.keepAlive) timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
