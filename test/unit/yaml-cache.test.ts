/**
 * The build's YAML cache (lib/domain/yaml-cache.ts): it holds every built-in template file, a hit
 * answers from the cache, anything else (a missing or unreadable cache, an edited file, a value
 * JSON cannot carry) is parsed as YAML.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheEntry, cachedYamlParser, yamlFiles, yamlKey } from '../../lib/domain/yaml-cache.js';
import { parseYaml } from '../../lib/yaml.js';
import { ROOT } from '../helpers/deps.js';

describe('YAML cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'razor-yaml-cache-'));

  test('the build cached every built-in template file, each the value YAML parses', () => {
    const cache = JSON.parse(readFileSync(join(ROOT, 'dist', 'yaml-cache.json'), 'utf8')) as Record<
      string,
      string
    >;
    const files = yamlFiles(join(ROOT, 'templates'));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect([file, JSON.parse(cache[yamlKey(text)] ?? 'null')]).toEqual([file, parseYaml(text)]);
    }
  });

  test('a hit answers from the cache; other text, or no cache at all, is parsed', () => {
    const cached = 'name: from-the-file\n';
    const file = join(dir, 'cache.json');
    writeFileSync(file, JSON.stringify({ [yamlKey(cached)]: JSON.stringify({ name: 'from-the-cache' }) }));
    const parse = cachedYamlParser(file);
    expect(parse(cached)).toEqual({ name: 'from-the-cache' });
    expect(parse('name: edited\n')).toEqual({ name: 'edited' });
    // Each hit is a fresh value: changing one does not change the next.
    (parse(cached) as { name: string }).name = 'changed';
    expect(parse(cached)).toEqual({ name: 'from-the-cache' });
    expect(cachedYamlParser(join(dir, 'none.json'))(cached)).toEqual({ name: 'from-the-file' });
    writeFileSync(join(dir, 'torn.json'), '{"abc');
    expect(cachedYamlParser(join(dir, 'torn.json'))(cached)).toEqual({ name: 'from-the-file' });
    expect(() => parse('a: [1\n')).toThrow();
  });

  test('values JSON cannot carry are not cached', () => {
    expect(cacheEntry('a: 1\nb: [x, {c: null}]\n')).toBe('{"a":1,"b":["x",{"c":null}]}');
    expect(cacheEntry('a: .nan\n')).toBeUndefined();
    expect(cacheEntry('a: .inf\n')).toBeUndefined();
  });
});
