/**
 * Events from committed changes: what a transaction did to nodes and active models, compared
 * before and after, says which events happened — whichever verb, route or sweep made the change.
 */
import type { PendingEvent } from './event-types.js';
import type { ActiveModelDoc, ActiveModelLogEntry, NodeDoc, PolicyDoc } from '../domain/documents.js';
import type { Doc } from '../store/store.js';

/** States an install fails into (the base model type's error states). */
export const FAILED_STATES: readonly string[] = ['timeout_error', 'error_catch'];
/** States a broker hand-off ends in. */
export const BROKER_DONE: Readonly<Record<string, string>> = {
  broker_success: 'success',
  broker_fail: 'fail',
};

/** What events need of a node or an active model as it was, or as a transaction left it. */
export interface Summary {
  collection: 'node' | 'active_model';
  uuid: string;
  node_uuid: string;
  hw_id?: string[];
  state?: string;
  policy_uuid?: string;
  policy_label?: string;
  hostname?: string;
  model_type?: string;
  /** The log's last entry, to find the entries a transaction added. */
  lastLog?: ActiveModelLogEntry;
}

/** A summary of a stored document of a watched collection. */
export function summarize(collection: 'node' | 'active_model', doc: Doc): Summary {
  if (collection === 'node') {
    const n = doc as NodeDoc;
    return { collection, uuid: n.uuid, node_uuid: n.uuid, hw_id: [...(n.hw_id ?? [])] };
  }
  const am = doc as ActiveModelDoc;
  const log = Array.isArray(am.log) ? am.log : [];
  return {
    collection,
    uuid: am.uuid,
    node_uuid: am.node_uuid,
    state: am.state,
    policy_uuid: am.policy_uuid,
    policy_label: am.label,
    hostname: am.hostname,
    model_type: am.model?.type,
    lastLog: log.length ? { ...log[log.length - 1]! } : undefined,
  };
}

/** One document a transaction changed: as it was (null: new) and as it left it (null: removed). */
export interface Change {
  before: Summary | null;
  after: Summary | null;
  /** Log entries the transaction added to an active model (copies). */
  added: readonly ActiveModelLogEntry[];
  /** A new active model's policy, with the number of nodes it holds after this transaction. */
  policy?: { doc: PolicyDoc; bound: number };
}

const sameEntry = (a: ActiveModelLogEntry, b: ActiveModelLogEntry) =>
  a.at === b.at && a.action === b.action && a.state === b.state && a.result === b.result;

/** Copies of the entries of `log` after `last` (all of them when `last` is gone or absent). */
export function addedEntries(
  log: readonly ActiveModelLogEntry[] | undefined,
  last: ActiveModelLogEntry | undefined,
): ActiveModelLogEntry[] {
  const entries = Array.isArray(log) ? log : [];
  let from = 0;
  if (last)
    for (let i = entries.length - 1; i >= 0; i--)
      if (sameEntry(entries[i]!, last)) {
        from = i + 1;
        break;
      }
  return entries.slice(from).map((e) => ({ ...e }));
}

/** The events of one transaction's changes, in the order it made them. */
export function deriveEvents(
  changes: readonly Change[],
  finalState: (modelType: string | undefined) => string | undefined,
  at: string,
): PendingEvent[] {
  const out: PendingEvent[] = [];
  for (const { before, after, added, policy } of changes) {
    const s = (after ?? before)!;
    if (s.collection === 'node') {
      if (!before && after) out.push({ type: 'node-registered', at, node_uuid: s.uuid, hw_id: s.hw_id });
      if (before && !after) out.push({ type: 'node-deleted', at, node_uuid: s.uuid, hw_id: s.hw_id });
      continue;
    }
    const base = {
      at,
      node_uuid: s.node_uuid,
      active_model_uuid: s.uuid,
      hostname: s.hostname,
      policy_uuid: s.policy_uuid,
      policy_label: s.policy_label,
      model_type: s.model_type,
    };
    if (!after) {
      out.push({ type: 'node-unbound', ...base, state: before?.state });
      continue;
    }
    if (!before) out.push({ type: 'node-bound', ...base, state: after.state });
    const final = finalState(s.model_type);
    for (const e of added) {
      if (e.old_state === e.state) continue;
      const move = { ...base, old_state: e.old_state, state: e.state, action: e.action, result: e.result };
      out.push({ type: 'node-state-changed', ...move });
      if (e.state === final) out.push({ type: 'node-install-finished', ...move });
      if (FAILED_STATES.includes(e.state)) out.push({ type: 'node-install-failed', ...move });
      const broker = BROKER_DONE[e.state];
      if (broker) out.push({ type: 'broker-finished', ...move, result: broker });
    }
    const max = policy?.doc.maximum_count ?? 0;
    if (!before && policy && max > 0 && policy.bound === max)
      out.push({ type: 'policy-exhausted', ...base, bound: policy.bound, maximum_count: max });
  }
  return out;
}
