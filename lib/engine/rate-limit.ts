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
  /**
   * Takes a token from each key's bucket when every one has a token; otherwise takes none and says
   * how long until all have one.
   */
  takeAll(keys: readonly string[]): TakeResult;
  /** How many keys are remembered (for tests and sizing). */
  readonly size: number;
}

/** One bucket: its tokens, counted at `at` (ms since the epoch). */
export interface Bucket {
  tokens: number;
  at: number;
}

/** A bucket's tokens at `now`, refilled since its last use (a clock gone backwards refills nothing). */
function refilled(old: Bucket | undefined, now: number, perMinute: number): number {
  return old ? Math.min(perMinute, old.tokens + Math.max(0, now - old.at) * (perMinute / 60_000)) : perMinute;
}

/** Seconds until a bucket holding `tokens` has a whole token again. */
const waitFor = (tokens: number, perMinute: number) =>
  Math.max(1, Math.ceil((1 - tokens) / (perMinute / 60_000) / 1000));

/**
 * Takes a token from one bucket (a full one when `old` is undefined) at `now`: the verdict and the
 * bucket as it is afterwards, for callers that keep buckets elsewhere (in the store).
 */
export function takeFrom(
  old: Bucket | undefined,
  now: number,
  perMinute: number,
): { verdict: TakeResult; bucket: Bucket } {
  const tokens = refilled(old, now, perMinute);
  const at = Math.max(now, old?.at ?? now);
  if (tokens < 1) {
    return { verdict: { ok: false, retryAfterSeconds: waitFor(tokens, perMinute) }, bucket: { tokens, at } };
  }
  return { verdict: { ok: true }, bucket: { tokens: tokens - 1, at } };
}

/** Creates an empty set of token buckets. */
export function tokenBuckets(o: TokenBucketOptions): TokenBuckets {
  const maxKeys = o.maxKeys ?? 100_000;
  const buckets = new Map<string, Bucket>();
  /** Stores a key's tokens, most recently used last (the Map's order is the eviction order). */
  const store = (key: string, tokens: number, now: number) => {
    const at = Math.max(now, buckets.get(key)?.at ?? now);
    buckets.delete(key);
    buckets.set(key, { tokens, at });
  };
  const takeAll = (keys: readonly string[]): TakeResult => {
    if (o.perMinute <= 0) return { ok: true };
    const now = o.clock().getTime();
    const unique = [...new Set(keys)];
    const tokens = unique.map((k) => refilled(buckets.get(k), now, o.perMinute));
    const least = Math.min(...tokens);
    unique.forEach((k, i) => store(k, (tokens[i] as number) - (least < 1 ? 0 : 1), now));
    while (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
    return least < 1 ? { ok: false, retryAfterSeconds: waitFor(least, o.perMinute) } : { ok: true };
  };
  return {
    get size() {
      return buckets.size;
    },
    take: (key) => takeAll([key]),
    takeAll,
  };
}
