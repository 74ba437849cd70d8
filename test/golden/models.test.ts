/**
 * Golden files for every model type: an active model (bound node, fixed UUIDs, the type's IP pool,
 * a puppet broker) renders every file its callbacks and boot answers serve, and each must equal its
 * checked-in copy under test/golden/<type>/<file>. `UPDATE_GOLDEN=1` rewrites the copies (and
 * removes stale ones) and then fails, so a rewriting run never passes as a check; review the diff
 * and run again without it. The broker hand-off is rendered by the real `broker/script` callback
 * over a store holding the active model. Every rendered file must also hold no
 * `undefined` or `[object Object]`, never the plaintext password, the crypt hash exactly in the
 * files that set the password, and parse as its language (sh -n, YAML, well-formed XML).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ROOT } from '../helpers/deps.js';
import { loadConfig } from '../../lib/config.js';
import { loadCatalog, type Catalog } from '../../lib/domain/catalog.js';
import { templateLoader } from '../../lib/domain/render-template.js';
import { applyMetadata } from '../../lib/domain/metadata.js';
import { sha512Crypt } from '../../lib/domain/crypt.js';
import { poolAddress } from '../../lib/engine/bind.js';
import { renderModelTemplate, type RenderInputs } from '../../lib/engine/render-context.js';
import { callback } from '../../lib/engine/callback.js';
import { openJsonStore } from '../../lib/store/json-store.js';
import { nodeTags, type TagRule } from '../../lib/tags/tag-rules.js';
import type { Store } from '../../lib/store/store.js';
import type { VerbContext } from '../../lib/verbs/context.js';
import type { ModelType } from '../../lib/domain/model-type.js';
import type { ActiveModelDoc, BrokerDoc, ImageDoc, ModelDoc, NodeDoc } from '../../lib/domain/documents.js';

const TEMPLATES = join(ROOT, 'templates');
const GOLDEN = join(ROOT, 'test', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const UPDATE_HINT =
  "UPDATE_GOLDEN=1 NODE_OPTIONS='--experimental-vm-modules --disable-warning=ExperimentalWarning' npx jest test/golden";

const AT = '2026-01-01T00:00:00.000Z';
const SALT = 'razorgoldensalt1';
const UUID = {
  node: 'GoldenNode000000000001',
  active_model: 'GoldenActive0000000001',
  model: 'GoldenModel00000000001',
  image: 'GoldenImage00000000001',
  policy: 'GoldenPolicy0000000001',
  broker: 'GoldenBroker0000000001',
};
/** The bind counter: the node is the third one its policy bound. */
const COUNTER = 3;

/** The node's facts, and the stored tag rules that give it the tags `golden` and `kvm_vm`. */
const FACTS = { macaddress_eth0: '52:54:00:aa:bb:cc', virtual: 'kvm' };
const matcher = (uuid: string, key: string, compare: 'equal' | 'like', value: string) => ({
  uuid,
  key,
  compare,
  value,
  inverse: false,
});
const TAG_RULES: TagRule[] = [
  {
    uuid: 'GoldenTag0000000000001',
    name: 'golden',
    tag: 'golden',
    matchers: [matcher('GoldenMatcher000000001', 'macaddress_eth0', 'like', '^52:54:00')],
  },
  {
    uuid: 'GoldenTag0000000000002',
    name: 'kvm',
    tag: '%V=virtual-%_vm',
    matchers: [matcher('GoldenMatcher000000002', 'virtual', 'equal', 'kvm')],
  },
];

/** Files that set the root password, by rendered name: the hash must be there and nowhere else. */
const PASSWORD_FILES = new Set([
  'preseed.cfg',
  'kickstart.cfg',
  'autoyast.xml',
  'user-data.yaml',
  'ks.cfg',
  'answerfile.xml',
  'install-plan.sh',
]);

/** What `razor image add` records from an ESXi ISO's boot.cfg, by model type. */
const BOOT_CFG: Record<string, string> = {
  vmware_esxi_5: [
    'bootstate=0',
    'title=Loading ESXi installer',
    'kernel=/tboot.b00',
    'kernelopt=runweasel',
    'modules=/b.b00 --- /useropts.gz --- /k.b00 --- /chardevs.b00 --- /a.b00 --- /user.b00 --- /s.v00 --- /imgdb.tgz --- /imgpayld.tgz',
    'build=',
    'updated=0',
    '',
  ].join('\n'),
  vmware_esxi_8: [
    'bootstate=0',
    'title=Loading ESXi installer',
    'timeout=5',
    'prefix=',
    'kernel=/b.b00',
    'kernelopt=runweasel cdromBoot',
    'modules=/jumpstrt.gz --- /useropts.gz --- /features.gz --- /k.b00 --- /uc_intel.b00 --- /procfs.b00 --- /vmx.v00 --- /vim.v00 --- /sb.v00 --- /s.v00 --- /imgdb.tgz --- /imgpayld.tgz',
    'build=8.0.2-0.0.22380479',
    'updated=0',
    '',
  ].join('\n'),
};

/** What `razor image add -t rootfs` records of a root filesystem archive. */
const ROOTFS_ARCHIVE = {
  file: 'rootfs.tar.zst',
  sha256: '5f1c0a3fb0e7c9bd0e7bd2a9c2a5e0d1f6a4c3b2a1f0e9d8c7b6a5f4e3d2c1b0',
  size: 256638487,
  unpacked_size: 824614400,
  kernel_version: '6.1.0-57-amd64',
};

/** The newest Microkernel image (the installer of image-based types). */
const MK_IMAGE: ImageDoc = {
  uuid: 'GoldenMkImage000000001',
  type: 'mk',
  name: 'razor-microkernel',
  version: '0.2.0',
  status: 'valid',
  kernel: 'boot/vmlinuz',
  initrd: 'boot/initrd.gz',
};

/** One rendering of a model type: its inputs and the plaintext secrets behind its hashes. */
interface Fixture {
  inputs: RenderInputs;
  plaintexts: string[];
  hash: string;
}

/**
 * An active model of `type` as `bind` makes it. `full`: every metadata key (examples), a DHCP NIC
 * and a puppet broker; otherwise only required keys and defaults, no DHCP NIC, no broker.
 */
function fixture(catalog: Catalog, type: ModelType, full: boolean): Fixture {
  const config = loadConfig({
    env: { RAZOR_HOME: join(GOLDEN, '.no-razor-home'), RAZOR_IMAGE_SVC_HOST: '192.0.2.1' },
  });
  const given: Record<string, string> = {};
  for (const [key, spec] of Object.entries(type.metadata)) {
    const value = spec.example ?? spec.default;
    if (value !== undefined && (full || spec.required)) given[key] = value;
  }
  const metadata = applyMetadata(type.metadata, given, {
    missing: 'MissingModelMetadata',
    invalid: 'InvalidModelMetadata',
  });
  const plaintexts: string[] = [];
  let hash = '';
  for (const [key, spec] of Object.entries(type.metadata)) {
    const plain = metadata[key];
    if (spec.secret && key.endsWith('password') && plain !== undefined) {
      plaintexts.push(plain);
      metadata[key] = hash = sha512Crypt(plain, SALT);
    }
  }
  const short = `${metadata.hostname_prefix ?? 'node'}${COUNTER}`;
  const domain = metadata.domainname ?? '';
  const ip = poolAddress(metadata, COUNTER);
  if (typeof ip === 'string') throw new Error(`${type.name}: ${ip}`);
  const model: ModelDoc = {
    uuid: UUID.model,
    label: `golden-${type.name}`,
    type: type.name,
    template: type.policy_template,
    description: type.description,
    image_uuid: UUID.image,
    metadata,
    created_at: AT,
    updated_at: AT,
  };
  const broker: BrokerDoc = {
    uuid: UUID.broker,
    name: 'puppet-prod',
    description: 'Production Puppet',
    plugin: 'puppet',
    metadata: { server: 'puppet.example.com' },
    created_at: AT,
    updated_at: AT,
  };
  const node: NodeDoc = {
    uuid: UUID.node,
    hw_id: ['525400AABBCC', '525400AABBCD'],
    attributes: FACTS,
    last_state: 'idle',
    dhcp_mac: full ? '01-52-54-00-aa-bb-cc' : null,
    checked_in_at: AT,
    created_at: AT,
  };
  const am: ActiveModelDoc = {
    uuid: UUID.active_model,
    policy_uuid: UUID.policy,
    node_uuid: UUID.node,
    label: 'golden',
    state: 'init',
    counter: COUNTER,
    hostname: domain ? `${short}.${domain}` : short,
    short_hostname: short,
    domainname: domain,
    ip,
    bound_at: AT,
    updated_at: AT,
    model,
    broker: full ? broker : null,
    log: [],
  };
  const image: ImageDoc = {
    uuid: UUID.image,
    type: type.image_prefix,
    name: type.image_prefix === 'os' ? type.name.replace(/_.*/, '') : type.image_prefix,
    version: type.name.replace(/^.*_/, ''),
    status: 'valid',
    ...(type.image_prefix === 'esxi' ? { boot_cfg: BOOT_CFG[type.name] ?? BOOT_CFG.vmware_esxi_8 } : {}),
    ...(type.image_prefix === 'rootfs' ? ROOTFS_ARCHIVE : {}),
  };
  const inputs: RenderInputs = {
    config,
    type,
    node,
    am,
    image,
    tags: nodeTags(TAG_RULES, FACTS),
    // The installer of image-based types; the others' templates never name it.
    mk: full ? MK_IMAGE : undefined,
    brokerSpecs: am.broker ? catalog.brokerPlugins.get(am.broker.plugin)?.metadata : undefined,
  };
  return { inputs, plaintexts, hash };
}

/** The install key of the golden active model: the callback URL of secret files carries it. */
const INSTALL_KEY = 'GoldenInstallKey000001';

/** Every file a type serves: rendered name → how to render it, and whether a secret callback serves it. */
function servedFiles(type: ModelType): Map<string, { source: string; secret: boolean }> {
  const out = new Map<string, { source: string; secret: boolean }>();
  for (const role of ['boot_install', 'boot_local']) {
    out.set((type.templates[role] ?? role).replace(/\.hbs$/, ''), { source: role, secret: false });
  }
  for (const actions of Object.values(type.callbacks)) {
    for (const spec of Object.values(actions)) {
      const secret = spec.secret === true;
      if (spec.template === 'broker') out.set('broker.sh', { source: 'broker', secret });
      else if (spec.template) out.set(spec.template.replace(/\.hbs$/, ''), { source: spec.template, secret });
    }
  }
  return out;
}

/**
 * The broker hand-off as the `broker/script` callback serves it: the fixture's node, image, tag
 * rules and active model (with an install pin) are stored in `store`, and the callback renders.
 */
async function brokerByCallback(catalog: Catalog, f: Fixture, store: Store): Promise<string> {
  const { node, am, image, config } = f.inputs;
  const pin = { address: '192.0.2.10', key: INSTALL_KEY, pinned_at: AT, served: {} };
  await store.write(async (w) => {
    for (const old of await w.all('active_model')) await w.remove('active_model', old.uuid);
    await w.put('node', { ...node });
    if (image) await w.put('image', { ...image });
    for (const rule of TAG_RULES) await w.put('tag', { ...rule, created_at: AT, updated_at: AT });
    await w.put('active_model', { ...am, pin });
  });
  const ctx: VerbContext = {
    store,
    config,
    catalog,
    template: templateLoader(TEMPLATES),
    clock: () => new Date(AT),
    newUuid: () => 'GoldenUnused0000000001',
    env: {},
    mode: 'web',
  };
  return callback(ctx, { activeModel: am.uuid, namespace: 'broker', args: ['script'] });
}

/** Renders every served file, as /boot and the callbacks do (secret ones with the install key). */
async function renderAll(
  catalog: Catalog,
  f: Fixture,
  type: ModelType,
  store: Store,
): Promise<Map<string, string>> {
  const loader = templateLoader(TEMPLATES);
  const out = new Map<string, string>();
  for (const [name, { source, secret }] of servedFiles(type)) {
    const inputs = { ...f.inputs, installKey: secret ? INSTALL_KEY : undefined };
    if (source === 'broker') {
      if (!f.inputs.am.broker) continue; // without a broker, broker/script serves ''
      out.set(name, await brokerByCallback(catalog, f, store));
    } else {
      out.set(name, await renderModelTemplate(loader, inputs, source));
    }
  }
  return out;
}

/** A readable account of how `actual` differs from `expected`: the first differing lines in context. */
function describeDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 3);
  const show = (lines: string[], sign: string) =>
    lines
      .slice(from, i + 4)
      .map((l, k) => `${from + k === i ? sign : ' '} ${String(from + k + 1).padStart(4)} | ${l}`)
      .join('\n');
  return [
    `first difference at line ${i + 1} (golden has ${a.length} lines, rendered ${b.length}):`,
    '--- golden',
    show(a, '-'),
    '+++ rendered',
    show(b, '+'),
  ].join('\n');
}

const XML_ENTITY = /^&(?:lt|gt|amp|apos|quot|#\d+|#x[0-9a-fA-F]+);/;

/** Well-formedness of XML (tags balance, one root, no stray `<` or `&`, no `--` in comments). */
function xmlProblem(text: string): string | undefined {
  const token =
    /<!--([\s\S]*?)-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>[]*>|<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|[<&]/g;
  const stack: string[] = [];
  let roots = 0;
  let last = 0;
  let m: RegExpExecArray | null;
  const textOk = (s: string) =>
    !/[<]/.test(s) && s.split('&').every((p, k) => k === 0 || XML_ENTITY.test(`&${p}`));
  while ((m = token.exec(text))) {
    if (!textOk(text.slice(last, m.index))) return `stray character before offset ${m.index}`;
    last = token.lastIndex;
    const [whole, comment, closing, name, attrs, selfClosing] = m;
    if (whole === '&') {
      if (!XML_ENTITY.test(text.slice(m.index))) return `bare & at offset ${m.index}`;
      continue;
    }
    if (whole === '<') return `stray < at offset ${m.index}`;
    if (comment !== undefined && comment.includes('--')) return `'--' inside a comment at offset ${m.index}`;
    if (!name) continue;
    if (attrs && !textOk(attrs)) return `bad attribute value in <${name}>`;
    if (closing) {
      if (stack.pop() !== name) return `</${name}> closes nothing open at offset ${m.index}`;
    } else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
  }
  if (!textOk(text.slice(last))) return 'stray character at the end';
  if (stack.length) return `unclosed <${stack.join('>, <')}>`;
  if (roots !== 1) return `${roots} root elements`;
  return undefined;
}

/** Language checks of one rendered file; returns problems. */
function languageProblems(name: string, text: string, hash: string): string[] {
  const problems: string[] = [];
  if (name.endsWith('.sh')) {
    if (!text.startsWith('#!/bin/sh\n')) problems.push('does not start with #!/bin/sh');
    try {
      execFileSync('sh', ['-n'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      problems.push(`sh -n: ${String((err as { stderr?: Buffer }).stderr ?? err)}`);
    }
  }
  if (name.endsWith('.ipxe') && !text.startsWith('#!ipxe\n')) problems.push('does not start with #!ipxe');
  if (name.endsWith('.xml')) {
    const p = xmlProblem(text);
    if (p) problems.push(`XML: ${p}`);
  }
  if (name.endsWith('.yaml')) {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      problems.push(`YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    if (name === 'user-data.yaml') {
      if (!text.startsWith('#cloud-config\n')) problems.push('user-data does not start with #cloud-config');
      const ai = (doc as { autoinstall?: { identity?: { password?: string }; 'late-commands'?: string[] } })
        ?.autoinstall;
      if (ai?.identity?.password !== hash) problems.push('autoinstall.identity.password is not the hash');
      if (!ai?.['late-commands']?.some((c) => c.includes('/autoinstall/end')))
        problems.push('no late-command reports autoinstall/end');
    }
    if (name === 'meta-data.yaml' && !(doc as { 'instance-id'?: string })?.['instance-id'])
      problems.push('meta-data has no instance-id');
  }
  return problems;
}

const catalog = await loadCatalog(TEMPLATES);
const TYPES = [...catalog.modelTypes.values()].filter((t) => !t.hidden);
const storeDir = await mkdtemp(join(tmpdir(), 'razor-golden-'));
const store = await openJsonStore(join(storeDir, 'razor.json'));

afterAll(async () => {
  await store.close();
  await rm(storeDir, { recursive: true, force: true });
});

test('every shipped model type is checked', () => {
  expect(TYPES.map((t) => t.name).sort()).toEqual([
    'centos_6',
    'debian_bookworm',
    'debian_bookworm_image',
    'debian_wheezy',
    'opensuse_15',
    'redhat_6',
    'rocky_9',
    'sles_11',
    'ubuntu_noble',
    'ubuntu_precise',
    'vmware_esxi_5',
    'vmware_esxi_8',
    'xenserver',
  ]);
});

describe.each(TYPES.map((t) => [t.name, t] as const))('model type %s', (name, type) => {
  test('renders every served file as its golden copy', async () => {
    const rendered = await renderAll(catalog, fixture(catalog, type, true), type, store);
    const dir = join(GOLDEN, name);
    const failures: string[] = [];
    let rewritten = 0;
    if (UPDATE) await mkdir(dir, { recursive: true });
    for (const [file, text] of rendered) {
      const path = join(dir, file);
      const golden = await readFile(path, 'utf8').catch(() => undefined);
      if (golden === text) continue;
      if (UPDATE) {
        await writeFile(path, text);
        rewritten++;
      } else if (golden === undefined) failures.push(`${path} does not exist (a new file?)`);
      else failures.push(`${path} differs from the rendered ${file}\n${describeDiff(golden, text)}`);
    }
    const present = await readdir(dir).catch(() => [] as string[]);
    for (const stale of present.filter((p) => !rendered.has(p))) {
      if (UPDATE) {
        await rm(join(dir, stale));
        rewritten++;
      } else failures.push(`${join(dir, stale)} is no longer rendered (a stale golden file)`);
    }
    if (UPDATE) {
      throw new Error(
        `UPDATE_GOLDEN=1 rewrote ${name}'s golden files instead of checking them ` +
          `(${rewritten} written or removed); review the diff ` +
          'and run again without UPDATE_GOLDEN.',
      );
    }
    if (failures.length) {
      throw new Error(
        `${name}: ${failures.length} golden file(s) do not match.\n\n${failures.join('\n\n')}\n\n` +
          `If the change is intended, rewrite them with\n  ${UPDATE_HINT}\nand review the diff.`,
      );
    }
  });

  describe.each([
    ['every key, a DHCP NIC and a broker', true],
    ['required keys only, no DHCP NIC, no broker', false],
  ])('with %s', (_label, full) => {
    let f: Fixture;
    let rendered: Map<string, string>;
    beforeAll(async () => {
      f = fixture(catalog, type, full);
      rendered = await renderAll(catalog, f, type, store);
    });

    test('no file holds undefined, [object Object] or the plaintext password', () => {
      expect(f.plaintexts.length).toBeGreaterThan(0);
      for (const [file, text] of rendered) {
        expect({ file, undefined: text.includes('undefined') }).toEqual({ file, undefined: false });
        expect({ file, object: text.includes('[object Object]') }).toEqual({ file, object: false });
        for (const plain of f.plaintexts) {
          expect({ file, plaintext: text.includes(plain) }).toEqual({ file, plaintext: false });
        }
      }
    });

    test('the crypt hash is in exactly the files that set the password', () => {
      const setters = [...rendered.keys()].filter((file) => PASSWORD_FILES.has(file)).sort();
      const withHash = [...rendered].filter(([, text]) => text.includes(f.hash)).map(([file]) => file);
      expect(setters.length).toBeGreaterThan(0);
      expect(withHash.sort()).toEqual(setters);
    });

    test('secrets are only in files secret callbacks serve; the install key is in none of the others', () => {
      const served = servedFiles(type);
      const secretFiles = [...rendered.keys()].filter((file) => served.get(file)?.secret).sort();
      const withSecrets = [...rendered]
        .filter(([, text]) => text.includes(f.hash) || text.includes(INSTALL_KEY))
        .map(([file]) => file);
      expect(withSecrets.sort()).toEqual(
        expect.arrayContaining([...rendered.keys()].filter((x) => PASSWORD_FILES.has(x))),
      );
      expect({ type: name, outside: withSecrets.filter((file) => !served.get(file)?.secret) }).toEqual({
        type: name,
        outside: [],
      });
      // Every secret file that calls back uses the keyed URL, so later callbacks work.
      for (const file of secretFiles) {
        const text = rendered.get(file) ?? '';
        const plain = text.match(new RegExp(`callback/${UUID.active_model}(?!\\.${INSTALL_KEY})`, 'g'));
        expect({ file, unkeyed: plain?.length ?? 0 }).toEqual({ file, unkeyed: 0 });
      }
    });

    test('every file parses as its language (sh -n, YAML, well-formed XML, iPXE)', () => {
      for (const [file, text] of rendered) {
        expect({ file, problems: languageProblems(file, text, f.hash) }).toEqual({ file, problems: [] });
      }
    });

    test('the files use the callback URL and hostname, and pull the broker hand-off only with a broker', () => {
      const all = [...rendered.values()].join('\n');
      expect(all).toContain(`http://192.0.2.1:8026/razor/api/policy/callback/${UUID.active_model}`);
      expect(all).toContain(f.inputs.am.short_hostname);
      expect(all.includes('/broker/script')).toBe(full);
      if (full) expect(all).toMatch(/broker\/success[\s\S]*broker\/fail/);
    });
  });
});

test('an ESXi boot.cfg without a recorded image boot.cfg says what to do instead of rendering nothing', async () => {
  const type = catalog.modelTypes.get('vmware_esxi_8') as ModelType;
  const f = fixture(catalog, type, true);
  const text = await renderModelTemplate(
    templateLoader(TEMPLATES),
    { ...f.inputs, image: undefined },
    'boot.cfg.hbs',
  );
  expect(text).toContain(`# image ${UUID.image} has no boot.cfg recorded`);
  expect(text).not.toMatch(/^kernel=/m);
});

describe('helpers of this test', () => {
  test('xmlProblem accepts well-formed XML and names what is wrong otherwise', () => {
    expect(
      xmlProblem('<?xml version="1.0"?>\n<!-- c -->\n<a x="1"><b>t &amp; u</b><c/></a>\n'),
    ).toBeUndefined();
    expect(xmlProblem('<a><b></a>')).toMatch(/closes nothing/);
    expect(xmlProblem('<a>x & y</a>')).toMatch(/&/);
    expect(xmlProblem('<a/><b/>')).toMatch(/2 root/);
    expect(xmlProblem('<!-- a -- b --><a/>')).toMatch(/--/);
  });

  test('describeDiff points at the first differing line', () => {
    expect(describeDiff('a\nb\nc', 'a\nB\nc')).toContain('first difference at line 2');
  });
});
