/**
 * Seeded randomness for tests that pick random moments: the seed is printed, and
 * `RAZOR_TEST_SEED=<n>` replays a run with the same choices.
 */
import { randomInt } from 'node:crypto';

/** A random source: `next()` is uniform in [0, 1); `seed` replays it. */
export interface SeededRandom {
  readonly seed: number;
  next(): number;
}

/** A seeded random source (mulberry32) for `what`, its seed from RAZOR_TEST_SEED or fresh; printed. */
export function seededRandom(what: string): SeededRandom {
  const given = process.env.RAZOR_TEST_SEED;
  const seed = given !== undefined && given !== '' ? Number(given) >>> 0 : randomInt(2 ** 32);
  process.stdout.write(`${what}: seed ${seed} (RAZOR_TEST_SEED=${seed} replays it)\n`);
  let state = seed;
  return {
    seed,
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    },
  };
}
