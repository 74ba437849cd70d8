/** Builds the dispatcher's dependencies from the environment: config, store, catalog, templates. */
import { join } from 'node:path';
import { loadConfig, type ConfigKey } from '../lib/config.js';
import { loadCatalog, templatesRoots } from '../lib/domain/catalog.js';
import { templateLoader } from '../lib/domain/render-template.js';
import { cachedYamlParser } from '../lib/domain/yaml-cache.js';
import { lazyStore } from '../lib/store/open.js';
import { eventJournal } from '../lib/events/journal.js';
import { eventOutbox } from '../lib/events/outbox.js';
import { observeEvents } from '../lib/events/observed-store.js';
import { newUuid } from '../lib/domain/uuid.js';
import type { Deps } from '../lib/verbs/context.js';

/** Says on stderr that committed changes' events could not be journaled. */
function eventsLostToStderr(err: Error, count: number): void {
  process.stderr.write(`razor: ${count} event(s) of this change were not journaled: ${err.message}\n`);
}

/** How the process will use its deps. */
export interface DepsOptions {
  /** Told when committed changes' events could not be journaled (default: a line on stderr). */
  lost?: (err: Error, count: number) => void;
  /** A long-lived process (the daemon): the store shares repeated strings (ADR 0033). */
  longLived?: boolean;
}

/** Loads config (env + flags), and opens the store and catalog for `root`. */
export async function buildDeps(
  root: string,
  env: NodeJS.ProcessEnv,
  flags: Partial<Record<ConfigKey, unknown>> = {},
  o: DepsOptions = {},
): Promise<Deps> {
  const lost = o.lost ?? eventsLostToStderr;
  const config = loadConfig({ env, flags });
  const templates = join(root, 'templates');
  const yaml = cachedYamlParser(join(root, 'dist', 'yaml-cache.json'));
  const catalog = await loadCatalog(templatesRoots(templates, config), yaml);
  const clock = () => new Date();
  const events = eventOutbox(eventJournal(config.home), lost);
  const finalState = (type: string | undefined) =>
    type ? catalog.modelTypes.get(type)?.final_state : undefined;
  return {
    config,
    store: observeEvents(lazyStore(config, { internStrings: o.longLived }), {
      finalState,
      clock,
      publish: (e) => events.push(e),
    }),
    events,
    catalog,
    template: templateLoader(templates),
    clock,
    newUuid,
    env,
  };
}
