/**
 * PostgreSQL failures in words an operator acts on: which server, what went wrong and what to fix
 * — never a driver stack trace. Everything here is `StoreUnavailable`.
 */
import { RazorError } from '../errors.js';

/** SQLSTATEs of a transaction that lost a race and may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);

/** Whether `err` is a serialization failure or deadlock: the transaction is retried. */
export function isRetryable(err: unknown): boolean {
  return RETRYABLE.has((err as { code?: string })?.code ?? '');
}

/** What went wrong talking to the server at `where`, and what to fix. */
export function pgReason(err: unknown, where: string): string {
  const e = err as { code?: string; message?: string };
  switch (e.code) {
    case 'ECONNREFUSED':
      return `nothing answers at ${where}: start PostgreSQL there or fix host and port in 'store'`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host of ${where} is not known: fix the host in 'store'`;
    case 'ENOENT':
      return `no PostgreSQL socket at ${where}: start the server or fix the socket directory in 'store'`;
    case 'ETIMEDOUT':
      return `${where} did not answer in time: check the server and the network`;
    case '28P01':
    case '28000':
      return `the server at ${where} refused the user name or password: fix them in 'store'`;
    case '3D000':
      return `the database in ${where} does not exist: create it (createdb) or fix its name in 'store'`;
    case '42501':
      return `the user in ${where} lacks a privilege razor needs (${e.message}): grant it or use the database owner`;
    case '53300':
      return `the server at ${where} has no free connections: raise max_connections or stop other clients`;
    case '57P01':
    case '57P03':
    case '08006':
    case '08001':
    case '08003':
      return `the server at ${where} went away (${e.message}): check it is running`;
    default:
      return e.message ?? String(err);
  }
}

/** A failure to `action` the PostgreSQL store at `where`; RazorErrors pass through unchanged. */
export function pgError(action: string, where: string, err: unknown): RazorError {
  if (err instanceof RazorError) return err;
  return new RazorError(
    'StoreUnavailable',
    `could not ${action} the store ${where}: ${pgReason(err, where)}; nothing was changed`,
  );
}
