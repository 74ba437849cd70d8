/**
 * `razor image add` on real ISOs built with xorriso from real file trees (the Debian netboot
 * installer's kernel and initrd, syslinux's pxelinux.0 and mboot.c32), laid out as each
 * distribution's media are; verification failures, Ctrl-C and SIGKILL leave nothing behind; a
 * pseudo-terminal shows the progress bar while a ≥ 500 MB ISO imports. A system suite: needs
 * xorriso, bsdtar (libarchive-tools), debian-installer-12-netboot-amd64, pxelinux, syslinux-common.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { openTerminal } from '../helpers/terminal.js';
import { ROOT, testEnv } from '../helpers/deps.js';
import { tempHome } from '../helpers/fixture.js';
import { commandProbe, systemAvailable } from '../helpers/system.js';
import { until } from '../helpers/poll.js';

const run = promisify(execFile);
const BIN = join(ROOT, 'bin', 'razor');
const NETBOOT = '/usr/lib/debian-installer/images/12/amd64/text';
const KERNEL = `${NETBOOT}/debian-installer/amd64/linux`;
const INITRD = `${NETBOOT}/debian-installer/amd64/initrd.gz`;
const PXELINUX = '/usr/lib/PXELINUX/pxelinux.0';
const MBOOT = '/usr/lib/syslinux/modules/bios/mboot.c32';

const ready =
  systemAvailable('image import tests: xorriso', commandProbe('xorriso', ['-version'])) &&
  systemAvailable('image import tests: bsdtar', commandProbe('bsdtar', ['--version'])) &&
  systemAvailable('image import tests: debian-installer-12-netboot-amd64, pxelinux, syslinux-common', () =>
    [KERNEL, INITRD, PXELINUX, MBOOT].every((f) => existsSync(f))
      ? undefined
      : 'installer/syslinux files missing',
  );
const suite = ready ? describe : describe.skip;

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
let work: ReturnType<typeof tempHome>;
let home: ReturnType<typeof tempHome>;
const env = () => testEnv(home.home);
const iso = (name: string) => join(work.home, `${name}.iso`);

/** Builds `<name>.iso` from files: path in the ISO → source file or text. */
function buildIso(name: string, files: Record<string, { from: string } | { text: string }>): void {
  const tree = join(work.home, name);
  for (const [rel, src] of Object.entries(files)) {
    const dest = join(tree, rel);
    mkdirSync(dirname(dest), { recursive: true });
    if ('from' in src) copyFileSync(src.from, dest);
    else writeFileSync(dest, src.text);
  }
  execFileSync(
    'xorriso',
    ['-as', 'mkisofs', '-R', '-J', '-V', name.slice(0, 30).toUpperCase(), '-o', iso(name), tree],
    { stdio: 'ignore' },
  );
}

const razorJson = async (args: string[]) =>
  JSON.parse((await run(BIN, ['-w', ...args], { env: env() })).stdout);
const leftovers = () => {
  const root = join(home.home, 'image');
  return existsSync(root) ? readdirSync(root).filter((n) => n.startsWith('.staging-')) : [];
};

suite('image add', () => {
  beforeAll(() => {
    work = tempHome('razor-iso-');
    home = tempHome();
    buildIso('debian-netboot', {
      'version.info': { text: 'Debian version:  12 (bookworm)\nInstaller build: 20230607+deb12u15\n' },
      'debian-installer/amd64/linux': { from: KERNEL },
      'debian-installer/amd64/initrd.gz': { from: INITRD },
      'pxelinux.0': { from: PXELINUX },
    });
    buildIso('debian-cd', {
      '.disk/info': {
        text: 'Debian GNU/Linux 12.8.0 "Bookworm" - Official amd64 NETINST with firmware 20241109-11:04',
      },
      'install.amd/vmlinuz': { from: KERNEL },
      'install.amd/initrd.gz': { from: INITRD },
    });
    buildIso('ubuntu', {
      '.disk/info': { text: 'Ubuntu-Server 24.04.1 LTS "Noble Numbat" - Release amd64 (20240827)' },
      'casper/vmlinuz': { from: KERNEL },
      'casper/initrd': { from: INITRD },
    });
    buildIso('rocky', {
      '.treeinfo': {
        text: '[general]\nfamily = Rocky Linux\nversion = 9.4\narch = x86_64\n\n[images-x86_64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n',
      },
      'images/pxeboot/vmlinuz': { from: KERNEL },
      'images/pxeboot/initrd.img': { from: INITRD },
    });
    buildIso('opensuse', {
      'media.1/products': { text: '/ openSUSE-Leap 15.5-1\n' },
      'boot/x86_64/loader/linux': { from: KERNEL },
      'boot/x86_64/loader/initrd': { from: INITRD },
    });
    const mkMeta = (kernelHash: string) => ({
      text: `iso_version: 1.2.0\nkernel: boot/vmlinuz\ninitrd: boot/initrd.gz\nkernel_hash: ${kernelHash}\ninitrd_hash: ${sha(INITRD)}\nhash_description: {type: Digest::SHA2, bitlen: 256}\n`,
    });
    buildIso('mk', {
      'iso-metadata.yaml': mkMeta(sha(KERNEL)),
      'boot/vmlinuz': { from: KERNEL },
      'boot/initrd.gz': { from: INITRD },
    });
    buildIso('mk-bad', {
      'iso-metadata.yaml': mkMeta('0'.repeat(64)),
      'boot/vmlinuz': { from: KERNEL },
      'boot/initrd.gz': { from: INITRD },
    });
    buildIso('esxi', {
      'BOOT.CFG': {
        text: 'bootstate=0\ntitle=Loading ESXi installer\nkernel=/b.b00\nkernelopt=runweasel\nmodules=/jumpstrt.gz --- /useropts.gz\n',
      },
      'VMWARE-ESX-BASE-OSL.TXT': { text: 'VMware ESXi\n\n8.0.2\n' },
      'MBOOT.C32': { from: MBOOT },
    });
    buildIso('xenserver', {
      'packages.xenserver/XS-REPOSITORY': {
        text: '<repository originator="xs" name="XenServer" product="XenServer" version="7.1.0" build="137272c" />\n',
      },
      'boot/pxelinux/mboot.c32': { from: MBOOT },
      'boot/pxelinux/pxelinux.0': { from: PXELINUX },
    });
  });
  afterAll(() => {
    work?.cleanup();
    home?.cleanup();
  });

  test.each([
    [
      'os',
      'debian-netboot',
      'debian',
      '12',
      'debian-installer/amd64/linux',
      'debian-installer/amd64/initrd.gz',
    ],
    ['os', 'debian-cd', 'debian', '12.8.0', 'install.amd/vmlinuz', 'install.amd/initrd.gz'],
    ['os', 'ubuntu', 'ubuntu', '24.04.1', 'casper/vmlinuz', 'casper/initrd'],
    ['os', 'rocky', 'Rocky Linux', '9.4', 'images/pxeboot/vmlinuz', 'images/pxeboot/initrd.img'],
    ['os', 'opensuse', 'openSUSE-Leap', '15.5', 'boot/x86_64/loader/linux', 'boot/x86_64/loader/initrd'],
    ['mk', 'mk', 'razor-microkernel', '1.2.0', 'boot/vmlinuz', 'boot/initrd.gz'],
  ])(
    '%s image from the %s layout: detected, copied byte-exact',
    async (type, name, os, version, kernel, initrd) => {
      const r = await run(BIN, ['image', 'add', '-t', type, '-p', iso(name)], { env: env() });
      expect(r.stderr).toMatch(/100% /); // progress lines when not on a terminal
      const image = (await razorJson(['image'])).response.find(
        (i: { source: string }) => i.source === iso(name),
      );
      expect(image).toMatchObject({ type, name: os, version, kernel, initrd, status: 'valid' });
      const dir = join(home.home, 'image', type, image.uuid);
      expect(sha(join(dir, kernel))).toBe(sha(KERNEL));
      expect(sha(join(dir, initrd))).toBe(sha(INITRD));
      expect(image.size).toBeGreaterThan(readFileSync(KERNEL).length);
    },
  );

  test('esxi keeps boot.cfg (names found whatever their case) and xenserver its version', async () => {
    await run(BIN, ['image', 'add', '-t', 'esxi', '-p', iso('esxi')], { env: env() });
    await run(BIN, ['image', 'add', '-t', 'xenserver', '-p', iso('xenserver')], { env: env() });
    const images = (await razorJson(['image'])).response;
    expect(images.find((i: { type: string }) => i.type === 'esxi')).toMatchObject({
      version: '8.0.2',
      boot_cfg: expect.stringContaining('kernelopt=runweasel'),
    });
    expect(images.find((i: { type: string }) => i.type === 'xenserver')).toMatchObject({
      version: '7.1.0',
      status: 'valid',
    });
  });

  test.each([
    ['mk', 'mk-bad', 'does not match its hash'],
    ['esxi', 'debian-netboot', 'needs boot.cfg'],
    ['xenserver', 'ubuntu', 'XS-REPOSITORY'],
    ['os', 'esxi', 'not a recognised OS installer tree'],
  ])('a %s import of %s that fails verification leaves nothing', async (type, name, message) => {
    const before = (await razorJson(['image'])).response.length;
    const err = await run(BIN, ['image', 'add', '-t', type, '-p', iso(name)], { env: env() }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toContain(message);
    expect((await razorJson(['image'])).response.length).toBe(before);
    expect(leftovers()).toEqual([]);
  });

  test('a file that is not an ISO is refused', async () => {
    const notIso = join(work.home, 'not.iso');
    writeFileSync(notIso, 'hello');
    const err = await run(BIN, ['image', 'add', '-t', 'os', '-p', notIso], { env: env() }).catch(
      (e: { stderr: string }) => e,
    );
    expect((err as { stderr: string }).stderr).toContain('neither a directory nor an ISO 9660 image');
  });

  describe('a ≥ 500 MB ISO', () => {
    beforeAll(() => {
      const big = join(work.home, 'big-tree');
      mkdirSync(join(big, 'pool'), { recursive: true });
      execFileSync('head', ['-c', String(480 * 1048576), '/dev/urandom'], {
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 600 * 1048576,
      });
      execFileSync('sh', [
        '-c',
        `head -c ${480 * 1048576} /dev/urandom > ${join(big, 'pool', 'packages.bin')}`,
      ]);
      buildIso('big', {
        'version.info': { text: 'Debian version:  12 (bookworm)\n' },
        'debian-installer/amd64/linux': { from: KERNEL },
        'debian-installer/amd64/initrd.gz': { from: INITRD },
      });
      execFileSync(
        'xorriso',
        ['-as', 'mkisofs', '-R', '-J', '-V', 'BIG', '-o', iso('big'), join(work.home, 'big'), big],
        { stdio: 'ignore' },
      );
    }, 180_000);

    test('shows a progress bar (bytes, rate, ETA) on a terminal', async () => {
      const size = readFileSync(iso('big')).length;
      expect(size).toBeGreaterThanOrEqual(500 * 1e6);
      const at = { cwd: ROOT, env: env(), cols: 120, rows: 30 };
      const { code, out } = await openTerminal(BIN, ['image', 'add', '-t', 'os', '-p', iso('big')], at)
        .exited;
      expect(code).toBe(0);
      const frames = out
        .split('\r')
        .filter((f) => /^\[=*>? *\] +\d+% [\d.]+ MB\/[\d.]+ MB [\d.]+ MB\/s ETA /.test(f));
      expect(frames.length).toBeGreaterThanOrEqual(5); // redrawn as it goes
      expect(new Set(frames.map((f) => /(\d+)%/.exec(f)?.[1])).size).toBeGreaterThanOrEqual(3);
      expect(out).toMatch(/Status\s+=>\s+valid/);
    }, 180_000);

    test.each([['SIGINT'], ['SIGKILL']])(
      '%s in the middle of the import leaves no files and no entry',
      async (signal) => {
        const before = (await razorJson(['image'])).response.length;
        const child = spawn(BIN, ['image', 'add', '-t', 'os', '-p', iso('big')], {
          env: env(),
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        // Wait until it is copying (however slow the machine), then interrupt.
        await until(
          'the import to pass 10 %',
          () => (/ [1-9]\d% /.test(err) ? true : undefined),
          150_000,
          25,
        );
        child.kill(signal as NodeJS.Signals);
        await new Promise((r) => child.once('exit', r));
        // The janitor (SIGKILL) or the importer itself (SIGINT) removes the staging folder.
        await until('the staging folder to go', () => (leftovers().length ? undefined : true), 60_000);
        expect(leftovers()).toEqual([]);
        expect((await razorJson(['image'])).response.length).toBe(before);
        if (signal === 'SIGINT') expect(err).toContain('import cancelled; nothing was kept');
      },
      300_000,
    );
  });

  test('a remote mirror is registered without copying; remove refuses while a model uses an image', async () => {
    const url = 'http://mirror.example.com/debian/netboot';
    await run(
      BIN,
      [
        'image',
        'add',
        '-t',
        'os',
        '--url',
        url,
        '-n',
        'debian',
        '-v',
        '12',
        '-k',
        'debian-installer/amd64/linux',
        '-i',
        'debian-installer/amd64/initrd.gz',
      ],
      { env: env() },
    );
    const remote = (await razorJson(['image'])).response.find((i: { source: string }) => i.source === url);
    expect(remote).toMatchObject({ status: 'remote', url, size: 0 });
    const local = (await razorJson(['image'])).response.find(
      (i: { source: string }) => i.source === iso('debian-netboot'),
    );
    await razorJson([
      'model',
      'add',
      JSON.stringify({
        template: 'debian_bookworm',
        label: 'uses-it',
        image_uuid: local.uuid,
        req_metadata_hash: { root_password: 'correct-horse' },
      }),
    ]);
    const refused = await run(BIN, ['image', 'remove', local.uuid], { env: env() }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((refused as { code: number }).code).toBe(4);
    expect((refused as { stderr: string }).stderr).toContain('is used by model');
    await run(BIN, ['image', 'remove', remote.uuid], { env: env() });
    expect(
      (await razorJson(['image'])).response.find((i: { uuid: string }) => i.uuid === remote.uuid),
    ).toBeUndefined();
  });
});
