/**
 * The architecture as the file tree shows it (ADR 0020): every source file is small, nothing imports
 * in a cycle, and the layers point one way — bin/ wires, slices/ and daemon/ use lib/, lib/ uses
 * neither them nor bin/.
 */
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE_DIRS = ['bin', 'daemon', 'lib', 'slices'];
const MAX_LINES = 200;
/** Files still over the limit while the redesign step (issue 11) splits them; must end empty. */
const STILL_LONG = new Set<string>([]);

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const files = SOURCE_DIRS.flatMap(sources);

/** The repository files a source file imports (relative specifiers only; type imports included). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)];
  return found.map((m) => normalize(join(dirname(file), (m[1] as string).replace(/\.js$/, '.ts'))));
}

const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('source layout', () => {
  test(`no source file is over ${MAX_LINES} lines`, () => {
    const long = files
      .filter((f) => !STILL_LONG.has(f))
      .map((f) => ({ f, lines: readFileSync(join(root, f), 'utf8').split('\n').length - 1 }))
      .filter((x) => x.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  test('every import names an existing file', () => {
    const missing = [...graph].flatMap(([f, deps]) =>
      deps.filter((d) => !graph.has(d)).map((d) => `${f} → ${d}`),
    );
    expect(missing).toEqual([]);
  });

  test('no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const walk = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const d of graph.get(f) ?? []) walk(d, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) walk(f, []);
    expect(cycles).toEqual([]);
  });

  test('layers point one way: lib/ imports only lib/; slices/ and daemon/ import lib/ and themselves', () => {
    const layer = (f: string) => f.split('/')[0] as string;
    const allowed: Record<string, string[]> = {
      lib: ['lib'],
      slices: ['slices', 'lib'],
      daemon: ['daemon', 'lib'],
      bin: ['bin', 'lib', 'slices', 'daemon'],
    };
    const wrong = [...graph].flatMap(([f, deps]) =>
      deps
        .filter((d) => !allowed[layer(f)]?.includes(layer(d)))
        .map((d) => `${f} → ${relative(root, join(root, d))}`),
    );
    expect(wrong).toEqual([]);
  });
});
