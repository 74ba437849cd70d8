/**
 * Reads and writes of one PostgreSQL transaction: the StoreReader/StoreWriter operations as SQL on
 * `razor_documents`. Documents are stored as `json` (kept byte for byte, key order included); the
 * fields hot paths look up are copied into the indexed `keys` column (ADR 0028).
 */
import { informationalOnly } from './memo.js';
import { deepFreeze } from './snapshot.js';
import { DOCUMENTS_TABLE } from './pg-schema.js';
import { LAST_SEEN, lastSeenOnly, selectFrom, withLastSeen } from './pg-last-seen.js';
import type { Collection, Doc, StoreReader, StoreWriter } from './store.js';

/** What runs SQL: a pooled client inside a transaction (errors already explained by the caller). */
export type Sql = <R extends Record<string, unknown>>(
  text: string,
  values?: unknown[],
) => Promise<{
  rows: R[];
  rowCount: number | null;
}>;

/** The fields findBy looks up through the `keys` index; any other field is found by a scan. */
export const INDEXED_FIELDS: Readonly<Partial<Record<Collection, readonly string[]>>> = {
  node: ['hw_id'],
  active_model: ['node_uuid', 'policy_uuid'],
  model: ['image_uuid'],
};

/** The values a document has for a field: each string of an array, or the string itself. */
function fieldValues(doc: Doc, field: string): string[] {
  const v = doc[field];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

/** One `keys` entry: collection, field and value. */
const keyOf = (c: Collection, field: string, value: string) => `${c}.${field}=${value}`;

/** The `keys` column of `doc` in collection `c`. */
export function keysOf(c: Collection, doc: Doc): string[] {
  return (INDEXED_FIELDS[c] ?? []).flatMap((f) =>
    [...new Set(fieldValues(doc, f))].map((v) => keyOf(c, f, v)),
  );
}

const T = DOCUMENTS_TABLE;

/** A reader over `sql`; `share` is applied to every document handed out, `memo` serves memo(). */
export function pgReader(
  sql: Sql,
  share: (d: Doc) => Doc,
  memo: (name: string) => Map<string, unknown>,
): StoreReader {
  /** The documents of `c` matching `where` (over `d`, with `$1` the collection), in order. */
  const docs = async (c: Collection, where: string, values: unknown[]) =>
    (
      await sql<{ doc: Doc; at: string | null }>(
        `${selectFrom(c)} WHERE d.collection = $1${where} ORDER BY d.seq`,
        [c, ...values],
      )
    ).rows.map((r) => share(withLastSeen(r)));
  return {
    async get<U extends Doc>(c: Collection, uuid: string) {
      return (await docs(c, ' AND d.uuid = $2', [uuid]))[0] as U;
    },
    async all<U extends Doc>(c: Collection) {
      return (await docs(c, '', [])) as U[];
    },
    async matchUuid(c: Collection, fragment: string) {
      const { rows } = await sql<{ uuid: string }>(
        `SELECT uuid FROM ${T} WHERE collection = $1 AND strpos(uuid, $2) > 0 ORDER BY uuid = $2 DESC, seq`,
        [c, fragment],
      );
      if (rows[0]?.uuid === fragment) return [fragment];
      return rows.map((r) => r.uuid);
    },
    async count(c: Collection) {
      const { rows } = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${T} WHERE collection = $1`, [
        c,
      ]);
      return rows[0]?.n ?? 0;
    },
    async findBy<U extends Doc>(c: Collection, field: string, value: string) {
      if (INDEXED_FIELDS[c]?.includes(field))
        return (await docs(c, ' AND d.keys @> ARRAY[$2]::text[]', [keyOf(c, field, value)])) as U[];
      // Not indexed: every document of the collection, filtered here (documents are plain JSON).
      const all = await docs(c, '', []);
      return all.filter((d) => fieldValues(d, field).includes(value)) as U[];
    },
    memo<V>(name: string) {
      return memo(name) as Map<string, V>;
    },
  };
}

/** A writer over `sql`; `changed` is called whenever a statement really changed a document. */
export function pgWriter(sql: Sql, changed: () => void): StoreWriter {
  const fresh = new Map<string, Map<string, unknown>>();
  const r = pgReader(
    sql,
    (d) => d,
    () => new Map(),
  );
  const w: StoreWriter = {
    ...r,
    memo<V>(name: string) {
      if (!fresh.has(name)) fresh.set(name, new Map());
      return fresh.get(name) as Map<string, V>;
    },
    async put(c, doc) {
      if (typeof doc.uuid !== 'string' || doc.uuid === '') throw new Error(`put ${c}: document has no uuid`);
      // An unchanged document is not written again: no new row version, nothing for others to see.
      const { rowCount } = await sql(
        `INSERT INTO ${T} (collection, uuid, doc, keys) VALUES ($1, $2, $3::json, $4::text[])
         ON CONFLICT (collection, uuid) DO UPDATE SET doc = EXCLUDED.doc, keys = EXCLUDED.keys
         WHERE ${T}.doc::text IS DISTINCT FROM EXCLUDED.doc::text`,
        [c, doc.uuid, JSON.stringify(doc), keysOf(c, doc)],
      );
      if (rowCount) changed();
    },
    async remove(c, uuid) {
      const { rowCount } = await sql(`DELETE FROM ${T} WHERE collection = $1 AND uuid = $2`, [c, uuid]);
      if (rowCount && c === LAST_SEEN.collection)
        await sql(`DELETE FROM ${LAST_SEEN.table} WHERE uuid = $1`, [uuid]);
      if (rowCount) changed();
      return (rowCount ?? 0) > 0;
    },
    patch: async (c, uuid, fields) => (await w.patchMany(c, new Map([[uuid, fields]]))) > 0,
    // Under the transaction's write lock: read, merge the top-level fields, write back — one
    // SELECT and one UPDATE for all (a last-seen flush patches hundreds of nodes).
    async patchMany(c, patches) {
      const uuids = [...patches.keys()];
      if (uuids.length === 0) return 0;
      // A last-seen flush: one small row per node that exists, the later time kept; no document
      // is rewritten and the data version stays (informational, memo.ts).
      if (lastSeenOnly(c, patches)) {
        const { rowCount } = await sql(
          `INSERT INTO ${LAST_SEEN.table} (uuid, at)
           SELECT v.uuid, v.at FROM unnest($2::text[], $3::text[]) AS v(uuid, at)
           WHERE EXISTS (SELECT 1 FROM ${T} d WHERE d.collection = $1 AND d.uuid = v.uuid)
           ON CONFLICT (uuid) DO UPDATE SET at = GREATEST(${LAST_SEEN.table}.at, EXCLUDED.at)`,
          [c, uuids, uuids.map((u) => patches.get(u)?.[LAST_SEEN.field])],
        );
        return rowCount ?? 0;
      }
      const { rows } = await sql<{ uuid: string; doc: Doc; at: string | null }>(
        `${selectFrom(c)} WHERE d.collection = $1 AND d.uuid = ANY($2::text[])`,
        [c, uuids],
      );
      const quiet: Array<[string, string]> = [];
      for (const row of rows) {
        const { uuid } = row;
        const doc = withLastSeen(row);
        const next = { ...doc, ...patches.get(uuid), uuid };
        if (informationalOnly(c, doc, next)) quiet.push([uuid, JSON.stringify(next)]);
        else await w.put(c, next);
      }
      // Informational fields only (memo.ts): written without moving the data version, so the
      // memo maps every daemon shares for this version stay.
      if (quiet.length)
        await sql(
          `UPDATE ${T} AS d SET doc = v.doc::json FROM unnest($2::text[], $3::text[]) AS v(uuid, doc)
           WHERE d.collection = $1 AND d.uuid = v.uuid`,
          [c, quiet.map((q) => q[0]), quiet.map((q) => q[1])],
        );
      return rows.length;
    },
  };
  return w;
}

/** A share function for one read transaction: documents deeply frozen. */
export function freezer(): (d: Doc) => Doc {
  const seen = new WeakSet<object>();
  return (d) => deepFreeze(d, seen);
}
