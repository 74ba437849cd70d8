/**
 * The daemon's log file. Lines are gathered into writes of at least 4 KiB and flushed at least
 * every 250 ms, so a busy boot path costs one write per ~25 request lines instead of one each
 * (ADR 0011); audit lines and errors are flushed at once (request-log.ts).
 */
import pino, { type Logger } from 'pino';

/** Smallest write of buffered lines, in bytes. */
const BATCH_BYTES = 4096;
/** Longest a line waits in the buffer, in ms (`razor log -t` sees it after that). */
const FLUSH_MS = 250;

/** A logger writing JSON lines to `file` (created with its directory when missing). */
export function fileLogger(file: string, level: string, flushMs = FLUSH_MS): Logger {
  return pino(
    { level },
    pino.destination({
      dest: file,
      sync: false,
      mkdir: true,
      minLength: BATCH_BYTES,
      periodicFlush: flushMs,
    }),
  );
}
