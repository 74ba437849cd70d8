/**
 * Families as data (ADR 0022): the catalog loads policy templates and image types from folders and
 * refuses a bad one with an error naming the file; the shipped image types' recognition rules,
 * run by the generic interpreter, read each layout as the TypeScript detection did.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadCatalog } from '../../lib/domain/catalog.js';
import { verifyImage } from '../../lib/images/detect.js';
import { builtInCatalog, ROOT } from '../helpers/deps.js';
import { tempHome } from '../helpers/fixture.js';

const catalog = await builtInCatalog();
const TEMPLATES = join(ROOT, 'templates');
let tmp: ReturnType<typeof tempHome> | undefined;
afterEach(() => tmp?.cleanup());

/** A folder holding `files` (path → text). */
function tree(files: Record<string, string>): string {
  tmp = tempHome('razor-families-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(tmp.home, rel)), { recursive: true });
    writeFileSync(join(tmp.home, rel), text);
  }
  return tmp.home;
}

const verify = (type: string, files: Record<string, string>) =>
  verifyImage(catalog.imageTypes.get(type)!, tree(files));

describe('the catalog', () => {
  test('loads the shipped policy templates and image types from their folders', () => {
    expect(catalog.policyTemplates.map((t) => t.name)).toEqual([
      'linux_deploy',
      'vmware_hypervisor',
      'xenserver_hypervisor',
    ]);
    expect([...catalog.imageTypes.keys()]).toEqual(['esxi', 'mk', 'os', 'rootfs', 'xenserver']);
  });

  test.each([
    [
      'images/odd/image.yaml',
      'description: x\nrecognise: []\nunrecognised: y\n',
      'images/odd/image.yaml: an image type has either recognise rules or archive',
    ],
    [
      'images/odd/image.yaml',
      'description: x\nunrecognised: y\nrecognise:\n  - values: { name: "${nam}" }\n',
      'uses the undeclared value nam',
    ],
    [
      'images/odd/image.yaml',
      'description: x\nunrecognised: y\nrecognise:\n  - values: { name: { file: a, match: "(" } }\n',
      'is not a valid regular expression',
    ],
    [
      'policies/linux_deploy/policy.yaml',
      'description: again\n',
      "policies 'linux_deploy' is also defined in",
    ],
    ['policies/Bad-Name/policy.yaml', 'description: x\n', 'must be lower-case letters, digits and _'],
    ['policies/extra/policy.yaml', 'describe: typo\n', 'policies/extra/policy.yaml'],
    [
      'models/odd_os/model.yaml',
      'description: x\nbase: _debian_family\npolicy_template: nowhere_deploy\nimage_prefix: os\n',
      "models/odd_os/model.yaml: policy_template 'nowhere_deploy' is not a policy template",
    ],
  ])('an extra folder with a bad %s is refused, naming the file', async (rel, text, message) => {
    const extra = tree({ [rel]: text });
    await expect(loadCatalog([TEMPLATES, extra])).rejects.toThrow(message);
  });
});

describe('the shipped recognition rules', () => {
  test('RedHat: the family and version from .treeinfo, the boot files it names', async () => {
    const treeinfo =
      '[general]\nfamily = Rocky Linux\nversion = 9.4\n[images-x86_64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n';
    await expect(
      verify('os', {
        '.TREEINFO': treeinfo,
        'images/pxeboot/vmlinuz': 'k',
        'images/pxeboot/initrd.img': 'i',
      }),
    ).resolves.toEqual({
      name: 'Rocky Linux',
      version: '9.4',
      kernel: 'images/pxeboot/vmlinuz',
      initrd: 'images/pxeboot/initrd.img',
    });
    await expect(verify('os', { '.treeinfo': '[release]\nname = CentOS\nversion = 6\n' })).rejects.toThrow(
      'CentOS 6 tree has no installer kernel/initrd (images/pxeboot or isolinux)',
    );
  });

  test('SUSE: PRODUCT and VERSION from content; Ubuntu and Debian from their labels and layout', async () => {
    const suse = {
      content: 'PRODUCT SLES\nVERSION 11.4\n',
      'boot/x86_64/loader/linux': 'k',
      'boot/x86_64/loader/initrd': 'i',
    };
    await expect(verify('os', suse)).resolves.toMatchObject({ name: 'SLES', version: '11.4' });
    const ubuntu = {
      '.disk/info': 'Ubuntu-Server 24.04.1 LTS\n',
      'casper/vmlinuz': 'k',
      'casper/initrd': 'i',
    };
    await expect(verify('os', ubuntu)).resolves.toEqual({
      name: 'ubuntu',
      version: '24.04.1',
      kernel: 'casper/vmlinuz',
      initrd: 'casper/initrd',
    });
    const debian = { 'debian-installer/amd64/linux': 'k', 'debian-installer/amd64/initrd.gz': 'i' };
    await expect(verify('os', debian)).resolves.toMatchObject({ name: 'debian', version: '' });
    await expect(verify('os', { linux: 'k', 'initrd.gz': 'i' })).rejects.toThrow(
      'not a recognised OS installer tree',
    );
  });

  test('mk: the hashes in iso-metadata.yaml must match; what is missing is named', async () => {
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const meta = (kernelHash: string) =>
      `name: mk\niso_version: 1.2.0\nkernel: boot/vmlinuz\ninitrd: boot/initrd.gz\nkernel_hash: ${kernelHash}\ninitrd_hash: ${sha('i')}\n`;
    const files = { 'boot/vmlinuz': 'k', 'boot/initrd.gz': 'i' };
    await expect(
      verify('mk', { ...files, 'iso-metadata.yaml': meta(sha('k').toUpperCase()) }),
    ).resolves.toEqual({
      name: 'mk',
      version: '1.2.0',
      kernel: 'boot/vmlinuz',
      initrd: 'boot/initrd.gz',
    });
    await expect(verify('mk', { ...files, 'iso-metadata.yaml': meta(sha('x')) })).rejects.toThrow(
      `the kernel boot/vmlinuz does not match its hash in iso-metadata.yaml (sha256 ${sha('k')})`,
    );
    await expect(verify('mk', { 'iso-metadata.yaml': 'kernel: a\n' })).rejects.toThrow(
      'iso-metadata.yaml lacks initrd, kernel_hash, initrd_hash',
    );
    await expect(verify('mk', { 'iso-metadata.yaml': 'kernel: [\n' })).rejects.toThrow(
      'iso-metadata.yaml is not valid YAML',
    );
  });

  test('esxi keeps boot.cfg and reads the version; xenserver reads XS-REPOSITORY', async () => {
    const esxi = { 'boot.cfg': 'kernel=/b.b00\n', 'vmware-esx-base-osl.txt': 'a\nb\n  8.0.3  \n' };
    await expect(verify('esxi', esxi)).resolves.toEqual({
      name: 'esxi',
      version: '8.0.3',
      boot_cfg: 'kernel=/b.b00\n',
    });
    const xen = {
      'packages.xenserver/XS-REPOSITORY': '<repository version="6.5.0" />',
      'boot/pxelinux/mboot.c32': 'm',
      'boot/pxelinux/pxelinux.0': 'p',
    };
    await expect(verify('xenserver', xen)).resolves.toEqual({ name: 'xenserver', version: '6.5.0' });
    await expect(verify('esxi', { 'boot.cfg': '' })).rejects.toThrow(
      'an ESXi image needs boot.cfg and vmware-esx-base-osl.txt',
    );
  });
});
