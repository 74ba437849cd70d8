/**
 * Backup files (`razor backup`, `razor restore`): a store's documents in the embedded store's own
 * format (`{"rev":1,"format":"razor-store/1","collections":{…}}`), so a backup is also a store file
 * razor can open (`razor store copy --from`). Written atomically — a temp file beside it, fsynced,
 * renamed, the folder fsynced — so a crash never leaves half a backup under its name; read back
 * whole and checked, structure and required fields, before anything is changed.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { RazorError } from '../errors.js';
import { writeFileAtomic, storeJsonPieces } from './atomic-file.js';
import { systemReason } from './store-errors.js';
import { storeShapeProblem, type RequiredFields } from './store-shape.js';
import { journalPath, openJsonStore } from './json-store.js';
import { readEverything, type AllDocuments } from './copy.js';
import { COLLECTIONS, type Collection, type Doc } from './store.js';
import type { Table } from './snapshot.js';

/** Writes `docs` to `file` as a backup, atomically; resolves with the bytes written. */
export async function writeBackupFile(file: string, docs: AllDocuments): Promise<number> {
  const collections: Partial<Record<Collection, Table>> = {};
  for (const [c, list] of docs)
    if (list.length) collections[c] = Object.fromEntries(list.map((d) => [d.uuid, d]));
  try {
    return await writeFileAtomic(file, storeJsonPieces({ rev: 1, format: 'razor-store/1', collections }));
  } catch (err) {
    throw new RazorError(
      'InputError',
      `cannot write the backup ${file}: ${systemReason(err as NodeJS.ErrnoException)}; nothing was written`,
    );
  }
}

/**
 * For a backup `file` that exists and may not be replaced (no `--force`): true when it already
 * holds exactly `docs` (the backup is done already), else a CouldNotCreate error.
 */
export async function existingBackup(file: string, docs: AllDocuments): Promise<true> {
  const held = await readBackupFile(file, {}).catch(() => undefined);
  if (held && [...docs].every(([c, d]) => JSON.stringify(held.get(c)) === JSON.stringify(d))) return true;
  throw new RazorError(
    'CouldNotCreate',
    `${file} already exists; nothing was written — use --force to replace it`,
  );
}

/** The collections of a parsed store file as `AllDocuments`, or why it is not a backup razor can restore. */
function documentsOf(data: unknown, required: RequiredFields): AllDocuments | string {
  const problem = storeShapeProblem(data, required);
  if (problem) return problem;
  const tables = (data as { collections: Record<string, Table> }).collections;
  const unknown = Object.keys(tables).find((c) => !COLLECTIONS.includes(c as Collection));
  if (unknown !== undefined) return `"collections.${unknown}" is not a collection razor has`;
  return new Map(COLLECTIONS.map((c) => [c, Object.values(tables[c] ?? {}) as Doc[]]));
}

/**
 * Reads and checks the backup `file` (a razor store file; with its journal, when one is beside it,
 * as the store would read it). Throws an InputError saying what is wrong; changes nothing.
 */
export async function readBackupFile(file: string, required: RequiredFields): Promise<AllDocuments> {
  const refuse = (why: string) =>
    new RazorError('InputError', `${file} is not a razor backup: ${why}; nothing was changed`);
  if (file.endsWith('.json') && existsSync(journalPath(file))) {
    // A live store's files (a snapshot and its journal): read as the store reads them.
    const store = await openJsonStore(file, { requiredFields: required, generations: Infinity });
    try {
      return await readEverything(store);
    } catch (err) {
      throw refuse(err instanceof Error ? err.message : String(err));
    } finally {
      await store.close();
    }
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw refuse(`cannot read it: ${systemReason(err as NodeJS.ErrnoException)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw refuse(`it is not JSON (${(err as Error).message}) — cut short, or not a backup`);
  }
  const docs = documentsOf(data, required);
  if (typeof docs === 'string') throw refuse(docs);
  return docs;
}
