/**
 * A daemon started with `--port 0` (and image port 0) tells nodes the ports it really bound, in
 * both invoke modes: the Microkernel's kernel and initrd URLs name the image port, and its
 * `razor.port` the API port — never port 0 (found by the manual's command test).
 */
import { afterAll, expect, test } from '@jest/globals';
import { tempHome, writeSeed } from '../helpers/fixture.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { seedWithAdmin } from '../helpers/from-address.js';

const homes: ReturnType<typeof tempHome>[] = [];
const daemons: DaemonProcess[] = [];
afterAll(async () => {
  await Promise.all(daemons.map((d) => d.stop()));
  homes.forEach((h) => h.cleanup());
});

test.each([['inprocess'], ['spawn']])('invoke %s: the boot script names the bound ports', async (mode) => {
  const home = tempHome();
  homes.push(home);
  await writeSeed(home.home, seedWithAdmin());
  const d = await startDaemon(home.home, ['--invoke', mode]);
  daemons.push(d);
  const imagePort = Number(/images\s+http:\/\/[^:]+:(\d+)\//.exec(d.output())?.[1]);
  expect(imagePort).toBeGreaterThan(0);
  const script = await (await fetch(`${d.url}/razor/api/boot?hw_id=525400abcdef`)).text();
  expect(script).toContain(`kernel http://10.0.2.2:${imagePort}/razor/image/mk/`);
  expect(script).toContain(`initrd http://10.0.2.2:${imagePort}/razor/image/mk/`);
  expect(script).toContain(`razor.port=${d.port} `);
  expect(script).not.toMatch(/:0\/|razor\.port=0\b/);
});
