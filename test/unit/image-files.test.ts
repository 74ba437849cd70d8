/**
 * Open image files kept between requests (daemon/images/image-files.ts): a file is opened once for many
 * requests; a deleted or replaced file is noticed on the next request; idle descriptors close;
 * the number held is bounded; a descriptor in use is never closed under a download.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageFileCache, type ImageFileUse } from '../../daemon/images/image-files.js';
import type { ImagePath } from '../../daemon/images/image-path.js';

const UUID = '5kYFJPb5qATl4JxeVQQaMs';
let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'razor-image-files-'));
  dir = join(root, 'os', UUID);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'linux'), 'kernel v1');
  writeFileSync(join(dir, 'initrd.gz'), 'initrd');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const at = (name: string): ImagePath => ({ type: 'os', uuid: UUID, rel: [name] });
const settle = () => new Promise((r) => setImmediate(r));
/** The file's whole content through the descriptor the cache gave. */
async function content(use: ImageFileUse): Promise<string> {
  const buffer = Buffer.alloc(Number(use.stat.size));
  await use.handle.read(buffer, 0, buffer.length, 0);
  return buffer.toString();
}

test('a file is opened once for many requests, and closed once idle long enough', async () => {
  let now = 1_000;
  const cache = new ImageFileCache(root, { idleMs: 10_000, now: () => now });
  const first = (await cache.open(at('linux')))!;
  const second = (await cache.open(at('linux')))!;
  expect(second.handle.fd).toBe(first.handle.fd);
  expect(await content(second)).toBe('kernel v1');
  expect(cache.size).toBe(1);
  first.release();
  second.release();
  second.release(); // a second release of one use changes nothing
  now += 5_000;
  cache.sweep();
  expect(cache.size).toBe(1);
  now += 5_001;
  cache.sweep();
  await settle();
  expect(cache.size).toBe(0);
  expect(first.handle.fd).toBe(-1);
});

test('a file deleted since is gone at once; the descriptor in use stays readable until released', async () => {
  const cache = new ImageFileCache(root);
  const downloading = (await cache.open(at('linux')))!;
  unlinkSync(join(dir, 'linux'));
  expect(await cache.open(at('linux'))).toBeUndefined();
  expect(cache.size).toBe(0);
  await settle();
  expect(await content(downloading)).toBe('kernel v1');
  downloading.release();
  await settle();
  expect(downloading.handle.fd).toBe(-1);
});

test('a file replaced since (renamed over) is opened afresh', async () => {
  const cache = new ImageFileCache(root);
  const old = (await cache.open(at('linux')))!;
  old.release();
  writeFileSync(join(dir, 'linux.new'), 'kernel v2, longer');
  renameSync(join(dir, 'linux.new'), join(dir, 'linux'));
  const fresh = (await cache.open(at('linux')))!;
  expect(await content(fresh)).toBe('kernel v2, longer');
  expect(fresh.stat.size).toBe(BigInt('kernel v2, longer'.length));
  fresh.release();
  cache.closeAll();
});

test('at most maxOpen descriptors are held: the idle one makes room, busy ones are not taken', async () => {
  const cache = new ImageFileCache(root, { maxOpen: 1 });
  const kernel = (await cache.open(at('linux')))!;
  // The only slot is busy: initrd is opened for this request alone and closed after it.
  const initrd = (await cache.open(at('initrd.gz')))!;
  expect(cache.size).toBe(1);
  initrd.release();
  await settle();
  expect(initrd.handle.fd).toBe(-1);
  kernel.release();
  // Now the slot is idle: initrd takes it and kernel's descriptor is closed.
  const again = (await cache.open(at('initrd.gz')))!;
  await settle();
  expect(kernel.handle.fd).toBe(-1);
  expect(cache.size).toBe(1);
  again.release();
  cache.closeAll();
  await settle();
  expect(again.handle.fd).toBe(-1);
  expect(cache.size).toBe(0);
});

test('nothing outside an image is ever cached: a missing file is not remembered', async () => {
  const cache = new ImageFileCache(root);
  expect(await cache.open(at('missing'))).toBeUndefined();
  writeFileSync(join(dir, 'missing'), 'now here');
  const found = (await cache.open(at('missing')))!;
  expect(await content(found)).toBe('now here');
  found.release();
  cache.closeAll();
});
