/**
 * Backup files and their paths (lib/store/backup-file.ts, backup-path.ts): a written backup reads
 * back as the same documents and opens as a store; a live store's snapshot with its journal is read
 * as the store reads it; a file of the wrong shape or an unknown collection is refused naming what
 * is wrong; an existing backup holding exactly the documents is done already; paths are checked
 * before anything is written; a kept store never takes a used name.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existingBackup, readBackupFile, writeBackupFile } from '../../lib/store/backup-file.js';
import { backupSource, backupTarget, keptPath } from '../../lib/store/backup-path.js';
import { openJsonStore } from '../../lib/store/json-store.js';
import { readEverything } from '../../lib/store/copy.js';
import { RAZOR_REQUIRED_FIELDS } from '../../lib/store/store-shape.js';
import { seedData } from '../helpers/fixture.js';
import { memoryStore } from '../../lib/store/memory.js';

const dir = mkdtempSync(join(tmpdir(), 'razor-backup-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backup files', () => {
  test('a backup reads back as the same documents, in order, and opens as a store', async () => {
    const docs = await readEverything(memoryStore(seedData()));
    const file = join(dir, 'a.json');
    const bytes = await writeBackupFile(file, docs);
    expect(bytes).toBeGreaterThan(100);
    expect(await readBackupFile(file, RAZOR_REQUIRED_FIELDS)).toEqual(docs);
    const store = await openJsonStore(file, { requiredFields: RAZOR_REQUIRED_FIELDS });
    expect(await readEverything(store)).toEqual(docs);
    await store.close();
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  test("a live store's snapshot is read with its journal", async () => {
    const file = join(dir, 'live', 'razor.json');
    const store = await openJsonStore(file, { journalFrom: 0 });
    await store.write(async (w) => w.put('tag', { uuid: 'T1', tag: 'a', matchers: [] }));
    await store.write(async (w) => w.put('tag', { uuid: 'T2', tag: 'b', matchers: [] }));
    await store.close();
    expect(existsSync(join(dir, 'live', 'razor.journal'))).toBe(true);
    const docs = await readBackupFile(file, RAZOR_REQUIRED_FIELDS);
    expect(docs.get('tag')?.map((d) => d.uuid)).toEqual(['T1', 'T2']);
  });

  test.each([
    [
      'cut.json',
      '{"rev":1,"format":"razor-store/1","collections":{"tag":{"T1":{"uuid":"T1"',
      /it is not JSON/,
    ],
    [
      'shape.json',
      '{"rev":1,"format":"razor-store/1","collections":{"tag":[]}}',
      /"collections\.tag" is an array/,
    ],
    [
      'unknown.json',
      '{"rev":1,"format":"razor-store/1","collections":{"widget":{}}}',
      /"collections\.widget" is not a collection razor has/,
    ],
    [
      'fields.json',
      '{"rev":1,"format":"razor-store/1","collections":{"tag":{"T1":{"uuid":"T1"}}}}',
      /"tag" missing/,
    ],
  ])('%s is refused as not a razor backup', async (name, text, why) => {
    writeFileSync(join(dir, name), text);
    await expect(readBackupFile(join(dir, name), RAZOR_REQUIRED_FIELDS)).rejects.toMatchObject({
      kind: 'InputError',
      message: expect.stringMatching(why),
    });
  });
});

test('an existing backup is done already when it holds exactly the documents, else refused', async () => {
  const docs = await readEverything(memoryStore(seedData()));
  const file = join(dir, 'exists.json');
  await writeBackupFile(file, docs);
  await expect(existingBackup(file, docs)).resolves.toBe(true);
  docs.set('tag', []);
  await expect(existingBackup(file, docs)).rejects.toThrow(
    /already exists; nothing was written — use --force/,
  );
  writeFileSync(file, '{}');
  await expect(existingBackup(file, docs)).rejects.toThrow(/already exists/);
});

describe('backup paths', () => {
  test('a target is checked: folder, directory, existing file without force', () => {
    mkdirSync(join(dir, 'sub'));
    expect(() => backupTarget(join(dir, 'none', 'x.json'))).toThrow(/the folder \S+none does not exist/);
    expect(() => backupTarget(join(dir, 'sub'))).toThrow(/is a directory/);
    expect(() => backupTarget(join(dir, 'y'.repeat(240)))).toThrow(/file name is too long/);
    expect(() => backupSource(join(dir, 'none.json'))).toThrow(/no such backup file/);
    expect(() => backupSource(join(dir, 'sub'))).toThrow(/is not a file/);
  });

  test('a kept store gets the time in its name, and a free name', () => {
    const now = new Date('2026-12-05T16:30:00.123Z');
    const base = join(dir, 'razor.json');
    const first = keptPath(base, now);
    expect(first).toBe(`${base}.before-restore-20261205T163000Z`);
    writeFileSync(first, '{}');
    expect(keptPath(base, now)).toBe(`${first}-2`);
  });
});
