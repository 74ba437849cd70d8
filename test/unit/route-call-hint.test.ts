/**
 * `-w` takes a verb's options as JSON; words that carry a `--option` are told so, with the call
 * written that way (a careless operator's `razor -w node --limit 100`).
 */
import { expect, test } from '@jest/globals';
import { allSlices } from '../../slices/index.js';
import { routeCall } from '../../lib/verbs/route-call.js';
import { builtInCatalog } from '../helpers/deps.js';

const registry = allSlices(await builtInCatalog());

test.each([
  [['node', '--limit', '100'], `razor -w node '{"limit":100}'`],
  [['node', '--offset', '5', '--limit', '2'], `razor -w node '{"offset":5}'`],
  [['policy', 'add', '--template', 'linux_deploy'], `razor -w policy add '{"template":"linux_deploy"}'`],
])('%j: the error shows the call with JSON', (words, call) => {
  const { error } = routeCall(registry, words);
  expect(error?.kind).toBe('SliceCommandParsingFailed');
  expect(error?.message).toContain(`; with -w, options are JSON: ${call}`);
});

test('words without an option get no JSON hint', () => {
  const { error } = routeCall(registry, ['config', 'frob']);
  expect(error?.message).toBe("config: no command matches 'frob'; try 'razor config --help'");
});
