/**
 * Store generations (ADR 0017): the versions of the store file razor wrote, kept beside it —
 * `razor.json.0` is the current file itself (a second name, a hard link), `razor.json.1` the
 * version before it, … up to `razor.json.N` (`store_generations`). A write moves each up one
 * (`.4` → `.5`, …, `.0` → `.1`), gives the new file the name `.0`, and renames it over the store:
 * no data is copied, and as files are only ever replaced whole (atomic-file.ts), a generation never
 * changes. Every step is one atomic rename or link, so a crash at any point leaves each generation
 * that exists a complete store — at worst one is missing, or `.0` is a complete version that did
 * not become the store. Naming the new file before it becomes the store means a store file never
 * gains a link, which held-file.ts relies on to see replacement with one fstat.
 */
import { link, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { storeShapeProblem, type RequiredFields } from './store-shape.js';

/** The file of generation `n` (0 = the current store, 1 = the version before it, …) of `file`. */
export const generationFile = (file: string, n: number): string => `${file}.${n}`;

/** The generation numbers present beside `file`, ascending (newest first). */
async function generationsPresent(file: string): Promise<number[]> {
  const prefix = `${basename(file)}.`;
  const present: number[] = [];
  for (const name of await readdir(dirname(file))) {
    const rest = name.startsWith(prefix) ? name.slice(prefix.length) : '';
    if (/^(0|[1-9]\d{0,5})$/.test(rest)) present.push(Number(rest));
  }
  return present.sort((a, b) => a - b);
}

const ignoreMissing = (err: NodeJS.ErrnoException) => {
  if (err.code !== 'ENOENT') throw err;
};

/**
 * Moves the generations of `file` up one (dropping the one past `keep`) and names `next` — the new
 * version, on disk and about to be renamed over `file` — generation 0. Called by the writer holding
 * the store lock. Best effort: returns false (and the write goes on) when the file system refuses.
 */
export async function keepGeneration(file: string, next: string, keep: number): Promise<boolean> {
  if (keep <= 0) return true;
  try {
    for (let n = keep - 1; n >= 0; n--)
      await rename(generationFile(file, n), generationFile(file, n + 1)).catch(ignoreMissing);
    await link(next, generationFile(file, 0));
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes generations past `keep` (after `store_generations` was lowered; with 0, also the current
 * file's second name); returns how many.
 */
export async function pruneGenerations(file: string, keep: number): Promise<number> {
  const extra = (await generationsPresent(file)).filter((n) => n > keep || keep <= 0);
  await Promise.all(extra.map((n) => unlink(generationFile(file, n)).catch(ignoreMissing)));
  return extra.length;
}

/** A generation that loads: its path, its revision and when it was written. */
export interface GoodGeneration {
  path: string;
  rev: number;
  written: Date;
}

/**
 * The newest generation beside `file` that parses and has a store's structure, if any. When the
 * store was damaged in place, generation 0 (the same file) is damaged too and the one before it is
 * found; when something other than razor replaced the store, generation 0 is the last razor wrote.
 */
export async function newestGoodGeneration(
  file: string,
  required: RequiredFields = {},
): Promise<GoodGeneration | undefined> {
  let present: number[];
  try {
    present = await generationsPresent(file);
  } catch {
    return undefined;
  }
  for (const n of present) {
    const path = generationFile(file, n);
    try {
      const data = JSON.parse(await readFile(path, 'utf8')) as { rev?: unknown };
      if (storeShapeProblem(data, required) !== undefined) continue;
      return { path, rev: Number(data.rev), written: (await stat(path)).mtime };
    } catch {
      continue;
    }
  }
  return undefined;
}

/** `path` as one shell word. */
const shellWord = (path: string) =>
  /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;

/** The sentence telling an operator how to get back to a store that loads. */
export function restoreAdvice(file: string, good: GoodGeneration | undefined): string {
  if (!good)
    return `no good earlier generation (${basename(file)}.0 …, config store_generations) is beside it: restore it from a backup`;
  const aside = join(dirname(file), `${basename(file)}.corrupt`);
  return (
    `the newest good generation is ${good.path} (rev ${good.rev}, written ${good.written.toISOString()}); ` +
    `to restore it, stop razor and run: mv ${shellWord(file)} ${shellWord(aside)} && cp -p ${shellWord(good.path)} ${shellWord(file)}`
  );
}
