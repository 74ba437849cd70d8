/**
 * Shell completion and the man page (issue 15, item 12). `razor completion bash` is sourced in a
 * real bash, its function run with COMP_WORDS/COMP_CWORD set as bash sets them: it completes a
 * slice, a verb, a flag, a flag's choices and a UUID from the store (through `razor __complete`).
 * `razor completion zsh` passes `zsh -n`; `man -l docs/razor.1` renders the page.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, testEnv } from '../helpers/deps.js';
import { RAZOR, runRazor } from '../helpers/daemon.js';
import { SEED, tempHome, writeSeed } from '../helpers/fixture.js';
import { commandProbe, systemAvailable } from '../helpers/system.js';

const zsh = systemAvailable('zsh completion syntax check: zsh', commandProbe('zsh', ['--version']));
const man = systemAvailable('man page rendering: man', commandProbe('man', ['--version']));

let home: ReturnType<typeof tempHome>;
let script: string;
beforeAll(async () => {
  home = tempHome();
  await writeSeed(home.home);
  const r = await runRazor(['completion', 'bash'], testEnv(home.home));
  expect(r.code).toBe(0);
  script = join(home.home, 'razor.bash');
  writeFileSync(script, r.stdout);
});
afterAll(() => home.cleanup());

/** What bash completes for the words typed so far (the last is the word under the cursor). */
function complete(...typed: string[]): string[] {
  const words = [RAZOR, ...typed].map((w) => `'${w}'`).join(' ');
  const run = `source '${script}'; COMP_WORDS=(${words}); COMP_CWORD=${typed.length}; _razor; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync('bash', ['-c', run], { env: testEnv(home.home) }).toString();
  return out.split('\n').filter(Boolean).sort();
}

test('the bash script registers _razor for razor', () => {
  const out = execFileSync('bash', ['-c', `source '${script}'; complete -p razor`]).toString();
  expect(out.trim()).toBe('complete -F _razor razor');
});

test('a slice: `razor ta<TAB>` → tag; `razor to<TAB>` → token', () => {
  expect(complete('ta')).toEqual(['tag']);
  expect(complete('to')).toEqual(['token']);
  expect(complete('-w', 'pol')).toEqual(['policy']);
});

test('a verb: `razor tag rem<TAB>` → remove, remove-all; `razor tag matcher <TAB>` → its four verbs', () => {
  expect(complete('tag', 'rem')).toEqual(['remove', 'remove-all']);
  expect(complete('tag', 'matcher', '')).toEqual(['add', 'get', 'remove', 'update']);
});

test('a flag: `razor tag add --n<TAB>` → --name; `razor image add -t <TAB>` → the image types', () => {
  expect(complete('tag', 'add', '--n')).toEqual(['--name']);
  expect(complete('tag', 'remove-all', '--')).toEqual(['--force', '--help', '--yes']);
  expect(complete('image', 'add', '-t', '')).toEqual(['esxi', 'mk', 'os', 'rootfs', 'xenserver']);
});

test('a UUID from the store: `razor tag remove <TAB>`, `razor policy add -m Model<TAB>`', () => {
  expect(complete('tag', 'remove', '')).toEqual([SEED.tag]);
  expect(complete('policy', 'add', '-l', 'web', '-m', 'ModelSeed')).toEqual(
    [SEED.model, SEED.model_in_use].sort(),
  );
  expect(complete('policy', 'add', '-b', '')).toEqual([SEED.broker, SEED.broker_in_use, 'none'].sort());
});

(zsh ? test : test.skip)('`razor completion zsh` is valid zsh (zsh -n)', async () => {
  const r = await runRazor(['completion', 'zsh'], testEnv(home.home));
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('compdef _razor razor');
  const file = join(home.home, '_razor.zsh');
  writeFileSync(file, r.stdout);
  execFileSync('zsh', ['-n', file]);
});

test('`razor completion` without a shell says which to name', async () => {
  const r = await runRazor(['completion'], testEnv(home.home));
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("'razor completion bash' or 'razor completion zsh'");
});

(man ? test : test.skip)('`man -l docs/razor.1` renders every slice and the global switches', () => {
  const page = execFileSync('man', ['-l', join(ROOT, 'docs', 'razor.1')], {
    env: { ...process.env, MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '100', LANG: 'C.UTF-8' },
  }).toString();
  expect(page).toMatch(/^RAZOR\(1\)/);
  for (const heading of ['NAME', 'SYNOPSIS', 'GLOBAL SWITCHES', 'POLICY', 'TAG', 'EXIT STATUS', 'ERRORS'])
    expect(page).toContain(`\n${heading}`);
  expect(page).toContain('razor tag remove-all');
  expect(page).toContain('-y, --yes');
});
