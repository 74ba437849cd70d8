/**
 * No stack trace without -d (issue 15 item 7), through bin/razor: bad JSON in a flag is one line
 * naming the flag (exit 2); a reader that closes the pipe early ends razor quietly.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { testEnv } from '../helpers/deps.js';
import { RAZOR, runRazor } from '../helpers/daemon.js';
import { tempHome, writeSeed } from '../helpers/fixture.js';

let home: ReturnType<typeof tempHome>;
beforeAll(async () => {
  home = tempHome('razor-cli-errors-');
  await writeSeed(home.home);
});
afterAll(() => home.cleanup());

const STACK = /^\s+at /m;

describe('bad JSON in a flag', () => {
  test.each([
    [
      ['broker', 'add', '-p', 'puppet', '-n', 'p2', '-r', '{server:puppet}'],
      'broker add',
      '--req-metadata-hash',
    ],
    [
      ['broker', 'add', '-p', 'puppet', '-n', 'p2', '-r', '{server:puppet}', '-d', 'x'],
      'broker add',
      '--req-metadata-hash',
    ],
    [['tag', 'add', '-n', 'x', '-t', 'x', '-r', '[=,'], 'tag add', '--rule'],
  ])('razor %j: one line naming the flag, exit 2', async (args, command, flag) => {
    const r = await runRazor(args, testEnv(home.home));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toContain('RazorError');
    const [line, hint, rest] = r.stderr.split('\n');
    expect(line).toMatch(new RegExp(`^razor ${command}: ${flag} must be JSON: `));
    expect(hint).toBe(`(see 'razor ${command} --help')`);
    expect(rest).toBe('');
  });

  test('the flag file that cannot be read is named, one line', async () => {
    const r = await runRazor(
      ['broker', 'add', '-p', 'puppet', '-n', 'p2', '-r', '/no/such/file'],
      testEnv(home.home),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr.split('\n')[0]).toMatch(
      /^razor broker add: --req-metadata-hash must be JSON or a JSON file; cannot read/,
    );
  });
});

describe('a closed pipe', () => {
  test('razor … | head: razor ends without a stack when its reader goes away', async () => {
    const child = spawn(RAZOR, ['model', 'templates'], {
      env: testEnv(home.home),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(STACK);
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });
});
