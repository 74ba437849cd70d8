/**
 * The journal's lines (ADR 0027): `razor.journal` beside `razor.json`, JSON lines. The first names
 * the snapshot revision it follows — `{"journal":"razor-journal/1","follows":41}` — and each later
 * line is one committed write (a batch of transactions): its revision, the documents it wrote
 * whole per collection (null: removed) and, for documents where only some top-level fields
 * changed, those fields — `{"rev":42,"docs":{"node":{"U1":{…},"U2":null}},"fields":{"node":{"U3":{"checked_in_at":"…"}}}}`.
 */
import type { Collection, Doc } from './store.js';
import type { Overlay, StoreFile } from './snapshot.js';

/** The header's format tag. */
export const JOURNAL_FORMAT = 'razor-journal/1';

/** The first line of a journal that follows the snapshot at revision `rev`. */
export const journalHeader = (rev: number): string =>
  `${JSON.stringify({ journal: JOURNAL_FORMAT, follows: rev })}\n`;

/** The revision a header line says its journal follows, or undefined when it is not a header. */
export function followsOf(line: string): number | undefined {
  try {
    const h = JSON.parse(line) as { journal?: unknown; follows?: unknown };
    return h.journal === JOURNAL_FORMAT && Number.isSafeInteger(h.follows)
      ? (h.follows as number)
      : undefined;
  } catch {
    return undefined;
  }
}

type PerCollection<V> = Partial<Record<Collection, Record<string, V>>>;

/** One decoded journal line. */
export interface JournalLine {
  rev: number;
  docs?: PerCollection<Doc | null>;
  fields?: PerCollection<Record<string, unknown>>;
}

/** The top-level fields of `after` that are not the very same values as in `before` (no deep compare). */
function changedFields(before: Doc, after: Doc): string[] | undefined {
  if (Object.keys(before).some((k) => !Object.hasOwn(after, k))) return undefined;
  return Object.keys(after).filter((k) => after[k] !== before[k]);
}

/**
 * The line for `overlay` applied to `data` at `rev`. A document whose changed fields are few (a
 * checkin's time) is written as those fields; anything else whole.
 */
export function encodeLine(data: StoreFile, overlay: Overlay, rev: number): string {
  const line: JournalLine = { rev };
  for (const [c, changes] of overlay) {
    for (const [uuid, doc] of changes) {
      const before = data.collections[c]?.[uuid];
      const changed = doc && before ? changedFields(before, doc) : undefined;
      if (doc && changed && changed.length * 2 <= Object.keys(doc).length) {
        const fields = ((line.fields ??= {})[c] ??= {});
        fields[uuid] = Object.fromEntries(changed.map((k) => [k, doc[k]]));
      } else ((line.docs ??= {})[c] ??= {})[uuid] = doc;
    }
  }
  return `${JSON.stringify(line)}\n`;
}

/** Parses one line; throws on anything that is not a journal line. */
export function decodeLine(text: string): JournalLine {
  const line = JSON.parse(text) as JournalLine;
  if (!line || typeof line !== 'object' || !Number.isSafeInteger(line.rev))
    throw new Error('a line has no revision');
  return line;
}

/** The overlay a line makes of `data` (the snapshot before it). */
export function lineOverlay(data: StoreFile, line: JournalLine): Overlay {
  const overlay: Overlay = new Map();
  const table = (c: Collection) => {
    let t = overlay.get(c);
    if (!t) overlay.set(c, (t = new Map()));
    return t;
  };
  for (const [c, docs] of Object.entries(line.docs ?? {}) as Array<[Collection, Record<string, Doc | null>]>)
    for (const [uuid, doc] of Object.entries(docs)) table(c).set(uuid, doc);
  for (const [c, all] of Object.entries(line.fields ?? {}) as Array<
    [Collection, Record<string, Record<string, unknown>>]
  >)
    for (const [uuid, fields] of Object.entries(all)) {
      const before = data.collections[c]?.[uuid];
      if (!before) throw new Error(`rev ${line.rev} changes ${c} ${uuid}, which is not there`);
      table(c).set(uuid, { ...before, ...fields, uuid });
    }
  return overlay;
}
