/**
 * The daemon's log file. Lines are gathered into writes of at least 4 KiB and flushed at least
 * every 250 ms, so a busy boot path costs one write per ~25 request lines instead of one each
 * (ADR 0011); audit lines and errors are flushed at once (request-log.ts). A full disk degrades
 * the log, never the daemon: lines wait in a bounded buffer, the rest are dropped and counted
 * (log-sink.ts). Secrets never reach it: secret fields, and all but the first characters of active
 * model UUIDs, are redacted from every line (log-redact.ts). The file is 0600 (ADR 0017).
 */
import pino, { type Logger } from 'pino';
import { openLogSink, type LogSinkOptions } from './log-sink.js';
import { redactLogObject, redactValue, secretNames } from './log-redact.js';

/** How the daemon log is written. */
export interface FileLoggerOptions extends LogSinkOptions {
  /** Field names declared secret (the catalog's `secret: true` metadata); the usual names always are. */
  secretKeys?: Iterable<string>;
}

/** The daemon's logger, which can move on to a new file after logrotate. */
export type FileLogger = Logger & { reopen(): Promise<void> };

/** A logger writing JSON lines to `file` (created private, with its directory, when missing). */
export function fileLogger(file: string, level: string, o: FileLoggerOptions = {}): FileLogger {
  const sink = openLogSink(file, o);
  const names = secretNames(o.secretKeys ?? []);
  // No retries at exit: one attempt to write what is buffered (a full disk loses it, nothing hangs).
  process.once('exit', () => sink.flushSync());
  const logger = pino(
    {
      level,
      formatters: { log: (obj) => redactLogObject(obj, names) },
      serializers: { err: (err: Error) => redactValue(pino.stdSerializers.err(err), names) },
    },
    sink,
  );
  return Object.assign(logger, { reopen: () => sink.reopen() });
}
