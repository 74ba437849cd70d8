/**
 * What a model type must satisfy before razor uses it. Besides a well-formed state machine, two
 * rules make sure that nothing a node can ask for moves an install back (ADR 0016): no edge leaves
 * the installed states, and no edge re-arms an install (leads into a state where `/boot` answers
 * `install` from one where it does not). Edges are fired only by callbacks and the timeout
 * sweeper; going back is the admin's `razor active_model <uuid> reinstall`.
 */
import { bootAnswer, nextState } from '../engine/fsm.js';
import type { ModelType } from './model-type-schema.js';

/** The state fire() moves a finished install without a broker to. */
export const COMPLETE_NO_BROKER = 'complete_no_broker';

/** Every `from --action--> to` of the type (the `else` edge included). */
function edges(t: ModelType): { from: string; action: string; to: string }[] {
  return Object.entries(t.states).flatMap(([from, e]) =>
    Object.entries(e).map(([action, to]) => ({ from, action, to })),
  );
}

function checkStates(t: ModelType): void {
  const states = new Set(Object.keys(t.states));
  if (!states.has('init')) throw new Error(`model type ${t.name}: no 'init' state`);
  if (!states.has(t.final_state))
    throw new Error(`model type ${t.name}: final state '${t.final_state}' is not declared`);
  for (const { from, action, to } of edges(t)) {
    if (!states.has(to))
      throw new Error(`model type ${t.name}: ${from} --${action}--> '${to}' is not a declared state`);
  }
}

/** The installed states hold the final state (and complete_no_broker); no edge leaves them. */
function checkNoWayBack(t: ModelType): void {
  const installed = new Set(t.installed);
  for (const s of [t.final_state, ...(COMPLETE_NO_BROKER in t.states ? [COMPLETE_NO_BROKER] : [])]) {
    if (!installed.has(s)) throw new Error(`model type ${t.name}: 'installed' must list '${s}'`);
  }
  for (const s of installed) {
    if (!(s in t.states)) throw new Error(`model type ${t.name}: installed state '${s}' is not declared`);
  }
  for (const { from, action, to } of edges(t)) {
    if (installed.has(from) && !installed.has(to))
      throw new Error(
        `model type ${t.name}: ${from} --${action}--> ${to} leaves the installed states; ` +
          'only an admin re-installs (razor active_model <uuid> reinstall)',
      );
    if (bootAnswer(t, from) !== 'install' && bootAnswer(t, to) === 'install')
      throw new Error(
        `model type ${t.name}: ${from} --${action}--> ${to} would re-arm the install (boot answers ` +
          'install again); only an admin re-installs (razor active_model <uuid> reinstall)',
      );
  }
}

/** A public callback stores nothing and moves nothing: its event, if any, is a self-loop everywhere. */
function checkPublicCallbacks(t: ModelType): void {
  for (const [ns, actions] of Object.entries(t.callbacks)) {
    for (const [action, spec] of Object.entries(actions)) {
      if (!spec.public) continue;
      const where = `model type ${t.name}: public callback ${ns}/${action}`;
      if (spec.store) throw new Error(`${where} may not store anything`);
      if (spec.event === '$action') throw new Error(`${where} may not fire its action word`);
      const event = spec.event;
      if (event === undefined) continue;
      const from = Object.keys(t.states).find((s) => nextState(t, s, event) !== s);
      if (from !== undefined)
        throw new Error(`${where} fires ${event}, which moves ${from} to ${nextState(t, from, event)}`);
    }
  }
}

/** Checks a resolved, non-hidden model type; throws with the type's name and the problem. */
export function checkModelType(t: ModelType): void {
  checkStates(t);
  checkNoWayBack(t);
  checkPublicCallbacks(t);
}
