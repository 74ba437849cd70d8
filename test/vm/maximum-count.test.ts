/**
 * Scenario (c), maximum count: two machines match a policy with maximum_count 1. Exactly one is
 * bound — its Microkernel is told `reboot` and the VM resets (QEMU exits, -no-reboot) — and the
 * other keeps checking in and being acknowledged, unbound. A VM suite.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RAZOR } from '../helpers/daemon.js';
import { vmSuite } from './lib/suite.js';
import { Lab, type NodeView } from './lib/lab.js';
import type { Vm } from './lib/qemu.js';

const run = promisify(execFile);
let lab: Lab;

interface Created {
  response: { uuid: string }[];
}

/** The UUID of what a `razor -w … add` created. */
const uuidOf = (c: Created): string => {
  const uuid = c.response[0]?.uuid;
  if (!uuid) throw new Error(`razor created nothing: ${JSON.stringify(c)}`);
  return uuid;
};

/** A remote OS image (never fetched: the bound VM stops at its reboot), a model, a tag, a policy. */
async function policyForBoth(): Promise<string> {
  // The URL is the lab's own loopback address: nothing outside is named, let alone contacted.
  await run(
    RAZOR,
    [
      'image',
      'add',
      '-t',
      'os',
      '--url',
      `http://10.0.2.2:${lab.apiPort}/none`,
      '-n',
      'debian',
      '-v',
      '12',
    ].concat(['-k', 'linux', '-i', 'initrd.gz']),
    { env: lab.env },
  );
  const image = ((await lab.razor(['image'])).response as { uuid: string; type: string }[]).find(
    (i) => i.type === 'os',
  );
  const model = (await lab.razor([
    'model',
    'add',
    JSON.stringify({
      template: 'debian_bookworm',
      label: 'lab',
      image_uuid: image?.uuid,
      req_metadata_hash: {
        hostname_prefix: 'lab',
        domainname: 'example.com',
        root_password: 'correct-horse',
      },
    }),
  ])) as Created;
  const tag = (await lab.razor([
    'tag',
    'add',
    JSON.stringify({ name: 'lab vms', tag: 'lab_vm' }),
  ])) as Created;
  await lab.razor([
    'tag',
    uuidOf(tag),
    'matcher',
    'add',
    JSON.stringify({ key: 'is_virtual', compare: 'equal', value: 'true' }),
  ]);
  const policy = (await lab.razor([
    'policy',
    'add',
    JSON.stringify({
      template: 'linux_deploy',
      label: 'just one',
      model_uuid: uuidOf(model),
      tags: 'lab_vm',
      enabled: true,
      maximum: 1,
    }),
  ])) as Created;
  return uuidOf(policy);
}

const acks = (vm: Vm) => (vm.serial().match(/checkin \S+ -> acknowledge/g) ?? []).length;

vmSuite('VM maximum count')('maximum_count: one of two matching machines is bound', () => {
  beforeAll(async () => {
    lab = await Lab.start();
  });
  afterAll(async () => lab?.stop());

  test('exactly one is bound and rebooted; the other stays acknowledged', async () => {
    const policy = await policyForBoth();
    const vms = [
      lab.boot({
        name: 'max-a',
        nics: [{ model: 'virtio-net-pci', mac: '52:54:00:d0:00:01' }],
        memMiB: 512,
        cpus: 1,
      }),
      lab.boot({
        name: 'max-b',
        nics: [{ model: 'virtio-net-pci', mac: '52:54:00:d0:00:02' }],
        memMiB: 512,
        cpus: 2,
      }),
    ];
    await lab.check(async () => {
      // The bound machine's MK hears `reboot` and resets: with -no-reboot QEMU exits.
      const bound = await Promise.race([
        ...vms.map((vm) => vm.exited.then(() => vm)),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('no VM was told to reboot within 150 s')), 150_000).unref(),
        ),
      ]);
      const other = vms.find((vm) => vm !== bound) as Vm;
      expect(bound.serial()).toMatch(/checkin \S+ -> reboot/);
      expect(bound.serial()).toMatch(/rebooting as razor asks/);
      // The other one keeps checking in: two more acknowledgements after the reboot.
      const before = acks(other);
      await lab.until(
        'two more checkins of the unbound machine',
        async () => acks(other) >= before + 2,
        60_000,
      );
      expect(other.running).toBe(true);
      expect(other.serial()).not.toMatch(/-> reboot/);

      const ams = (await lab.razor(['active_model'])).response as { node_uuid: string }[];
      expect(ams).toHaveLength(1);
      const nodes = (await lab.razor(['node'])).response as NodeView[];
      const node = (vm: Vm) => nodes.find((n) => n.hw_id.includes(vm.hwId));
      expect(ams[0]?.node_uuid).toBe(node(bound)?.uuid);
      expect(node(bound)?.status).toBe('bound');
      expect(node(other)?.status).toBe('active');
      expect(node(other)?.tags).toContain('lab_vm');
      const [p] = (await lab.razor(['policy', policy])).response as Record<string, unknown>[];
      expect(p).toMatchObject({ maximum_count: 1, current_count: 1 });
    });
  }, 300_000);
});
