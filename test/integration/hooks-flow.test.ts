/**
 * Hooks see the whole life of nodes (issue 16): a real daemon, a script hook added with the CLI (a
 * shell script appending each event it gets on stdin to a file), and the HTTP flow — register, bind
 * to a policy of maximum_count 1 (policy exhausted), callbacks to os_complete, broker success, a
 * second node's install timing out in the daemon's sweep, unbind, node delete. The script receives
 * every event of the journal, each once, in order — all nine event types.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN, seedData, tempHome, writeSeed } from '../helpers/fixture.js';
import { runRazor, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { testEnv } from '../helpers/deps.js';
import { until } from '../helpers/poll.js';
import { EVENT_TYPES, type RazorEvent } from '../../lib/events/event-types.js';
import { parseEvents } from '../../lib/events/journal.js';

const home = tempHome('razor-hooks-flow-');
const out = join(home.home, 'events-seen.jsonl');
const OS = 'OsImage000000000000001';
let d: DaemonProcess;

beforeAll(async () => {
  const seed = seedData();
  // Only what the flow needs besides what it creates: the images and the admin token.
  const { image, token } = seed.collections;
  const os = {
    uuid: OS,
    created_at: '2026-01-01T00:00:00.000Z',
    type: 'os',
    name: 'debian',
    version: '12',
    status: 'valid',
  };
  await writeSeed(home.home, { ...seed, collections: { image: { ...image, [OS]: os }, token } });
  // A second node's install times out in the daemon's sweep; the first node's steps are far quicker.
  writeFileSync(join(home.home, 'config.yaml'), 'install_timeout: 8\ndaemon_min_cycle_time: 1\n');
  const script = join(home.home, 'record-event.sh');
  writeFileSync(script, `#!/bin/sh\ncat >> '${out}'\n`);
  chmodSync(script, 0o755);
  d = await startDaemon(home.home);
  const added = await runRazor(['hook', 'add', '--name', 'recorder', '--script', script], testEnv(home.home));
  expect(added).toMatchObject({ code: 0 });
}, 180_000);
afterAll(async () => {
  await d.stop();
  home.cleanup();
});

const api = async (method: string, path: string, body?: object) => {
  const res = await fetch(`${d.url}/razor/api/${path}`, {
    method,
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  expect({ path, status: res.status < 300 ? 'ok' : `${res.status} ${text}` }).toEqual({ path, status: 'ok' });
  return text.startsWith('{')
    ? (JSON.parse(text) as { response: Array<Record<string, string>> }).response
    : text;
};
const uuidOf = async (method: string, path: string, body: object) =>
  ((await api(method, path, body)) as Array<Record<string, string>>)[0]!.uuid!;
const register = async (mac: string, role: string) => {
  const res = await fetch(`${d.url}/razor/api/node/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hw_id: mac, last_state: 'idle', attributes_hash: { role, memorysize: '2 GB' } }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { response: { uuid: string } }).response.uuid;
};
const checkin = (mac: string) => api('GET', `node/checkin?hw_id=${mac}&last_state=idle`);
const activeModelOf = async (node: string) =>
  ((await api('GET', 'active_model')) as Array<Record<string, string>>).find((a) => a.node_uuid === node)!;
const seen = () => {
  try {
    return parseEvents(readFileSync(out, 'utf8'));
  } catch {
    return [];
  }
};

test('a script hook gets every event of the flow, each once, in order', async () => {
  const node1 = await register('525400aa0001', 'web');
  const tag = async (name: string) => {
    const uuid = await uuidOf('POST', 'tag', { name, tag: name });
    await api('POST', `tag/${uuid}/matcher`, { key: 'role', compare: 'equal', value: name });
  };
  await tag('web');
  await tag('db');
  const model = await uuidOf('POST', 'model', {
    template: 'debian_bookworm',
    label: 'bookworm',
    image_uuid: OS,
    req_metadata_hash: { hostname_prefix: 'web', domainname: 'example.com', root_password: 'correct-horse' },
  });
  const broker = await uuidOf('POST', 'broker', {
    plugin: 'puppet',
    name: 'prod',
    description: 'Puppet',
    req_metadata_hash: { server: 'puppet.example.com' },
  });
  const policy = { template: 'linux_deploy', model_uuid: model, enabled: true };
  await api('POST', 'policy', { ...policy, label: 'web', tags: ['web'], broker_uuid: broker, maximum: 1 });

  // Bound on its checkin (the policy is then full); through the install to the broker.
  await checkin('525400aa0001');
  const am1 = (await activeModelOf(node1)).uuid!;
  await api('GET', 'boot?hw_id=52:54:00:aa:00:01'); // the installer boots
  const preseed = (await api('GET', `policy/callback/${am1}/preseed/file`)) as string;
  const key = new RegExp(`callback/(${am1}\\.[0-9A-Za-z]{22})/preseed/start`).exec(preseed)?.[1];
  for (const step of ['preseed/start', 'preseed/end', 'postinstall/final', 'broker/script', 'broker/success'])
    await api('GET', `policy/callback/${key}/${step}`);
  expect((await activeModelOf(node1)).state).toBe('broker_success');

  // A second node, bound to another policy, never calls back: the sweep times its install out.
  const node2 = await register('525400aa0002', 'db');
  await api('POST', 'policy', { ...policy, label: 'db', tags: ['db'] });
  await checkin('525400aa0002');
  await until('the second install to time out', async () =>
    (await activeModelOf(node2)).state === 'timeout_error' ? true : undefined,
  );

  // Unbind the first node, then delete it.
  await api('DELETE', `active_model/${am1}`);
  await api('DELETE', `node/${node1}`);

  const got = await until('the node-deleted event at the hook', () =>
    seen().some((e) => e.type === 'node-deleted') ? seen() : undefined,
  );
  // Exactly the journal's events, each once, in order.
  const journal = parseEvents(readFileSync(join(home.home, 'events', 'events.jsonl'), 'utf8'));
  expect(got).toEqual(journal);
  expect(got.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
  expect(new Set(got.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
  const of = (node: string) => got.filter((e: RazorEvent) => e.node_uuid === node).map((e) => e.type);
  expect(of(node1)).toEqual([
    'node-registered',
    'node-bound',
    'policy-exhausted',
    'node-state-changed', // init → preinstall
    'node-state-changed', // → postinstall
    'node-state-changed', // → os_complete
    'node-install-finished',
    'node-state-changed', // → broker_wait
    'node-state-changed', // → broker_success
    'broker-finished',
    'node-unbound',
    'node-deleted',
  ]);
  expect(of(node2)).toEqual(['node-registered', 'node-bound', 'node-state-changed', 'node-install-failed']);

  // `hook list` shows the deliveries.
  const listed = await until('the status file to count every delivery', async () => {
    const run = await runRazor(['-w', 'hook', 'list'], testEnv(home.home));
    const [row] = (JSON.parse(run.stdout) as { response: Array<{ status: Record<string, number> }> })
      .response;
    return row?.status.delivered === got.length ? row : undefined;
  });
  expect(listed.status).toMatchObject({ queue_depth: 0, failed: 0, dropped: 0 });
}, 240_000);
