/**
 * The daemon's hooks (ADR 0032): the dispatcher (daemon/hooks) over the home's event journal and
 * its feed, delivering with the daemon's PATH and nothing else of its environment, counting each
 * attempt in the metrics and keeping the status `razor hook list` shows.
 */
import type { EventFeed } from '../lib/events/feed.js';
import type { EventJournal } from '../lib/events/journal.js';
import { DEFAULT_HOOK_PATH, deliverEvent } from '../lib/hooks/deliver.js';
import { hookStateFile } from '../lib/hooks/hook-state.js';
import { startHookDispatcher } from '../daemon/hooks/dispatcher.js';
import type { HookLog } from '../daemon/hooks/hook-worker.js';
import type { RazorMetrics } from '../daemon/metrics.js';
import type { Deps } from '../lib/verbs/context.js';

/** What the daemon hands its hooks. */
export interface DaemonHooksDeps {
  deps: Deps;
  log: HookLog & { error(obj: object, msg: string): void };
  metrics: Pick<RazorMetrics, 'hookDelivery'>;
  /** The daemon's journal and its feed (bin/daemon-events.ts). */
  events: { journal: EventJournal; feed: EventFeed };
}

/** Starts delivering events to the stored hooks; the result stops it. */
export async function startDaemonHooks(h: DaemonHooksDeps): Promise<() => Promise<void>> {
  const { deps, log } = h;
  const { journal, feed } = h.events;
  const path = deps.env.PATH ?? DEFAULT_HOOK_PATH;
  const dispatcher = await startHookDispatcher({
    journal,
    feed,
    store: deps.store,
    log,
    stateFile: hookStateFile(deps.config.home),
    retryBaseMs: deps.config.values.hook_retry_base_ms,
    clock: deps.clock,
    deliver: (hook, event, signal) => deliverEvent(hook, event, { path, signal }),
    attempted: (hook, ok) => h.metrics.hookDelivery(hook, ok),
  });
  return () => dispatcher.stop();
}
