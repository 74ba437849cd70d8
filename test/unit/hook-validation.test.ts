/**
 * `razor hook add` refuses bad input with the right error kind and changes nothing: a script that
 * is relative, missing, not a regular file, not executable or writable by group/others; a URL that
 * is not http(s) or has no host; both or neither of them; unknown event types (named, with the
 * known ones); a secret on a script hook; a name taken already.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allSlices } from '../../slices/index.js';
import { dispatchArgv } from '../../lib/verbs/dispatch.js';
import { memoryStore } from '../../lib/store/memory.js';
import { EVENT_TYPES } from '../../lib/events/event-types.js';
import { builtInCatalog, memoryDeps } from '../helpers/deps.js';
import { tempHome } from '../helpers/fixture.js';
import type { Deps } from '../../lib/verbs/context.js';

const registry = allSlices(await builtInCatalog());
const { home, cleanup } = tempHome('razor-hook-valid-');
let deps: Deps;
const script = (name: string, mode: number) => {
  const file = join(home, name);
  writeFileSync(file, '#!/bin/sh\ncat >/dev/null\n');
  chmodSync(file, mode);
  return file;
};

beforeAll(async () => {
  deps = await memoryDeps(home, memoryStore());
});
afterAll(cleanup);

const add = (input: Record<string, unknown>) =>
  dispatchArgv(deps, registry, ['hook', 'add', JSON.stringify(input)], { mode: 'web' });
const hooks = () => deps.store.read((r) => r.all('hook'));

describe('hook add validation', () => {
  const cases: [string, () => Record<string, unknown>, string, RegExp][] = [
    ['a relative script', () => ({ script: 'hooks/run.sh' }), 'InputError', /not an absolute path/],
    ['a missing script', () => ({ script: join(home, 'nothing.sh') }), 'InputError', /does not exist/],
    ['a directory', () => ({ script: home }), 'InputError', /not a regular file/],
    [
      'a script not executable',
      () => ({ script: script('plain.sh', 0o644) }),
      'InputError',
      /not executable/,
    ],
    [
      'a group-writable script',
      () => ({ script: script('gw.sh', 0o775) }),
      'InputError',
      /writable by its group or by others/,
    ],
    [
      'a world-writable script',
      () => ({ script: script('ow.sh', 0o757) }),
      'InputError',
      /writable by its group or by others/,
    ],
    ['a URL that is not one', () => ({ url: 'not a url' }), 'InputError', /is not a URL/],
    [
      'a URL of another scheme',
      () => ({ url: 'ftp://example.com/x' }),
      'InputError',
      /must use http or https, not ftp:/,
    ],
    ['a URL with no host', () => ({ url: 'http://' }), 'InputError', /not a URL|names no host/],
    [
      'both a script and a URL',
      () => ({ script: script('ok1.sh', 0o755), url: 'http://example.com/' }),
      'InputError',
      /either --script or --url, not both/,
    ],
    ['neither a script nor a URL', () => ({}), 'MissingArgument', /--script .* or --url/],
    [
      'a secret on a script hook',
      () => ({ script: script('ok2.sh', 0o700), secret: 'k' }),
      'InputError',
      /secret: only URL hooks are signed/,
    ],
    ['a bad name', () => ({ name: 'no spaces', url: 'http://example.com/' }), 'InputError', /name/],
    ['a timeout of 0', () => ({ url: 'http://example.com/', timeout: 0 }), 'InputError', /timeout/],
    [
      'max attempts of 0',
      () => ({ url: 'http://example.com/', max_attempts: 0 }),
      'InputError',
      /max_attempts/,
    ],
  ];
  test.each(cases)('%s is refused', async (_title, input, kind, message) => {
    const out = await add({ name: 'h1', ...input() });
    expect({ kind: out.error?.kind, message: out.error?.message }).toEqual({
      kind,
      message: expect.stringMatching(message),
    });
    expect(await hooks()).toEqual([]);
  });

  test('unknown event types are refused, naming them and every known type', async () => {
    const out = await add({
      name: 'h1',
      url: 'http://example.com/',
      events: ['node-bound', 'node-exploded', 'x'],
    });
    expect(out.error?.kind).toBe('InputError');
    expect(out.error?.message).toContain("unknown event type 'node-exploded', 'x'");
    for (const t of EVENT_TYPES) expect(out.error?.message).toContain(t);
    expect(await hooks()).toEqual([]);
  });

  test('a good script hook is added; a second hook of the same name is refused', async () => {
    mkdirSync(join(home, 'bin'), { recursive: true });
    const ok = await add({
      name: 'dup',
      script: script('bin/good.sh', 0o755),
      events: 'node-bound,node-deleted',
    });
    expect(ok.error).toBeUndefined();
    expect(await hooks()).toEqual([
      expect.objectContaining({
        name: 'dup',
        kind: 'script',
        events: ['node-bound', 'node-deleted'],
        timeout: 10,
        max_attempts: 5,
      }),
    ]);
    const again = await add({ name: 'dup', url: 'https://example.com/hook' });
    expect({ kind: again.error?.kind, message: again.error?.message }).toEqual({
      kind: 'CouldNotCreate',
      message: "a hook named 'dup' exists already",
    });
    expect(await hooks()).toHaveLength(1);
  });

  test('get, remove and test of an unknown hook are NotFound', async () => {
    for (const verb of ['get', 'remove', 'test']) {
      const out = await dispatchArgv(deps, registry, ['hook', verb, 'nosuch'], { mode: 'web' });
      expect({ verb, kind: out.error?.kind }).toEqual({ verb, kind: 'NotFound' });
    }
  });
});
