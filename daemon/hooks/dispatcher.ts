/**
 * The daemon's hook dispatcher (ADR 0032): one worker per stored hook (hook-worker.ts), started
 * and stopped as hooks are added and removed (the store is looked at every `refreshMs`), woken by
 * the event feed. It only reads the journal and the feed, so a hook that hangs or fails costs a
 * node's request nothing.
 */
import { hookWorker, type HookLog, type HookWorker, type HookWorkerDeps } from './hook-worker.js';
import { hookStateBook } from './state-book.js';
import type { EventFeed } from '../../lib/events/feed.js';
import type { HookDoc } from '../../lib/hooks/hook-doc.js';
import type { Store } from '../../lib/store/store.js';

/** What the dispatcher needs. */
export interface HookDispatcherDeps extends Omit<HookWorkerDeps, 'book' | 'feed'> {
  feed: Pick<EventFeed, 'recent' | 'lastSeq' | 'subscribe'>;
  store: Pick<Store, 'read'>;
  /** `$RAZOR_HOME/events/hooks-state.json`. */
  stateFile: string;
  log: HookLog & { error(obj: object, msg: string): void };
  refreshMs?: number;
}

/** A running dispatcher. */
export interface HookDispatcher {
  /** Starts workers for new hooks and stops those of removed ones (the timer calls this; tests may too). */
  sync(): Promise<void>;
  /** Stops every worker and writes the status file. */
  stop(): Promise<void>;
}

/** Starts the dispatcher: the hooks stored now get workers at once. */
export async function startHookDispatcher(d: HookDispatcherDeps): Promise<HookDispatcher> {
  const onError = (err: Error) => d.log.error({ err }, 'hooks: the status file could not be written');
  const book = await hookStateBook(d.stateFile, { onError });
  const workers = new Map<string, { hook: HookDoc; worker: HookWorker }>();
  const deps: HookWorkerDeps = { ...d, book };
  let syncing: Promise<void> | undefined;
  const once = async () => {
    const hooks = await d.store.read((r) => r.all<HookDoc>('hook'));
    const ids = new Set(hooks.map((h) => h.uuid));
    for (const [uuid, { hook, worker }] of workers) {
      if (ids.has(uuid)) continue;
      workers.delete(uuid);
      await worker.stop();
      if (!hooks.some((h) => h.name === hook.name)) book.forget(hook.name);
      d.log.info({ hook: hook.name }, 'hook removed');
    }
    for (const hook of hooks) {
      if (workers.has(hook.uuid)) continue;
      // A new hook gets the events after the journal's last when it was added (or now, if less).
      const start = Math.min(hook.start_seq ?? 0, d.feed.lastSeq());
      workers.set(hook.uuid, { hook, worker: hookWorker(hook, start, deps) });
      d.log.info({ hook: hook.name, kind: hook.kind, target: hook.target }, 'hook started');
    }
  };
  const sync = () => (syncing ??= once().finally(() => (syncing = undefined)));
  const report = (err: Error) => d.log.warn({ err }, 'hooks: the store could not be read');
  await sync().catch(report);
  const unsubscribe = d.feed.subscribe(() => {
    for (const { worker } of workers.values()) worker.wake();
  });
  const timer = setInterval(() => sync().catch(report), d.refreshMs ?? 1000);
  timer.unref();
  return {
    sync,
    async stop() {
      clearInterval(timer);
      unsubscribe();
      await syncing?.catch(() => undefined);
      await Promise.all([...workers.values()].map(({ worker }) => worker.stop()));
      workers.clear();
      await book.flush();
    },
  };
}
