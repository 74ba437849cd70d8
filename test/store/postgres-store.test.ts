/**
 * What only the PostgreSQL store has: its migrations (applied once however many processes start
 * together, a failed one named with nothing of it left, a newer schema refused), documents kept
 * byte for byte, and a clear StoreUnavailable for every way of not reaching the database.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { openPostgresStore } from '../../lib/store/postgres-store.js';
import type { StoreReader } from '../../lib/store/store.js';
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
      { version: 2, name: 'last_seen' },
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
      /schema version 99, newer than this razor knows \(2\): upgrade razor/,
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

  test('a last-seen flush writes a row beside each node, not its document; reads carry the later time', async () => {
    const url = await server.createDatabase('last_seen');
    const store = await openPostgresStore(url);
    const node = {
      uuid: 'N1',
      hw_id: ['aa'],
      attributes: { cpus: 4 },
      checked_in_at: '2026-12-06T05:00:00.000Z',
    };
    await store.write((w) => w.put('node', node));
    const version = "SELECT xmin::text AS x FROM razor_documents WHERE uuid = 'N1'";
    const [before] = await query(url, version);
    const later = '2026-12-06T05:00:07.000Z';
    const flush = (at: string, uuids = ['N1', 'Gone']) =>
      store.write((w) => w.patchMany('node', new Map(uuids.map((u) => [u, { checked_in_at: at }]))));
    expect(await flush(later)).toBe(1);
    expect(await query(url, version)).toEqual([before]); // the document's row is the same version
    expect(await query(url, 'SELECT uuid, at FROM razor_last_seen')).toEqual([{ uuid: 'N1', at: later }]);
    // Every read carries it, in the document's own key order; an older flush does not go back.
    expect(await flush('2026-12-06T04:59:00.000Z')).toBe(1);
    for (const read of [
      (r: StoreReader) => r.get('node', 'N1'),
      async (r: StoreReader) => (await r.all('node'))[0],
      async (r: StoreReader) => (await r.findBy('node', 'hw_id', 'aa'))[0],
    ])
      expect(JSON.stringify(await store.read(read))).toBe(JSON.stringify({ ...node, checked_in_at: later }));
    // A document written with a later time wins over the row; removing the node removes the row.
    const latest = { ...node, checked_in_at: '2026-12-06T05:01:00.000Z' };
    await store.write((w) => w.put('node', latest));
    expect(await store.read((r) => r.get('node', 'N1'))).toEqual(latest);
    await store.write((w) => w.remove('node', 'N1'));
    expect(await query(url, 'SELECT uuid FROM razor_last_seen')).toEqual([]);
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
