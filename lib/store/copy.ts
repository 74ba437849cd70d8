/**
 * Copies everything in one store into another (`razor store copy`, `razor restore`): every
 * collection, documents in their stored order (the policy table is a `meta` document, so policy
 * order goes with it), each byte for byte. The target must be empty unless `force`, which replaces
 * what it holds. The copy is one write transaction on the target: it lands whole or not at all. A
 * target that already holds exactly the source's documents is left alone.
 */
import { RazorError } from '../errors.js';
import { COLLECTIONS, type Collection, type Doc, type Store, type StoreReader } from './store.js';
import type { ProgressFactory } from '../images/progress.js';

/** How many documents of each collection were copied. */
export type CopyCounts = Partial<Record<Collection, number>>;

/** Every document of a store, per collection in the fixed order, each collection in stored order. */
export type AllDocuments = Map<Collection, Doc[]>;

/** How to copy: see `copyStore`. */
export interface CopyOptions {
  force: boolean;
  progress: ProgressFactory;
  /** The error for a non-empty target without `force` (`held`: `3 node, 1 policy`); default CouldNotCreate. */
  notEmpty?: (held: string) => Error;
  /** Called when the target already holds exactly the source's documents (nothing is written). */
  onSame?: () => void;
  /** Called in the write transaction, before the target's documents are replaced (to keep them). */
  beforeReplace?: (target: StoreReader) => Promise<void>;
}

/** How many documents of each non-empty collection `docs` holds. */
export const countsOf = (docs: AllDocuments): CopyCounts =>
  Object.fromEntries([...docs].filter(([, d]) => d.length).map(([c, d]) => [c, d.length]));

/** Every document `r` reads, per collection. */
export async function allDocuments(r: StoreReader): Promise<AllDocuments> {
  const all: AllDocuments = new Map();
  for (const c of COLLECTIONS) all.set(c, await r.all(c));
  return all;
}

/** Every document of `store`, read in one read transaction: a consistent snapshot. */
export const readEverything = (store: Store): Promise<AllDocuments> => store.read(allDocuments);

/** Whether the store `r` reads holds exactly `docs`, byte for byte and in order. */
async function sameDocuments(r: StoreReader, docs: AllDocuments): Promise<boolean> {
  for (const [c, want] of docs) if (JSON.stringify(await r.all(c)) !== JSON.stringify(want)) return false;
  return true;
}

/** What `r` holds, as `3 node, 1 policy` (empty: nothing). */
export async function heldText(r: StoreReader): Promise<string> {
  const held: string[] = [];
  for (const c of COLLECTIONS) {
    const n = await r.count(c);
    if (n > 0) held.push(`${n} ${c}`);
  }
  return held.join(', ');
}

/** Copies `from` into `to`; progress is reported per collection in bytes of documents. */
export async function copyStore(from: Store, to: Store, opts: CopyOptions): Promise<CopyCounts> {
  return copyDocuments(await readEverything(from), to, opts);
}

/** Copies `source` (every document of a store) into `to`, as `copyStore` does. */
export async function copyDocuments(source: AllDocuments, to: Store, opts: CopyOptions): Promise<CopyCounts> {
  return to.write(async (w) => {
    const held = await heldText(w);
    // A target that already holds exactly these documents is a finished copy: nothing to do.
    if (held && (await sameDocuments(w, source))) {
      opts.onSame?.();
      return countsOf(source);
    }
    if (held && !opts.force)
      throw (
        opts.notEmpty?.(held) ??
        new RazorError(
          'CouldNotCreate',
          `the target ${to.location} is not empty (${held}); nothing was copied — use --force to replace what it holds`,
        )
      );
    if (held) await opts.beforeReplace?.(w);
    for (const c of COLLECTIONS) for (const d of await w.all(c)) await w.remove(c, d.uuid);
    const counts: CopyCounts = {};
    for (const [c, docs] of source) {
      if (docs.length === 0) continue;
      const texts = docs.map((d) => JSON.stringify(d));
      const bar = opts.progress(
        `${c} (${docs.length})`,
        texts.reduce((n, t) => n + t.length, 0),
      );
      for (const [i, d] of docs.entries()) {
        await w.put(c, structuredClone(d) as Doc);
        bar.advance((texts[i] as string).length);
      }
      bar.finish();
      counts[c] = docs.length;
    }
    return counts;
  });
}
