/**
 * The PostgreSQL store: the same Store as the embedded file, for several daemons sharing one
 * database. A `write` takes the store's write lock (a transaction-scoped advisory lock) first, so
 * write transactions of every daemon and CLI run one after another, as with the embedded file's
 * lock — binding counts and hostname counters stay exact; a `read` sees one REPEATABLE READ snapshot
 * and never waits for writers. memo() maps are shared by reads that see the same data (ADR 0028).
 */
import pg from 'pg';
import { RazorError } from '../errors.js';
import { freezer, pgReader, pgWriter, type Sql } from './pg-access.js';
import { isRetryable, pgError } from './pg-errors.js';
import { dataVersion, VERSION_BUMP, memoCacheByVersion } from './pg-version.js';
import { migrate } from './pg-schema.js';
import { redactStoreUrl } from './pg-url.js';
import type { Store } from './store.js';

/** Options for the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** Connections per process (default 10). */
  poolSize?: number;
  /** How many times a write that hit a deadlock or serialization failure runs again (default 40). */
  maxAttempts?: number;
}

/** Any number will do, as long as it is razor's: the lock every write transaction holds. */
const WRITE_LOCK = 0x7261_7a77;

/** How a write transaction starts: it waits for the write lock, then sees everything committed. */
const WRITE_BEGIN = `BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(${WRITE_LOCK})`;

/** A pause before attempt `n` (from 1), growing and jittered so racing writers spread out. */
const backoff = (n: number) =>
  new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 2 ** Math.min(n, 8))));

/** Opens the store at `url`, applying any pending migrations; fails with one clear message. */
export async function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): Promise<Store> {
  const where = redactStoreUrl(url);
  // No timeout waiting for a pooled connection: under load a transaction queues, it does not fail.
  // Idle connections stay open (pg closes them after 10 s by default, and a burst then waited for
  // new server processes: bench:fleet-pg's worst seconds came every 10 s); they do not keep a
  // process from exiting.
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    idleTimeoutMillis: 0,
    allowExitOnIdle: true,
  });
  // An idle connection the server drops is an event, not a crash; the next query reconnects.
  pool.on('error', () => undefined);
  const maxAttempts = opts.maxAttempts ?? 40;
  const memoOf = memoCacheByVersion();

  /** A pooled client; failing to get one is explained (the server is down, the URL wrong). */
  const connect = async (action: string) => {
    try {
      return await pool.connect();
    } catch (err) {
      throw pgError(action, where, err);
    }
  };

  /** Sends `text` (COMMIT, ROLLBACK), then gives `client` back: discarded if that failed. */
  const endWith = (client: pg.PoolClient, text: string) =>
    client.query(text).then(
      () => client.release(),
      () => client.release(true),
    );

  /** Runs `fn` on a pooled client; a client whose ROLLBACK failed is discarded, not reused. */
  const withClient = async <T>(
    action: string,
    fn: (c: pg.PoolClient, undo: () => Promise<void>) => Promise<T>,
  ) => {
    const client = await connect(action);
    let broken = false;
    const undo = () =>
      client.query('ROLLBACK').then(
        () => undefined,
        () => void (broken = true),
      );
    try {
      return await fn(client, undo);
    } finally {
      client.release(broken);
    }
  };

  // The first connection (migrations) says within seconds whether the server is there at all.
  const first = new pg.Client({ connectionString: url, connectionTimeoutMillis: 15_000 });
  first.on('error', () => undefined);
  try {
    await first.connect();
    await migrate(first, where);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw pgError('open', where, err);
  } finally {
    await first.end().catch(() => undefined);
  }

  /** SQL on `client` whose failures are explained; `lost` records that the transaction lost a race. */
  const sqlOn = (client: pg.PoolClient, action: string, lost: { race: boolean }): Sql => {
    return async (text, values) => {
      try {
        // Several statements in one text (no values) answer with one result each: the last counts.
        const answer = (await client.query(text, values)) as pg.QueryResult | pg.QueryResult[];
        const res = Array.isArray(answer) ? (answer[answer.length - 1] as pg.QueryResult) : answer;
        return { rows: res.rows, rowCount: res.rowCount };
      } catch (err) {
        if (isRetryable(err)) {
          lost.race = true;
          throw err;
        }
        throw pgError(action, where, err);
      }
    };
  };

  return {
    location: where,
    async read(fn) {
      const client = await connect('read');
      const sql = sqlOn(client, 'read', { race: false });
      let result;
      try {
        // BEGIN and the data version in one round trip: a read served from memo() costs one.
        const memo = memoOf(await dataVersion(sql, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'));
        result = await fn(pgReader(sql, freezer(), memo));
      } catch (err) {
        await endWith(client, 'ROLLBACK');
        throw err;
      }
      // A read-only snapshot's COMMIT changes nothing: the answer need not wait for it. The
      // connection goes back to the pool once it is done.
      void endWith(client, 'COMMIT');
      return result;
    },
    write: (fn) =>
      withClient('write', async (client, undo) => {
        for (let attempt = 1; ; attempt++) {
          const lost = { race: false };
          const sql = sqlOn(client, 'write', lost);
          let changed = false;
          await sql(WRITE_BEGIN);
          try {
            const result = await fn(pgWriter(sql, () => (changed = true)));
            // One round trip: the version bump and the commit together (the lock is held until then).
            await sql(changed ? `${VERSION_BUMP}; COMMIT` : 'COMMIT');
            return result;
          } catch (err) {
            await undo();
            if (!lost.race) throw err;
            if (attempt >= maxAttempts)
              throw new RazorError(
                'StoreUnavailable',
                `could not write the store ${where}: ${attempt} attempts lost a race with other writers; nothing was changed, try again`,
              );
            await backoff(attempt);
          }
        }
      }),
    async close() {
      await pool.end();
    },
  };
}
