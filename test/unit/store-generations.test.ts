/**
 * Store generations and the store's structure (lib/store/generations.ts, store-shape.ts, ADR 0017):
 * the last N versions are kept beside the store and no more; a damaged store names the newest good
 * generation and the exact command that restores it — which works; a file of the wrong structure
 * is refused with an error naming what is wrong and is left untouched.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openJsonStore } from '../../lib/store/json-store.js';
import { RAZOR_REQUIRED_FIELDS } from '../../lib/store/store-shape.js';
import { RazorError } from '../../lib/errors.js';
import { seedData } from '../helpers/fixture.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempStore(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'razor-generations-'));
  dirs.push(dir);
  return { dir, file: join(dir, 'razor.json') };
}

const revOf = (path: string) => JSON.parse(readFileSync(path, 'utf8')).rev as number;
const generations = (dir: string) =>
  readdirSync(dir)
    .filter((n) => /^razor\.json\.\d+$/.test(n))
    .sort();

/** Makes `n` writes (each a real change) to the store `file`, keeping `keep` generations. */
async function writeMany(file: string, n: number, keep?: number): Promise<void> {
  const store = await openJsonStore(file, keep === undefined ? {} : { generations: keep });
  for (let i = 0; i < n; i++)
    await store.write(async (w) =>
      w.put('tag', { uuid: `T${i}`, n: (await w.count('tag')) + Math.random() }),
    );
  await store.close();
}

/** The StoreUnavailable a read of `file` fails with (the store left as it is). */
async function refusal(file: string, required = {}): Promise<RazorError> {
  const store = await openJsonStore(file, { requiredFields: required });
  const err = await store.read(async (r) => r.count('node')).catch((e: unknown) => e);
  await store.close();
  expect(err).toBeInstanceOf(RazorError);
  expect((err as RazorError).kind).toBe('StoreUnavailable');
  return err as RazorError;
}

describe('generations', () => {
  test('30 writes keep exactly .0 (the store itself) and the 5 versions before it, newest first', async () => {
    const { dir, file } = tempStore();
    await writeMany(file, 30);
    expect(generations(dir)).toEqual([0, 1, 2, 3, 4, 5].map((n) => `razor.json.${n}`));
    expect(statSync(join(dir, 'razor.json.0')).ino).toBe(statSync(file).ino);
    const rev = revOf(file);
    for (let n = 1; n <= 5; n++) expect(revOf(join(dir, `razor.json.${n}`))).toBe(rev - n);
  });

  test('store_generations 0 keeps none; lowering it removes the extra ones at the next open', async () => {
    const { dir, file } = tempStore();
    await writeMany(file, 8, 0);
    expect(generations(dir)).toEqual([]);
    await writeMany(file, 8, 5);
    expect(generations(dir)).toHaveLength(6);
    await writeMany(file, 1, 2);
    expect(generations(dir)).toEqual(['razor.json.0', 'razor.json.1', 'razor.json.2']);
    await writeMany(file, 0, 0);
    expect(generations(dir)).toEqual([]);
    expect(revOf(file)).toBe(17); // the store itself is untouched by pruning
  });

  test('a store damaged in place names the version before it, and the printed command restores it', async () => {
    const { dir, file } = tempStore();
    await writeMany(file, 7);
    const before = readFileSync(join(dir, 'razor.json.1'), 'utf8');
    appendFileSync(file, 'garbage'); // .0 is the same file: damaged too
    const err = await refusal(file);
    expect(err.message).toContain(`the store ${file} cannot be used: it is not valid JSON`);
    expect(err.message).toContain(`the newest good generation is ${file}.1 (rev 6, written `);
    const command = /stop razor and run: (.*)$/.exec(err.message)?.[1];
    expect(command).toBe(`mv ${file} ${file}.corrupt && cp -p ${file}.1 ${file}`);
    execFileSync('sh', ['-c', command as string]);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readFileSync(`${file}.corrupt`, 'utf8')).toMatch(/garbage$/);
    const store = await openJsonStore(file);
    expect(await store.read(async (r) => r.count('tag'))).toBe(6);
    await store.close();
  });

  test('a store replaced by something other than razor names .0, the version razor wrote last', async () => {
    const { dir, file } = tempStore();
    await writeMany(file, 3);
    writeFileSync(join(dir, 'other'), '{"format":"razor-store/1","collections":{"tag":[]}}');
    renameSync(join(dir, 'other'), file);
    const err = await refusal(file);
    expect(err.message).toContain('"collections.tag" is an array, not an object of uuid → document');
    expect(err.message).toContain(`the newest good generation is ${file}.0 (rev 3, `);
  });

  test('without any generation the message says to restore from a backup', async () => {
    const { file } = tempStore();
    writeFileSync(file, '{"rev": 1, "format": "razor-st');
    const err = await refusal(file);
    expect(err.message).toMatch(/not valid JSON .*no good earlier generation .* restore it from a backup$/);
  });
});

describe('a store of the wrong structure', () => {
  const valid = () => seedData() as unknown as Record<string, unknown>;
  const withDoc = (collection: string, key: string, doc: unknown) => {
    const data = valid();
    (data.collections as Record<string, Record<string, unknown>>)[collection] = { [key]: doc };
    return data;
  };
  const cases: [string, unknown, string][] = [
    ['null', null, 'the file holds null, not a razor store object'],
    ['an array', [], 'the file holds an array, not a razor store object'],
    ['a number', 5, 'the file holds a number, not a razor store object'],
    ['no format', { collections: 5 }, 'it has no "format"'],
    ['another format', { format: 'razor-store/9', collections: {} }, 'its "format" is "razor-store/9"'],
    ['no collections', { format: 'razor-store/1' }, 'it has no "collections"'],
    ['collections a number', { format: 'razor-store/1', collections: 5 }, 'its "collections" is a number'],
    [
      'a collection an array',
      { format: 'razor-store/1', collections: { policy: [1, 2] } },
      '"collections.policy" is an array, not an object of uuid → document',
    ],
    ['a document a number', withDoc('policy', 'x', 1), '"collections.policy.x" is a number, not a document'],
    ['a document null', withDoc('node', 'N', null), '"collections.node.N" is null, not a document'],
    [
      'a uuid not its key',
      withDoc('tag', 'A', { uuid: 'B' }),
      '"collections.tag.A" has "uuid" "B", not its key',
    ],
    ['a document without uuid', withDoc('tag', 'A', {}), '"collections.tag.A" has "uuid" missing'],
  ];
  test.each(cases)('%s: refused, naming what is wrong, and left untouched', async (_name, data, why) => {
    const { file } = tempStore();
    const text = JSON.stringify(data);
    writeFileSync(file, text);
    const err = await refusal(file);
    expect(err.message).toContain(`the store ${file} cannot be used: ${why}`);
    expect(err.message).not.toMatch(/Cannot read properties|internal error/);
    const store = await openJsonStore(file);
    await expect(store.write(async (w) => w.put('tag', { uuid: 'X' }))).rejects.toThrow(why);
    await store.close();
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  const fieldCases: [string, unknown, string][] = [
    [
      'a node without hw_id',
      withDoc('node', 'N', { uuid: 'N', attributes: {}, created_at: '' }),
      '"hw_id" missing, not an array',
    ],
    [
      'a node with hw_id a number',
      withDoc('node', 'N', { uuid: 'N', hw_id: 5 }),
      '"hw_id" as a number, not an array',
    ],
    [
      'a policy without label',
      withDoc('policy', 'P', { uuid: 'P', model_uuid: 'M', tags: [] }),
      '"label" missing, not a string',
    ],
    [
      'an active model without its model',
      withDoc('active_model', 'A', { uuid: 'A', node_uuid: 'N', policy_uuid: 'P', state: 'init', log: [] }),
      '"model" missing, not an object',
    ],
  ];
  test.each(fieldCases)('%s: razor’s own store refuses it by name', async (_name, data, why) => {
    const { file } = tempStore();
    writeFileSync(file, JSON.stringify(data));
    const err = await refusal(file, RAZOR_REQUIRED_FIELDS);
    expect(err.message).toContain(why);
  });

  test('the seeded store has every required field', async () => {
    const { file } = tempStore();
    writeFileSync(file, JSON.stringify(valid()));
    const store = await openJsonStore(file, { requiredFields: RAZOR_REQUIRED_FIELDS });
    expect(await store.read(async (r) => r.count('node'))).toBe(2);
    await store.close();
  });
});
