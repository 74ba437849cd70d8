/**
 * A store that fails on purpose, as matchbox's storage test fakes do: every transaction, or only
 * writes, reject with the error a real backend gives when its disk or server is gone. Tests use
 * it to show what a client sees when the store cannot answer.
 */
import { RazorError } from '../errors.js';
import type { Store } from './store.js';

/** Which transactions fail: only writes (reads pass through), or everything. */
export type FailingWhat = 'writes' | 'all';

/** A store whose writes (and, with `all`, reads) reject; reads that may pass go to `inner`. */
export function failingStore(
  inner: Store,
  what: FailingWhat = 'all',
  message = 'the store is unavailable',
): Store {
  const failure = () => Promise.reject(new RazorError('StoreUnavailable', message));
  return {
    location: `failing:${inner.location}`,
    read: (fn) => (what === 'writes' ? inner.read(fn) : failure()),
    write: () => failure(),
    close: () => inner.close(),
  };
}
