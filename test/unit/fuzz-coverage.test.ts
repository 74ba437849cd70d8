/** The fuzzer's closing check (test/fuzz/coverage.ts) fails a run that proved too little. */
import { expect, test } from '@jest/globals';
import { allSlices } from '../../slices/index.js';
import { commandName } from '../../lib/verbs/dispatch.js';
import { declaredTargets, type Target } from '../fuzz/declared-calls.js';
import { tally } from '../fuzz/coverage.js';
import { builtInCatalog } from '../helpers/deps.js';

const targets = declaredTargets(allSlices(await builtInCatalog()));
const target = (key: string) => targets.find((t) => t.key === key) as Target;
const tagAdd = target('tag add');
const tagGet = target('tag get');

/** `n` requests to `target` answered `status` with an envelope naming its command. */
function observe(seen: ReturnType<typeof tally>, target: Target, status: number, n: number, reached = true) {
  const body = `{"command":"${commandName(target.slice, target.verb)}","result":"x"}`;
  for (let i = 0; i < n; i++)
    seen.add({ target, mutation: 'none', status, body, reachedHandler: reached, usedErrorText: false });
}

test('a run where every verb answered 2xx and refused, through its handler, has no problems', () => {
  const seen = tally();
  for (const t of [tagAdd, tagGet]) {
    observe(seen, t, 200, 40);
    observe(seen, t, 400, 40);
  }
  expect(seen.problems([tagAdd, tagGet], 0.5)).toEqual([]);
});

test('a verb that never answered 2xx, or never refused, is named', () => {
  const seen = tally();
  observe(seen, tagAdd, 200, 80);
  observe(seen, tagGet, 400, 80);
  expect(seen.problems([tagAdd, tagGet], 0.5)).toEqual([
    'tag add: never refused by its own validation or handler',
    'tag get: no 2xx answer from its handler',
  ]);
});

test('too few requests reaching a handler fails the run', () => {
  const seen = tally();
  for (const t of [tagAdd, tagGet]) {
    observe(seen, t, 200, 40);
    observe(seen, t, 400, 60, false);
  }
  expect(seen.problems([tagAdd, tagGet], 0.5)).toEqual([
    'only 80 of 200 requests reached a handler (need 50 %)',
  ]);
});

test('a run too small for the per-verb checks fails unless a small run was asked for', () => {
  const seen = tally();
  observe(seen, tagAdd, 200, 10);
  expect(seen.problems([tagAdd, tagGet], 0.5)).toEqual([
    '10 requests for 2 verbs are too few for the per-verb checks (need 80)',
  ]);
  expect(seen.problems([tagAdd, tagGet], 0.5, true)).toEqual([]);
  expect(tally().problems([tagAdd], 0.5, true)).toEqual([
    'only 0 of 0 requests reached a handler (need 50 %)',
  ]);
});
