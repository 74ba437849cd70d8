/**
 * The per-node checkin rate limit: wraps the daemon's `Invoke` so that a call to a verb declaring
 * `rateLimitKey` (node checkin and register) beyond its node's token bucket is answered 429 before
 * the dispatcher runs — the store is neither read nor written. Works for both invoke modes, as the
 * buckets live in the daemon process.
 *
 * The refusal is the HTTP translator's envelope. The node is the one the handler will write, found the handler's own way (ADR 0018): the call's
 * input is prepared by the dispatcher's `callInput` and validated by its `validateInput`, so every
 * spelling the handler accepts (`hw_id`, `@hw_id`, query, body, `json_hash`) leads to the same
 * value, and ambiguous input is refused by both alike. The handler touches every node owning any
 * of the MACs given, so each MAC's bucket is charged.
 */
import { translateToHttp } from '../../lib/verbs/translate-http.js';
import type { Routed } from '../../lib/verbs/route-call.js';
import { RazorError } from '../../lib/errors.js';
import { parseHwId } from '../../lib/domain/hwid.js';
import { callInput } from '../../lib/verbs/input.js';
import { validateInput } from '../../lib/verbs/validate-input.js';
import type { Invoke } from '../rest/rest-handler.js';
import type { TokenBuckets } from '../../lib/engine/rate-limit.js';

/** What the limiter needs: the buckets (owned by the caller). */
export interface CheckinLimitOptions {
  buckets: TokenBuckets;
  /** The configured rate, for the message. */
  perMinute: number;
}

/**
 * The MACs (normalised, sorted) of the node a call names in `field`, exactly as its handler will
 * see them; empty when the call is refused before its handler runs (unreadable or invalid input),
 * as such a call changes nothing.
 */
export function callNodeMacs(
  routed: Routed,
  input: string | Readonly<Record<string, unknown>>,
  field: string,
): string[] {
  const { slice, route } = routed;
  if (!slice || !route) return [];
  let value: unknown;
  try {
    value = validateInput(slice, route.verb, callInput(route, input))[field];
  } catch {
    return []; // the dispatcher refuses it the same way, without touching the store
  }
  return typeof value === 'string' ? parseHwId(value).macs.sort() : [];
}

/** Wraps `invoke` with the per-node rate limit. */
export function limitCheckins(invoke: Invoke, o: CheckinLimitOptions): Invoke {
  return async (call) => {
    const { slice, method } = call;
    const verb = call.route?.verb;
    const field = verb?.http === method ? verb.rateLimitKey : undefined;
    if (!slice || !verb || !field) return invoke(call);
    const macs = callNodeMacs(call, call.input, field);
    if (macs.length === 0) return invoke(call);
    const verdict = o.buckets.takeAll(macs);
    if (verdict.ok) return invoke(call);
    const err = new RazorError(
      'TooManyRequests',
      `node ${macs.join('_')} called ${slice.name} ${verb.name} more than ${o.perMinute} times a minute; ` +
        `retry in ${verdict.retryAfterSeconds} s (config checkin_rate_per_minute)`,
    );
    return translateToHttp({ slice, verb, error: err });
  };
}
