/**
 * The store contract: every operation of the `Store` interface, its transactions and its failures,
 * run against each backend — the embedded JSON file store, the in-memory store and PostgreSQL (a
 * throwaway server, test/helpers/postgres.ts) — so a backend that passes here can stand in for any other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { openJsonStore } from '../../lib/store/json-store.js';
import { memoryStore } from '../../lib/store/memory.js';
import { failingStore } from '../../lib/store/failing.js';
import { openPostgresStore } from '../../lib/store/postgres-store.js';
import { postgresAvailable, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { RazorError } from '../../lib/errors.js';
import type { Doc, Store } from '../../lib/store/store.js';

const dirs: string[] = [];
let server: Promise<PostgresServer> | undefined;
let databases = 0;
afterAll(async () => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  await (await server)?.stop();
});

/** Opens a fresh, empty store, and gives a second handle on the same data where one exists. */
type Open = () => Promise<{ store: Store; again?: () => Promise<Store> }>;

/** Each backend by name. */
const BACKENDS: Array<[string, Open]> = [
  [
    'json file',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'razor-store-contract-'));
      dirs.push(dir);
      const file = join(dir, 'razor.json');
      return { store: await openJsonStore(file), again: () => openJsonStore(file) };
    },
  ],
  ['memory', async () => ({ store: memoryStore() })],
  [
    'json file, journal from the first write',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'razor-store-contract-'));
      dirs.push(dir);
      const file = join(dir, 'razor.json');
      const opts = { journalFrom: 0, compactFrom: 2048 };
      return { store: await openJsonStore(file, opts), again: () => openJsonStore(file, opts) };
    },
  ],
  ...(postgresAvailable()
    ? [
        [
          'postgres',
          async () => {
            const url = await (await (server ??= startPostgres())).createDatabase(`contract${++databases}`);
            return { store: await openPostgresStore(url), again: () => openPostgresStore(url) };
          },
        ] as [string, Open],
      ]
    : []),
];

const node = (uuid: string, extra: Record<string, unknown> = {}): Doc => ({
  uuid,
  hw_id: [uuid.toLowerCase()],
  ...extra,
});

describe.each(BACKENDS)('store contract: %s', (_name, open) => {
  test('put, get, all, count, matchUuid and remove, each seen by later transactions', async () => {
    const { store } = await open();
    await store.write(async (w) => {
      await w.put('node', node('NodeAAAA0000000000000001', { n: 1 }));
      await w.put('node', node('NodeBBBB0000000000000002', { n: 2 }));
      await w.put('tag', { uuid: 'TagAAAA00000000000000001', name: 't' });
    });
    await store.read(async (r) => {
      expect(await r.get('node', 'NodeAAAA0000000000000001')).toEqual(
        node('NodeAAAA0000000000000001', { n: 1 }),
      );
      expect(await r.get('node', 'NoSuchNode000000000000')).toBeUndefined();
      expect((await r.all('node')).map((d) => d.uuid).sort()).toEqual([
        'NodeAAAA0000000000000001',
        'NodeBBBB0000000000000002',
      ]);
      expect(await r.count('node')).toBe(2);
      expect(await r.count('tag')).toBe(1);
      expect(await r.count('policy')).toBe(0);
      expect(await r.matchUuid('node', 'BBBB')).toEqual(['NodeBBBB0000000000000002']);
      expect((await r.matchUuid('node', 'Node')).sort()).toHaveLength(2);
      expect(await r.matchUuid('node', 'zzz')).toEqual([]);
    });
    const removed = await store.write(async (w) => [
      await w.remove('node', 'NodeAAAA0000000000000001'),
      await w.remove('node', 'NodeAAAA0000000000000001'),
    ]);
    expect(removed).toEqual([true, false]);
    expect(await store.read((r) => r.count('node'))).toBe(1);
    await store.close();
  });

  test('findBy finds scalar and array values through the index, pending changes included', async () => {
    const { store } = await open();
    await store.write(async (w) => {
      await w.put('node', { uuid: 'N1000000000000000000001', macs: ['aa', 'bb'], state: 'x' });
      await w.put('node', { uuid: 'N2000000000000000000002', macs: ['cc'], state: 'x' });
    });
    await store.read(async (r) => {
      expect((await r.findBy('node', 'macs', 'bb')).map((d) => d.uuid)).toEqual(['N1000000000000000000001']);
      expect((await r.findBy('node', 'state', 'x')).length).toBe(2);
      expect(await r.findBy('node', 'macs', 'zz')).toEqual([]);
    });
    await store.write(async (w) => {
      await w.put('node', { uuid: 'N1000000000000000000001', macs: ['dd'], state: 'y' });
      expect(await w.findBy('node', 'macs', 'bb')).toEqual([]);
      expect((await w.findBy('node', 'macs', 'dd')).map((d) => d.uuid)).toEqual(['N1000000000000000000001']);
      await w.remove('node', 'N2000000000000000000002');
      expect(await w.findBy('node', 'state', 'x')).toEqual([]);
    });
    expect((await store.read((r) => r.findBy('node', 'macs', 'dd'))).length).toBe(1);
    expect(await store.read((r) => r.findBy('node', 'macs', 'cc'))).toEqual([]);
    await store.close();
  });

  test('reads share frozen documents; writes get copies; put stores a copy', async () => {
    const { store } = await open();
    const doc = node('NodeFrozen000000000001', { facts: { a: 1 } });
    await store.write((w) => w.put('node', doc));
    (doc.facts as Record<string, number>).a = 2;
    const read = await store.read((r) => r.get('node', doc.uuid));
    expect(read?.facts).toEqual({ a: 1 });
    expect(() => {
      (read?.facts as Record<string, number>).a = 3;
    }).toThrow(TypeError);
    await store.write(async (w) => {
      const copy = await w.get('node', doc.uuid);
      (copy?.facts as Record<string, number>).a = 4;
      // Changed but not put: nothing lands.
    });
    expect((await store.read((r) => r.get('node', doc.uuid)))?.facts).toEqual({ a: 1 });
    await store.close();
  });

  test('a write sees its own changes; a write that throws changes nothing; later writes work', async () => {
    const { store } = await open();
    await store.write((w) => w.put('node', node('NodeKeep00000000000001')));
    const failure = store.write(async (w) => {
      await w.put('node', node('NodeNew000000000000001'));
      await w.remove('node', 'NodeKeep00000000000001');
      expect(await w.get('node', 'NodeNew000000000000001')).toBeDefined();
      expect(await w.get('node', 'NodeKeep00000000000001')).toBeUndefined();
      expect(await w.count('node')).toBe(1);
      throw new Error('changed my mind');
    });
    await expect(failure).rejects.toThrow('changed my mind');
    await store.read(async (r) => {
      expect((await r.all('node')).map((d) => d.uuid)).toEqual(['NodeKeep00000000000001']);
    });
    expect(await store.write(async (w) => (await w.put('tag', { uuid: 'T1', name: 'x' }), 'done'))).toBe(
      'done',
    );
    expect(await store.read((r) => r.count('tag'))).toBe(1);
    await store.close();
  });

  test('a document without a uuid is refused and nothing of that transaction lands', async () => {
    const { store } = await open();
    await expect(
      store.write(async (w) => {
        await w.put('tag', { uuid: 'T1', name: 'x' });
        await w.put('tag', { name: 'no uuid' } as unknown as Doc);
      }),
    ).rejects.toThrow(/uuid/);
    expect(await store.read((r) => r.count('tag'))).toBe(0);
    await store.close();
  });

  test('200 concurrent writes in one process each land (no lost update)', async () => {
    const { store } = await open();
    await store.write((w) => w.put('meta', { uuid: 'counter', n: 0 }));
    await Promise.all(
      Array.from({ length: 200 }, () =>
        store.write(async (w) => {
          const c = (await w.get('meta', 'counter')) as Doc & { n: number };
          await w.put('meta', { ...c, n: c.n + 1 });
        }),
      ),
    );
    expect(((await store.read((r) => r.get('meta', 'counter'))) as Doc & { n: number }).n).toBe(200);
    await store.close();
  });

  test('memo maps live as long as the data: a write starts new ones', async () => {
    const { store } = await open();
    await store.write((w) => w.put('tag', { uuid: 'T1', name: 'x' }));
    await store.read(async (r) => r.memo<string>('boot').set('k', 'v'));
    expect(await store.read(async (r) => r.memo<string>('boot').get('k'))).toBe('v');
    await store.write((w) => w.put('tag', { uuid: 'T2', name: 'y' }));
    expect(await store.read(async (r) => r.memo<string>('boot').get('k'))).toBeUndefined();
    await store.close();
  });

  test('over a failing store: writes are StoreUnavailable and leave the data; reads pass or fail as told', async () => {
    const { store } = await open();
    await store.write((w) => w.put('tag', { uuid: 'T1', name: 'kept' }));
    const writesFail = failingStore(store, 'writes');
    const refused = writesFail.write((w) => w.put('tag', { uuid: 'T1', name: 'lost' }));
    await expect(refused).rejects.toBeInstanceOf(RazorError);
    await expect(refused).rejects.toMatchObject({ kind: 'StoreUnavailable' });
    expect((await writesFail.read((r) => r.get('tag', 'T1')))?.name).toBe('kept');
    await expect(failingStore(store, 'all').read((r) => r.count('tag'))).rejects.toMatchObject({
      kind: 'StoreUnavailable',
    });
    await store.close();
  });
});

/** Backends whose data outlives a handle (a file, a database): two handles share it. */
const SHARED = BACKENDS.filter(([name]) => name !== 'memory');

describe.each(SHARED)('store contract, shared data: %s', (_name, open) => {
  test('a second handle on the same data sees what the first wrote', async () => {
    const { store, again } = await open();
    const other = await (again as () => Promise<Store>)();
    await store.write((w) => w.put('tag', { uuid: 'T1', name: 'first' }));
    expect((await other.read((r) => r.get('tag', 'T1')))?.name).toBe('first');
    await other.write((w) => w.put('tag', { uuid: 'T1', name: 'second' }));
    expect((await store.read((r) => r.get('tag', 'T1')))?.name).toBe('second');
    await Promise.all([store.close(), other.close()]);
  });

  test('writes racing over two handles all land; a memo map follows writes through the other handle', async () => {
    const { store, again } = await open();
    const other = await (again as () => Promise<Store>)();
    await store.write((w) => w.put('meta', { uuid: 'counter', n: 0 }));
    const bump = (s: Store) =>
      s.write(async (w) => {
        const c = (await w.get('meta', 'counter')) as Doc & { n: number };
        await w.put('meta', { ...c, n: c.n + 1 });
      });
    await Promise.all(Array.from({ length: 100 }, (_, i) => bump(i % 2 ? store : other)));
    expect(((await other.read((r) => r.get('meta', 'counter'))) as Doc & { n: number }).n).toBe(100);
    await store.read(async (r) => r.memo<string>('boot').set('k', 'v'));
    expect(await store.read(async (r) => r.memo<string>('boot').get('k'))).toBe('v');
    await other.write((w) => w.put('tag', { uuid: 'T9', name: 'from the other handle' }));
    expect(await store.read(async (r) => r.memo<string>('boot').get('k'))).toBeUndefined();
    await Promise.all([store.close(), other.close()]);
  }, 120_000);
});

/* Issue 13 (ADR 0027): patch, group commit, memo entries that go with what they read. */
describe.each(BACKENDS)('store contract, ADR 0027: %s', (name, open) => {
  test('patch sets top-level fields, keeps the rest, is seen by findBy, and is false for a missing document', async () => {
    const { store } = await open();
    await store.write((w) => w.put('node', { uuid: 'P1', hw_id: ['aa'], facts: { a: 1 }, state: 'x' }));
    const done = await store.write(async (w) => [
      await w.patch('node', 'P1', { state: 'y', hw_id: ['bb'] }),
      await w.patch('node', 'Missing', { state: 'y' }),
    ]);
    expect(done).toEqual([true, false]);
    expect(await store.read((r) => r.get('node', 'P1'))).toEqual({
      uuid: 'P1',
      hw_id: ['bb'],
      facts: { a: 1 },
      state: 'y',
    });
    expect(await store.read((r) => r.findBy('node', 'hw_id', 'aa'))).toEqual([]);
    expect((await store.read((r) => r.findBy('node', 'hw_id', 'bb'))).map((d) => d.uuid)).toEqual(['P1']);
    expect(await store.read((r) => r.get('node', 'Missing'))).toBeUndefined();
    await store.close();
  });

  test("a patch of a node's checked_in_at alone keeps memo entries; any other field drops them", async () => {
    const { store } = await open();
    await store.write((w) =>
      w.put('node', { uuid: 'Q1', hw_id: ['aa'], checked_in_at: 't0', last_state: 'x' }),
    );
    const remember = () =>
      store.read(async (r) => {
        const found = await r.findBy('node', 'hw_id', 'aa');
        r.memo<string>('steady').set('aa', String(found[0]?.last_state));
      });
    const recall = () => store.read(async (r) => r.memo<string>('steady').get('aa'));
    await remember();
    await store.write((w) => w.patch('node', 'Q1', { checked_in_at: 't1' }));
    expect(await recall()).toBe('x');
    expect((await store.read((r) => r.get('node', 'Q1')))?.checked_in_at).toBe('t1');
    await store.write((w) => w.patch('node', 'Q1', { checked_in_at: 't2', last_state: 'y' }));
    expect(await recall()).toBeUndefined();
    await store.close();
  });

  test('patchMany patches each document there (key order kept), counts them, and keeps memo entries for checked_in_at alone', async () => {
    const { store } = await open();
    await store.write(async (w) => {
      for (const u of ['M1', 'M2', 'M3'])
        await w.put('node', {
          uuid: u,
          hw_id: [u],
          facts: { z: 1, a: 2 },
          checked_in_at: 't0',
          last_state: 'x',
        });
    });
    // An entry that read M2 (embedded stores drop it when M2 changes; PostgreSQL on any change).
    await store.read(async (r) => {
      await r.get('node', 'M2');
      r.memo<string>('steady').set('k', 'v');
    });
    const recall = () => store.read(async (r) => r.memo<string>('steady').get('k'));
    const found = await store.write((w) =>
      w.patchMany(
        'node',
        new Map([
          ['M1', { checked_in_at: 't1' }],
          ['M3', { checked_in_at: 't3' }],
          ['Gone', { checked_in_at: 't9' }],
        ]),
      ),
    );
    expect(found).toBe(2);
    expect(await recall()).toBe('v');
    const docs = await store.read((r) => r.all('node'));
    expect(docs.map((d) => [d.uuid, d.checked_in_at])).toEqual([
      ['M1', 't1'],
      ['M2', 't0'],
      ['M3', 't3'],
    ]);
    expect(Object.keys(docs[0] ?? {})).toEqual(['uuid', 'hw_id', 'facts', 'checked_in_at', 'last_state']);
    expect(Object.keys((docs[0]?.facts as object) ?? {})).toEqual(['z', 'a']);
    expect(await store.read((r) => r.get('node', 'Gone'))).toBeUndefined();
    // Any other field is a change like any other: memo entries go.
    await store.write((w) => w.patchMany('node', new Map([['M2', { last_state: 'y' }]])));
    expect(await recall()).toBeUndefined();
    expect((await store.read((r) => r.get('node', 'M2')))?.last_state).toBe('y');
    await store.close();
  });

  test('writes queued together each succeed or fail alone, in order', async () => {
    const { store } = await open();
    const writes = Array.from({ length: 20 }, (_, i) =>
      store.write(async (w) => {
        const seen = await w.count('tag');
        await w.put('tag', { uuid: `T${i}`, seen });
        if (i % 5 === 2) throw new Error(`refused ${i}`);
        return seen;
      }),
    );
    const settled = await Promise.allSettled(writes);
    const refused = settled.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(refused).toEqual([2, 7, 12, 17]);
    // Each saw exactly the writes before it that landed: in the order queued in one process; on
    // PostgreSQL (pooled connections taking the write lock) in some order, each alone.
    const results = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const ordered = name === 'postgres' ? [...results].sort((a, b) => a - b) : results;
    expect(ordered).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(await store.read((r) => r.count('tag'))).toBe(16);
    await store.close();
  });
});

/*
 * Memo entries per machine, in the stores one process owns. PostgreSQL's memo maps go with the
 * data version, which any daemon's write moves (ADR 0028): that backend is not in this list.
 */
const ONE_PROCESS = BACKENDS.filter(([name]) => name !== 'postgres');
describe.each(ONE_PROCESS)('store contract, ADR 0027 memo per machine: %s', (_name, open) => {
  test("a write to node A keeps node B's memo entry; to A, or outside the per-machine collections, drops it", async () => {
    const { store } = await open();
    await store.write(async (w) => {
      await w.put('node', { uuid: 'A', hw_id: ['aa'] });
      await w.put('node', { uuid: 'B', hw_id: ['bb'] });
    });
    /** Remembers an answer for `mac`, derived from the node found by that MAC. */
    const remember = (mac: string) =>
      store.read(async (r) => {
        const found = await r.findBy('node', 'hw_id', mac);
        r.memo<string>('boot').set(mac, `answer for ${found[0]?.uuid}`);
      });
    const recall = (mac: string) => store.read(async (r) => r.memo<string>('boot').get(mac));
    await remember('aa');
    await remember('bb');
    await store.write((w) => w.put('node', { uuid: 'A', hw_id: ['aa'], state: 'checked in' }));
    expect(await recall('bb')).toBe('answer for B');
    expect(await recall('aa')).toBeUndefined();
    // A new node taking a MAC someone looked up drops that lookup's answers too.
    await remember('cc');
    await store.write((w) => w.put('node', { uuid: 'C', hw_id: ['cc'] }));
    expect(await recall('cc')).toBeUndefined();
    expect(await recall('bb')).toBe('answer for B');
    await store.write((w) => w.put('policy', { uuid: 'P', name: 'p' }));
    expect(await recall('bb')).toBeUndefined();
    await store.close();
  });
});
