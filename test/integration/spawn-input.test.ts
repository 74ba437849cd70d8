/**
 * `razor daemon --invoke spawn` takes bodies of any accepted size (issue 10): the input travels on
 * the child's standard input, not as an argument (Linux refuses one over 128 KiB: a 140 KiB
 * register answered 500 "spawn E2BIG"). A spawn daemon and an in-process daemon over identical
 * stores give the same status and body for large and odd inputs.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';

const LIMIT = 1 << 20; // the default body_limit_bytes
const HW = '525400123456'; // the seeded node, so both daemons answer with the same UUID
const homes: Array<ReturnType<typeof tempHome>> = [];
let spawned: DaemonProcess;
let inProcess: DaemonProcess;

beforeAll(async () => {
  const start = async (mode: string) => {
    const h = tempHome();
    homes.push(h);
    await writeSeed(h.home);
    return startDaemon(h.home, ['--invoke', mode], { RAZOR_INSTALL_TIMEOUT: '1000000000' });
  };
  [spawned, inProcess] = await Promise.all([start('spawn'), start('inprocess')]);
});
afterAll(async () => {
  await Promise.all([spawned?.stop(), inProcess?.stop()]);
  for (const h of homes) h.cleanup();
});

/** A register body of about `bytes` bytes: the node's facts padded out. */
function registerBody(bytes: number): string {
  const base = {
    hw_id: HW,
    last_state: 'idle',
    attributes_hash: { mk_hw_nic_count: '2' } as Record<string, string>,
  };
  const room = bytes - JSON.stringify(base).length;
  for (let i = 0; room - i * 1034 > 1034; i++)
    base.attributes_hash[`pad_${String(i).padStart(4, '0')}`] = 'x'.repeat(1020);
  return JSON.stringify(base);
}

/**
 * The same request to both daemons: status and body, with what differs between two daemons
 * masked — timestamps, and the API port each really bound (nodes are told it: `mk_uri`).
 */
async function both(path: string, init: RequestInit) {
  const mask = (s: string, port: number) =>
    s.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>').replaceAll(`:${port}`, ':<port>');
  const one = async (d: DaemonProcess) => {
    const res = await fetch(`${d.url}${path}`, init);
    return { status: res.status, body: mask(await res.text(), d.port) };
  };
  const [s, i] = [await one(spawned), await one(inProcess)];
  expect(s).toEqual(i);
  return s;
}
const json = (body: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body,
});
const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

test.each([
  ['140 KiB', 140 * 1024],
  ['just under body_limit_bytes', LIMIT - 2048],
])('a %s register body: 200 from both, the same answer', async (_name, bytes) => {
  const body = registerBody(bytes);
  expect(body.length).toBeGreaterThan(bytes - 2100);
  expect(body.length).toBeLessThanOrEqual(bytes);
  const r = await both('/razor/api/node/register', json(body));
  expect(r.status).toBe(200);
  expect(r.body).toContain('pad_0100');
  // The Microkernel's way: a form field json_hash (percent-encoding makes it larger; 140 KiB fits).
  if (bytes < LIMIT / 2) {
    expect((await both('/razor/api/node/register', form({ json_hash: body }))).status).toBe(200);
  }
});

test('odd json_hash texts are answered alike', async () => {
  for (const text of ['garbage', '', 'null', '  {"hw_id":"525400123456"}', '[1]', '"a"']) {
    const r = await both('/razor/api/node/register', form({ json_hash: text }));
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
  }
  expect((await both('/razor/api/node/register', json('x'.repeat(LIMIT + 1)))).status).toBe(413);
});
