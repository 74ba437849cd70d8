/**
 * Token buckets, one per key: each holds up to `perMinute` tokens and refills at `perMinute` per
 * minute, so a key may burst to `perMinute` calls and then sustain `perMinute` a minute. The state
 * lives in the object (created by the composition root), never in the module.
 */

/** Settings for `tokenBuckets`. */
export interface TokenBucketOptions {
  /** Sustained calls per minute and burst size; 0 turns limiting off. */
  readonly perMinute: number;
  /** The clock (deps.clock), injectable for tests. */
  readonly clock: () => Date;
  /** Most keys remembered; beyond it the longest-idle key is forgotten (a full bucket again). */
  readonly maxKeys?: number;
}

/** The verdict for one call: allowed, or refused with the seconds until a token is back. */
export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/** A set of token buckets keyed by a string (a node's MACs). */
export interface TokenBuckets {
  /** Takes a token from `key`'s bucket, or says how long until one is available. */
  take(key: string): TakeResult;
  /** How many keys are remembered (for tests and sizing). */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Creates an empty set of token buckets. */
export function tokenBuckets(o: TokenBucketOptions): TokenBuckets {
  const capacity = o.perMinute;
  const perMs = o.perMinute / 60_000;
  const maxKeys = o.maxKeys ?? 100_000;
  const buckets = new Map<string, Bucket>();
  return {
    get size() {
      return buckets.size;
    },
    take(key) {
      if (capacity <= 0) return { ok: true };
      const now = o.clock().getTime();
      const old = buckets.get(key);
      // A clock that went backwards refills nothing and takes nothing away.
      const tokens = old ? Math.min(capacity, old.tokens + Math.max(0, now - old.at) * perMs) : capacity;
      // Re-inserting keeps the Map in least-recently-used order for eviction.
      buckets.delete(key);
      if (tokens < 1) {
        buckets.set(key, { tokens, at: Math.max(now, old?.at ?? now) });
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
      }
      buckets.set(key, { tokens: tokens - 1, at: Math.max(now, old?.at ?? now) });
      while (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
      return { ok: true };
    },
  };
}
