/**
 * `image add` failures, each with a clear error and nothing kept — no staging folder, no image
 * folder, no store entry: a path that does not exist, `--kernel`/`--initrd` naming files the
 * image lacks, an ISO whose directory points past its end, remote URLs that are not usable, and a
 * store write that fails after the unpacked tree was moved into place.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, testDeps } from '../helpers/deps.js';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { commandProbe, systemAvailable } from '../helpers/system.js';
import { importImage, type ImportRequest } from '../../lib/images/import.js';
import { silentProgress } from '../../lib/images/progress.js';
import { failingStore } from '../../lib/store/failing.js';
import { RazorError } from '../../lib/errors.js';
import type { Deps } from '../../lib/verbs/context.js';

const NETBOOT = join(ROOT, 'test', 'fixtures', 'images', 'debian-netboot');
const isoTools =
  systemAvailable('corrupt-ISO import case: xorriso', commandProbe('xorriso', ['-version'])) &&
  systemAvailable('corrupt-ISO import case: bsdtar', commandProbe('bsdtar', ['--version']));

let home: ReturnType<typeof tempHome>;
let deps: Deps;
let storeBefore: Buffer;
let treeBefore: string[];
const imageRoot = () => join(home.home, 'image');
const storeFile = () => join(home.home, 'razor.json');

/** Everything below the image root: a failed import must add nothing but empty type folders. */
function imageTree(dir = imageRoot(), prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? [`${prefix}${e.name}/`, ...imageTree(join(dir, e.name), `${prefix}${e.name}/`)]
      : [`${prefix}${e.name}`],
  );
}

/** The import's error, which must be a RazorError. */
async function failure(req: ImportRequest, with_: Deps = deps): Promise<RazorError> {
  const err = await importImage(with_, req, silentProgress).then(
    () => new Error('the import succeeded'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RazorError);
  return err as RazorError;
}

/** Nothing was kept: at most a new empty type folder under the image root; the store's bytes as they were. */
function expectNothingKept() {
  expect(imageTree().filter((p) => !treeBefore.includes(p) && !/^\w+\/$/.test(p))).toEqual([]);
  expect(readFileSync(storeFile()).equals(storeBefore)).toBe(true);
}

beforeAll(async () => {
  home = tempHome();
  await writeSeed(home.home);
  deps = await testDeps(home.home);
});
afterAll(() => home.cleanup());
beforeEach(() => {
  storeBefore = readFileSync(storeFile());
  treeBefore = imageTree();
});

describe('a local image that cannot be imported', () => {
  test('a path that does not exist', async () => {
    const path = join(home.home, 'no-such-image');
    const err = await failure({ type: 'os', path });
    expect([err.kind, err.message]).toEqual(['InvalidImageFilePath', `${path} does not exist`]);
    expectNothingKept();
  });

  test.each([
    ['kernel', { kernel: 'boot/vmlinuz-missing' }],
    ['initrd', { initrd: 'debian-installer/amd64/initrd.xz' }],
  ])('--%s naming a file the image lacks', async (part, given) => {
    const err = await failure({ type: 'os', path: NETBOOT, ...given });
    const named = Object.values(given)[0];
    expect([err.kind, err.message]).toEqual([
      'InvalidImageFilePath',
      `--${part} ${named} is not in the image`,
    ]);
    expectNothingKept();
  });

  (isoTools ? test : test.skip)('an ISO whose directory points past its end', async () => {
    const iso = join(home.home, 'corrupt.iso');
    execFileSync('xorriso', ['-as', 'mkisofs', '-R', '-J', '-o', iso, NETBOOT], { stdio: 'ignore' });
    // Every volume descriptor's root directory extent moved far beyond the end of the file.
    const bytes = readFileSync(iso);
    for (let vd = 0x8000; bytes.toString('latin1', vd + 1, vd + 6) === 'CD001'; vd += 2048) {
      if (bytes[vd] !== 1 && bytes[vd] !== 2) continue;
      bytes.writeUInt32LE(0x7fffff, vd + 158);
      bytes.writeUInt32BE(0x7fffff, vd + 162);
    }
    writeFileSync(iso, bytes);
    const err = await failure({ type: 'os', path: iso });
    expect(err.kind).toBe('InvalidImageFilePath');
    expect(err.message).toMatch(new RegExp(`^cannot read ${iso} as an ISO image: .*Truncated input file`));
    expectNothingKept();
  });

  test('the store write failing after the tree was moved into place removes the tree', async () => {
    const broken = { ...deps, store: failingStore(deps.store, 'writes', 'the disk went away') };
    const err = await failure({ type: 'os', path: NETBOOT }, broken);
    expect([err.kind, err.message]).toEqual(['StoreUnavailable', 'the disk went away']);
    expectNothingKept();
    // The same import into the working store succeeds: the failure was the store's alone.
    const doc = await importImage(deps, { type: 'os', path: NETBOOT }, silentProgress);
    expect(imageTree()).toContain(`os/${doc.uuid}/debian-installer/amd64/linux`);
  });
});

describe('a remote image that cannot be registered', () => {
  const remote = { type: 'os' as const, name: 'debian', version: '12', kernel: 'linux', initrd: 'initrd.gz' };
  test.each([
    [
      'http://mirror example.com/debian',
      'InputError',
      "'http://mirror example.com/debian' is not a usable http(s) URL",
    ],
    ['http:///debian', 'InputError', "'http:///debian' is not a usable http(s) URL"],
    ['https://', 'InputError', "'https://' is not a usable http(s) URL"],
  ])('%s', async (url, kind, message) => {
    const err = await failure({ ...remote, path: url });
    expect([err.kind, err.message]).toEqual([kind, message]);
    expectNothingKept();
  });

  test('without --name/--version, or --kernel/--initrd for an os image', async () => {
    const url = 'http://mirror.example.com/debian';
    const noName = await failure({ ...remote, path: url, name: undefined });
    expect([noName.kind, noName.message]).toEqual([
      'MissingArgument',
      'a remote image (a URL) needs --name and --version',
    ]);
    const noKernel = await failure({ ...remote, path: url, kernel: undefined });
    expect([noKernel.kind, noKernel.message]).toEqual([
      'MissingArgument',
      'a remote image (a URL) needs --kernel and --initrd (paths below the URL)',
    ]);
    expectNothingKept();
  });

  test('a URL of another scheme is taken as a path, and does not exist', async () => {
    const err = await failure({ ...remote, path: 'ftp://mirror.example.com/debian' });
    expect(err.kind).toBe('InvalidImageFilePath');
    expect(err.message).toMatch(/ftp:\/mirror\.example\.com\/debian does not exist$/);
    expectNothingKept();
  });
});
