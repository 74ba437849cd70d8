/**
 * The original clients' wire shapes (issue 15, item 13; reference §1.3, §3.4, §8.1): checkin takes
 * `uuid` for `hw_id`, register takes `@uuid`, and `hw_id` may come as an array; `client_config`
 * carries the original's 13 `mk_*` keys and any extra `mk_*` key of config.yaml; the envelope's
 * `command` is the original's (`nodes_query_all`, `get_node_by_uuid`, …); a puppet broker's
 * `server` must be a host name (InvalidBrokerMetadata). Also (item 11): a noop broker needs no
 * metadata and no description, and a policy naming a tag no rule produces is created with a warning.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { testDeps, testEnv } from '../helpers/deps.js';
import { runRazor } from '../helpers/daemon.js';
import { SEED, tempHome, writeSeed } from '../helpers/fixture.js';
import { testApp } from '../helpers/app.js';
import { allSlices } from '../../slices/index.js';
import { dispatchArgv } from '../../lib/verbs/dispatch.js';
import { translateToHttp } from '../../lib/verbs/translate-http.js';

let home: ReturnType<typeof tempHome>;
let app: ReturnType<typeof testApp>;
const razor = (...args: string[]) => runRazor(args, testEnv(home.home));
const web = async (...args: string[]) => JSON.parse((await razor('-w', ...args)).stdout);
const FACTS = { mk_hw_nic_count: '1', mk_hw_mem_size: '4GiB' };

beforeAll(async () => {
  home = tempHome();
  await writeSeed(home.home);
  writeFileSync(join(home.home, 'config.yaml'), 'mk_site_ntp: ntp.example.com\nmk_checkin_interval: 30\n');
  app = testApp(await testDeps(home.home));
});
afterAll(() => home.cleanup());

test('register with @uuid and checkin with uuid, as the original Microkernel may send them', async () => {
  const form = JSON.stringify({ '@uuid': '525400AA0001', '@attributes_hash': FACTS, '@last_state': 'idle' });
  const reg = await request(app).post('/razor/api/node/register').type('form').send({ json_hash: form });
  expect(reg.status).toBe(200);
  expect(reg.body.response.hw_id).toEqual(['525400AA0001']);
  const c = await request(app).get('/razor/api/node/checkin?uuid=525400AA0001&last_state=idle');
  expect(c.status).toBe(200);
  expect(c.body.command).toBe('checkin_node');
  expect(c.body.response.command_name).toBe('acknowledge');
});

test('hw_id as a JSON array is one node with both MACs', async () => {
  const body = { hw_id: ['525400AA0002', '525400AA0003'], attributes_hash: FACTS, last_state: 'idle' };
  const reg = await request(app).post('/razor/api/node/register').send(body);
  expect(reg.status).toBe(200);
  expect(reg.body.response.hw_id).toEqual(['525400AA0002', '525400AA0003']);
  const c = await web('node', 'checkin', JSON.stringify({ hw_id: ['525400AA0003'], last_state: 'idle' }));
  expect(c.response.command_name).toBe('acknowledge');
});

test("client_config: the original's 13 mk_* keys with its defaults, and config.yaml's extra mk_* key", async () => {
  const c = await request(app).get('/razor/api/node/checkin?hw_id=525400AA0009&last_state=idle');
  expect(c.body.client_config).toEqual({
    mk_uri: 'http://10.0.2.2:8026',
    mk_checkin_interval: 30,
    mk_checkin_skew: 5,
    mk_register_path: '/razor/api/node/register',
    mk_checkin_path: '/razor/api/node/checkin',
    mk_fact_excl_pattern: expect.stringContaining('(.*json_str$)'),
    mk_log_level: 'Logger::ERROR',
    mk_tce_mirror_port: 2157,
    mk_tce_mirror_uri: 'http://localhost:2157/tinycorelinux',
    mk_tce_install_list_uri: 'http://localhost:2157/tinycorelinux/tce-install-list',
    mk_kmod_install_list_uri: 'http://localhost:2157/tinycorelinux/kmod-install-list',
    mk_gem_mirror_uri: 'http://localhost:2158/gem-mirror',
    mk_gemlist_uri: 'http://localhost:2158/gem-mirror/gems/gem.list',
    mk_site_ntp: 'ntp.example.com',
  });
});

test("the envelope's command is the original's for each slice's list, get, add, update and remove", async () => {
  // In-process (the dispatcher `razor -w` runs): 21 child processes take too long on a busy machine.
  const deps = await testDeps(home.home);
  const registry = allSlices(deps.catalog);
  const commands: Record<string, string> = {};
  const call = async (name: string, ...args: string[]) => {
    const wire = await translateToHttp(await dispatchArgv(deps, registry, args, { mode: 'web' }), deps);
    commands[name] = JSON.parse(wire.body).command;
  };
  await call('nodes', 'node');
  await call('node', 'node', 'get', SEED.node);
  await call('tagrules', 'tag');
  await call('tagrule', 'tag', 'get', SEED.tag);
  await call('add tagrule', 'tag', 'add', '{"name":"n","tag":"t"}');
  await call('update tagrule', 'tag', 'update', SEED.tag, '{"name":"m"}');
  await call('matcher', 'tag', SEED.tag, 'matcher', SEED.tag_matcher);
  await call('policies', 'policy');
  await call('policy', 'policy', 'get', SEED.policy);
  await call('models', 'model');
  await call('model', 'model', 'get', SEED.model);
  await call('model templates', 'model', 'templates');
  await call('brokers', 'broker');
  await call('broker', 'broker', 'get', SEED.broker);
  await call('active models', 'active_model');
  await call('active model', 'active_model', 'get', SEED.active_model);
  await call('bmcs', 'bmc');
  await call('bmc', 'bmc', 'get', SEED.bmc);
  await call('images', 'image');
  await call('remove model', 'model', 'remove', SEED.model);
  await call('remove all brokers', 'broker', 'remove', 'all', '{"yes":true}');
  expect(commands).toEqual({
    nodes: 'nodes_query_all',
    node: 'get_node_by_uuid',
    tagrules: 'tagrules_query_all',
    tagrule: 'get_tagrule_by_uuid',
    'add tagrule': 'add_tagrule',
    'update tagrule': 'update_tagrule',
    matcher: 'get_matcher_by_uuid',
    policies: 'policies_query_all',
    policy: 'get_policy_by_uuid',
    models: 'models_query_all',
    model: 'get_model_by_uuid',
    'model templates': 'get_all_templates',
    brokers: 'broker_instances_query_all',
    broker: 'get_broker_by_uuid',
    'active models': 'active_models_query_all',
    'active model': 'get_active_model_by_uuid',
    bmcs: 'bmc_query_all',
    bmc: 'get_bmc_by_uuid',
    images: 'images_query_all',
    'remove model': 'remove_model_by_uuid',
    // refused (a policy uses one), but named as the original named it
    'remove all brokers': 'remove_all_brokers',
  });
}, 60_000);

test('a puppet broker whose server is not a host name is refused with InvalidBrokerMetadata', async () => {
  const bad = { plugin: 'puppet', name: 'p', req_metadata_hash: { server: '---invalid-hostname---' } };
  const r = await web('broker', 'add', JSON.stringify(bad));
  expect(r).toMatchObject({
    std_err_code: 163,
    err_class: 'ProjectRazor::Error::Slice::InvalidBrokerMetadata',
  });
  const good = { ...bad, req_metadata_hash: { server: 'puppet-01.example.com' } };
  expect((await web('broker', 'add', JSON.stringify(good))).result).toBe('Created');
});

test('`razor broker add -p noop -n done` needs neither -r nor -d', async () => {
  const r = await razor('broker', 'add', '-p', 'noop', '-n', 'done');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/Description\s+=>\s+No hand-off: the node is done when the OS is installed/);
});

test('a policy naming a tag no rule produces is created, with a warning (stderr; `warnings` with -w)', async () => {
  const args = [
    'policy',
    'add',
    '-p',
    'linux_deploy',
    '-l',
    'typo',
    '-m',
    SEED.model_in_use,
    '-t',
    'dual_nik',
  ];
  const r = await razor(...args);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe(
    "razor: warning: no tag rule produces the tag 'dual_nik': this policy matches no node until one does\n",
  );
  expect(r.stdout).toMatch(/Label\s+=>\s+typo/);
  const input = {
    template: 'linux_deploy',
    label: 'typo2',
    model_uuid: SEED.model_in_use,
    tags: 'dual_nik,nics_2',
  };
  const w = await web('policy', 'add', JSON.stringify(input));
  expect(w.result).toBe('Created');
  expect(w.warnings).toEqual([
    "no tag rule produces the tag 'dual_nik': this policy matches no node until one does",
  ]);
  // A tag a rule does produce (the seeded rule's dual_nic; the system rules' nics_2): no warning.
  const fine = await web('policy', 'add', JSON.stringify({ ...input, label: 'ok', tags: 'dual_nic,nics_2' }));
  expect(fine.warnings).toBeUndefined();
});
