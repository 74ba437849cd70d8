/**
 * The built-in templates' YAML, parsed when the package is built (`npm run build` writes
 * dist/yaml-cache.json with bin/gen-yaml-cache.ts): text's SHA-1 → the parsed value as JSON. A file
 * whose text is not in it (edited since the build, or an operator's extra templates) is parsed as
 * usual, so the cache can be stale or missing without changing any answer.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseYaml } from '../yaml.js';

/** Every *.yaml file under `dir` (what the build caches, under templates/). */
export function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(path);
    return e.isFile() && e.name.endsWith('.yaml') ? [path] : [];
  });
}

/** The cache's key for a file's text. */
export const yamlKey = (text: string): string => createHash('sha1').update(text).digest('hex');

/**
 * The JSON of `text`'s parsed value for the cache, or undefined when JSON would not carry it
 * exactly (YAML's .nan, .inf and the like).
 */
export function cacheEntry(text: string): string | undefined {
  const data = parseYaml(text);
  const json = JSON.stringify(data);
  return json !== undefined && isDeepStrictEqual(JSON.parse(json), data) ? json : undefined;
}

/** A YAML parser that answers from the cache file at `file` (read on first use) where it can. */
export function cachedYamlParser(file: string): (text: string) => unknown {
  let entries: Record<string, string> | undefined;
  return (text) => {
    if (!entries) {
      try {
        entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      } catch {
        entries = {};
      }
    }
    const key = yamlKey(text);
    const hit = Object.hasOwn(entries, key) ? entries[key] : undefined;
    return typeof hit === 'string' ? JSON.parse(hit) : parseYaml(text);
  };
}
