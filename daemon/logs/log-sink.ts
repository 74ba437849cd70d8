/**
 * The daemon log's file writer (ADR 0011, 0017). Lines are gathered into writes of at least
 * `batchBytes` and written at least every `flushMs`. A write the file system refuses — a full disk
 * above all — never throws, never blocks and is not retried in a loop: the lines wait in a bounded
 * buffer and are tried again at the next tick; lines beyond the bound are dropped and counted, and
 * the first write that works again ends with a line saying how many were dropped. The file is
 * 0600 and its directory 0700 whatever the umask, also when they already existed more open.
 */
import { close, writeSync } from 'node:fs';
import {
  appendOnce,
  fstatAsync,
  ftruncateAsync,
  openPrivate,
  reasonOf,
  type WriteFn,
} from './log-file-io.js';

export type { WriteFn };

/** How the log sink batches and degrades. */
export interface LogSinkOptions {
  /** Smallest write of buffered lines, in bytes (default 4 KiB). */
  batchBytes?: number;
  /** Longest a line waits in the buffer, in ms (default 250). */
  flushMs?: number;
  /** Most bytes of lines kept while the file cannot be written (default 1 MiB); later ones are dropped. */
  maxPendingBytes?: number;
  /** Told once when writing starts to fail and once when it works again (the daemon: stderr). */
  notice?: (message: string) => void;
  /** The write used (tests pass one that fails). */
  write?: WriteFn;
}

/** The destination pino writes to. */
export interface LogSink {
  /** Takes one serialised line; never throws. */
  write(line: string): void;
  /** Writes what is buffered now (one attempt), then calls `cb`. */
  flush(cb?: () => void): void;
  /** One synchronous attempt to write what is buffered, for process exit; never throws. */
  flushSync(): void;
  /** Lines dropped and not reported yet. */
  readonly dropped: number;
  /** Stops the periodic flush (the descriptor closes with the process). */
  stop(): void;
  /** After the write under way, continues in a newly opened `file` (logrotate moved the old one). */
  reopen(): Promise<void>;
}

/** Opens `file` for appending (creating it and its directory private) and returns its sink. */
export function openLogSink(file: string, o: LogSinkOptions = {}): LogSink {
  const batchBytes = o.batchBytes ?? 4096;
  const maxPending = o.maxPendingBytes ?? 1024 * 1024;
  const writeOnce = o.write ?? appendOnce;
  let fd = openPrivate(file);

  let pending: string[] = [];
  /** Bytes of lines held: waiting, and in the write under way. */
  let held = 0;
  let dropped = 0;
  let droppedAudit = 0;
  /** Set while writes fail: why, for the dropped-lines line. */
  let failing: { why: string } | undefined;
  /** A failed write left part of a line that could not be cut off: start the next one on a new line. */
  let torn = false;
  let inFlight: Promise<void> | undefined;

  const droppedLine = () =>
    `${JSON.stringify({
      level: 40,
      time: Date.now(),
      pid: process.pid,
      dropped,
      ...(droppedAudit ? { dropped_audit: droppedAudit } : {}),
      msg: `${dropped} log line${dropped === 1 ? '' : 's'} dropped while ${failing?.why ?? 'the log could not keep up'}${droppedAudit ? ` (${droppedAudit} of them audit lines)` : ''}`,
    })}\n`;

  /** The bytes of one write: the lines, and the dropped-lines line when some were dropped. */
  const batch = (lines: string[]) => {
    const text = lines.join('');
    const counted = { dropped, droppedAudit };
    const buf = Buffer.from(`${torn ? '\n' : ''}${text}${dropped ? droppedLine() : ''}`);
    return { buf, bytes: Buffer.byteLength(text), counted };
  };
  /** After a write of `bytes` of lines that reported `counted` dropped ones. */
  const written = (bytes: number, counted: { dropped: number; droppedAudit: number }) => {
    held -= bytes;
    dropped -= counted.dropped;
    droppedAudit -= counted.droppedAudit;
    torn = false;
  };

  const writeOut = async () => {
    const lines = pending;
    pending = [];
    const { buf, bytes, counted } = batch(lines);
    let done = 0;
    try {
      while (done < buf.length) done += await writeOnce(fd, buf.subarray(done));
      written(bytes, counted);
      if (failing) o.notice?.(`razor daemon: ${file} is written again`);
      failing = undefined;
    } catch (err) {
      // Cut off what part of this write landed; the lines wait for the next try.
      if (done > 0)
        torn = !(await fstatAsync(fd)
          .then((st) => ftruncateAsync(fd, Math.max(0, st.size - done)))
          .then(
            () => true,
            () => false,
          ));
      pending = lines.concat(pending);
      if (!failing) {
        failing = { why: reasonOf(err as NodeJS.ErrnoException) };
        o.notice?.(
          `razor daemon: cannot write ${file}: ${(err as Error).message}; up to ${maxPending} bytes of log lines wait, later ones are dropped and counted`,
        );
      }
    }
  };

  const hasWork = () => pending.length > 0 || dropped > 0;
  // A full batch that gathered during a write goes out right after it (unless writes fail).
  const start = (): Promise<void> =>
    (inFlight = writeOut().finally(() => {
      inFlight = undefined;
      if (!failing && held >= batchBytes) void start();
    }));
  /** One attempt at what is buffered now, after the write under way. */
  const drain = (): Promise<void> =>
    inFlight ? inFlight.then(drain) : hasWork() ? start() : Promise.resolve();

  const timer = setInterval(() => {
    if (!inFlight && hasWork()) void start();
  }, o.flushMs ?? 250);
  timer.unref();

  return {
    write(line) {
      const bytes = Buffer.byteLength(line);
      if (held + bytes > maxPending) {
        dropped++;
        if (line.includes('"audit":true')) droppedAudit++;
        return;
      }
      pending.push(line);
      held += bytes;
      // While writes fail, only the timer tries again: no write per line on a full disk.
      if (!inFlight && !failing && held >= batchBytes) void start();
    },
    flush(cb) {
      void drain().then(() => cb?.());
    },
    flushSync() {
      if (!hasWork()) return;
      const { buf, bytes, counted } = batch(pending);
      try {
        for (let done = 0; done < buf.length;) done += writeSync(fd, buf, done);
        pending = [];
        written(bytes, counted);
      } catch {
        // Exiting with a full disk: the lines are lost, as the process is.
      }
    },
    get dropped() {
      return dropped;
    },
    stop() {
      clearInterval(timer);
    },
    async reopen() {
      while (inFlight) await inFlight;
      const old = fd;
      fd = openPrivate(file);
      close(old, () => undefined);
    },
  };
}
