/**
 * Freshness of the embedded store (lib/store/held-file.ts, ADR 0011, 0017): one fstat of the held
 * file tells whether another writer replaced it — also when the old file lives on as a store
 * generation (a hard link); per-snapshot memo maps start empty after any change,
 * whoever made it.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { appendFileSync, linkSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heldFile } from '../../lib/store/held-file.js';
import { openJsonStore } from '../../lib/store/json-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'razor-held-'));
  dirs.push(dir);
  return join(dir, 'f.json');
}

describe('held file', () => {
  test('fresh until the file is replaced by a rename, edited in place or removed', async () => {
    const file = tempFile();
    writeFileSync(file, 'one');
    const held = heldFile(file);
    expect(held.fresh()).toBe(false); // nothing held yet
    expect(await held.read()).toBe('one');
    expect(held.fresh()).toBe(true);
    // Replaced by rename, as every razor writer does: even with the same size.
    writeFileSync(`${file}.tmp`, 'two');
    renameSync(`${file}.tmp`, file);
    expect(held.fresh()).toBe(false);
    expect(await held.read()).toBe('two');
    expect(held.fresh()).toBe(true);
    // Edited in place (not razor's way, but a human's): the size changes.
    appendFileSync(file, '!');
    expect(held.fresh()).toBe(false);
    expect(await held.read()).toBe('two!');
    rmSync(file);
    expect(held.fresh()).toBe(false);
    expect(await held.read()).toBeNull();
    // Still no file: nothing changed (a store whose data is all in its journal, ADR 0027) …
    expect(held.fresh()).toBe(true);
    // … until one appears.
    writeFileSync(file, 'three');
    expect(held.fresh()).toBe(false);
    held.close();
  });

  test('replaced while the old file lives on as a generation (a hard link): not fresh, even at the same size', async () => {
    const file = tempFile();
    const gen = (n: number) => `${file}.${n}`;
    // As a writer keeping generations does (generations.ts): the new file gets its second name
    // `.0` before it is renamed over the store; the next write moves `.0` to `.1` and does the same.
    writeFileSync(`${file}.tmp`, 'one');
    linkSync(`${file}.tmp`, gen(0));
    renameSync(`${file}.tmp`, file);
    const held = heldFile(file);
    expect(await held.read()).toBe('one');
    renameSync(gen(0), gen(1));
    expect(held.fresh()).toBe(true); // a generation moving up is no change of the store
    writeFileSync(`${file}.tmp`, 'two');
    linkSync(`${file}.tmp`, gen(0));
    renameSync(`${file}.tmp`, file);
    expect(held.fresh()).toBe(false);
    expect(await held.read()).toBe('two');
    expect(held.fresh()).toBe(true);
    held.close();
  });

  test('hold() after our own write: fresh without reading', async () => {
    const file = tempFile();
    writeFileSync(file, 'a');
    const held = heldFile(file);
    await held.read();
    writeFileSync(`${file}.tmp`, 'b');
    renameSync(`${file}.tmp`, file);
    await held.hold();
    expect(held.fresh()).toBe(true);
    held.close();
  });
});

describe('store memo maps', () => {
  test('kept while nothing changes; gone after a write (by this or another store instance) to what it read', async () => {
    const file = tempFile();
    const a = await openJsonStore(file);
    const b = await openJsonStore(file);
    await a.write(async (w) => w.put('node', { uuid: 'N1' }));
    // The answers depend on the node collection as a whole (ADR 0027: entries go with what they read).
    const remember = (value: string) =>
      a.read(async (r) => {
        await r.count('node');
        r.memo<string>('boot').set('k', value);
      });
    await remember('answer');
    expect(await a.read(async (r) => r.memo<string>('boot').get('k'))).toBe('answer');
    // Another process's write (a second instance stands in for it) is seen through the file.
    await b.write(async (w) => w.put('node', { uuid: 'N2' }));
    expect(await a.read(async (r) => r.memo<string>('boot').get('k'))).toBeUndefined();
    expect(await a.read(async (r) => r.count('node'))).toBe(2);
    await remember('again');
    await a.write(async (w) => w.put('node', { uuid: 'N3' }));
    expect(await a.read(async (r) => r.memo<string>('boot').get('k'))).toBeUndefined();
    // A write transaction's memo is private.
    await a.write(async (w) => void w.memo<string>('boot').set('k', 'x'));
    expect(await a.read(async (r) => r.memo<string>('boot').get('k'))).toBeUndefined();
    await a.close();
    await b.close();
  });
});
