/**
 * Removing images deletes their files: `razor image remove <uuid>` and `razor image remove all`
 * take the folder under `image/<type>/<uuid>/` away once the store entry is gone; a removal that
 * is refused (a model uses the image) leaves both the store and the files as they were.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, testEnv } from '../helpers/deps.js';
import { tempHome } from '../helpers/fixture.js';

const run = promisify(execFile);
const BIN = join(ROOT, 'bin', 'razor');
const NETBOOT = join(ROOT, 'test', 'fixtures', 'images', 'debian-netboot');

let home: ReturnType<typeof tempHome>;
const env = () => testEnv(home.home);
const razorJson = async (args: string[]) =>
  JSON.parse((await run(BIN, ['-w', ...args], { env: env() })).stdout) as {
    errcode: number;
    response: unknown;
  };
const imageDir = (uuid: string) => join(home.home, 'image', 'os', uuid);
const store = () => readFileSync(join(home.home, 'razor.json'));

async function addImage(version: string): Promise<string> {
  const added = await razorJson([
    'image',
    'add',
    JSON.stringify({ type: 'os', path: NETBOOT, name: 'debian', version }),
  ]);
  const uuid = (added.response as { uuid: string }[])[0]!.uuid;
  expect(existsSync(join(imageDir(uuid), 'debian-installer', 'amd64', 'linux'))).toBe(true);
  return uuid;
}

describe('image removal deletes files', () => {
  beforeEach(() => {
    home = tempHome();
  });
  afterEach(() => home.cleanup());

  test('remove <uuid> deletes that image folder only', async () => {
    const [a, b] = [await addImage('12.1'), await addImage('12.2')];
    await run(BIN, ['image', 'remove', a], { env: env() });
    expect(existsSync(imageDir(a))).toBe(false);
    expect(existsSync(imageDir(b))).toBe(true);
  });

  test('remove all deletes every image folder; refused while a model uses one, nothing removed', async () => {
    const [a, b] = [await addImage('12.1'), await addImage('12.2')];
    const model = await razorJson([
      'model',
      'add',
      JSON.stringify({
        template: 'debian_bookworm',
        label: 'uses-b',
        image_uuid: b,
        req_metadata_hash: {
          hostname_prefix: 'web',
          domainname: 'example.com',
          root_password: 'correct-horse',
        },
      }),
    ]);
    const before = store();
    const refused = await run(BIN, ['image', 'remove', 'all', '--yes'], { env: env() }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((refused as { code: number }).code).toBe(4);
    expect((refused as { stderr: string }).stderr).toContain('is used by model');
    expect(store().equals(before)).toBe(true);
    expect([existsSync(imageDir(a)), existsSync(imageDir(b))]).toEqual([true, true]);

    const modelUuid = (model.response as { uuid: string }[])[0]!.uuid;
    await run(BIN, ['model', 'remove', modelUuid], { env: env() });
    const { stdout } = await run(BIN, ['image', 'remove', 'all', '-y'], { env: env() });
    expect(stdout).toContain('2 image objects removed');
    expect([existsSync(imageDir(a)), existsSync(imageDir(b))]).toEqual([false, false]);
    expect((await razorJson(['image'])).response).toEqual([]);
  });
});
