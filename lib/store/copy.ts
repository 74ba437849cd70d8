/**
 * Copies everything in one store into another (`razor store copy`): every collection, documents
 * in their stored order (the policy table is a `meta` document, so policy order goes with it), each
 * byte for byte. The target must be empty unless `force`, which replaces what it holds. The copy
 * is one write transaction on the target: it lands whole or not at all. A target that already holds
 * exactly the source's documents is left alone.
 */
import { RazorError } from '../errors.js';
import { COLLECTIONS, type Collection, type Doc, type Store, type StoreReader } from './store.js';
import type { ProgressFactory } from '../images/progress.js';

/** How many documents of each collection were copied. */
export type CopyCounts = Partial<Record<Collection, number>>;

/** How many documents of each non-empty collection `docs` holds. */
const countsOf = (docs: Map<Collection, Doc[]>): CopyCounts =>
  Object.fromEntries([...docs].filter(([, d]) => d.length).map(([c, d]) => [c, d.length]));

/** Whether the store `r` reads holds exactly `docs`, byte for byte and in order. */
async function sameDocuments(r: StoreReader, docs: Map<Collection, Doc[]>): Promise<boolean> {
  for (const [c, want] of docs) if (JSON.stringify(await r.all(c)) !== JSON.stringify(want)) return false;
  return true;
}

/** Copies `from` into `to`; progress is reported per collection in bytes of documents. */
export async function copyStore(
  from: Store,
  to: Store,
  opts: { force: boolean; progress: ProgressFactory },
): Promise<CopyCounts> {
  const source = await from.read(async (r) => {
    const all = new Map<Collection, Doc[]>();
    for (const c of COLLECTIONS) all.set(c, await r.all(c));
    return all;
  });
  return to.write(async (w) => {
    const held: string[] = [];
    for (const c of COLLECTIONS) {
      const n = await w.count(c);
      if (n > 0) held.push(`${n} ${c}`);
    }
    // A target that already holds exactly these documents is a finished copy: nothing to do.
    if (held.length && (await sameDocuments(w, source))) return countsOf(source);
    if (held.length && !opts.force)
      throw new RazorError(
        'CouldNotCreate',
        `the target ${to.location} is not empty (${held.join(', ')}); nothing was copied — use --force to replace what it holds`,
      );
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
