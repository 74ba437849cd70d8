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

/** One bucket: its tokens, counted at `at` (ms since the epoch). */
export interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Takes a token from one bucket (a full one when `old` is undefined) at `now`: the verdict and the
 * bucket as it is afterwards, for callers that keep buckets elsewhere (in the store).
 */
export function takeFrom(
  old: Bucket | undefined,
  now: number,
  perMinute: number,
): { verdict: TakeResult; bucket: Bucket } {
  const perMs = perMinute / 60_000;
  // A clock that went backwards refills nothing and takes nothing away.
  const tokens = old ? Math.min(perMinute, old.tokens + Math.max(0, now - old.at) * perMs) : perMinute;
  const at = Math.max(now, old?.at ?? now);
  if (tokens < 1) {
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
    return { verdict: { ok: false, retryAfterSeconds }, bucket: { tokens, at } };
  }
  return { verdict: { ok: true }, bucket: { tokens: tokens - 1, at } };
}

/** Creates an empty set of token buckets. */
export function tokenBuckets(o: TokenBucketOptions): TokenBuckets {
  const maxKeys = o.maxKeys ?? 100_000;
  const buckets = new Map<string, Bucket>();
  return {
    get size() {
      return buckets.size;
    },
    take(key) {
      if (o.perMinute <= 0) return { ok: true };
      const { verdict, bucket } = takeFrom(buckets.get(key), o.clock().getTime(), o.perMinute);
      // Re-inserting keeps the Map in least-recently-used order for eviction.
      buckets.delete(key);
      buckets.set(key, bucket);
      while (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
      return verdict;
    },
  };
}
