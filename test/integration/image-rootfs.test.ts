/**
 * `razor image add -t rootfs` (ADR 0029): a root filesystem archive is kept as one file with its
 * SHA-256 beside it, its checksum, size and kernel version are recorded, progress covers every
 * byte, and the image service serves the archive and its checksum. An archive razor cannot use
 * (not a tar, no kernel inside, a directory, --kernel, a URL) is refused with a clear error and
 * nothing is kept. The archives are small synthetic ones (a fake boot/vmlinuz-6.1.0-x).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { testDeps } from '../helpers/deps.js';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { commandProbe, systemAvailable } from '../helpers/system.js';
import { importImage, type ImportRequest } from '../../lib/images/import.js';
import { silentProgress, type ProgressFactory } from '../../lib/images/progress.js';
import { createImageApp } from '../../daemon/images/image-service.js';
import { RazorError } from '../../lib/errors.js';
import type { Deps } from '../../lib/verbs/context.js';

const zstd = systemAvailable('rootfs archive import: zstd', commandProbe('zstd', ['--version']));

let home: ReturnType<typeof tempHome>;
let deps: Deps;
let storeBefore: Buffer;
let filesBefore: string[];
const work = () => join(home.home, 'work');
const imageRoot = () => join(home.home, 'image');
const storeFile = () => join(home.home, 'razor.json');
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A tar of a small tree (`files`: path → content; a path ending in / is a folder), compressed by `flag`. */
function archive(name: string, files: Record<string, string>, flag?: string): string {
  const tree = join(work(), `${name}.tree`);
  for (const [path, content] of Object.entries(files)) {
    if (path.endsWith('/')) mkdirSync(join(tree, path), { recursive: true });
    else {
      mkdirSync(join(tree, path, '..'), { recursive: true });
      writeFileSync(join(tree, path), content);
    }
  }
  const file = join(work(), name);
  execFileSync('tar', ['-c', '-f', file, ...(flag ? [flag] : []), '-C', tree, '.']);
  return file;
}

/** GET `path` from `app`, the body as bytes whatever its type. */
async function bytes(app: Parameters<typeof request>[0], path: string) {
  const res = await request(app)
    .get(path)
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
  return { status: res.status, body: res.body as Buffer };
}

const ROOTFS = {
  'boot/vmlinuz-6.1.0-x': 'not really a kernel\n',
  'lib/modules/6.1.0-x/': '',
  'etc/hostname': 'localhost\n',
};

async function failure(req: ImportRequest): Promise<RazorError> {
  const err = await importImage(deps, req, silentProgress).then(
    () => new Error('the import succeeded'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RazorError);
  return err as RazorError;
}

/** The files below the image root. */
const imageFiles = () =>
  existsSync(imageRoot())
    ? readdirSync(imageRoot(), { recursive: true, withFileTypes: true })
        .filter((e) => !e.isDirectory())
        .map((e) => join(e.parentPath, e.name))
    : [];

/** Nothing was kept: no new file under the image root, and the store as it was. */
function expectNothingKept() {
  expect(imageFiles().filter((f) => !filesBefore.includes(f))).toEqual([]);
  expect(readFileSync(storeFile()).equals(storeBefore)).toBe(true);
}

beforeAll(async () => {
  home = tempHome();
  await writeSeed(home.home);
  deps = await testDeps(home.home);
  mkdirSync(work(), { recursive: true });
});
afterAll(() => home.cleanup());
beforeEach(() => {
  storeBefore = readFileSync(storeFile());
  filesBefore = imageFiles();
});

(zstd ? describe : describe.skip)('a root filesystem archive', () => {
  test('is kept whole with its checksum, recorded, and served by the image service', async () => {
    const file = archive('bookworm.tar.zst', ROOTFS, '--zstd');
    const seen: { total: number; done: number; finished: boolean } = { total: 0, done: 0, finished: false };
    const progress: ProgressFactory = (_label, total) => {
      seen.total = total;
      return { advance: (n) => void (seen.done += n), finish: () => void (seen.finished = true) };
    };
    const doc = await importImage(deps, { type: 'rootfs', path: file }, progress);
    const size = readFileSync(file).length;
    expect(doc).toMatchObject({
      type: 'rootfs',
      name: 'bookworm',
      version: '6.1.0-x',
      status: 'valid',
      file: 'rootfs.tar.zst',
      sha256: sha256(file),
      size,
      // The uncompressed tar stream: what unpacking needs (the Microkernel checks the disk by it).
      unpacked_size: execFileSync('zstd', ['-d', '-c', file]).length,
      kernel_version: '6.1.0-x',
    });
    expect(seen).toEqual({ total: size, done: size, finished: true });
    const dir = join(imageRoot(), 'rootfs', doc.uuid);
    expect(readdirSync(dir).sort()).toEqual(['rootfs.tar.zst', 'rootfs.tar.zst.sha256']);
    expect(readFileSync(join(dir, 'rootfs.tar.zst')).equals(readFileSync(file))).toBe(true);
    expect(readFileSync(join(dir, 'rootfs.tar.zst.sha256'), 'utf8')).toBe(
      `${sha256(file)}  rootfs.tar.zst\n`,
    );
    expect(await deps.store.read((r) => r.get('image', doc.uuid))).toMatchObject({ sha256: doc.sha256 });

    const app = createImageApp({ root: imageRoot(), types: new Set(deps.catalog.imageTypes.keys()) });
    const served = await bytes(app, `/razor/image/rootfs/${doc.uuid}/rootfs.tar.zst`);
    expect(served.status).toBe(200);
    expect(createHash('sha256').update(served.body).digest('hex')).toBe(doc.sha256);
    const sum = await bytes(app, `/razor/image/rootfs/${doc.uuid}/rootfs.tar.zst.sha256`);
    expect([sum.status, sum.body.toString()]).toEqual([200, `${doc.sha256}  rootfs.tar.zst\n`]);
  });

  test('a gzip archive with only lib/modules/<version> gives that version', async () => {
    const file = archive('mods.tgz', { 'usr/lib/modules/6.1.0-y-amd64/kernel/': '', 'etc/x': 'x' }, '--gzip');
    const doc = await importImage(
      deps,
      { type: 'rootfs', path: file, name: 'mods', version: '1' },
      silentProgress,
    );
    expect(doc).toMatchObject({
      name: 'mods',
      version: '1',
      file: 'rootfs.tar.gz',
      kernel_version: '6.1.0-y-amd64',
    });
  });
});

describe('a root filesystem archive razor cannot use', () => {
  test('a file that is not an archive', async () => {
    const path = join(work(), 'notes.txt');
    writeFileSync(path, 'just some text, not a tar archive\n'.repeat(100));
    const err = await failure({ type: 'rootfs', path });
    expect(err.kind).toBe('InvalidImageFilePath');
    expect(err.message).toMatch(
      new RegExp(`^${path} is not a tar archive \\(tar, tar.gz, tar.xz or tar.zst\\): .+; nothing was kept$`),
    );
    expectNothingKept();
  });

  (zstd ? test : test.skip)('an archive without a kernel', async () => {
    const path = archive('empty.tar.zst', { 'etc/hostname': 'x\n', 'boot/': '' }, '--zstd');
    const err = await failure({ type: 'rootfs', path });
    expect([err.kind, err.message]).toEqual([
      'InvalidImageFilePath',
      'the archive has no kernel: neither boot/vmlinuz-<version> nor lib/modules/<version>/; nothing was kept',
    ]);
    expectNothingKept();
  });

  test('a directory', async () => {
    const err = await failure({ type: 'rootfs', path: work() });
    expect([err.kind, err.message]).toEqual([
      'InvalidImageFilePath',
      `${work()} is not a file; this image type is one archive (tar, tar.gz, tar.zst)`,
    ]);
    expectNothingKept();
  });

  test('--kernel, and a URL', async () => {
    const path = archive('k.tar', ROOTFS);
    expect((await failure({ type: 'rootfs', path, kernel: 'boot/vmlinuz-6.1.0-x' })).message).toBe(
      'a rootfs image is one archive: --kernel and --initrd do not apply',
    );
    expect(
      (await failure({ type: 'rootfs', path: 'http://mirror.example.com/rootfs.tar.zst' })).message,
    ).toBe('a rootfs image is a file, not a remote mirror');
    expectNothingKept();
  });
});
