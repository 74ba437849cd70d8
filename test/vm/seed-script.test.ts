/**
 * Scenario (e), the seed's own script: the razor.ipxe text of the seed document
 * (fixtures/seed-razor.ipxe: the `#!ipxe` block verbatim, its `$\n{net4/mac}` line break — a typo
 * of the document — joined) with only the server address changed, boots a VM into the
 * Microkernel, which registers. It chains without dhcp_mac, the older form razor still accepts.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vmSuite } from './lib/suite.js';
import { Lab } from './lib/lab.js';

const SEED = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'seed-razor.ipxe'),
  'utf8',
);
const SEED_SERVER = 'http://168.1.43.39:8026';
let lab: Lab;

vmSuite('VM seed razor.ipxe')("the seed's razor.ipxe boots the Microkernel", () => {
  beforeAll(async () => {
    lab = await Lab.start();
  });
  afterAll(async () => lab?.stop());

  test('only the server address changed, the machine is discovered', async () => {
    const script = SEED.replace(SEED_SERVER, `http://10.0.2.2:${lab.apiPort}`);
    // Nothing but the address differs, and the seed's address is gone.
    const [a, b] = [SEED.split('\n'), script.split('\n')];
    expect(b).toHaveLength(a.length);
    expect(a.filter((line, i) => line !== b[i])).toEqual([expect.stringContaining(SEED_SERVER)]);
    expect(script).not.toContain('168.1.43.39');
    writeFileSync(join(lab.tftp, 'seed.ipxe'), script);

    const vm = lab.boot({
      name: 'seed-a',
      bootfile: 'seed.ipxe',
      nics: [{ model: 'virtio-net-pci', mac: '52:54:00:f0:00:01' }],
      memMiB: 512,
      cpus: 1,
    });
    await lab.check(async () => {
      const node = await lab.until('the machine registered', () => lab.node(vm.hwId), 180_000);
      expect(node.attributes).toMatchObject({ macaddress_eth0: '52:54:00:f0:00:01', mk_hw_nic_count: '1' });
      const boot = (await lab.loggedRequests()).find((r) => r.url.startsWith('/razor/api/boot?'));
      expect(boot?.url).toBe('/razor/api/boot?hw_id=52%3A54%3A00%3Af0%3A00%3A01_______');
      expect(vm.serial()).toContain('seed.ipxe : ');
      expect(vm.serial()).toMatch(/registered 525400F00001: \d+ facts/);
    });
  }, 300_000);
});
