/** Writes docs/cli.md and the man page docs/razor.1 from the verb declarations (`npm run docs`). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allSlices } from '../slices/index.js';
import { loadCatalog } from '../lib/domain/catalog.js';
import { cliMarkdown } from '../lib/cli/reference-doc.js';
import { manPage } from '../lib/cli/man-page.js';
import { packageRoot } from './paths.js';

const registry = allSlices(await loadCatalog(join(packageRoot(), 'templates')));
writeFileSync(join(packageRoot(), 'docs', 'cli.md'), cliMarkdown(registry));
writeFileSync(join(packageRoot(), 'docs', 'razor.1'), manPage(registry));
process.stdout.write('wrote docs/cli.md and docs/razor.1\n');
