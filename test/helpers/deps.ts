/** Test wiring: real dependencies (config, JSON store, catalog, templates) for a temporary RAZOR_HOME. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../lib/config.js';
import { loadCatalog, templatesRoots, type Catalog } from '../../lib/domain/catalog.js';
import { templateLoader } from '../../lib/domain/render-template.js';
import { openJsonStore } from '../../lib/store/json-store.js';
import { newUuid } from '../../lib/domain/uuid.js';
import type { Deps } from '../../lib/verbs/context.js';
import type { Store } from '../../lib/store/store.js';

/** The checkout root (this file is test/helpers/deps.ts). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The catalog of the built-in templates/ folder. */
export const builtInCatalog = (): Promise<Catalog> => loadCatalog(join(ROOT, 'templates'));

/** The environment a test razor runs with: its own home, no colour, a fixed server address. */
export function testEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, RAZOR_HOME: home, NO_COLOR: '1', RAZOR_IMAGE_SVC_HOST: '10.0.2.2', ...extra };
}

/** Real deps over the store in `home`. */
export async function testDeps(home: string, env: Record<string, string> = {}): Promise<Deps> {
  const fullEnv = testEnv(home, env);
  const config = loadConfig({ env: fullEnv });
  return {
    config,
    store: await openJsonStore(config.values.persist_path),
    catalog: await loadCatalog(templatesRoots(join(ROOT, 'templates'), config)),
    template: templateLoader(join(ROOT, 'templates')),
    clock: () => new Date(),
    newUuid,
    env: fullEnv,
  };
}

/** Real catalog and templates over an in-memory store (no disk), for handler-level tests. */
export async function memoryDeps(
  home: string,
  store: Store,
  env: Record<string, string> = {},
): Promise<Deps> {
  const fullEnv = testEnv(home, env);
  return {
    config: loadConfig({ env: fullEnv }),
    store,
    catalog: await loadCatalog(join(ROOT, 'templates')),
    template: templateLoader(join(ROOT, 'templates')),
    clock: () => new Date('2026-12-05T10:00:00.000Z'),
    newUuid,
    env: fullEnv,
  };
}
