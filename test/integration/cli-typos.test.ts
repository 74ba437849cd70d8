/**
 * Mistyped commands (issue 15 item 2): a word that is not UUID-shaped and is close to a verb or a
 * slice gets "unknown command … — did you mean …?" and exit 2, not a lookup of the word as a UUID;
 * UUID-shaped words, and any word after `get`, are still looked up. Through bin/razor.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { testEnv } from '../helpers/deps.js';
import { runRazor } from '../helpers/daemon.js';
import { SEED, tempHome, writeSeed } from '../helpers/fixture.js';

let home: ReturnType<typeof tempHome>;
beforeAll(async () => {
  home = tempHome('razor-cli-typos-');
  await writeSeed(home.home);
});
afterAll(() => home.cleanup());

const razor = (args: string[]) => runRazor(args, testEnv(home.home));

describe('a mistyped verb or slice', () => {
  test.each([
    [['policy', 'ad'], 'razor policy: ', "unknown command 'ad' — did you mean 'add'?"],
    [['tag', 'remove-al'], 'razor tag: ', "unknown command 'remove-al' — did you mean 'remove-all'?"],
    [['model', 'tempaltes'], 'razor model: ', "unknown command 'tempaltes' — did you mean 'templates'?"],
    [['tag', 'matcher', 'ad'], 'razor tag: ', "unknown command 'matcher ad' — did you mean 'matcher add'?"],
    [['config', 'ipxee'], 'razor config: ', "unknown command 'ipxee' — did you mean 'ipxe'?"],
    [['polcy'], 'razor: ', "unknown command 'polcy' — did you mean 'policy'?"],
    [['help', 'polcy', 'add'], 'razor: ', "unknown command 'polcy' — did you mean 'policy'?"],
    [
      ['broker', 'ad', '-p', 'noop', '-n', 'x'],
      'razor broker: ',
      "unknown command 'ad' — did you mean 'add'?",
    ],
  ])('razor %j → did you mean, exit 2, nothing looked up', async (args, prefix, message) => {
    const r = await razor(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(`${prefix}${message}`);
    expect(r.stderr).not.toContain('Not found');
  });

  test('a slice far from every name still lists the slices', async () => {
    const r = await razor(['zzzzzz']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^razor: no slice named 'zzzzzz'; slices: active_model, backup, bmc, /);
  });
});

describe('UUID fragments are still looked up', () => {
  test('a UUID-shaped word (digits or capitals) names an object', async () => {
    const [seeded, unknown] = await Promise.all([
      razor(['policy', SEED.policy2.slice(6)]),
      razor(['policy', 'Ad9']),
    ]);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toContain(SEED.policy2);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("no policy matches 'Ad9'");
  });

  test('after get, even a lower-case word is a UUID fragment', async () => {
    const r = await razor(['policy', 'get', 'ad']);
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n')[0]).toBe("razor policy get: Not found: no policy matches 'ad'");
  });

  test('a lower-case word far from every verb is looked up as before', async () => {
    const r = await razor(['policy', 'zqxjk']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("no policy matches 'zqxjk'");
  });
});
