/**
 * YAML parsing with the `yaml` package loaded on first use: most razor commands parse no YAML at
 * all (the built-in catalog comes from dist/yaml-cache.json, yaml-cache.ts), and loading the
 * parser costs a short-lived CLI call about a tenth of its start-up.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

const load = createRequire(import.meta.url);

/** `YAML.parse(text)`; throws YAML's own errors. */
export function parseYaml(text: string): unknown {
  return (load('yaml') as typeof Yaml).parse(text);
}
