/**
 * `razor image add` from a directory the user cannot wholly read: a clear InvalidImageFilePath
 * naming the unreadable path (it was a 500 "internal error: EACCES"), and nothing kept. Runs the
 * CLI as uid 65534, since root reads everything: needs root.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, testEnv } from '../helpers/deps.js';
import { systemAvailable } from '../helpers/system.js';

const run = promisify(execFile);
const NOBODY = 65534;
const asRoot = systemAvailable('image add as another user', () =>
  process.getuid?.() === 0 ? undefined : 'needs root to run the CLI as uid 65534',
);

(asRoot ? describe : describe.skip)('image add from a partly unreadable directory', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'razor-unreadable-'));
    chmodSync(dir, 0o755);
    cpSync(join(ROOT, 'test', 'fixtures', 'images', 'debian-netboot'), join(dir, 'src'), { recursive: true });
    mkdirSync(join(dir, 'src', 'secret'));
    mkdirSync(join(dir, 'home'));
    for (const p of ['src', 'src/secret', 'home']) chownSync(join(dir, p), NOBODY, NOBODY);
    chmodSync(join(dir, 'src', 'secret'), 0o000);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('InvalidImageFilePath naming the path; no image, no staging folder', async () => {
    const input = JSON.stringify({ type: 'os', path: join(dir, 'src'), name: 'd', version: '1' });
    const failed = await run(join(ROOT, 'bin', 'razor'), ['-w', 'image', 'add', input], {
      env: testEnv(join(dir, 'home')),
      uid: NOBODY,
      gid: NOBODY,
      cwd: '/',
    }).catch((e: { stdout: string }) => e);
    const envelope = JSON.parse((failed as { stdout: string }).stdout);
    expect(envelope).toMatchObject({ std_err_code: 119, http_err_code: 400 });
    expect(envelope.result).toBe(
      `cannot read ${join(dir, 'src', 'secret')}: permission denied; nothing was kept`,
    );
    // Refused while listing the source: the image folder may not even exist yet.
    const images = join(dir, 'home', 'image');
    expect(existsSync(images) ? readdirSync(images).filter((n) => n !== 'os') : []).toEqual([]);
  });
});
