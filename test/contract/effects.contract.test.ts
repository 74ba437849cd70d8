/**
 * The effects contract: every successful case of every verb (test/helpers/cases.ts), in `-w` mode
 * and over REST with both invokes, does what its declared effect says (test/contract/effects/):
 * the response holds what it should; exactly the declared store documents are added, changed or
 * removed (a read-only verb leaves the store file's bytes as they were); image folders appear or
 * go as declared and no other. Each case starts from the seeded store and one folder per image.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allSlices } from '../../slices/index.js';
import { spawnInvoke } from '../../daemon/spawn.js';
import { allCases, caseSeed, okStatus, type Case } from '../helpers/cases.js';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { ROOT, builtInCatalog, testDeps, testEnv } from '../helpers/deps.js';
import { testApp } from '../helpers/app.js';
import { callCase, serves, type FrontEnd } from '../helpers/call-case.js';
import { EFFECTS } from './effects/index.js';
import {
  diffStores,
  expectedDiff,
  expectedFolders,
  type Collections,
  type Outcome,
} from './effects/effect.js';
import type { Deps } from '../../lib/verbs/context.js';

const registry = allSlices(await builtInCatalog());
const cases = allCases(registry).filter((c) => c.expect.kind === undefined);
const extraEnv = { PATH: `${join(ROOT, 'test', 'fixtures', 'bin')}:${process.env.PATH}` };

test('every declared verb declares its effect, and every effect names a verb', () => {
  const verbs = [...registry.values()].flatMap((s) => s.verbs.map((v) => `${s.name} ${v.name}`)).sort();
  const declared = Object.entries(EFFECTS)
    .flatMap(([slice, effects]) => Object.keys(effects).map((v) => `${slice} ${v}`))
    .sort();
  expect(declared).toEqual(verbs);
});

/** Image folders under the image root, as `<type>/<uuid>`. */
function imageFolders(root: string): string[] {
  const list = (dir: string) => readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory());
  try {
    return list(root)
      .flatMap((t) => list(join(root, t.name)).map((d) => `${t.name}/${d.name}`))
      .sort();
  } catch {
    return [];
  }
}

/** A fresh image root with one folder (holding one file) per image in `collections`. */
function seedImageFolders(root: string, collections: Collections): void {
  rmSync(root, { recursive: true, force: true });
  for (const img of Object.values(collections.image ?? {})) {
    const dir = join(root, String(img.type), String(img.uuid));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'marker'), 'seeded\n');
  }
}

/** Runs one case through `via` from a fresh seed and checks its declared effect. */
async function checkEffect(via: FrontEnd, home: string, c: Case): Promise<void> {
  const effect = EFFECTS[c.slice.name]?.[c.verb.name];
  if (!effect) throw new Error(`${c.title}: no declared effect`);
  const seed = caseSeed(c);
  effect.prepare?.(seed.collections as Collections);
  await writeSeed(home, seed);
  const storeFile = join(home, 'razor.json');
  const imageRoot = join(home, 'image');
  seedImageFolders(imageRoot, seed.collections as Collections);
  effect.prepareHome?.(home);
  const bytesBefore = readFileSync(storeFile, 'utf8');
  const foldersBefore = imageFolders(imageRoot);

  const answer = await callCase(via, c);

  const detail = `${c.title}\n→ ${answer.status} ${answer.body.slice(0, 400)}`;
  expect({ status: answer.status, detail }).toEqual({ status: okStatus(c.verb), detail });
  const json = c.verb.contentType !== 'text/plain';
  const envelope = json ? (JSON.parse(answer.body) as Record<string, unknown>) : undefined;
  if (envelope) expect({ errcode: envelope.errcode, detail }).toEqual({ errcode: 0, detail });

  const bytesAfter = readFileSync(storeFile, 'utf8');
  const before = JSON.parse(bytesBefore).collections as Collections;
  const after = JSON.parse(bytesAfter).collections as Collections;
  const diff = diffStores(before, after);
  const want = typeof effect.store === 'function' ? effect.store(c.input, via.kind === 'rest') : effect.store;
  if (want === 'unchanged') {
    expect({ title: c.title, diff }).toEqual({
      title: c.title,
      diff: { added: {}, changed: {}, removed: {} },
    });
    expect({ title: c.title, sameBytes: bytesAfter === bytesBefore }).toEqual({
      title: c.title,
      sameBytes: true,
    });
  } else {
    expect({ title: c.title, diff }).toEqual({ title: c.title, diff: expectedDiff(want, before, diff) });
  }
  const files = typeof effect.files === 'function' ? effect.files(c.input) : effect.files;
  const foldersAfter = imageFolders(imageRoot);
  expect({ title: c.title, folders: foldersAfter }).toEqual({
    title: c.title,
    folders: expectedFolders(files, foldersBefore, foldersAfter),
  });

  const outcome: Outcome = {
    input: c.input,
    response: envelope ? envelope.response : answer.body,
    envelope,
    before,
    after,
    added: diff.added,
    overHttp: via.kind === 'rest',
  };
  effect.response(outcome);
  effect.check?.(outcome);
}

const frontEnds: [string, FrontEnd['kind'], (home: string, deps: Deps) => FrontEnd][] = [
  ['-w', 'web', (_home, deps) => ({ kind: 'web', deps })],
  ['REST, invoke in-process', 'rest', (_home, deps) => ({ kind: 'rest', deps, app: testApp(deps) })],
  [
    'REST, invoke spawn',
    'rest',
    (home, deps) => ({
      kind: 'rest',
      deps,
      app: testApp(
        deps,
        spawnInvoke({
          razorBin: join(ROOT, 'bin', 'razor'),
          env: testEnv(home, extraEnv),
          timeoutMs: 30_000,
        }),
      ),
    }),
  ],
];

describe.each(frontEnds)('%s', (_name, kind, make) => {
  let home: ReturnType<typeof tempHome>;
  let via: FrontEnd;
  beforeAll(async () => {
    home = tempHome();
    via = make(home.home, await testDeps(home.home, extraEnv));
  });
  afterAll(() => home.cleanup());
  const served = cases.filter((c) => serves(kind, c));
  test.each(served.map((c) => [c.title, c] as const))('%s', async (_t, c) => checkEffect(via, home.home, c));
});
