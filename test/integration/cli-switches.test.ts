/**
 * Global switches anywhere on the command line (issue 15 item 8, ADR 0030), through bin/razor:
 * `-v` after the verb, `-w` after the slice, `-d`/`-n` after the verb; a verb's own flag of the
 * same letter wins (`tag matcher add -v <value>`) and the long form stays global there.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { testEnv } from '../helpers/deps.js';
import { runRazor } from '../helpers/daemon.js';
import { SEED, tempHome, writeSeed } from '../helpers/fixture.js';

let home: ReturnType<typeof tempHome>;
beforeAll(async () => {
  home = tempHome('razor-cli-switches-');
  await writeSeed(home.home);
});
afterAll(() => home.cleanup());

const razor = (args: string[]) => runRazor(args, testEnv(home.home));
/** Verbose item blocks show the object's own keys (`created_at`), not the slice's headers. */
const VERBOSE = /^ {2}created_at +=> /m;

describe('switches after the slice and verb', () => {
  test('razor node get <uuid> -v is verbose, as razor -v node get <uuid>', async () => {
    const [after, before, plain] = await Promise.all([
      razor(['node', 'get', SEED.node, '-v']),
      razor(['-v', 'node', 'get', SEED.node]),
      razor(['node', 'get', SEED.node]),
    ]);
    for (const r of [after, before]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(VERBOSE);
    }
    expect(after.stdout).toBe(before.stdout);
    expect(plain.stdout).not.toMatch(VERBOSE);
  });

  test('-w after the slice prints the JSON envelope', async () => {
    const [after, before] = await Promise.all([razor(['policy', '-w']), razor(['-w', 'policy'])]);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toEqual(JSON.parse(before.stdout));
  });

  test('-d and -n after the verb are accepted (and --no-color, --debug)', async () => {
    const runs = await Promise.all([
      razor(['tag', 'get', SEED.tag, '-d', '-n']),
      razor(['tag', 'get', SEED.tag, '-dn']),
      razor(['tag', 'get', SEED.tag, '--debug', '--no-color']),
    ]);
    for (const r of runs) {
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(r.stdout).toContain(SEED.tag);
    }
  });
});

describe('a verb’s own flag of the same letter wins', () => {
  test('tag matcher add -v is the matcher’s value; --verbose is global', async () => {
    const add = ['tag', 'matcher', 'add', SEED.tag, '-k', 'hostname', '-c', 'equal'];
    const own = await razor([...add, '-v', 'web1']);
    expect(own.code).toBe(0);
    expect(own.stdout).toMatch(/^ {2}Value +=> {2}web1$/m);
    expect(own.stdout).not.toMatch(/^ {2}created_at/m);
    const both = await razor([...add, '-v', 'web2', '--verbose']);
    expect(both.code).toBe(0);
    expect(both.stdout).toMatch(/^ {2}value +=> {2}web2$/m);
  });

  test('razor --help says where the switches go and which letters a verb keeps', async () => {
    const r = await razor(['--help']);
    expect(r.stdout).toContain('The switches may come anywhere');
    expect(r.stdout).toContain('image add -v <version>');
  });
});
