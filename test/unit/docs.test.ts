/** docs/cli.md must be exactly what the verb declarations generate (run `npm run docs` after a change). */
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allSlices } from '../../slices/index.js';
import { cliMarkdown } from '../../lib/cli/docs.js';
import { ROOT } from '../helpers/deps.js';

test('docs/cli.md matches the verb declarations', () => {
  const onDisk = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');
  expect(onDisk).toBe(cliMarkdown(allSlices()));
});

test('docs/cli.md documents every verb and every short flag', () => {
  const md = cliMarkdown(allSlices());
  for (const slice of allSlices().values()) {
    for (const verb of slice.verbs) {
      expect(md).toContain(`### \`${slice.name} ${verb.name}\``);
      for (const f of Object.values(verb.fields)) if (f.short) expect(md).toContain(`\`-${f.short}, --`);
    }
  }
});
