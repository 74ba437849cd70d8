/**
 * The event journal of a razor home (`$RAZOR_HOME/events/events.jsonl`): one JSON event per line,
 * numbered under the journal's lock by whichever process committed the change — the daemon or a
 * local CLI — so the numbers of one home are strictly increasing across processes. Past
 * `rotateBytes` the file becomes `events.jsonl.1` (the one before is dropped): the journal is the
 * bounded, durable queue hooks are delivered from and `--follow` reads.
 */
import { constants } from 'node:fs';
import { mkdir, open, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireLock } from '../store/lock.js';
import type { PendingEvent, RazorEvent } from './event-types.js';

/** Where a home's event journal lives. */
export const eventsDir = (home: string) => join(home, 'events');

/** A home's event journal. */
export interface EventJournal {
  /** The current file. */
  readonly file: string;
  /** Numbers and appends `events`; returns them numbered. */
  append(events: readonly PendingEvent[]): Promise<RazorEvent[]>;
  /** Events numbered after `seq`, oldest first (from the rotated file too), at most `limit`. */
  readAfter(seq: number, limit?: number): Promise<RazorEvent[]>;
  /** The newest event's number (0 when there is none). */
  lastSeq(): Promise<number>;
}

/** Default size past which the journal rotates. */
export const ROTATE_BYTES = 8 * 1024 * 1024;
const TAIL = 64 * 1024;

/** The events of a journal file's text; a torn last line (a crash mid-append) is skipped. */
export function parseEvents(text: string): RazorEvent[] {
  const out: RazorEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const e = JSON.parse(line) as RazorEvent;
      if (typeof e.seq === 'number' && typeof e.type === 'string') out.push(e);
    } catch {
      // torn or foreign line
    }
  }
  return out;
}

/** Reads `file` from byte `from` (whole file by default); '' when it does not exist. */
async function readFrom(file: string, from = 0): Promise<{ text: string; size: number }> {
  let fh;
  try {
    fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', size: 0 };
    throw err;
  }
  try {
    const { size } = await fh.stat();
    const start = Math.min(Math.max(0, from), size);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    return { text: buf.toString('utf8'), size };
  } finally {
    await fh.close();
  }
}

/** The last event number in `file` (0 when it has none). */
async function lastIn(file: string): Promise<number> {
  const size = await stat(file).then(
    (s) => s.size,
    () => 0,
  );
  const { text } = await readFrom(file, size - TAIL);
  return parseEvents(text).at(-1)?.seq ?? 0;
}

/** The journal of `home`. */
export function eventJournal(home: string, opts: { rotateBytes?: number } = {}): EventJournal {
  const dir = eventsDir(home);
  const file = join(dir, 'events.jsonl');
  const older = `${file}.1`;
  const rotateBytes = opts.rotateBytes ?? ROTATE_BYTES;
  const lastSeq = async () => (await lastIn(file)) || (await lastIn(older));
  return {
    file,
    lastSeq,
    async append(events) {
      if (!events.length) return [];
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const lock = await acquireLock(file, { timeoutMs: 10_000 });
      try {
        let seq = await lastSeq();
        const numbered = events.map((e) => ({ seq: ++seq, ...e }));
        const fh = await open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
        try {
          const { size } = await fh.stat();
          // After a torn line (a crash mid-append), start on a fresh line.
          const torn = size > 0 && (await readFrom(file, size - 1)).text !== '\n';
          const text = (torn ? '\n' : '') + numbered.map((e) => JSON.stringify(e)).join('\n') + '\n';
          await fh.write(text);
          if (size + text.length > rotateBytes) await rename(file, older);
        } finally {
          await fh.close();
        }
        return numbered;
      } finally {
        await lock.release();
      }
    },
    async readAfter(seq, limit = Infinity) {
      const current = parseEvents((await readFrom(file)).text);
      const first = current[0]?.seq ?? Infinity;
      const earlier = seq + 1 < first ? parseEvents((await readFrom(older)).text) : [];
      return [...earlier, ...current].filter((e) => e.seq > seq).slice(0, limit);
    },
  };
}
