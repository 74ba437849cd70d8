/**
 * docs/cli.md and docs/razor.1 must be exactly what the verb declarations generate (run `npm run docs`
 * after a change).
 */
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allSlices } from '../../slices/index.js';
import { cliMarkdown } from '../../lib/cli/reference-doc.js';
import { manPage } from '../../lib/cli/man-page.js';
import { buildProgram, exampleCommand } from '../../lib/cli/program.js';
import { ROOT, builtInCatalog } from '../helpers/deps.js';

const catalog = await builtInCatalog();

test('docs/cli.md matches the verb declarations', () => {
  const onDisk = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');
  expect(onDisk).toBe(cliMarkdown(allSlices(catalog)));
});

test('docs/cli.md documents every verb and every short flag', () => {
  const md = cliMarkdown(allSlices(catalog));
  for (const slice of allSlices(catalog).values()) {
    for (const verb of slice.verbs) {
      expect(md).toContain(`### \`${slice.name} ${verb.name}\``);
      for (const f of Object.values(verb.fields)) if (f.short) expect(md).toContain(`\`-${f.short}, --`);
    }
  }
});

/** Splits an example command line into words (single quotes as the shell reads them). */
const shellWords = (line: string) =>
  [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => (m[1] ?? m[2]) as string);

test("every verb's example in --help parses as that verb with the sample's fields", async () => {
  const registry = allSlices(catalog);
  let checked = 0;
  const withoutExample: string[] = [];
  for (const slice of registry.values()) {
    for (const verb of slice.verbs) {
      const example = exampleCommand(slice, verb);
      if (!example) {
        withoutExample.push(`${slice.name} ${verb.name}`);
        continue;
      }
      const calls: Array<{ slice: string; verb: string; raw: Record<string, unknown> }> = [];
      const program = buildProgram(
        registry,
        async (s, v, raw) => void calls.push({ slice: s.name, verb: v.name, raw }),
        'test',
      );
      program.exitOverride();
      for (const c of program.commands) c.exitOverride();
      const words = shellWords(example).map((w) => w.replace(/^<[\w-]+-uuid>$/, 'SomeUuid'));
      await program.parseAsync(words.slice(1), { from: 'user' });
      expect(calls).toEqual([expect.objectContaining({ slice: slice.name, verb: verb.name })]);
      for (const key of Object.keys(verb.sample ?? {})) expect(calls[0]?.raw).toHaveProperty(key);
      checked++;
    }
  }
  // Only the verbs a node calls (not a person at a shell) have no example; every other one was parsed.
  expect(withoutExample).toEqual(['boot default', 'node checkin', 'node register']);
  const verbs = [...registry.values()].reduce((n, s) => n + s.verbs.length, 0);
  expect(checked).toBe(verbs - withoutExample.length);
});

test('docs/razor.1 (the man page) matches the verb declarations', () => {
  const onDisk = readFileSync(join(ROOT, 'docs', 'razor.1'), 'utf8');
  expect(onDisk).toBe(manPage(allSlices(catalog)));
});
