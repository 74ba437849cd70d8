/**
 * The per-node checkin rate limit: wraps the daemon's `Invoke` so that a call to a verb declaring
 * `rateLimitKey` (node checkin and register) beyond the node's token bucket is answered 429 before
 * the dispatcher runs — the store is neither read nor written. Works for both invoke modes, as the
 * buckets live in the daemon process.
 */
import { commandName } from '../lib/dispatch.js';
import { errorEnvelope } from '../lib/envelope.js';
import { RazorError } from '../lib/errors.js';
import { parseHwId } from '../lib/hwid.js';
import type { Invoke } from './rest-handler.js';
import type { TokenBuckets } from '../lib/rate-limit.js';

/** What the limiter needs: the buckets (owned by the caller). */
export interface CheckinLimitOptions {
  buckets: TokenBuckets;
  /** The configured rate, for the message. */
  perMinute: number;
}

/** The node a call names: its MACs, normalised and sorted, so `a_b` and `B_A` share a bucket. */
function nodeKey(given: string | Readonly<Record<string, unknown>>, field: string): string | undefined {
  let input: unknown = given;
  if (typeof given === 'string') {
    try {
      input = JSON.parse(given);
    } catch {
      return undefined; // the dispatcher refuses it, without touching the store
    }
  }
  const fields = input && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  // The Microkernel's json_hash says `@hw_id`, as the original's did.
  const value = fields[field] ?? fields[`@${field}`];
  if (typeof value !== 'string') return undefined;
  const { macs } = parseHwId(value.slice(0, 4096));
  return macs.length ? [...macs].sort().join('_') : undefined;
}

/** Wraps `invoke` with the per-node rate limit. */
export function limitCheckins(invoke: Invoke, o: CheckinLimitOptions): Invoke {
  return async (call) => {
    const { slice, method } = call;
    const verb = call.route?.verb;
    const field = verb?.http === method ? verb.rateLimitKey : undefined;
    const key = field && nodeKey(call.input, field);
    if (!slice || !verb || !key) return invoke(call);
    const verdict = o.buckets.take(key);
    if (verdict.ok) return invoke(call);
    const err = new RazorError(
      'TooManyRequests',
      `node ${key} called ${slice.name} ${verb.name} more than ${o.perMinute} times a minute; ` +
        `retry in ${verdict.retryAfterSeconds} s (config checkin_rate_per_minute)`,
    );
    return {
      status: err.http,
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify(errorEnvelope(slice.name, commandName(slice, verb), err)),
    };
  };
}
