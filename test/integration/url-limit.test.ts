/**
 * URL length: a request target over 8 KiB is answered 414 with an error envelope on both ports,
 * before any route runs; one of exactly 8 KiB is served; past Node's 16 KiB header limit Node
 * itself answers 431. The daemon keeps serving either way.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';

let home: ReturnType<typeof tempHome>;
let d: DaemonProcess;
let imageUrl: string;

beforeAll(async () => {
  home = tempHome();
  await writeSeed(home.home);
  d = await startDaemon(home.home);
  imageUrl = `http://127.0.0.1:${/images\s+http:\/\/[^:]+:(\d+)\//.exec(d.output())?.[1]}`;
});
afterAll(async () => {
  await d.stop();
  home.cleanup();
});

/** A boot URL path whose request target is exactly `bytes` long. */
const target = (bytes: number) => {
  const head = '/razor/api/boot?hw_id=525400123456&pad=';
  return head + 'x'.repeat(bytes - head.length);
};

test('a request target of 8 KiB is served; one byte more is 414 with an envelope', async () => {
  const ok = await fetch(`${d.url}${target(8192)}`);
  expect(ok.status).toBe(200);
  expect((await ok.text()).startsWith('#!ipxe')).toBe(true);
  const long = await fetch(`${d.url}${target(8193)}`);
  expect(long.status).toBe(414);
  expect(await long.json()).toMatchObject({
    err_class: 'ProjectRazor::Error::Slice::UriTooLong',
    http_err_code: 414,
    result: 'the URL is 8193 bytes long; at most 8192 are accepted',
  });
});

test('the image port has the same limit', async () => {
  const long = await fetch(`${imageUrl}/razor/image/${'a'.repeat(9000)}`);
  expect(long.status).toBe(414);
  expect((await fetch(`${imageUrl}/razor/image/mk/none`)).status).toBe(404);
});

test("past Node's header limit Node answers 431; the daemon still serves", async () => {
  const huge = await fetch(`${d.url}${target(20_000)}`);
  expect(huge.status).toBe(431);
  expect((await fetch(`${d.url}/healthz`)).status).toBe(200);
});
