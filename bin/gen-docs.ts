/** Writes docs/cli.md from the verb declarations (`npm run docs`). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allSlices } from '../slices/index.js';
import { loadCatalog } from '../lib/domain/catalog.js';
import { cliMarkdown } from '../lib/cli/reference-doc.js';
import { packageRoot } from './paths.js';

writeFileSync(
  join(packageRoot(), 'docs', 'cli.md'),
  cliMarkdown(allSlices(await loadCatalog(join(packageRoot(), 'templates')))),
);
process.stdout.write('wrote docs/cli.md\n');
