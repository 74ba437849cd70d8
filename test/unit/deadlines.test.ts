/** The shared request time limit (daemon/limits/deadlines.ts): late requests are called out, answered ones not. */
import { expect, test } from '@jest/globals';
import { deadlines } from '../../daemon/limits/deadlines.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a request past its limit is called out once; one answered in time never is', async () => {
  const limits = deadlines(40);
  const late: string[] = [];
  const doneFast = limits.track(() => late.push('fast'));
  limits.track(() => late.push('slow'));
  await sleep(5);
  doneFast();
  await sleep(120);
  expect(late).toEqual(['slow']);
});

test('0 means no limit', async () => {
  const limits = deadlines(0);
  let called = false;
  limits.track(() => (called = true));
  await sleep(30);
  expect(called).toBe(false);
});
