/**
 * Malformed requests to the node-facing routes — boot, checkin, register, callbacks — get a clear
 * 4xx (an error envelope naming the problem) or, for boot, a valid iPXE error script; never a 500.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
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

const hostile: [string, string, object | string | undefined][] = [
  ['GET', '/razor/api/node/checkin', undefined],
  ['GET', '/razor/api/node/checkin?hw_id=525400123456', undefined],
  ['GET', '/razor/api/node/checkin?last_state=idle', undefined],
  ['GET', '/razor/api/node/checkin?hw_id=zz&last_state=idle', undefined],
  ['GET', '/razor/api/node/checkin?hw_id=____&last_state=idle', undefined],
  ['GET', '/razor/api/node/checkin?hw_id=525400123456&last_state=idle&first_checkin=maybe', undefined],
  ['GET', '/razor/api/node/checkin?hw_id=525400123456&hw_id=x&last_state=idle', undefined],
  ['GET', '/razor/api/node/checkin?json_hash={', undefined],
  ['GET', '/razor/api/node/checkin?json_hash=[]', undefined],
  ['GET', `/razor/api/node/checkin?hw_id=${long}&last_state=idle`, undefined],
  ['POST', '/razor/api/node/register', { json_hash: '{' }],
  ['POST', '/razor/api/node/register', { json_hash: 'null' }],
  ['POST', '/razor/api/node/register', { hw_id: '525400123456', attributes_hash: 'x', last_state: 'idle' }],
  ['POST', '/razor/api/node/register', { hw_id: '525400123456', attributes_hash: {}, last_state: 'idle' }],
  ['POST', '/razor/api/node/register', { hw_id: '', attributes_hash: { a: 1 }, last_state: 'idle' }],
  ['POST', '/razor/api/node/register', { hw_id: 'nope', attributes_hash: { a: 1 }, last_state: 'idle' }],
  ['POST', '/razor/api/node/register', '[1,2,3]'],
  ['POST', '/razor/api/node/register', '{"@hw_id": 5}'],
  ['GET', '/razor/api/node/register', undefined],
  ['GET', '/razor/api/policy/callback', undefined],
  ['GET', '/razor/api/policy/callback/Zz9Zz9Zz9Zz9Zz9Zz9Zz9Z/preseed/file', undefined],
  ['GET', '/razor/api/policy/callback/bad*uuid/preseed/file', undefined],
  ['GET', `/razor/api/policy/callback/${SEED.active_model}`, undefined],
  ['GET', `/razor/api/policy/callback/${SEED.active_model}/nosuchns/file`, undefined],
  ['GET', `/razor/api/policy/callback/${SEED.active_model}/preseed/nosuchaction`, undefined],
  ['GET', `/razor/api/policy/callback/${SEED.active_model}/postinstall/send_ips/not-an-ip`, undefined],
  ['GET', `/razor/api/policy/callback/${SEED.active_model}/postinstall/send_ips`, undefined],
  ['GET', `/razor/api/policy/callback/${SEED.active_model}/..%2F..%2Fetc/passwd`, undefined],
  ['GET', `/razor/api/policy/callback/${SEED.active_model}/preseed/${'x'.repeat(300)}`, undefined],
  ['GET', `/razor/api/policy/callback/${SEED.active_model}/preseed/%00`, undefined],
  ['POST', `/razor/api/policy/callback/${SEED.active_model}/preseed/file`, {}],
  ['GET', '/razor/api/policy/callback/Seed/preseed/file', undefined],
];

test('a hw_id with many MACs is still one node lookup (the Microkernel for an unknown machine)', async () => {
  const hw = Array.from({ length: 100 }, (_, i) => `52:54:00:00:01:${String(i).padStart(2, '0')}`).join('_');
  const res = await request(app).get(`/razor/api/boot?hw_id=${hw}`);
  expect(res.status).toBe(200);
  expect(res.text).toContain(`/razor/image/mk/${SEED.mk_image}/boot/vmlinuz initrd=initrd.gz maxcpus=1`);
});

describe('checkin, register and callbacks answer 4xx to bad requests', () => {
  test.each(hostile)('%s %s', async (method, url, body) => {
    const agent = request(app);
    const req = method === 'GET' ? agent.get(url) : agent.post(url);
    const res =
      typeof body === 'string' ? await req.type('json').send(body) : body ? await req.send(body) : await req;
    expect({ url, status: res.status }).toEqual({ url, status: expect.any(Number) });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    if (res.type === 'application/json') {
      const env = JSON.parse(res.text);
      expect(env.std_err_code).toBeGreaterThan(100);
      expect(env.result.length).toBeGreaterThan(10);
    }
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
