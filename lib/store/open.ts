/**
 * Opens the configured store lazily — the embedded file at `persist_path`, or PostgreSQL when
 * `store` is a postgres:// URL: commands that never touch data never touch the disk or the network.
 * The PostgreSQL client is loaded only then (a daemon on the embedded store saves its memory).
 */
import { openJsonStore, type JsonStoreOptions } from './json-store.js';
import { isPostgresUrl, redactStoreUrl } from './pg-url.js';
import { RAZOR_REQUIRED_FIELDS } from './store-shape.js';
import type { Store } from './store.js';
import type { Config } from '../config.js';

/** How an embedded store is opened (JsonStoreOptions of the config's keys). */
export type EmbeddedOptions = Pick<JsonStoreOptions, 'generations' | 'journalFrom' | 'internStrings'>;

/** Opens the store `where` names: a postgres:// URL, or the path of an embedded store file. */
export function openStoreAt(where: string, o: EmbeddedOptions = {}): Promise<Store> {
  return isPostgresUrl(where)
    ? import('./postgres-store.js').then((pg) => pg.openPostgresStore(where))
    : openJsonStore(where, { ...o, requiredFields: RAZOR_REQUIRED_FIELDS });
}

/** A Store that opens the configured backend on first use; `internStrings` for a long-lived process. */
export function lazyStore(config: Config, o: { internStrings?: boolean } = {}): Store {
  let opened: Promise<Store> | undefined;
  const { store: url, persist_path: file, store_generations: generations } = config.values;
  const journalFrom = config.values.store_journal_from;
  // A store that failed to open (a server not up yet) is tried again by the next transaction.
  const get = () =>
    (opened ??= openStoreAt(url || file, { generations, journalFrom, ...o }).catch((err: unknown) => {
      opened = undefined;
      throw err;
    }));
  return {
    location: url ? redactStoreUrl(url) : file,
    read: async (fn) => (await get()).read(fn),
    write: async (fn) => (await get()).write(fn),
    close: async () => {
      const store = await opened?.catch(() => undefined);
      await store?.close();
    },
  };
}
