/** Builds the dispatcher's dependencies from the environment: config, store, catalog, templates. */
import { join } from 'node:path';
import { loadConfig, type ConfigKey } from '../lib/config.js';
import { loadCatalog, templatesRoots } from '../lib/domain/catalog.js';
import { templateLoader } from '../lib/domain/render-template.js';
import { lazyStore } from '../lib/store/open.js';
import { newUuid } from '../lib/domain/uuid.js';
import type { Deps } from '../lib/verbs/context.js';

/** Loads config (env + flags), and opens the store and catalog for `root`. */
export async function buildDeps(
  root: string,
  env: NodeJS.ProcessEnv,
  flags: Partial<Record<ConfigKey, unknown>> = {},
): Promise<Deps> {
  const config = loadConfig({ env, flags });
  const templates = join(root, 'templates');
  return {
    config,
    store: lazyStore(config),
    catalog: await loadCatalog(templatesRoots(templates, config)),
    template: templateLoader(templates),
    clock: () => new Date(),
    newUuid,
    env,
  };
}
