/**
 * The install state machine of an active model, driven by its model type's data: transitions,
 * the log entry of every event, and what `/boot` and Microkernel checkins answer in each state.
 */
import type { ModelType } from '../domain/model-type-schema.js';
import type { ActiveModelDoc } from '../domain/documents.js';

/** Entries kept in an active model's log (oldest dropped first). */
export const LOG_LIMIT = 1000;

/** The state `action` leads to from `state`: the declared edge, else the state's `else`, else stay. */
export function nextState(type: ModelType, state: string, action: string): string {
  const edges = type.states[state] ?? {};
  return edges[action] ?? edges.else ?? state;
}

/** What `/boot` serves a bound node in `state`. */
export function bootAnswer(type: ModelType, state: string): 'install' | 'local' | 'mk' {
  return type.boot[state] ?? type.boot.else ?? 'mk';
}

/** What a Microkernel checkin of a bound node answers in `state`. */
export function mkAnswer(type: ModelType, state: string): 'acknowledge' | 'reboot' | 'poweroff' {
  return type.mk_call[state] ?? type.mk_call.else ?? 'acknowledge';
}

/** Appends one log entry (mutates `am`). */
export function logEvent(
  am: ActiveModelDoc,
  entry: { old_state: string; action: string; result: string },
  at: Date,
): void {
  am.log.push({
    at: at.toISOString(),
    old_state: entry.old_state,
    state: am.state,
    action: entry.action,
    result: entry.result,
  });
  if (am.log.length > LOG_LIMIT) am.log.splice(0, am.log.length - LOG_LIMIT);
  am.updated_at = at.toISOString();
}

/**
 * Fires `action` on `am` (mutates it) and logs it. Reaching the final state without a broker moves
 * on to `complete_no_broker`, as in the original; with a broker the node pulls its hand-off script.
 */
export function fire(am: ActiveModelDoc, type: ModelType, action: string, result: string, at: Date): void {
  const old = am.state;
  am.state = nextState(type, old, action);
  logEvent(am, { old_state: old, action, result }, at);
  if (am.state === type.final_state && old !== am.state && !am.broker) {
    am.state = 'complete_no_broker';
    logEvent(am, { old_state: type.final_state, action: 'broker_check', result: 'no broker attached' }, at);
  }
}
