/**
 * The embedded store's journal (ADR 0027), on real files: writes append one line per committed
 * batch beside an untouched snapshot; another handle (standing in for another process) catches up
 * from the tail; a torn last line is ignored and cut off by the next writer; compaction folds the
 * journal into a new snapshot without a reader missing or re-applying a line, also when it was
 * interrupted between its two steps; a journal that does not follow the snapshot is left alone; a
 * damaged line is a clear StoreUnavailable; a full disk fails the append cleanly.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { journalPath, openJsonStore, type JsonStoreOptions } from '../../lib/store/json-store.js';
import { RazorError } from '../../lib/errors.js';
import type { Doc, Store } from '../../lib/store/store.js';
import { systemAvailable } from '../helpers/system.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A store file in a fresh directory, and its journal. */
function paths(parent = tmpdir()): { dir: string; file: string; journal: string } {
  const dir = mkdtempSync(join(parent, 'razor-journal-'));
  dirs.push(dir);
  const file = join(dir, 'razor.json');
  return { dir, file, journal: journalPath(file) };
}

/** Journal mode from the first write. */
const JOURNAL: JsonStoreOptions = { journalFrom: 0 };
const lines = (journal: string) =>
  readFileSync(journal, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const counter = async (s: Store) =>
  ((await s.read((r) => r.get('meta', 'counter'))) as Doc & { n: number })?.n;
const bump = (s: Store) =>
  s.write(async (w) => {
    const c = (await w.get('meta', 'counter')) as (Doc & { n: number }) | undefined;
    await w.put('meta', { uuid: 'counter', n: (c?.n ?? 0) + 1 });
  });

describe('store journal', () => {
  test('each write appends one line; the snapshot is untouched; another handle and a reopen see it all', async () => {
    const { file, journal } = paths();
    const a = await openJsonStore(file, JOURNAL);
    const b = await openJsonStore(file, JOURNAL);
    await a.write((w) => w.put('node', { uuid: 'N1', hw_id: ['aa'], state: 'new', facts: { cpus: 2 } }));
    await bump(a);
    expect(existsSync(file)).toBe(false);
    expect(lines(journal)).toEqual([
      { journal: 'razor-journal/1', follows: 0 },
      { rev: 1, docs: { node: { N1: { uuid: 'N1', hw_id: ['aa'], state: 'new', facts: { cpus: 2 } } } } },
      { rev: 2, docs: { meta: { counter: { uuid: 'counter', n: 1 } } } },
    ]);
    expect((await b.read((r) => r.findBy('node', 'hw_id', 'aa'))).map((d) => d.uuid)).toEqual(['N1']);
    // A change of one field of a larger document is written as that field; a removal as null.
    await b.write((w) => w.patch('node', 'N1', { state: 'seen' }));
    await b.write((w) => w.remove('meta', 'counter'));
    expect(lines(journal).slice(3)).toEqual([
      { rev: 3, fields: { node: { N1: { state: 'seen' } } } },
      { rev: 4, docs: { meta: { counter: null } } },
    ]);
    expect(await a.read((r) => r.get('node', 'N1'))).toEqual({
      uuid: 'N1',
      hw_id: ['aa'],
      state: 'seen',
      facts: { cpus: 2 },
    });
    expect(await counter(a)).toBeUndefined();
    await Promise.all([a.close(), b.close()]);
    const c = await openJsonStore(file, JOURNAL);
    expect(await c.read((r) => r.count('node'))).toBe(1);
    await c.close();
  });

  test('concurrent writes are committed together, and one that throws fails alone', async () => {
    const { file, journal } = paths();
    const s = await openJsonStore(file, JOURNAL);
    const writes = Array.from({ length: 40 }, (_, i) =>
      s.write(async (w) => {
        await w.put('tag', { uuid: `T${i}`, name: `t${i}` });
        if (i === 7) throw new Error('not this one');
        return i;
      }),
    );
    const settled = await Promise.allSettled(writes);
    expect(settled.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect((settled[7] as PromiseRejectedResult).reason.message).toBe('not this one');
    expect(await s.read((r) => r.count('tag'))).toBe(39);
    expect(await s.read((r) => r.get('tag', 'T7'))).toBeUndefined();
    // One fsync'd line for the lot, not forty.
    expect(lines(journal).length - 1).toBeLessThanOrEqual(2);
    await s.close();
  });

  test('a torn last line is ignored by readers and cut off by the next writer', async () => {
    const { file, journal } = paths();
    const a = await openJsonStore(file, JOURNAL);
    await bump(a);
    await a.close();
    appendFileSync(journal, '{"rev":2,"docs":{"meta":{"counter":{"uuid":"cou');
    const b = await openJsonStore(file, JOURNAL);
    expect(await counter(b)).toBe(1);
    await bump(b);
    expect(readFileSync(journal, 'utf8').endsWith('\n')).toBe(true);
    expect(lines(journal).map((l) => l.rev ?? 'header')).toEqual(['header', 1, 2]);
    expect(await counter(b)).toBe(2);
    await b.close();
  });

  test('compaction: a new snapshot, a new journal; a reader throughout misses nothing and applies nothing twice', async () => {
    const { file, journal } = paths();
    const opts = { ...JOURNAL, compactFrom: 300 };
    const writer = await openJsonStore(file, opts);
    const reader = await openJsonStore(file, opts);
    for (let i = 1; i <= 30; i++) {
      await bump(writer);
      expect(await counter(reader)).toBe(i);
    }
    await writer.close();
    const snap = JSON.parse(readFileSync(file, 'utf8'));
    expect(snap.rev).toBeGreaterThan(1);
    const [header, ...rest] = lines(journal);
    expect(header).toEqual({ journal: 'razor-journal/1', follows: snap.rev });
    expect(rest.map((l) => l.rev)).toEqual(Array.from({ length: 30 - snap.rev }, (_, i) => snap.rev + 1 + i));
    expect(existsSync(`${file}.0`)).toBe(true); // generations are kept per snapshot, as before
    expect(await counter(reader)).toBe(30);
    await reader.close();
  });

  test('interrupted between the new snapshot and the new journal: lines already in the snapshot are skipped', async () => {
    const { file, journal } = paths();
    const put = (rev: number, n: number) =>
      JSON.stringify({ rev, docs: { meta: { counter: { uuid: 'counter', n } } } });
    writeFileSync(
      file,
      JSON.stringify({
        rev: 5,
        format: 'razor-store/1',
        collections: { meta: { counter: { uuid: 'counter', n: 50 } } },
      }),
    );
    writeFileSync(
      journal,
      [
        JSON.stringify({ journal: 'razor-journal/1', follows: 2 }),
        put(3, 30),
        put(4, 40),
        put(5, 50),
        put(6, 60),
      ].join('\n') + '\n',
    );
    const s = await openJsonStore(file, JOURNAL);
    expect(await counter(s)).toBe(60);
    await bump(s);
    expect(lines(journal).map((l) => l.rev ?? 'header')).toEqual(['header', 3, 4, 5, 6, 7]);
    expect(await counter(s)).toBe(61);
    await s.close();
  });

  test('a journal that follows a later snapshot than the one there (restored by hand) is not applied', async () => {
    const { file, journal } = paths();
    writeFileSync(
      file,
      JSON.stringify({
        rev: 2,
        format: 'razor-store/1',
        collections: { meta: { counter: { uuid: 'counter', n: 2 } } },
      }),
    );
    writeFileSync(
      journal,
      `${JSON.stringify({ journal: 'razor-journal/1', follows: 5 })}\n${JSON.stringify({ rev: 6, docs: { meta: { counter: { uuid: 'counter', n: 6 } } } })}\n`,
    );
    const s = await openJsonStore(file, JOURNAL);
    expect(await counter(s)).toBe(2);
    await bump(s);
    expect(lines(journal)).toEqual([
      { journal: 'razor-journal/1', follows: 2 },
      { rev: 3, fields: { meta: { counter: { n: 3 } } } },
    ]);
    await s.close();
  });

  test('a damaged line is StoreUnavailable naming the journal and what to do', async () => {
    const { file, journal } = paths();
    writeFileSync(journal, `${JSON.stringify({ journal: 'razor-journal/1', follows: 0 })}\nnot json\n`);
    const s = await openJsonStore(file, JOURNAL);
    const err = await s.read((r) => r.count('node')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RazorError);
    expect((err as RazorError).kind).toBe('StoreUnavailable');
    expect((err as RazorError).message).toContain(journal);
    expect((err as RazorError).message).toMatch(/damaged.*move it aside/);
    await s.close();
  });
});

const asRoot = systemAvailable('full-disk journal test (a 64 KiB tmpfs)', () =>
  process.getuid?.() === 0 ? undefined : 'needs root to mount a tmpfs',
);

describe('store journal: full disk', () => {
  (asRoot ? test : test.skip)(
    'a failed append is cut back, fails cleanly, and writes work again once there is room',
    async () => {
      const { dir, file, journal } = paths();
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
      let store: Store | undefined;
      try {
        store = await openJsonStore(file, { ...JOURNAL, compactFrom: 1 << 30 });
        const acked: string[] = [];
        let failure: unknown;
        for (let i = 0; i < 2000 && failure === undefined; i++) {
          try {
            await store.write((w) => w.put('node', { uuid: `doc-${i}`, pad: 'x'.repeat(400) }));
            acked.push(`doc-${i}`);
          } catch (e) {
            failure = e;
          }
        }
        expect(failure).toBeInstanceOf(RazorError);
        expect((failure as RazorError).message).toMatch(/no space left.*nothing was changed/);
        const text = readFileSync(journal, 'utf8');
        expect(text.endsWith('\n')).toBe(true); // no half line left behind
        expect(statSync(journal).size).toBe(Buffer.byteLength(text));
        const other = await openJsonStore(file, JOURNAL);
        expect((await other.read((r) => r.all('node'))).map((d) => d.uuid).sort()).toEqual([...acked].sort());
        await other.close();
        // Room again (the failed line was cut back, so the small write that follows fits).
        await store.write((w) => w.remove('node', acked[0] as string));
        expect(await store.read((r) => r.count('node'))).toBe(acked.length - 1);
      } finally {
        await store?.close();
        execFileSync('umount', [dir]);
      }
    },
  );
});
