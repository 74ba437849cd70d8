/**
 * Smaller things the operator met (issue 15 item 11), through bin/razor: a tag made with a rule
 * (`-r`) shows the rule in `razor tag get`; an unknown model template lists only the templates one
 * can use (no `_base`), with a suggestion.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { testEnv } from '../helpers/deps.js';
import { runRazor } from '../helpers/daemon.js';
import { SEED, tempHome, writeSeed } from '../helpers/fixture.js';

let home: ReturnType<typeof tempHome>;
beforeAll(async () => {
  home = tempHome('razor-cli-items-');
  await writeSeed(home.home);
});
afterAll(() => home.cleanup());

const razor = (args: string[]) => runRazor(args, testEnv(home.home));

test('a tag made with -r shows its rule in razor tag get', async () => {
  const rule = '["=", ["fact", "is_virtual"], "true"]';
  const add = await razor(['tag', 'add', '-n', 'virtual', '-t', 'virtual', '-r', rule]);
  expect(add.code).toBe(0);
  const uuid = /^ {2}UUID +=> {2}(\S+)$/m.exec(add.stdout)?.[1] as string;
  const get = await razor(['tag', 'get', uuid]);
  expect(get.code).toBe(0);
  expect(get.stdout).toMatch(/^ {2}Rule +=> {2}\["=", \["fact", "is_virtual"\], "true"\]$/m);
  expect(get.stdout).not.toContain('< none >');
  // A tag of matchers shows them as before.
  const seeded = await razor(['tag', 'get', SEED.tag]);
  expect(seeded.stdout).toMatch(/^ {2}Matchers +=> /m);
  expect(seeded.stdout).not.toMatch(/^ {2}Rule /m);
});

describe('an unknown model template', () => {
  test.each([
    ['debian_bookwrm', " — did you mean 'debian_bookworm'?"],
    ['_base', ''],
  ])('razor model add -t %s: usable templates only', async (template, hint) => {
    const r = await razor(['model', 'add', '-t', template, '-l', 'x', '-i', SEED.image, '-r', '{}']);
    expect(r.code).toBe(2);
    const line = r.stderr.split('\n')[0] as string;
    expect(line).toContain(`unknown model template '${template}'${hint}; known: `);
    expect(line).toContain('debian_bookworm');
    expect(line).not.toMatch(/known: .*\b_/);
  });
});
