/** Which events a client asks for: after a number, of some types, of one node or install. */
import { RazorError } from '../errors.js';
import { isEventType, type RazorEvent } from './event-types.js';

/** Which events a client asked for. */
export interface EventFilter {
  since: number;
  types?: ReadonlySet<string>;
  node?: string;
  /** An active model's UUID or a fragment of it (as razor's verbs take them). */
  activeModel?: string;
}

const one = (v: unknown, name: string): string | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new RazorError('InputError', `${name}: give it once`);
  return v;
};

/**
 * The filter of a request's query (and Last-Event-ID; `since=now` is after `latest`); an InputError
 * names a bad value.
 */
export function eventFilter(
  query: Record<string, unknown>,
  lastEventId: string | undefined,
  latest: number,
): EventFilter {
  const since = one(query.since, 'since') ?? lastEventId ?? '0';
  if (since !== 'now' && !/^\d{1,15}$/.test(since))
    throw new RazorError('InputError', `since: must be an event number or 'now', not '${since}'`);
  const type = one(query.type, 'type');
  const types = type?.split(',').filter(Boolean);
  const unknown = types?.filter((t) => !isEventType(t));
  if (unknown?.length) throw new RazorError('InputError', `type: no event type ${unknown.join(', ')}`);
  return {
    since: since === 'now' ? latest : Number(since),
    types: types?.length ? new Set(types) : undefined,
    node: one(query.node, 'node'),
    activeModel: one(query.active_model, 'active_model'),
  };
}

/** Whether `e` passes `f`. */
export function eventMatches(f: EventFilter, e: RazorEvent): boolean {
  return (
    e.seq > f.since &&
    (!f.types || f.types.has(e.type)) &&
    (!f.node || e.node_uuid === f.node) &&
    (!f.activeModel || (e.active_model_uuid ?? '').includes(f.activeModel))
  );
}
