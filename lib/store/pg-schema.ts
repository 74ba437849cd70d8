/**
 * The PostgreSQL store's schema, built by numbered migrations run on start: each in its own
 * transaction under an advisory lock (daemons starting together apply it once), recorded in
 * `razor_migrations`. A migration that fails leaves nothing of itself and says which one and why.
 */
import type { ClientBase } from 'pg';
import { RazorError } from '../errors.js';
import { pgReason } from './pg-errors.js';

/** One schema step. Numbers only grow; a released migration is never edited. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The table of documents (migration 1). */
export const DOCUMENTS_TABLE = 'razor_documents';

/** razor's migrations, in order (ADR 0028). */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents',
    sql: `
      CREATE TABLE razor_documents (
        collection text NOT NULL,
        uuid text NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        doc json NOT NULL,
        keys text[] NOT NULL DEFAULT '{}',
        PRIMARY KEY (collection, uuid)
      ) WITH (fillfactor = 70);
      CREATE INDEX razor_documents_order ON razor_documents (collection, seq);
      CREATE INDEX razor_documents_keys ON razor_documents USING gin (keys) WITH (fastupdate = off);
      CREATE TABLE razor_versions (owner integer PRIMARY KEY, n bigint NOT NULL);`,
  },
  {
    // A node's last-seen time beside its document (pg-access.ts): a flush upserts a small row
    // instead of rewriting every checked-in node's document (ADR 0028).
    version: 2,
    name: 'last_seen',
    sql: `CREATE TABLE razor_last_seen (uuid text PRIMARY KEY, at text NOT NULL);`,
  },
];

/** Any number will do, as long as it is razor's: the advisory lock that serialises migrations. */
const MIGRATION_LOCK = 0x7261_7a6f;

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS razor_migrations (
  version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;

/** Applies the migrations `client`'s database lacks; `where` names the store in messages. */
export async function migrate(
  client: ClientBase,
  where: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<void> {
  for (const m of migrations) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(MIGRATIONS_TABLE);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM razor_migrations');
      const applied = new Set(rows.map((r) => r.version));
      const newest = Math.max(0, ...applied);
      const known = migrations[migrations.length - 1]?.version ?? 0;
      if (newest > known)
        throw new RazorError(
          'StoreUnavailable',
          `the store ${where} has schema version ${newest}, newer than this razor knows (${known}): upgrade razor`,
        );
      if (!applied.has(m.version)) {
        try {
          await client.query(m.sql);
        } catch (err) {
          throw new RazorError(
            'StoreUnavailable',
            `migration ${m.version} (${m.name}) of the store ${where} failed: ${pgReason(err, where)}; ` +
              `nothing of it was applied — fix the database (or point 'store' at an empty one) and start again`,
          );
        }
        await client.query('INSERT INTO razor_migrations (version, name) VALUES ($1, $2)', [
          m.version,
          m.name,
        ]);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }
}
