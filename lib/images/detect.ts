/**
 * Verification of an unpacked image by type (reference §7, done better): `os` finds the distribution
 * and its installer kernel/initrd for Debian, Ubuntu, RedHat/CentOS/Rocky and SLES/openSUSE
 * layouts; `mk` checks iso-metadata.yaml's SHA-256 hashes; `esxi` needs boot.cfg and
 * vmware-esx-base-osl.txt; `xenserver` XS-REPOSITORY and the pxelinux files.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { RazorError } from '../errors.js';

/** What verification learned about an image. */
export interface ImageInfo {
  name: string;
  version: string;
  kernel?: string;
  initrd?: string;
  boot_cfg?: string;
}

/** Image types razor imports. */
export type ImageType = 'mk' | 'os' | 'esxi' | 'xenserver';

const bad = (msg: string) => new RazorError('InvalidImageFilePath', msg);

/** Finds `rel` under `dir` ignoring case (ISO 9660 names are often upper case); undefined if absent. */
export async function findPath(dir: string, rel: string): Promise<string | undefined> {
  let here = '';
  for (const part of rel.split('/')) {
    let names: string[];
    try {
      names = await readdir(join(dir, here));
    } catch {
      return undefined;
    }
    const hit = names.find((n) => n === part) ?? names.find((n) => n.toLowerCase() === part.toLowerCase());
    if (!hit) return undefined;
    here = here ? `${here}/${hit}` : hit;
  }
  return here;
}

async function isFile(dir: string, rel: string | undefined): Promise<boolean> {
  if (!rel) return false;
  try {
    return (await stat(join(dir, rel))).isFile();
  } catch {
    return false;
  }
}

const readText = async (dir: string, rel: string) => readFile(join(dir, rel), 'utf8');

/** SHA-256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Looks for the first of `candidates` (kernel, initrd pairs) present in the tree. */
async function firstPair(
  dir: string,
  candidates: readonly [string, string][],
): Promise<[string, string] | undefined> {
  for (const [k, i] of candidates) {
    const kernel = await findPath(dir, k);
    const initrd = await findPath(dir, i);
    if (kernel && initrd && (await isFile(dir, kernel)) && (await isFile(dir, initrd)))
      return [kernel, initrd];
  }
  return undefined;
}

const iniValue = (text: string, section: string, key: string) => {
  const m = new RegExp(
    `\\[${section.replace(/[-[\]]/g, '\\$&')}\\][^[]*?^\\s*${key}\\s*=\\s*(.+)$`,
    'm',
  ).exec(text);
  return m?.[1]?.trim();
};

/** Detects the distribution of an `os` tree. */
async function detectOs(dir: string): Promise<ImageInfo> {
  const treeinfo = await findPath(dir, '.treeinfo');
  if (treeinfo) {
    const text = await readText(dir, treeinfo);
    const family = iniValue(text, 'general', 'family') ?? iniValue(text, 'release', 'name') ?? 'redhat';
    const version = iniValue(text, 'general', 'version') ?? iniValue(text, 'release', 'version') ?? '';
    const pair = await firstPair(dir, [
      [
        iniValue(text, 'images-x86_64', 'kernel') ?? 'images/pxeboot/vmlinuz',
        iniValue(text, 'images-x86_64', 'initrd') ?? 'images/pxeboot/initrd.img',
      ],
      ['images/pxeboot/vmlinuz', 'images/pxeboot/initrd.img'],
      ['isolinux/vmlinuz', 'isolinux/initrd.img'],
    ]);
    if (!pair)
      throw bad(`${family} ${version} tree has no installer kernel/initrd (images/pxeboot or isolinux)`);
    return { name: family, version, kernel: pair[0], initrd: pair[1] };
  }
  const suse = (await findPath(dir, 'media.1/products')) ?? (await findPath(dir, 'content'));
  if (suse && (await findPath(dir, 'boot/x86_64/loader/linux'))) {
    const text = await readText(dir, suse);
    const product =
      /^\/\s+(\S+?)[- ](\d[\w.]*)/m.exec(text) ?? /^PRODUCT\s+(\S+)[\s\S]*?^VERSION\s+(\S+)/m.exec(text);
    const pair = await firstPair(dir, [['boot/x86_64/loader/linux', 'boot/x86_64/loader/initrd']]);
    if (!pair) throw bad('SUSE tree has no boot/x86_64/loader/initrd');
    return { name: product?.[1] ?? 'suse', version: product?.[2] ?? '', kernel: pair[0], initrd: pair[1] };
  }
  const info = await findPath(dir, '.disk/info');
  const versionInfo = await findPath(dir, 'version.info');
  const label = info
    ? (await readText(dir, info)).trim()
    : versionInfo
      ? (await readText(dir, versionInfo)).trim()
      : '';
  const pair = await firstPair(dir, [
    ['debian-installer/amd64/linux', 'debian-installer/amd64/initrd.gz'],
    ['install/netboot/ubuntu-installer/amd64/linux', 'install/netboot/ubuntu-installer/amd64/initrd.gz'],
    ['casper/vmlinuz', 'casper/initrd'],
    ['install.amd/vmlinuz', 'install.amd/initrd.gz'],
    ['linux', 'initrd.gz'],
  ]);
  if (pair && (label || (await findPath(dir, 'debian-installer')))) {
    const ubuntu =
      /ubuntu/i.test(label) || pair[0].startsWith('casper') || pair[0].includes('ubuntu-installer');
    const version = /(\d+(?:\.\d+)*)/.exec(label)?.[1] ?? '';
    return { name: ubuntu ? 'ubuntu' : 'debian', version, kernel: pair[0], initrd: pair[1] };
  }
  throw bad(
    'not a recognised OS installer tree (looked for Debian/Ubuntu .disk/info or version.info, RedHat .treeinfo, SUSE media.1/products); give --kernel and --initrd with -n and -v',
  );
}

async function detectMk(dir: string): Promise<ImageInfo> {
  const meta = await findPath(dir, 'iso-metadata.yaml');
  if (!meta)
    throw bad(
      'a Microkernel image needs iso-metadata.yaml (kernel, initrd, version and their SHA-256 hashes)',
    );
  const m = parseYaml(await readText(dir, meta)) as Record<string, unknown> | null;
  const need = ['kernel', 'initrd', 'kernel_hash', 'initrd_hash'];
  // YAML reads an all-digit hash as a number: any scalar counts as given (and then fails to match).
  const missing = need.filter((k) => typeof m?.[k] !== 'string' && typeof m?.[k] !== 'number');
  if (!m || missing.length) throw bad(`iso-metadata.yaml lacks ${missing.join(', ')}`);
  for (const part of ['kernel', 'initrd'] as const) {
    const rel = await findPath(dir, String(m[part]));
    if (!rel || !(await isFile(dir, rel)))
      throw bad(`iso-metadata.yaml names ${part} ${String(m[part])}, which the image does not have`);
    const actual = await sha256File(join(dir, rel));
    if (actual !== String(m[`${part}_hash`]).toLowerCase()) {
      throw bad(`the ${part} ${rel} does not match its hash in iso-metadata.yaml (sha256 ${actual})`);
    }
  }
  return {
    name: String(m.name ?? 'razor-microkernel'),
    version: String(m.iso_version ?? m.version ?? ''),
    kernel: String(m.kernel),
    initrd: String(m.initrd),
  };
}

async function detectEsxi(dir: string): Promise<ImageInfo> {
  const bootCfg = await findPath(dir, 'boot.cfg');
  const osl = await findPath(dir, 'vmware-esx-base-osl.txt');
  if (!bootCfg || !osl) throw bad('an ESXi image needs boot.cfg and vmware-esx-base-osl.txt');
  const version = (await readText(dir, osl)).split('\n')[2]?.trim() ?? '';
  return { name: 'esxi', version, boot_cfg: await readText(dir, bootCfg) };
}

async function detectXen(dir: string): Promise<ImageInfo> {
  const repo = await findPath(dir, 'packages.xenserver/XS-REPOSITORY');
  const mboot = await findPath(dir, 'boot/pxelinux/mboot.c32');
  const pxelinux = await findPath(dir, 'boot/pxelinux/pxelinux.0');
  if (!repo || !mboot || !pxelinux) {
    throw bad(
      'a XenServer image needs packages.xenserver/XS-REPOSITORY, boot/pxelinux/mboot.c32 and boot/pxelinux/pxelinux.0',
    );
  }
  const version = /version="([^"]+)"/.exec(await readText(dir, repo))?.[1] ?? '';
  return { name: 'xenserver', version };
}

/** Verifies an unpacked image of `type`; throws InvalidImageFilePath saying what is missing. */
export async function verifyImage(type: ImageType, dir: string): Promise<ImageInfo> {
  switch (type) {
    case 'os':
      return detectOs(dir);
    case 'mk':
      return detectMk(dir);
    case 'esxi':
      return detectEsxi(dir);
    case 'xenserver':
      return detectXen(dir);
  }
}
