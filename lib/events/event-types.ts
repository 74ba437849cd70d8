/**
 * Razor's events (issue 16): what happened to a node, derived from committed store changes
 * (`observed-store.ts`) and numbered in the home's event journal (`journal.ts`).
 */

/** Every event type, in the order a node meets them. */
export const EVENT_TYPES = [
  'node-registered',
  'node-bound',
  'node-state-changed',
  'node-install-finished',
  'node-install-failed',
  'broker-finished',
  'policy-exhausted',
  'node-unbound',
  'node-deleted',
] as const;

/** One event type. */
export type EventType = (typeof EVENT_TYPES)[number];

/** An event before the journal numbered it. Fields that do not apply are absent. */
export interface PendingEvent {
  type: EventType;
  /** When the change committed (ISO 8601). */
  at: string;
  node_uuid?: string;
  hw_id?: string[];
  active_model_uuid?: string;
  hostname?: string;
  policy_uuid?: string;
  policy_label?: string;
  model_type?: string;
  /** For state changes: the state left, the state entered, what caused it and its log result. */
  old_state?: string;
  state?: string;
  action?: string;
  result?: string;
  /** `policy-exhausted`: how many nodes the policy now holds, and its maximum. */
  bound?: number;
  maximum_count?: number;
}

/** A numbered event, as the journal, hooks and `--follow` see it. */
export interface RazorEvent extends PendingEvent {
  /** Sequence number in the home's journal: strictly increasing, never reused. */
  seq: number;
}

/** Whether `name` is an event type. */
export function isEventType(name: string): name is EventType {
  return (EVENT_TYPES as readonly string[]).includes(name);
}
