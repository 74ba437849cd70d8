/** Opens the configured store lazily: commands that never touch data never touch the disk. */
import { openJsonStore } from './json-store.js';
import { RAZOR_REQUIRED_FIELDS } from './store-shape.js';
import type { Store } from './store.js';
import type { Config } from '../config.js';

/** A Store that opens the configured backend on first use. */
export function lazyStore(config: Config): Store {
  let opened: Promise<Store> | undefined;
  const get = () =>
    (opened ??= openJsonStore(config.values.persist_path, {
      generations: config.values.store_generations,
      journalFrom: config.values.store_journal_from,
      requiredFields: RAZOR_REQUIRED_FIELDS,
    }));
  return {
    location: config.values.persist_path,
    read: async (fn) => (await get()).read(fn),
    write: async (fn) => (await get()).write(fn),
    close: async () => {
      if (opened) await (await opened).close();
    },
  };
}
