/**
 * The shared request time limit (daemon/limits/deadlines.ts): late requests are called out, answered ones
 * not. The clock is injected and the sweep's interval runs on Jest's fake timers, so nothing here
 * depends on how fast the machine is.
 */
import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import { deadlines } from '../../daemon/limits/deadlines.js';

let now = 1_000_000;
const clock = () => now;
beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

test('a request past its limit is called out once; one answered in time never is', () => {
  const limits = deadlines(40, clock);
  const late: string[] = [];
  const doneFast = limits.track(() => late.push('fast'));
  limits.track(() => late.push('slow'));
  now += 39;
  jest.advanceTimersByTime(100); // ten sweeps, all before either limit
  expect(late).toEqual([]);
  doneFast();
  now += 1;
  jest.advanceTimersByTime(10);
  expect(late).toEqual(['slow']);
  now += 1000;
  jest.advanceTimersByTime(1000);
  expect(late).toEqual(['slow']);
  expect(jest.getTimerCount()).toBe(0); // nothing in flight: the sweep stopped
});

test('0 means no limit', () => {
  const limits = deadlines(0, clock);
  let called = false;
  limits.track(() => (called = true));
  now += 10_000_000;
  jest.advanceTimersByTime(10_000);
  expect(called).toBe(false);
  expect(jest.getTimerCount()).toBe(0);
});
