/**
 * Part of `npm run build`: parses every built-in template's YAML once and writes
 * dist/yaml-cache.json (lib/domain/yaml-cache.ts), so a razor command does not parse them again.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheEntry, yamlFiles, yamlKey } from '../lib/domain/yaml-cache.js';
import { packageRoot } from './paths.js';

const root = packageRoot();
const entries: Record<string, string> = {};
for (const file of yamlFiles(join(root, 'templates'))) {
  const text = readFileSync(file, 'utf8');
  try {
    const json = cacheEntry(text);
    if (json !== undefined) entries[yamlKey(text)] = json;
  } catch {
    // Not valid YAML: left to the catalog to report, with the file's name, when it is loaded.
  }
}
const target = join(root, 'dist', 'yaml-cache.json');
writeFileSync(`${target}.${process.pid}`, JSON.stringify(entries));
renameSync(`${target}.${process.pid}`, target);
