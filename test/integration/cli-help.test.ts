/**
 * Every verb's help is its own however it is asked for (issue 15 item 1): `razor help <slice>
 * <verb>`, `razor <slice> <verb> --help`, `razor <slice> <verb> -h` and `razor -h <slice> <verb>`.
 * The walk covers every verb of the registry through the CLI's `main()` in this process (4 × 71
 * child processes would take minutes on a loaded machine); the cases the operator hit run through
 * bin/razor as child processes.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { main } from '../../bin/main.js';
import { allSlices } from '../../slices/index.js';
import { builtInCatalog, testEnv } from '../helpers/deps.js';
import { runRazor } from '../helpers/daemon.js';
import { tempHome } from '../helpers/fixture.js';
import type { SliceRegistry } from '../../lib/verbs/spec.js';

let home: ReturnType<typeof tempHome>;
let registry: SliceRegistry;
beforeAll(async () => {
  home = tempHome('razor-cli-help-');
  registry = allSlices(await builtInCatalog());
});
afterAll(() => home.cleanup());

/** Runs main() in this process and returns its exit status and what it wrote to stdout and stderr. */
async function inProcess(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const write = { stdout: process.stdout.write, stderr: process.stderr.write };
  process.stdout.write = ((chunk: string) => ((out.stdout += String(chunk)), true)) as typeof write.stdout;
  process.stderr.write = ((chunk: string) => ((out.stderr += String(chunk)), true)) as typeof write.stderr;
  try {
    const code = await main(argv, testEnv(home.home));
    return { code, ...out };
  } finally {
    process.stdout.write = write.stdout;
    process.stderr.write = write.stderr;
  }
}

/** The usage line of a verb's own help: `Usage: razor tag matcher add [options] <tag>`. */
const usageOf = (slice: string, verb: string) =>
  new RegExp(`^Usage: razor ${slice} ${verb.replace(/-/g, '\\-')}( |\\n)`);

describe('every declared verb, four ways', () => {
  test('razor help s v, razor s v --help, razor s v -h, razor -h s v: the verb’s own usage', async () => {
    const calls = [...registry.values()].flatMap((s) =>
      s.verbs.flatMap((v) => {
        const words = v.name.split(' ');
        return [
          ['help', s.name, ...words],
          [s.name, ...words, '--help'],
          [s.name, ...words, '-h'],
          ['-h', s.name, ...words],
        ].map((argv) => ({ argv, usage: usageOf(s.name, v.name) }));
      }),
    );
    expect(calls.length).toBeGreaterThanOrEqual(4 * 60);
    const wrong: unknown[] = [];
    for (const c of calls) {
      const r = await inProcess(c.argv);
      if (r.code !== 0 || !c.usage.test(r.stdout) || r.stderr !== '')
        wrong.push({ argv: c.argv.join(' '), code: r.code, first: r.stdout.split('\n')[0], err: r.stderr });
    }
    expect(wrong).toEqual([]);
  });
});

describe('the operator’s cases, through bin/razor', () => {
  const env = () => testEnv(home.home);

  test('razor <slice> get --help is get’s help on every slice with a get verb', async () => {
    const slices = [...registry.values()].filter((s) => s.verbs.some((v) => v.name === 'get'));
    expect(slices.length).toBeGreaterThanOrEqual(8);
    const runs = await Promise.all(slices.map((s) => runRazor([s.name, 'get', '--help'], env())));
    runs.forEach((r, i) => {
      expect({ slice: slices[i]?.name, code: r.code }).toEqual({ slice: slices[i]?.name, code: 0 });
      expect(r.stdout).toMatch(usageOf(slices[i]?.name as string, 'get'));
    });
  });

  test('razor help policy add (the example razor help gives) is policy add’s help', async () => {
    const r = await runRazor(['help', 'policy', 'add'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(usageOf('policy', 'add'));
    expect(r.stdout).toContain('--template <template>');
  });

  test('razor tag matcher --help and razor tag matcher show the matcher commands', async () => {
    const [help, bare] = await Promise.all([
      runRazor(['tag', 'matcher', '--help'], env()),
      runRazor(['tag', 'matcher'], env()),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: razor tag matcher \[options\] \[command\]/);
    for (const sub of ['add', 'get', 'update', 'remove'])
      expect(help.stdout).toMatch(new RegExp(`\\n  ${sub} `));
    // Without a command the group's help is the answer of a usage error, not a lookup of 'matcher'.
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^Usage: razor tag matcher /);
    expect(bare.stderr).not.toContain('Not found');
  });

  test('razor tag matcher add --help and the original word order reach matcher add', async () => {
    const [canonical, original] = await Promise.all([
      runRazor(['tag', 'matcher', 'add', '--help'], env()),
      runRazor(['tag', 'TagSeed0000000000000001', 'matcher', 'add', '-h'], env()),
    ]);
    for (const r of [canonical, original]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(usageOf('tag', 'matcher add'));
    }
  });

  test('razor help lists the config slice', async () => {
    const r = await runRazor(['help'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n {2}config( \[options\])? +Show the effective configuration/);
  });
});
