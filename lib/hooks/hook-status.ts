/**
 * A hook's delivery status as `razor hook list` shows it: the counts, last success and last error
 * the daemon's dispatcher recorded (hook-state.ts), and the queue — the events of the hook's types
 * in the journal after its cursor, not yet handled.
 */
import { eventJournal } from '../events/journal.js';
import { hookStateFile, readHookStates, type HookMark } from './hook-state.js';
import type { HookDoc } from './hook-doc.js';

/** What `hook list` and `hook get` show of a hook's deliveries. */
export interface HookStatusShown {
  queue_depth: number;
  delivered: number;
  failed: number;
  dropped: number;
  last_success?: HookMark;
  last_error?: HookMark;
}

/** Whether a hook of `events` (empty: all) takes an event of `type`. */
export const hookWants = (events: readonly string[], type: string) =>
  events.length === 0 || events.includes(type);

/** The status of `hook` in the home `home`. */
export async function hookStatus(hook: HookDoc, home: string): Promise<HookStatusShown> {
  const state = (await readHookStates(hookStateFile(home)))[hook.name];
  const mine = state?.uuid === hook.uuid ? state : undefined;
  const cursor = mine?.cursor ?? hook.start_seq ?? 0;
  const queued = await eventJournal(home)
    .readAfter(cursor)
    .catch(() => []);
  return {
    queue_depth: queued.filter((e) => hookWants(hook.events, e.type)).length,
    delivered: mine?.delivered ?? 0,
    failed: mine?.failed ?? 0,
    dropped: mine?.dropped ?? 0,
    ...(mine?.last_success ? { last_success: mine.last_success } : {}),
    ...(mine?.last_error ? { last_error: mine.last_error } : {}),
  };
}
