/**
 * The request log: one line per answered request (id, method, URL, status, time, who), and the
 * audit trail — admin changes, with the token that made them (`razor log --audit`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/** Per-request ids, `<time>-<counter>` in base 36: unique within a daemon's life, sortable by time. */
export function requestIds(): () => string {
  let counter = 0;
  return () => `${Date.now().toString(36)}-${(counter++).toString(36)}`;
}

/** What one request's log line needs, known when it starts. */
export interface RequestStart {
  id: string;
  /** performance.now() when it arrived. */
  started: number;
}

/** Writes the line for a request that has been answered; `who` is set when authorization ran. */
export function logRequest(
  log: Logger,
  req: IncomingMessage & { originalUrl?: string },
  res: ServerResponse,
  start: RequestStart,
  who: string | undefined,
): void {
  const ms = Math.round((performance.now() - start.started) * 1000) / 1000;
  // Admin changes are the audit trail: who (which token), what, when (`razor log --audit`).
  const audit = who !== undefined && who !== 'node' && req.method !== 'GET' && req.method !== 'HEAD';
  const line = {
    req_id: start.id,
    method: req.method,
    url: req.originalUrl ?? req.url,
    status: res.statusCode,
    ms,
    who,
  };
  if (!audit) return void log.info(line, 'request');
  log.info({ ...line, audit }, 'request');
  // The audit trail is not left in the log file's buffer (log-file.ts).
  log.flush();
}
