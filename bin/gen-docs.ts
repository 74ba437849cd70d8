/** Writes docs/cli.md, the man page docs/razor.1 and docs/openapi.json from the verb declarations (`npm run docs`). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allSlices } from '../slices/index.js';
import { loadCatalog } from '../lib/domain/catalog.js';
import { cliMarkdown } from '../lib/cli/reference-doc.js';
import { openApiText } from '../lib/verbs/openapi.js';
import { manPage } from '../lib/cli/man-page.js';
import { packageRoot } from './paths.js';

const registry = allSlices(await loadCatalog(join(packageRoot(), 'templates')));
writeFileSync(join(packageRoot(), 'docs', 'cli.md'), cliMarkdown(registry));
writeFileSync(join(packageRoot(), 'docs', 'razor.1'), manPage(registry));
writeFileSync(join(packageRoot(), 'docs', 'openapi.json'), openApiText(registry));
process.stdout.write('wrote docs/cli.md, docs/razor.1 and docs/openapi.json\n');
