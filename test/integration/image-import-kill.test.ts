/**
 * SIGKILL between the move into place and the store write leaves no orphaned tree: a real
 * `razor image add` child is held at its store write by the test holding the store's lock, killed
 * once its unpacked tree sits at `image/<type>/<uuid>/`, and its janitor then removes that folder;
 * the store never names the image. A finished import keeps its folder and no marker.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, testEnv } from '../helpers/deps.js';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { until } from '../helpers/poll.js';
import { acquireLock } from '../../lib/store/lock.js';
import { PENDING_MARKER } from '../../lib/images/janitor.js';

const BIN = join(ROOT, 'bin', 'razor');
const NETBOOT = join(ROOT, 'test', 'fixtures', 'images', 'debian-netboot');

let home: ReturnType<typeof tempHome>;
const storeFile = () => join(home.home, 'razor.json');
const osRoot = () => join(home.home, 'image', 'os');
const imageFolders = () => (existsSync(osRoot()) ? readdirSync(osRoot()) : []);
const everything = () => readdirSync(join(home.home, 'image'));
/** Whether a janitor process guarding the image `uuid` is still running (Linux /proc). */
const janitorRunning = (uuid: string) =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .some((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(uuid);
      } catch {
        return false;
      }
    });

/** Runs `razor image add` for the netboot fixture; resolves with its exit code and signal. */
function addImage() {
  const child = spawn(BIN, ['image', 'add', '-t', 'os', '-p', NETBOOT], {
    env: testEnv(home.home),
    stdio: 'ignore',
  });
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) =>
    child.on('exit', (code, signal) => r([code, signal])),
  );
  return { child, exited };
}

beforeEach(async () => {
  home = tempHome();
  await writeSeed(home.home);
});
afterEach(() => home.cleanup());

test('SIGKILL after the rename, before the store write: the folder is removed, the store has no image', async () => {
  const before = readFileSync(storeFile());
  const lock = await acquireLock(storeFile());
  let released = false;
  try {
    const { child, exited } = addImage();
    // The tree moved into place; the child now waits for the lock this test holds.
    const uuid = await until('the renamed image folder', () => imageFolders()[0]);
    expect(existsSync(join(osRoot(), uuid, 'debian-installer', 'amd64', 'linux'))).toBe(true);
    child.kill('SIGKILL');
    expect(await exited).toEqual([null, 'SIGKILL']);
    await lock.release();
    released = true;
    await until('the orphaned folder to be removed', () =>
      existsSync(join(osRoot(), uuid)) ? undefined : true,
    );
    expect(readFileSync(storeFile()).equals(before)).toBe(true);
    expect(readFileSync(storeFile(), 'utf8')).not.toContain(uuid);
    // No staging folder either: only the (now empty) type folder is left.
    expect(everything()).toEqual(['os']);
    expect(imageFolders()).toEqual([]);
  } finally {
    if (!released) await lock.release();
  }
});

test('a finished import keeps its folder, without the marker, and the store names it', async () => {
  const { exited } = addImage();
  expect(await exited).toEqual([0, null]);
  const [uuid] = imageFolders();
  expect(uuid).toBeDefined();
  expect(readFileSync(storeFile(), 'utf8')).toContain(uuid);
  // The janitor ran when the import ended; once it is done, the folder stays and holds no marker.
  await until('the janitor to finish', () => (janitorRunning(uuid!) ? undefined : true));
  expect(existsSync(join(osRoot(), uuid!, PENDING_MARKER))).toBe(false);
  expect(existsSync(join(osRoot(), uuid!, 'debian-installer', 'amd64', 'linux'))).toBe(true);
});
