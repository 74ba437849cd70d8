/**
 * The store's errors, all `StoreUnavailable`: a write the file system refused (a full disk, a
 * read-only one, no permission) and a file that cannot be used — with, for the latter, the newest
 * good generation to restore and the exact command (ADR 0017).
 */
import { RazorError } from '../errors.js';
import { newestGoodGeneration, restoreAdvice } from './generations.js';
import type { RequiredFields } from './store-shape.js';

/** Why the file system refused, in words an operator acts on. */
export function systemReason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left on the device';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return err.message ?? String(err);
  }
}

/** A failed read or write of the store `file`; nothing was changed. */
export function storeError(action: string, file: string, err: unknown): RazorError {
  if (err instanceof RazorError) return err;
  return new RazorError(
    'StoreUnavailable',
    `could not ${action} the store ${file}: ${systemReason(err as NodeJS.ErrnoException)}; nothing was changed`,
  );
}

/**
 * The store `file` is there but cannot be used (`why`: not JSON, or the wrong structure): says so,
 * and how to restore the newest generation that loads.
 */
export async function unusableStoreError(
  file: string,
  why: string,
  required: RequiredFields = {},
): Promise<RazorError> {
  const advice = restoreAdvice(file, await newestGoodGeneration(file, required));
  return new RazorError('StoreUnavailable', `the store ${file} cannot be used: ${why}; ${advice}`);
}
