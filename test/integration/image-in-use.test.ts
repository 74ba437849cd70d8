/**
 * An image a model uses is not removed without force: `DELETE /image/<uuid>` and `razor -w image
 * remove all '{"yes":true}'` (CLI only: no REST route) answer CouldNotRemove (403) naming the models
 * (test/integration/confirm-remove.test.ts: what --force and the terminal do), and neither the store
 * nor any image folder changes. An unused image beside it is removed (store entry and folder).
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { SEED, seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { testDeps, testEnv } from '../helpers/deps.js';
import { RAZOR } from '../helpers/daemon.js';
import { testApp } from '../helpers/app.js';

const run = promisify(execFile);
let home: ReturnType<typeof tempHome>;
let app: ReturnType<typeof testApp>;
const storeText = () => readFileSync(join(home.home, 'razor.json'), 'utf8');
const folder = (type: string, uuid: string) => join(home.home, 'image', type, uuid);
const folders = () => [
  existsSync(folder('os', SEED.image)),
  existsSync(folder('os', SEED.image_in_use)),
  existsSync(folder('mk', SEED.mk_image)),
];
const USED = `image ${SEED.image_in_use} is used by model ${SEED.model}, ${SEED.model_in_use}; remove or change those first, or pass --force to remove it anyway`;

beforeEach(async () => {
  home = tempHome();
  await writeSeed(home.home, seedData());
  for (const [type, uuid] of [
    ['os', SEED.image],
    ['os', SEED.image_in_use],
    ['mk', SEED.mk_image],
  ] as const) {
    mkdirSync(folder(type, uuid), { recursive: true });
    writeFileSync(join(folder(type, uuid), 'linux'), 'kernel');
  }
  app = testApp(await testDeps(home.home));
});
afterEach(() => home.cleanup());

test('removing one image a model uses: 403 CouldNotRemove, store and folders unchanged', async () => {
  const before = storeText();
  const r = await request(app).delete(`/razor/api/image/${SEED.image_in_use}`);
  expect(r.status).toBe(403);
  expect(r.body).toEqual({
    std_err_code: 127,
    err_class: 'ProjectRazor::Error::Slice::CouldNotRemove',
    result: USED,
    http_err_code: 403,
    slice: 'ProjectRazor::Slice::Image',
    command: 'remove_image',
  });
  expect(storeText()).toBe(before);
  expect(folders()).toEqual([true, true, true]);
});

test('`razor -w image remove all` (confirmed) while one is used (CLI only): refused, nothing removed, not even unused ones', async () => {
  const before = storeText();
  const r = await run(process.execPath, [RAZOR, '-w', 'image', 'remove', 'all', '{"yes":true}'], {
    env: testEnv(home.home),
  }).catch((e: { code: number; stdout: string; stderr: string }) => e);
  expect((r as { code: number }).code).toBe(4);
  expect(JSON.parse((r as { stdout: string }).stdout)).toEqual({
    std_err_code: 127,
    err_class: 'ProjectRazor::Error::Slice::CouldNotRemove',
    result: USED,
    http_err_code: 403,
    slice: 'ProjectRazor::Slice::Image',
    command: 'remove_all_images',
  });
  expect(storeText()).toBe(before);
  expect(folders()).toEqual([true, true, true]);
});

test('an unused image beside it is removed: its store entry and folder go, the used one stays', async () => {
  const r = await request(app).delete(`/razor/api/image/${SEED.image}`);
  expect(r.status).toBe(202);
  const images = JSON.parse(storeText()).collections.image as Record<string, unknown>;
  expect(Object.keys(images).sort()).toEqual([SEED.image_in_use, SEED.mk_image].sort());
  expect(folders()).toEqual([false, true, true]);
});
