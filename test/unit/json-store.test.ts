/**
 * The embedded JSON store (lib/store/json-store.ts) exercised for real on temporary directories:
 * round trips and copy semantics, transaction atomicity, no-op writes, two instances on one file,
 * in-process write serialisation (the cross-process lock: store-lock.test.ts), stale temp
 * cleanup, a corrupt file, and a full disk (a 64 KiB tmpfs; a system test: needs root, skipped
 * loudly without it).
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openJsonStore } from '../../lib/store/json-store.js';
import { tempPrefix } from '../../lib/store/atomic-file.js';
import { RazorError } from '../../lib/errors.js';
import type { Doc, Store } from '../../lib/store/store.js';
import { systemAvailable } from '../helpers/system.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh directory and the store file path inside it. */
function tempStoreFile(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'razor-json-store-'));
  dirs.push(dir);
  return { dir, file: join(dir, 'razor.json') };
}

const stampOf = (file: string) => {
  const s = statSync(file, { bigint: true });
  return { ino: s.ino, mtimeNs: s.mtimeNs, size: s.size };
};

/** Asserts `p` rejects with a RazorError of kind StoreUnavailable and returns it. */
async function storeUnavailable(p: Promise<unknown>): Promise<RazorError> {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RazorError);
  expect((err as RazorError).kind).toBe('StoreUnavailable');
  return err as RazorError;
}

describe('json store: documents', () => {
  test('put/get/all/count/matchUuid/remove round trip, persisted to the file', async () => {
    const { file } = tempStoreFile();
    const store = await openJsonStore(file);
    await store.write(async (w) => {
      await w.put('node', { uuid: 'AAA111', name: 'one', nested: { n: 1 } });
      await w.put('node', { uuid: 'AAB222', name: 'two' });
      await w.put('tag', { uuid: 'TAG333', tag: 'x' });
    });
    await store.read(async (r) => {
      expect(await r.get('node', 'AAA111')).toEqual({ uuid: 'AAA111', name: 'one', nested: { n: 1 } });
      expect(await r.get('node', 'missing')).toBeUndefined();
      expect(await r.get('policy', 'AAA111')).toBeUndefined();
      expect((await r.all('node')).map((d) => d.uuid).sort()).toEqual(['AAA111', 'AAB222']);
      expect(await r.count('node')).toBe(2);
      expect(await r.count('tag')).toBe(1);
      expect(await r.count('policy')).toBe(0);
      expect((await r.matchUuid('node', 'AA')).sort()).toEqual(['AAA111', 'AAB222']);
      expect(await r.matchUuid('node', 'B22')).toEqual(['AAB222']);
      expect(await r.matchUuid('node', 'AAA111')).toEqual(['AAA111']);
      expect(await r.matchUuid('node', 'zzz')).toEqual([]);
    });
    expect(await store.write(async (w) => w.remove('node', 'AAA111'))).toBe(true);
    expect(await store.write(async (w) => w.remove('node', 'AAA111'))).toBe(false);
    expect(await store.read(async (r) => r.get('node', 'AAA111'))).toBeUndefined();
    expect(await store.read(async (r) => r.count('node'))).toBe(1);
    const onDisk = JSON.parse(readFileSync(file, 'utf8'));
    expect(onDisk.format).toBe('razor-store/1');
    expect(Object.keys(onDisk.collections.node)).toEqual(['AAB222']);
    expect(onDisk.collections.tag.TAG333).toEqual({ uuid: 'TAG333', tag: 'x' });
    await store.close();
  });

  test('put stores a copy; reads share frozen documents; writes get copies', async () => {
    const { file } = tempStoreFile();
    const store = await openJsonStore(file);
    const original: Doc = { uuid: 'N1', list: [1, 2], nested: { v: 'a' } };
    await store.write(async (w) => w.put('node', original));
    (original.nested as { v: string }).v = 'mutated-after-put';
    const got = await store.read(async (r) =>
      r.get<Doc & { nested: { v: string }; list: number[] }>('node', 'N1'),
    );
    // A read transaction hands out the stored object itself, deeply frozen: changing it throws.
    expect(() => (got!.nested.v = 'mutated-get')).toThrow(/read only/);
    expect(() => got!.list.push(3)).toThrow(/not extensible/);
    const [fromAll] = await store.read(async (r) => r.all<Doc & { nested: { v: string } }>('node'));
    expect(() => (fromAll!.nested.v = 'mutated-all')).toThrow(/read only/);
    expect(fromAll).toBe(got); // shared, not copied
    await store.write(async (w) => {
      const d = (await w.get<Doc & { nested: { v: string } }>('node', 'N1'))!;
      d.nested.v = 'mutated-in-write';
    });
    const stored = { uuid: 'N1', list: [1, 2], nested: { v: 'a' } };
    expect(await store.read(async (r) => r.get('node', 'N1'))).toEqual(stored);
    expect(JSON.parse(readFileSync(file, 'utf8')).collections.node.N1.nested.v).toBe('a');
  });
});

describe('json store: transactions', () => {
  test('a write transaction sees its own puts and removes', async () => {
    const { file } = tempStoreFile();
    const store = await openJsonStore(file);
    await store.write(async (w) => w.put('node', { uuid: 'OLD1', v: 0 }));
    const seen = await store.write(async (w) => {
      await w.put('node', { uuid: 'NEW1', v: 1 });
      await w.put('node', { uuid: 'OLD1', v: 2 });
      const mid = [await w.count('node'), await w.get('node', 'NEW1'), await w.matchUuid('node', 'NEW')];
      expect(await w.remove('node', 'NEW1')).toBe(true);
      return [...mid, await w.get('node', 'NEW1'), await w.count('node'), await w.all('node')];
    });
    expect(seen).toEqual([2, { uuid: 'NEW1', v: 1 }, ['NEW1'], undefined, 1, [{ uuid: 'OLD1', v: 2 }]]);
    expect(await store.read(async (r) => r.all('node'))).toEqual([{ uuid: 'OLD1', v: 2 }]);
  });

  test('a transaction whose callback throws changes nothing, and later writes still work', async () => {
    const { file } = tempStoreFile();
    const store = await openJsonStore(file);
    await store.write(async (w) => {
      await w.put('node', { uuid: 'KEEP', v: 1 });
      await w.put('node', { uuid: 'GONE?', v: 2 });
    });
    const bytes = readFileSync(file);
    const stamp = stampOf(file);
    const boom = new Error('boom');
    await expect(
      store.write(async (w) => {
        await w.put('node', { uuid: 'KEEP', v: 99 });
        await w.put('tag', { uuid: 'T1' });
        await w.remove('node', 'GONE?');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(stampOf(file)).toEqual(stamp);
    await store.read(async (r) => {
      expect(await r.get('node', 'KEEP')).toEqual({ uuid: 'KEEP', v: 1 });
      expect(await r.get('node', 'GONE?')).toEqual({ uuid: 'GONE?', v: 2 });
      expect(await r.count('tag')).toBe(0);
    });
    await store.write(async (w) => w.put('tag', { uuid: 'T2' }));
    expect(await store.read(async (r) => r.count('tag'))).toBe(1);
  });

  test('a write with no changes does not rewrite the file', async () => {
    const { file } = tempStoreFile();
    const store = await openJsonStore(file);
    expect(await store.write(async (w) => w.count('node'))).toBe(0);
    expect(existsSync(file)).toBe(false); // a fresh store is not even created by a read-only write
    await store.write(async (w) => w.put('node', { uuid: 'N1' }));
    const before = stampOf(file);
    const bytes = readFileSync(file);
    await new Promise((r) => setTimeout(r, 20)); // so a rewrite would get a new mtime
    expect(await store.write(async (w) => [await w.get('node', 'N1'), await w.count('node')])).toEqual([
      { uuid: 'N1' },
      1,
    ]);
    expect(stampOf(file)).toEqual(before);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    // Writing back an identical document or removing a missing one is not a change either.
    expect(await store.write(async (w) => w.remove('node', 'nope'))).toBe(false);
    await store.write(async (w) => w.put('node', { uuid: 'N1' }));
    expect(stampOf(file)).toEqual(before);
  });
});

describe('json store: concurrency', () => {
  test('two instances on one file see each other’s writes', async () => {
    const { file } = tempStoreFile();
    const a = await openJsonStore(file);
    const b = await openJsonStore(file);
    expect(await b.read(async (r) => r.count('node'))).toBe(0);
    await a.write(async (w) => w.put('node', { uuid: 'K', v: 'AAA' }));
    expect(await b.read(async (r) => r.get('node', 'K'))).toEqual({ uuid: 'K', v: 'AAA' });
    // Same-size replacement: only the file identity/mtime changes, not its length.
    await a.write(async (w) => w.put('node', { uuid: 'K', v: 'BBB' }));
    expect(await b.read(async (r) => r.get('node', 'K'))).toEqual({ uuid: 'K', v: 'BBB' });
    // B's write starts from A's latest state instead of its own cached copy: nothing of A's is lost.
    await a.write(async (w) => w.put('node', { uuid: 'FROM_A', v: 1 }));
    await b.write(async (w) => w.put('node', { uuid: 'FROM_B', v: 2 }));
    const onDisk = JSON.parse(readFileSync(file, 'utf8')).collections.node;
    expect(Object.keys(onDisk).sort()).toEqual(['FROM_A', 'FROM_B', 'K']);
    expect(await a.read(async (r) => r.count('node'))).toBe(3);
  });

  test('many same-size changes in a row by another instance are all seen (revision, not mtime)', async () => {
    const { file } = tempStoreFile();
    const a = await openJsonStore(file);
    const b = await openJsonStore(file);
    for (let i = 0; i < 50; i++) {
      const v = String(i % 10);
      await a.write(async (w) => w.put('node', { uuid: 'K', v }));
      expect(await b.read(async (r) => (await r.get('node', 'K'))?.v)).toBe(v);
      // B writes from A's latest state every time.
      await b.write(async (w) => w.put('node', { uuid: `B${i}` }));
    }
    expect(await a.read(async (r) => r.count('node'))).toBe(51);
    expect(JSON.parse(readFileSync(file, 'utf8')).rev).toBe(100);
  });

  test('a read racing a write in the same instance never brings back older data', async () => {
    const { file } = tempStoreFile();
    const a = await openJsonStore(file);
    const b = await openJsonStore(file);
    for (let i = 0; i < 30; i++) {
      await a.write(async (w) => w.put('node', { uuid: 'X', n: i * 2 }));
      const [, , seen] = await Promise.all([
        b.read(async (r) => r.get('node', 'X')),
        b.write(async (w) => w.put('node', { uuid: 'X', n: i * 2 + 1 })),
        b.read(async (r) => r.get('node', 'X')).then(() => b.write(async (w) => w.get('node', 'X'))),
      ]);
      expect(seen).toEqual({ uuid: 'X', n: i * 2 + 1 });
    }
  });

  test('200 concurrent writes in one process each land', async () => {
    const { file } = tempStoreFile();
    const store = await openJsonStore(file);
    const keys = Array.from({ length: 200 }, (_, i) => `key-${String(i).padStart(3, '0')}`);
    const results = await Promise.all(
      keys.map((k) =>
        store.write(async (w) => {
          const n = await w.count('node');
          await w.put('node', { uuid: k });
          return n;
        }),
      ),
    );
    // Serialised: each transaction saw a distinct count of earlier documents.
    expect(new Set(results).size).toBe(200);
    expect((await store.read(async (r) => r.all('node'))).map((d) => d.uuid).sort()).toEqual(keys);
    await store.close();
    const fresh = await openJsonStore(file);
    expect(await fresh.read(async (r) => r.count('node'))).toBe(200);
  });
});

describe('json store: damage on disk', () => {
  test('temp files left by a killed writer are removed when the store is opened', async () => {
    const { dir, file } = tempStoreFile();
    writeFileSync(file, JSON.stringify({ format: 'razor-store/1', collections: {} }));
    const stale = [`${tempPrefix(file)}4242-deadbeef0001`, `${tempPrefix(file)}77-half`];
    for (const s of stale) writeFileSync(join(dir, s), '{"format":"razor-st');
    writeFileSync(join(dir, 'unrelated.tmp-1'), 'keep me');
    await openJsonStore(file);
    expect(readdirSync(dir).sort()).toEqual(['razor.json', 'razor.json.lock', 'unrelated.tmp-1']);
    expect(readFileSync(file, 'utf8')).toContain('razor-store/1'); // the store itself is kept
  });

  test('a corrupt file is reported as StoreUnavailable and left untouched', async () => {
    const { file } = tempStoreFile();
    writeFileSync(file, 'not json');
    const store = await openJsonStore(file);
    const err = await storeUnavailable(store.read(async (r) => r.count('node')));
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/not valid JSON/);
    await storeUnavailable(store.write(async (w) => w.put('node', { uuid: 'N' })));
    expect(readFileSync(file, 'utf8')).toBe('not json');
  });
});

/** Mounting a tmpfs needs root: decided when the file loads, and a skip is reported loudly. */
const asRoot = systemAvailable('full-disk store test (a 64 KiB tmpfs)', () =>
  process.getuid?.() === 0 ? undefined : 'needs root to mount a tmpfs',
);

describe('json store: full disk', () => {
  (asRoot ? test : test.skip)(
    'a write that hits ENOSPC fails cleanly and keeps every acknowledged write',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'razor-json-store-full-'));
      let mounted = false;
      let store: Store | undefined;
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
        mounted = true;
        const file = join(dir, 'razor.json');
        store = await openJsonStore(file);
        const acked: string[] = [];
        let failure: unknown;
        for (let i = 0; i < 2000 && failure === undefined; i++) {
          const uuid = `doc-${i}`;
          try {
            await store.write(async (w) => w.put('node', { uuid, pad: 'x'.repeat(400) }));
            acked.push(uuid);
          } catch (e) {
            failure = e;
          }
        }
        expect(failure).toBeInstanceOf(RazorError);
        expect((failure as RazorError).kind).toBe('StoreUnavailable');
        expect((failure as RazorError).message).toMatch(/no space left/);
        expect(acked.length).toBeGreaterThan(10);
        const onDisk = JSON.parse(readFileSync(file, 'utf8'));
        expect(Object.keys(onDisk.collections.node).sort()).toEqual([...acked].sort());
        // The failed write's temp file is gone; the lock file and the store's generations stay.
        const left = readdirSync(dir).sort();
        expect(left.filter((n) => n.startsWith(tempPrefix(file)))).toEqual([]);
        expect(
          left.filter((n) => n !== 'razor.json').every((n) => /^razor\.json\.([0-5]|lock)$/.test(n)),
        ).toBe(true);
        expect(await store.read(async (r) => r.count('node'))).toBe(acked.length);
      } finally {
        await store?.close(); // an open store holds its file open, as any database does
        if (mounted) execFileSync('umount', [dir]);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
