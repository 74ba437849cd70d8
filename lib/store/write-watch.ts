/**
 * A store that notes whether anything was written through it: the CLI audits the calls that
 * changed the store (ADR 0025), whichever verb made the change.
 */
import type { Store, StoreWriter } from './store.js';

/** A watched store and whether a write transaction changed anything and committed. */
export interface WatchedStore {
  readonly store: Store;
  changed(): boolean;
}

/** Wraps `inner`: a transaction that put or removed a document and committed counts as a change. */
export function watchWrites(inner: Store): WatchedStore {
  let changed = false;
  const watched = (w: StoreWriter, touched: { yes: boolean }): StoreWriter =>
    new Proxy(w, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if ((prop !== 'put' && prop !== 'remove') || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          touched.yes = true;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const store: Store = {
    location: inner.location,
    read: (fn) => inner.read(fn),
    write: async (fn) => {
      const touched = { yes: false };
      const result = await inner.write((w) => fn(watched(w, touched)));
      if (touched.yes) changed = true;
      return result;
    },
    close: () => inner.close(),
  };
  return { store, changed: () => changed };
}
