/**
 * What only the PostgreSQL store has: its migrations (applied once however many processes start
 * together, a failed one named with nothing of it left, a newer schema refused), documents kept
 * byte for byte, and a clear StoreUnavailable for every way of not reaching the database.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { openPostgresStore } from '../../lib/store/postgres-store.js';
import { postgresAvailable, startPostgres, type PostgresServer } from '../helpers/postgres.js';

const suite = postgresAvailable() ? describe : describe.skip;

suite('PostgreSQL store', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  }, 180_000);
  afterAll(async () => server?.stop());

  const query = async (url: string, text: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(text)).rows;
    } finally {
      await c.end();
    }
  };

  test('five processes opening a new database at once apply each migration once', async () => {
    const url = await server.createDatabase('migrate_once');
    const stores = await Promise.all(Array.from({ length: 5 }, () => openPostgresStore(url)));
    await Promise.all(stores.map((s) => s.close()));
    expect(await query(url, 'SELECT version, name FROM razor_migrations')).toEqual([
      { version: 1, name: 'documents' },
    ]);
  });

  test('a failed migration names itself and what to fix; nothing of it is applied', async () => {
    const url = await server.createDatabase('migrate_fails');
    await query(url, 'CREATE TABLE razor_documents (x int)');
    const opening = openPostgresStore(url);
    await expect(opening).rejects.toMatchObject({ kind: 'StoreUnavailable' });
    await expect(opening).rejects.toThrow(
      /migration 1 \(documents\) of the store .* failed: relation "razor_documents" already exists; nothing of it was applied/,
    );
    const tables = "SELECT to_regclass('razor_migrations') AS m, to_regclass('razor_versions') AS v";
    expect(await query(url, tables)).toEqual([{ m: null, v: null }]);
  });

  test('a database migrated by a newer razor is refused', async () => {
    const url = await server.createDatabase('migrate_newer');
    await (await openPostgresStore(url)).close();
    await query(url, "INSERT INTO razor_migrations (version, name) VALUES (99, 'future')");
    await expect(openPostgresStore(url)).rejects.toThrow(
      /schema version 99, newer than this razor knows \(1\): upgrade razor/,
    );
  });

  test('documents come back byte for byte: key order, unicode, nesting', async () => {
    const url = await server.createDatabase('bytes');
    const store = await openPostgresStore(url);
    const doc = { uuid: 'N1', z: 1, a: { y: [1, 'é', null], b: '\u0000x' }, hw_id: ['aa'], big: 1e21 };
    await store.write((w) => w.put('node', doc));
    const back = await store.read((r) => r.get('node', 'N1'));
    expect(JSON.stringify(back)).toBe(JSON.stringify(doc));
    expect((await store.read((r) => r.findBy('node', 'hw_id', 'aa'))).map((d) => d.uuid)).toEqual(['N1']);
    await store.close();
  });

  test.each([
    [
      'an unreachable server',
      (s: PostgresServer) => s.url('x').replace(/:\d+\//, ':1/'),
      /nothing answers at .*:1\/x: start PostgreSQL there or fix host and port in 'store'/,
    ],
    [
      'a wrong password',
      (s: PostgresServer) => s.url('postgres').replace(/:[0-9a-f]+@/, ':wrong@'),
      /refused the user name or password: fix them in 'store'/,
    ],
    [
      'a missing database',
      (s: PostgresServer) => s.url('no_such_db'),
      /the database in .*no_such_db does not exist: create it \(createdb\) or fix its name in 'store'/,
    ],
  ])(
    '%s is one StoreUnavailable naming what to fix, the password never shown',
    async (_what, urlOf, message) => {
      const url = urlOf(server);
      const opening = openPostgresStore(url);
      await expect(opening).rejects.toMatchObject({ kind: 'StoreUnavailable' });
      await expect(opening).rejects.toThrow(message);
      const password = new URL(url).password;
      await expect(opening).rejects.not.toThrow(password);
    },
  );
});
