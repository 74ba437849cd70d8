/** Token buckets: a burst up to the rate, then refused until time refills the bucket; keys are independent. */
import { expect, test } from '@jest/globals';
import { tokenBuckets } from '../../lib/engine/rate-limit.js';

const clockAt = (start = 1_700_000_000_000) => {
  let now = start;
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
};

test('a key bursts to perMinute calls, then waits for a token', () => {
  const t = clockAt();
  const b = tokenBuckets({ perMinute: 6, clock: t.clock });
  const verdicts = Array.from({ length: 8 }, () => b.take('a').ok);
  expect(verdicts).toEqual([true, true, true, true, true, true, false, false]);
  expect(b.take('a')).toEqual({ ok: false, retryAfterSeconds: 10 });
  t.advance(9_999);
  expect(b.take('a').ok).toBe(false);
  t.advance(1);
  expect(b.take('a').ok).toBe(true);
  expect(b.take('a').ok).toBe(false);
  t.advance(60_000);
  expect(Array.from({ length: 7 }, () => b.take('a').ok).filter(Boolean)).toHaveLength(6);
});

test('keys are independent; 0 turns limiting off', () => {
  const t = clockAt();
  const b = tokenBuckets({ perMinute: 1, clock: t.clock });
  expect(b.take('a').ok).toBe(true);
  expect(b.take('a').ok).toBe(false);
  expect(b.take('b').ok).toBe(true);
  const off = tokenBuckets({ perMinute: 0, clock: t.clock });
  expect(Array.from({ length: 1000 }, () => off.take('a').ok).every(Boolean)).toBe(true);
});

test('a clock going backwards refills nothing; memory stays bounded', () => {
  const t = clockAt();
  const b = tokenBuckets({ perMinute: 1, clock: t.clock, maxKeys: 100 });
  expect(b.take('a').ok).toBe(true);
  t.advance(-3_600_000);
  expect(b.take('a').ok).toBe(false);
  for (let i = 0; i < 1000; i++) b.take(`k${i}`);
  expect(b.size).toBe(100);
});

test('takeAll charges every key only when each has a token', () => {
  const t = clockAt();
  const b = tokenBuckets({ perMinute: 2, clock: t.clock });
  expect(b.take('victim').ok).toBe(true);
  expect(b.take('victim').ok).toBe(true);
  // A call naming the spent victim among fresh keys is refused, and the fresh keys keep their tokens.
  expect(b.takeAll(['fresh1', 'victim', 'fresh2'])).toEqual({ ok: false, retryAfterSeconds: 30 });
  expect(b.takeAll(['fresh1', 'fresh2']).ok).toBe(true);
  expect(b.takeAll(['fresh1', 'fresh2']).ok).toBe(true);
  expect(b.takeAll(['fresh1']).ok).toBe(false);
  // A key named twice in one call is charged once.
  expect(b.takeAll(['other', 'other']).ok).toBe(true);
  expect(b.take('other').ok).toBe(true);
});
