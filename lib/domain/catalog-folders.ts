/**
 * Reading one kind of family from the templates roots: every `<root>/<kind>/<name>/<file>`, parsed
 * as YAML and checked with zod; each error names the file. A name defined in two roots is an error.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';

/** An entry as loaded: the file's data, its name (the folder) and its folder. */
export type Loaded<T> = T & { name: string; dir: string };

/** Names a folder of families may use: they become words on the command line, in URLs and paths. */
export const FAMILY_NAME = /^[a-z0-9][a-z0-9_]*$/;

async function folderNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Parses a file's YAML text (the cache's parser, or YAML's own). */
export type YamlParser = (text: string) => unknown;

async function loadFile<T>(file: string, schema: z.ZodType<T>, parse: YamlParser): Promise<T> {
  let data: unknown;
  try {
    data = parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) =>
      i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message,
    );
    throw new Error(`${file}: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/**
 * Loads `<root>/<kind>/*\/<fileName>` from every root, sorted by name, each file's text parsed by
 * `parse`. `named` restricts folder names to FAMILY_NAME; names starting with `_` (hidden bases)
 * pass either way.
 */
export async function loadFolders<T>(
  roots: readonly string[],
  kind: string,
  fileName: string,
  schema: z.ZodType<T>,
  o: { named?: boolean; parse: YamlParser },
): Promise<Map<string, Loaded<T>>> {
  const named = o.named ?? false;
  const found = new Map<string, string>();
  for (const root of roots) {
    for (const name of await folderNames(join(root, kind))) {
      const dir = join(root, kind, name);
      const other = found.get(name);
      if (other !== undefined)
        throw new Error(
          `${join(dir, fileName)}: ${kind} '${name}' is also defined in ${join(other, fileName)}`,
        );
      if (named && !FAMILY_NAME.test(name) && !name.startsWith('_'))
        throw new Error(`${dir}: a ${kind} folder's name must be lower-case letters, digits and _`);
      found.set(name, dir);
    }
  }
  const out = new Map<string, Loaded<T>>();
  for (const name of [...found.keys()].sort()) {
    const dir = found.get(name) as string;
    out.set(name, { ...(await loadFile(join(dir, fileName), schema, o.parse)), name, dir });
  }
  return out;
}
