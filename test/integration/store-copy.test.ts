/**
 * `razor store copy` moves a deployment between stores with nothing lost: a populated embedded
 * store (nodes, tags, policies and their order, models, active models with logs, brokers, images,
 * BMCs, tokens, meta) copied to PostgreSQL and back gives the same documents byte for byte, in the
 * same order; a target that holds data is refused without --force and replaced with it.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedData, writeSeed } from '../helpers/fixture.js';
import { testEnv } from '../helpers/deps.js';
import { runRazor } from '../helpers/daemon.js';
import { postgresAvailable } from '../helpers/postgres.js';
import { postgresSuite } from '../helpers/postgres-suite.js';
import { COLLECTIONS } from '../../lib/store/store.js';

const suite = postgresAvailable() ? describe : describe.skip;

suite('razor store copy', () => {
  const db = postgresSuite();

  test('json → postgres → json round-trips every document byte for byte; a full target needs --force', async () => {
    const data = seedData();
    // More than one of the kinds whose order matters, and a document with awkward bytes.
    data.collections.tag = {
      ...data.collections.tag,
      TagZzz0000000000000009: {
        uuid: 'TagZzz0000000000000009',
        name: 'ünïcode "quoted"',
        tag: 'z',
        matchers: [],
      },
    };
    await writeSeed(db.home.home, data);
    const env = testEnv(db.home.home);
    const original = join(db.home.home, 'razor.json');
    const url = await db.server.createDatabase('copy_target');
    const there = await runRazor(['store', 'copy', '--from', original, '--to', url], env);
    expect(there.code).toBe(0);
    expect(there.stdout).toMatch(/copied \d+ documents from .*razor\.json to postgres:\/\/razor:\*\*\*@/);
    expect(there.stdout + there.stderr).not.toContain(new URL(url).password);

    // Copying the same documents again is done already; different ones need --force.
    const same = await runRazor(['store', 'copy', '--from', original, '--to', url], env);
    expect(same.code).toBe(0);
    const other = join(db.home.home, 'other.json');
    const changed = JSON.parse(readFileSync(original, 'utf8'));
    changed.collections.tag.TagZzz0000000000000009.name = 'changed';
    writeFileSync(other, JSON.stringify(changed));
    const refused = await runRazor(['store', 'copy', '--from', other, '--to', url], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/is not empty \(.*\); nothing was copied — use --force/);

    const back = join(db.home.home, 'back.json');
    const again = await runRazor(['-w', 'store', 'copy', JSON.stringify({ from: url, to: back })], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ errcode: 0 });
    const before = JSON.parse(readFileSync(original, 'utf8'));
    const after = JSON.parse(readFileSync(back, 'utf8'));
    for (const c of COLLECTIONS) {
      expect({ c, docs: JSON.stringify(after.collections[c] ?? {}) }).toEqual({
        c,
        docs: JSON.stringify(before.collections[c] ?? {}),
      });
    }
    for (const kind of ['node', 'tag', 'policy', 'model', 'active_model', 'broker', 'image', 'token', 'meta'])
      expect(Object.keys(after.collections[kind] ?? {}).length).toBeGreaterThan(0);

    const forced = await runRazor(['store', 'copy', '--force', '--from', original, '--to', url], env);
    expect(forced.code).toBe(0);
  }, 180_000);

  test('a --from that names no store is refused and creates nothing', async () => {
    const r = await runRazor(
      ['store', 'copy', '--from', join(db.home.home, 'none.json'), '--to', join(db.home.home, 'x.json')],
      testEnv(db.home.home),
    );
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/none\.json: no such store file/);
  }, 60_000);

  test('a --to in a missing folder, or with a name too long for its lock file, is a 400 naming it; nothing is created', async () => {
    await writeSeed(db.home.home);
    const from = join(db.home.home, 'razor.json');
    for (const [to, why] of [
      [join(db.home.home, 'no-such-dir', 'x.json'), /the folder \S*no-such-dir does not exist/],
      [join(db.home.home, 'x'.repeat(250)), /the file name is too long \(at most 247 bytes\)/],
    ] as const) {
      const r = await runRazor(['-w', 'store', 'copy', JSON.stringify({ from, to })], testEnv(db.home.home));
      const envelope = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(String(envelope.result)).toMatch(why);
      expect(envelope).toMatchObject({ std_err_code: 111, http_err_code: 400 });
    }
    expect(readdirSync(db.home.home).filter((n) => n.startsWith('x'))).toEqual([]);
  });
});
