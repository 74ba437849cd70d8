/**
 * Last-seen times on PostgreSQL (ADR 0028): a node's `checked_in_at` as the daemon's last-seen
 * flush writes it, kept in `razor_last_seen` beside the document and merged into it when read.
 */
import type { Collection, Doc } from './store.js';
import { DOCUMENTS_TABLE } from './pg-schema.js';

const T = DOCUMENTS_TABLE;

/**
 * Where last-seen flushes write: one small row per node, so a flush of hundreds of nodes does not
 * rewrite their documents. A node read carries the later of the two times (ISO times compare as
 * text).
 */
export const LAST_SEEN = { collection: 'node', field: 'checked_in_at', table: 'razor_last_seen' } as const;

/** `SELECT … FROM` a collection's documents, with the last-seen time beside each node's. */
export const selectFrom = (c: Collection) =>
  c === LAST_SEEN.collection
    ? `SELECT d.uuid, d.doc, s.at FROM ${T} d LEFT JOIN ${LAST_SEEN.table} s ON s.uuid = d.uuid`
    : `SELECT d.uuid, d.doc, NULL AS at FROM ${T} d`;

/** A row's document with the later last-seen time in it (the row is fresh from the driver). */
export function withLastSeen(row: { doc: Doc; at: string | null }): Doc {
  const doc = row.doc;
  const stored = doc[LAST_SEEN.field];
  if (row.at !== null && (typeof stored !== 'string' || row.at > stored)) doc[LAST_SEEN.field] = row.at;
  return doc;
}

/** Patches that only set last-seen times (strings): they go to `razor_last_seen`. */
export const lastSeenOnly = (c: Collection, patches: ReadonlyMap<string, Record<string, unknown>>) =>
  c === LAST_SEEN.collection &&
  [...patches.values()].every((p) => {
    const keys = Object.keys(p);
    return keys.length === 1 && keys[0] === LAST_SEEN.field && typeof p[LAST_SEEN.field] === 'string';
  });
