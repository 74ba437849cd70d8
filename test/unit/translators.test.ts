/**
 * A RazorError becomes output in exactly three places (ADR 0021): the `-w` envelope, the HTTP
 * response (whose one special case is the boot route's iPXE script) and the CLI's exit status and
 * message. This reads the source as `grep` would, and checks what each translator makes.
 */
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, builtInCatalog } from '../helpers/deps.js';
import { allSlices } from '../../slices/index.js';
import { RazorError } from '../../lib/errors.js';
import { translateToEnvelope } from '../../lib/verbs/translate-envelope.js';
import { translateToHttp } from '../../lib/verbs/translate-http.js';
import { translateToCli } from '../../lib/cli/translate-cli.js';
import type { Deps } from '../../lib/verbs/context.js';

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const files = ['bin', 'daemon', 'lib', 'slices'].flatMap(sources);
const text = new Map(files.map((f) => [relative('.', f), readFileSync(join(ROOT, f), 'utf8')]));
const where = (re: RegExp) => [...text].filter(([, t]) => re.test(t)).map(([f]) => f);

const TRANSLATORS = [
  'lib/cli/translate-cli.ts',
  'lib/verbs/translate-envelope.ts',
  'lib/verbs/translate-http.ts',
];

describe('exactly three translators', () => {
  test('`grep -rn "export.*function translateTo" bin daemon lib slices` finds three', () => {
    expect(where(/export (async )?function translateTo/).sort()).toEqual(TRANSLATORS);
  });

  test('only they read the error table (and the docs and man page, which print it)', () => {
    const readers = where(/\bERRORS\b/).filter((f) => f !== 'lib/errors.ts');
    expect(readers.sort()).toEqual(
      [...TRANSLATORS, 'lib/cli/reference-doc.ts', 'lib/cli/man-page.ts'].sort(),
    );
  });

  test("only the HTTP translator turns an error into a verb's error text (iPXE)", () => {
    expect(where(/\.errorText\(/)).toEqual(['lib/verbs/translate-http.ts']);
  });

  test('no plain-text error bypasses the table (the image file server aside)', () => {
    const plain = where(/status\(4\d\d\)|writeHead\(4\d\d|type\('text\/plain'\)/).filter(
      (f) => !f.startsWith('daemon/images/'),
    );
    expect(plain).toEqual([]);
  });
});

describe('what they make', () => {
  const err = new RazorError('NotFound', 'no policy \u001b[2Jx');

  test('the envelope: the original shape, terminal controls escaped', () => {
    const env = translateToEnvelope(err, 'active_model', 'get_active_model');
    expect(env).not.toContain('\u001b');
    expect(JSON.parse(env)).toEqual({
      std_err_code: 123,
      err_class: 'ProjectRazor::Error::Slice::NotFound',
      result: 'no policy \u001b[2Jx',
      http_err_code: 404,
      slice: 'ProjectRazor::Slice::ActiveModel',
      command: 'get_active_model',
    });
  });

  test('the CLI: the exit status of the family, the message escaped, the help hint', () => {
    expect(translateToCli(err, { command: 'policy get' })).toEqual({
      exit: 3,
      message: 'razor policy get: no policy \\x1b[2Jx',
      hint: "(see 'razor policy get --help')",
    });
    expect(translateToCli(new RazorError('StoreUnavailable', 'x')).exit).toBe(5);
    expect(
      translateToCli(new RazorError('StoreUnavailable', 'x'), { command: 'daemon', starting: true }),
    ).toEqual({
      exit: 2,
      message: 'razor daemon: x',
    });
  });

  test('HTTP: the table status and envelope; the boot route gets its iPXE script', async () => {
    const boot = allSlices(await builtInCatalog()).get('boot');
    const verb = boot?.verbs[0];
    const deps = {
      config: { values: { mk_checkin_interval: 30 } },
      template: async () => {
        throw new Error('no templates here');
      },
    } as unknown as Deps;
    const plain = await translateToHttp({ error: new RazorError('PayloadTooLarge', 'too big') });
    expect(plain.status).toBe(413);
    expect(JSON.parse(plain.body)).toMatchObject({ std_err_code: 169, http_err_code: 413 });
    const script = await translateToHttp(
      { slice: boot, verb, error: new RazorError('InputError', 'bad hw_id') },
      deps,
    );
    expect(script).toEqual({
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: '#!ipxe\necho razor: bad hw_id\nsleep 30\nreboot\n',
    });
    const wrongMethod = new RazorError('MethodNotAllowed', 'boot default cannot be called with POST');
    expect((await translateToHttp({ slice: boot, verb, error: wrongMethod }, deps)).status).toBe(405);
  });
});
