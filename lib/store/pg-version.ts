/**
 * Which committed data a PostgreSQL transaction sees, as one number: every write that changes
 * something adds one to its connection's row of `razor_versions` (one row per server backend, so
 * writers never contend on it), and a snapshot's version is the sum. Commits only ever add, so two
 * snapshots with the same sum see the same data — which is when they may share memo() maps.
 */
import type { Sql } from './pg-access.js';

/** The statement a changing write runs just before COMMIT. */
export const VERSION_BUMP = `INSERT INTO razor_versions (owner, n) VALUES (pg_backend_pid(), 1)
  ON CONFLICT (owner) DO UPDATE SET n = razor_versions.n + 1`;

/**
 * The version of the data the transaction on `sql` sees (its first statement takes the snapshot);
 * `begin`, when given, is sent in the same round trip before it.
 */
export async function dataVersion(sql: Sql, begin?: string): Promise<string> {
  const select = 'SELECT coalesce(sum(n), 0)::text AS v FROM razor_versions';
  const { rows } = await sql<{ v: string }>(begin ? `${begin}; ${select}` : select);
  return rows[0]?.v ?? '0';
}

/**
 * memo() maps per data version: the newest version's maps are kept and shared; a read of an older
 * version (it started before a write committed) gets private maps that nothing else sees.
 */
export function memoCacheByVersion(): (version: string) => (name: string) => Map<string, unknown> {
  let newest = -1n;
  let maps = new Map<string, Map<string, unknown>>();
  return (version) => {
    const v = BigInt(version);
    if (v > newest) {
      newest = v;
      maps = new Map();
    }
    const shared = v === newest ? maps : new Map<string, Map<string, unknown>>();
    return (name) => {
      let m = shared.get(name);
      if (!m) shared.set(name, (m = new Map()));
      return m;
    };
  };
}
