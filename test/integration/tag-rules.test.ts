/**
 * Tag rules applied to real nodes, end to end over REST: nodes register their facts as a
 * Microkernel does, tag rules and matchers are added through the API, and `node tags` shows
 * exactly the tags each node carries — `equal` and `like` matchers, `inverse` (also of a missing
 * fact), tag templates (`%V=fact-%`, `%R=regex:fact-%`), the rule language (numbers, `like`, `and`,
 * `not`, and `tag` naming another rule, matcher-based or not) — and a checkin binds each node to
 * the first enabled policy whose tags it has, and nothing else.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { SEED, seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { testDeps } from '../helpers/deps.js';
import { testApp } from '../helpers/app.js';

let home: ReturnType<typeof tempHome>;
let app: ReturnType<typeof testApp>;

/** The nodes: hw_id and the facts their Microkernel reports. */
const NODES = {
  web: {
    hw_id: '52540000000a',
    facts: {
      mk_hw_mem_size: '32GiB',
      mk_hw_nic_count: '4',
      is_virtual: 'false',
      processorcount: '16',
      serialnumber: 'SN-ABC-123',
      hostname: 'rack1-web-07',
    },
  },
  db: {
    hw_id: '52540000000b',
    facts: {
      mk_hw_mem_size: '8GiB',
      mk_hw_nic_count: '2',
      is_virtual: 'true',
      virtual: 'kvm',
      processorcount: '2',
      serialnumber: 'VM-1',
      hostname: 'rack2-db-01',
    },
  },
  lab: {
    hw_id: '52540000000c',
    facts: {
      mk_hw_mem_size: '16GiB',
      mk_hw_nic_count: '2',
      is_virtual: 'false',
      processorcount: '8',
      hostname: 'lab-x',
    },
  },
} as const;
type Name = keyof typeof NODES;
const uuidOf = {} as Record<Name, string>;

const store = () => JSON.parse(readFileSync(join(home.home, 'razor.json'), 'utf8')).collections;

async function post(path: string, body: object, status = 201) {
  const res = await request(app).post(`/razor/api/${path}`).send(body);
  if (res.status !== status) throw new Error(`POST ${path} → ${res.status}: ${res.text}`);
  return res.body.response;
}

/** Adds a tag rule (with a rule-language rule, or matchers) and returns its UUID. */
async function addTag(
  name: string,
  tag: string,
  how: { rule?: unknown; matchers?: object[] },
): Promise<string> {
  const [doc] = await post('tag', { name, tag, ...(how.rule ? { rule: how.rule } : {}) });
  for (const m of how.matchers ?? []) await post(`tag/${doc.uuid}/matcher`, m);
  return doc.uuid as string;
}

/** The tags `node tags` shows for a node, sorted. */
async function tagsOf(node: Name): Promise<string[]> {
  const res = await request(app).get(`/razor/api/node/tags/${uuidOf[node]}`);
  expect(res.status).toBe(200);
  return (res.body.response as { tag: string }[]).map((r) => r.tag).sort();
}

const SYSTEM: Record<Name, string[]> = {
  web: ['memsize_32GiB', 'nics_4'],
  db: ['kvm_vm', 'memsize_8GiB', 'nics_2'],
  lab: ['memsize_16GiB', 'nics_2'],
};
const expectTags = async (want: Record<Name, string[]>) => {
  for (const node of Object.keys(NODES) as Name[])
    expect({ node, tags: await tagsOf(node) }).toEqual({
      node,
      tags: [...SYSTEM[node], ...want[node]].sort(),
    });
};

beforeAll(async () => {
  home = tempHome();
  const data = seedData();
  for (const c of ['node', 'tag', 'policy', 'active_model'] as const) data.collections[c] = {};
  data.collections.meta = { policy_table: { uuid: 'policy_table', order: [] } };
  await writeSeed(home.home, data);
  app = testApp(await testDeps(home.home));
  for (const [name, n] of Object.entries(NODES) as [Name, (typeof NODES)[Name]][]) {
    const res = await request(app)
      .post('/razor/api/node/register')
      .send({ hw_id: n.hw_id, attributes_hash: n.facts, last_state: 'idle' });
    expect(res.status).toBe(200);
    uuidOf[name] = res.body.response[0]?.uuid ?? res.body.response.uuid;
  }
});
afterAll(() => home.cleanup());

describe('tag rules over registered nodes', () => {
  let physicalMatcher: string;
  let physical: string;

  test('registered nodes carry only the system tags', async () => {
    expect(Object.values(uuidOf).every((u) => typeof u === 'string' && u.length > 10)).toBe(true);
    await expectTags({ web: [], db: [], lab: [] });
  });

  test('equal, like and inverse matchers, and tag templates', async () => {
    await addTag('big memory', 'big_mem', {
      matchers: [{ key: 'mk_hw_mem_size', compare: 'like', value: '^(16|32)GiB$', inverse: false }],
    });
    physical = await addTag('physical', 'physical', {
      matchers: [{ key: 'is_virtual', compare: 'equal', value: 'true', inverse: true }],
    });
    physicalMatcher = store().tag[physical].matchers[0].uuid;
    // inverse of a fact the node does not have: the missing fact is '' (the original's quirk).
    await addTag('no serial', 'no_serial', {
      matchers: [{ key: 'serialnumber', compare: 'like', value: '.', inverse: true }],
    });
    // Two matchers: both must pass.
    await addTag('role', 'role_%R=(web|db):hostname-%', {
      matchers: [
        { key: 'hostname', compare: 'like', value: '^rack', inverse: false },
        { key: 'processorcount', compare: 'like', value: '\\d', inverse: false },
      ],
    });
    await addTag('serial', 'serial_%V=serialnumber-%', {
      matchers: [{ key: 'serialnumber', compare: 'like', value: '^SN-', inverse: false }],
    });
    await expectTags({
      web: ['big_mem', 'physical', 'role_web', 'serial_SN-ABC-123'],
      db: ['role_db'],
      lab: ['big_mem', 'physical', 'no_serial'],
    });
  });

  test('the rule language: numbers, like, not, and tags named by other rules', async () => {
    await addTag('many cpus', 'many_cpus', { rule: ['>', ['num', ['fact', 'processorcount', '0']], 4] });
    await addTag('kvm guest', 'kvm_guest', { rule: ['like', ['str', ['fact', 'virtual', '']], '^kv'] });
    await addTag('not in a rack', 'loose', {
      rule: ['not', ['like', ['str', ['fact', 'hostname', '']], '^rack']],
    });
    // `tag` of matcher rules decides by their matchers, not merely by their existence.
    await addTag('big and physical', 'big_physical', {
      rule: ['and', ['=', ['tag', 'big_mem'], true], ['=', ['tag', 'physical'], true]],
    });
    await addTag('big cpu box', 'big_cpu_box', {
      rule: ['and', ['=', ['tag', 'many_cpus'], true], ['=', ['tag', 'big_mem'], true]],
    });
    await expectTags({
      web: [
        'big_mem',
        'physical',
        'role_web',
        'serial_SN-ABC-123',
        'many_cpus',
        'big_physical',
        'big_cpu_box',
      ],
      db: ['role_db', 'kvm_guest'],
      lab: ['big_mem', 'physical', 'no_serial', 'many_cpus', 'loose', 'big_physical', 'big_cpu_box'],
    });
  });

  test('flipping a matcher to inverse changes which nodes carry the tag (and rules naming it)', async () => {
    const res = await request(app)
      .put(`/razor/api/tag/${physical}/matcher/${physicalMatcher}`)
      .send({ inverse: 'false' });
    expect(res.status).toBe(202);
    await expectTags({
      web: ['big_mem', 'role_web', 'serial_SN-ABC-123', 'many_cpus', 'big_cpu_box'],
      db: ['role_db', 'kvm_guest', 'physical'],
      lab: ['big_mem', 'no_serial', 'many_cpus', 'loose', 'big_cpu_box'],
    });
  });

  test('a checkin binds each node to the first enabled policy whose tags it carries', async () => {
    const policy = async (label: string, tags: string, enabled = 'true') =>
      (
        await post('policy', {
          template: 'linux_deploy',
          label,
          model_uuid: SEED.model_in_use,
          tags,
          broker_uuid: 'none',
          enabled,
          maximum: '0',
        })
      )[0].uuid as string;
    await policy('disabled web', 'role_web', 'false');
    const web = await policy('web servers', 'big_mem,role_web');
    const lab = await policy('big cpu boxes', 'big_cpu_box,loose');
    await policy('nobody', 'role_db,big_mem');
    for (const n of Object.values(NODES)) {
      const res = await request(app).get(`/razor/api/node/checkin?hw_id=${n.hw_id}&last_state=idle`);
      expect(res.status).toBe(200);
    }
    const bound = Object.values(
      store().active_model as Record<string, { node_uuid: string; policy_uuid: string }>,
    )
      .map((am) => [am.node_uuid, am.policy_uuid])
      .sort();
    expect(bound).toEqual(
      [
        [uuidOf.web, web],
        [uuidOf.lab, lab],
      ].sort(),
    );
  });
});
