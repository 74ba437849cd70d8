/**
 * A seeded store with one object of every kind under known UUIDs, so verb samples
 * (`{model}`, `{policy2}`, …) name real objects. Written with the store's own atomic writer.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { writeFileAtomic } from '../../lib/store/atomic-file.js';
import type { StoreFile } from '../../lib/store/json-store.js';
import { tokenDigest } from '../../lib/domain/tokens.js';

/** The UUID of each seeded object, by placeholder name. */
export const SEED = {
  node: 'NodeSeedA0000000000001',
  node2: 'NodeSeedB0000000000002',
  model: 'ModelSeed0000000000001',
  model_in_use: 'ModelSeedUsed000000001',
  image: 'ImageSeed0000000000001',
  image_in_use: 'ImageSeedUsed000000001',
  mk_image: 'ImageSeedMk00000000001',
  broker: 'BrokerSeed000000000001',
  broker_in_use: 'BrokerSeedUsed00000001',
  tag: 'TagSeed000000000000001',
  tag_matcher: 'MatcherSeed00000000001',
  policy: 'PolicySeed000000000001',
  policy2: 'PolicySeed000000000002',
  active_model: 'ActiveSeed000000000001',
  bmc: 'BmcSeed000000000000001',
  token: 'TokenSeed0000000000001',
  hook: 'HookSeed00000000000001',
} as const;

/** The secret of the seeded admin token (`seeded`): tests call admin routes over TCP with it. */
export const SEED_TOKEN = 'rzr_SeededTestToken0000000000000000000000000';

/** The headers of an admin request with the seeded token. */
export const ADMIN = { authorization: `Bearer ${SEED_TOKEN}` } as const;

const at = '2026-01-01T00:00:00.000Z';
const stamps = { created_at: at, updated_at: at };

/** The seeded store contents. */
export function seedData(): StoreFile {
  const policy = (uuid: string, label: string) => ({
    uuid,
    ...stamps,
    label,
    template: 'linux_deploy',
    model_uuid: SEED.model_in_use,
    broker_uuid: SEED.broker_in_use,
    tags: ['nics_2'],
    enabled: true,
    maximum_count: 0,
    counter: 1,
  });
  const model = (uuid: string, image: string) => ({
    uuid,
    ...stamps,
    label: 'bookworm',
    type: 'debian_bookworm',
    template: 'linux_deploy',
    description: 'Debian Bookworm (12) Model, preseed',
    image_uuid: image,
    metadata: { hostname_prefix: 'node', domainname: 'example.com', root_password: '$6$salt$hash' },
  });
  const broker = (uuid: string) => ({
    uuid,
    ...stamps,
    name: 'puppet',
    description: 'Puppet',
    plugin: 'puppet',
    metadata: { server: 'puppet.example.com' },
  });
  return {
    rev: 1,
    format: 'razor-store/1',
    collections: {
      node: {
        [SEED.node]: {
          uuid: SEED.node,
          created_at: at,
          checked_in_at: at,
          hw_id: ['525400123456'],
          attributes: { mk_hw_nic_count: '2', mk_hw_mem_size: '16GiB', is_virtual: 'true', virtual: 'kvm' },
          last_state: 'idle',
          dhcp_mac: null,
        },
        [SEED.node2]: {
          uuid: SEED.node2,
          created_at: at,
          checked_in_at: at,
          hw_id: ['525400654321'],
          attributes: { mk_hw_nic_count: '2' },
          last_state: 'idle',
          dhcp_mac: null,
        },
      },
      image: {
        [SEED.image]: {
          uuid: SEED.image,
          ...stamps,
          type: 'os',
          name: 'debian',
          version: '12',
          status: 'valid',
        },
        [SEED.image_in_use]: {
          uuid: SEED.image_in_use,
          ...stamps,
          type: 'os',
          name: 'debian',
          version: '12',
          status: 'valid',
        },
        [SEED.mk_image]: {
          uuid: SEED.mk_image,
          ...stamps,
          type: 'mk',
          name: 'razor-mk',
          version: '1.0.0',
          status: 'valid',
          kernel: 'boot/vmlinuz',
          initrd: 'boot/initrd.gz',
        },
      },
      model: {
        [SEED.model]: model(SEED.model, SEED.image_in_use),
        [SEED.model_in_use]: model(SEED.model_in_use, SEED.image_in_use),
      },
      broker: { [SEED.broker]: broker(SEED.broker), [SEED.broker_in_use]: broker(SEED.broker_in_use) },
      tag: {
        [SEED.tag]: {
          uuid: SEED.tag,
          ...stamps,
          name: 'two nics',
          tag: 'dual_nic',
          matchers: [
            { uuid: SEED.tag_matcher, key: 'mk_hw_nic_count', compare: 'equal', value: '2', inverse: false },
          ],
        },
      },
      policy: { [SEED.policy]: policy(SEED.policy, 'first'), [SEED.policy2]: policy(SEED.policy2, 'second') },
      active_model: {
        [SEED.active_model]: {
          uuid: SEED.active_model,
          policy_uuid: SEED.policy,
          node_uuid: SEED.node2,
          label: 'first',
          state: 'init',
          counter: 1,
          hostname: 'node1.example.com',
          short_hostname: 'node1',
          domainname: 'example.com',
          ip: null,
          bound_at: at,
          updated_at: at,
          model: model(SEED.model_in_use, SEED.image_in_use),
          broker: null,
          log: [{ at, old_state: 'init', state: 'init', action: 'bind', result: 'bound' }],
        },
      },
      bmc: {
        [SEED.bmc]: {
          uuid: SEED.bmc,
          mac: '002590AABBCC',
          ip: '192.0.2.50',
          power_state: 'unknown',
          updated_at: at,
        },
      },
      token: {
        [SEED.token]: { uuid: SEED.token, name: 'seeded', sha256: tokenDigest(SEED_TOKEN), created_at: at },
      },
      hook: {
        [SEED.hook]: {
          uuid: SEED.hook,
          ...stamps,
          name: 'seeded-hook',
          kind: 'script',
          target: '/bin/true',
          events: [],
          timeout: 10,
          max_attempts: 5,
          start_seq: 0,
        },
      },
      meta: { policy_table: { uuid: 'policy_table', order: [SEED.policy, SEED.policy2] } },
    },
  };
}

let sampleFolder: string | undefined;

/**
 * The folder this test file's verb samples write into. The samples name /tmp/razor-…-sample…
 * files (`store copy`, `backup`, `restore`); suites running at once in other workers, with other
 * seeds, must not share them.
 */
export function sampleDir(): string {
  // Named after this process, so a run beside this one leaves it alone (test/global-setup.js).
  return (sampleFolder ??= mkdtempSync(join(tmpdir(), `razor-samples-${process.pid}-`)));
}

/** A verb sample's `/tmp/razor-…-sample…` path, in this test file's own folder. */
export const samplePath = (path: string): string =>
  /^\/tmp\/razor-[\w-]*sample/.test(path) ? path.replace(/^\/tmp\//, `${sampleDir()}/`) : path;

/**
 * Replaces `{name}` placeholders (anywhere in strings, recursively) with seeded UUIDs, and moves
 * the samples' /tmp files into this test file's own folder (`samplePath`).
 */
export function fillPlaceholders<T>(value: T): T {
  if (typeof value === 'string') {
    return samplePath(value).replace(
      /\{(\w+)\}/g,
      (m, name: string) => (SEED as Record<string, string>)[name] ?? m,
    ) as T;
  }
  if (Array.isArray(value)) return value.map(fillPlaceholders) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillPlaceholders(v)])) as T;
  }
  return value;
}

/** A fresh temporary RAZOR_HOME; remove it with `cleanup`. */
export function tempHome(prefix = 'razor-test-'): { home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(home, 'log'), { recursive: true });
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/**
 * Writes the seeded store into `home`, replacing whatever is there. Each write gets a fresh
 * revision (first key of the file), as every real writer does, so open stores notice the change.
 */
export async function writeSeed(home: string, data: StoreFile = seedData()): Promise<void> {
  const rev = randomInt(1_000_000, 2 ** 47);
  await writeFileAtomic(
    join(home, 'razor.json'),
    JSON.stringify({ rev, format: data.format, collections: data.collections }),
  );
}
