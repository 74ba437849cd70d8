/**
 * `razor image add` as the operator typed it (issue 15, item 6): a tree no rule recognises is taken
 * with `-k`, `-i`, `-n` and `-v` (every flag is read before anything is checked), and a wrong `-t`
 * is refused before anything is copied — an ISO padded to 8 GB (sparse) given as `-t mk` fails at
 * once: the copy's progress line never appears, nothing is kept.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, testEnv } from '../helpers/deps.js';
import { runRazor } from '../helpers/daemon.js';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { commandProbe, systemAvailable } from '../helpers/system.js';

const NETBOOT = join(ROOT, 'test', 'fixtures', 'images', 'debian-netboot');
const isoTools =
  systemAvailable('wrong-type ISO case: xorriso', commandProbe('xorriso', ['-version'])) &&
  systemAvailable('wrong-type ISO case: bsdtar', commandProbe('bsdtar', ['--version']));

let home: ReturnType<typeof tempHome>;
const razor = (...args: string[]) => runRazor(args, testEnv(home.home));
const storeText = () => readFileSync(join(home.home, 'razor.json'), 'utf8');
/** Image folders and staging folders below the image root. */
const imageEntries = () => {
  const root = join(home.home, 'image');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((t) =>
    t.startsWith('.') ? [t] : readdirSync(join(root, t)).map((u) => `${t}/${u}`),
  );
};

beforeAll(async () => {
  home = tempHome();
  await writeSeed(home.home);
});
afterAll(() => home.cleanup());

test('image add -t os -p DIR -k boot/vmlinuz -i boot/initrd.img -n custom -v 1 takes an unrecognised tree', async () => {
  const dir = join(home.home, 'custom-tree');
  mkdirSync(join(dir, 'boot'), { recursive: true });
  writeFileSync(join(dir, 'boot', 'vmlinuz'), 'kernel');
  writeFileSync(join(dir, 'boot', 'initrd.img'), 'initrd');
  const args = ['-t', 'os', '-p', dir, '-k', 'boot/vmlinuz', '-i', 'boot/initrd.img', '-n', 'custom'];
  const r = await razor('image', 'add', ...args, '-v', '1');
  expect(r.stderr).not.toContain('give --kernel and --initrd');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/Name\s+=>\s+custom/);
  expect(r.stdout).toMatch(/Version\s+=>\s+1\n/);
  expect(r.stdout).toMatch(/Kernel\s+=>\s+boot\/vmlinuz/);
  expect(r.stdout).toMatch(/Initrd\s+=>\s+boot\/initrd.img/);
  // Without the boot files named, the same tree is refused before copying, saying what to give.
  const bare = await razor('image', 'add', '-t', 'os', '-p', dir);
  expect(bare.code).toBe(2);
  expect(bare.stderr).toContain('give --kernel and --initrd with -n and -v; nothing was copied');
});

test('a directory given the wrong -t is refused before copying, naming the type it looks like', async () => {
  const before = storeText();
  const entries = imageEntries();
  const r = await razor('image', 'add', '-t', 'mk', '-p', NETBOOT);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`${NETBOOT} is not a mk image: a Microkernel image needs iso-metadata.yaml`);
  expect(r.stderr).toContain('it looks like a os image (-t os); nothing was copied');
  expect(r.stderr).not.toContain(`mk image ${NETBOOT}:`); // the copy's progress line
  expect(storeText()).toBe(before);
  expect(imageEntries()).toEqual(entries);
});

(isoTools ? test : test.skip)(
  'an 8 GB (sparse) OS ISO given as -t mk fails before copying: no progress line, nothing kept',
  async () => {
    const iso = join(home.home, 'debian.iso');
    execFileSync('xorriso', ['-as', 'mkisofs', '-R', '-J', '-o', iso, NETBOOT], { stdio: 'ignore' });
    truncateSync(iso, 8 * 1024 ** 3);
    const before = storeText();
    const entries = imageEntries();
    const r = await razor('-w', 'image', 'add', JSON.stringify({ type: 'mk', path: iso }));
    expect(JSON.parse(r.stdout)).toMatchObject({
      std_err_code: 121,
      err_class: 'ProjectRazor::Error::Slice::InvalidImageType',
      http_err_code: 400,
    });
    const human = await razor('image', 'add', '-t', 'mk', '-p', iso);
    expect(human.code).toBe(2);
    expect(human.stderr).toContain('it looks like a os image (-t os); nothing was copied');
    expect(human.stderr).not.toContain(`mk image ${iso}:`);
    expect(storeText()).toBe(before);
    expect(imageEntries()).toEqual(entries);
    // An ISO of the same tree, unpadded, with the right type: the progress line, then the image.
    const small = join(home.home, 'debian-small.iso');
    execFileSync('xorriso', ['-as', 'mkisofs', '-R', '-J', '-o', small, NETBOOT], { stdio: 'ignore' });
    const ok = await razor('image', 'add', '-t', 'os', '-p', small);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain(`os image ${small}:`);
  },
  60_000,
);
