/**
 * Scenario (a), discovery: three new machines at once — distinct MACs, memory, CPU and NIC counts,
 * one with a disk — go PXE → iPXE (razor.ipxe from `razor config ipxe`) → the Microkernel →
 * registered; `razor -w node` shows their real memory, CPUs, NICs and MACs and the system tags.
 * A VM suite (QEMU TCG, real daemon, real MK ISO built by scripts/build-mk.sh).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { vmSuite } from './lib/suite.js';
import { Lab, type NodeView } from './lib/lab.js';
import type { VmSpec } from './lib/qemu.js';

interface Expected {
  mem: string;
  disks: number;
}

const MACHINES: [VmSpec, Expected][] = [
  [
    { name: 'disc-a', nics: [{ model: 'e1000', mac: '52:54:00:a0:00:01' }], memMiB: 512, cpus: 1 },
    { mem: '512MiB', disks: 0 },
  ],
  [
    {
      name: 'disc-b',
      nics: [
        { model: 'virtio-net-pci', mac: '52:54:00:b0:00:01' },
        { model: 'e1000e', mac: '52:54:00:b0:00:02' },
      ],
      memMiB: 768,
      cpus: 2,
      disksMiB: [64],
    },
    { mem: '768MiB', disks: 1 },
  ],
  [
    {
      name: 'disc-c',
      nics: [
        { model: 'e1000e', mac: '52:54:00:c0:00:01' },
        { model: 'virtio-net-pci', mac: '52:54:00:c0:00:02' },
        { model: 'e1000', mac: '52:54:00:c0:00:03' },
      ],
      memMiB: 1024,
      cpus: 3,
    },
    { mem: '1GiB', disks: 0 },
  ],
];

const complete = (n: NodeView | undefined, spec: VmSpec, want: Expected) =>
  n?.attributes.mk_hw_nic_count === String(spec.nics.length) &&
  n.attributes.mk_hw_disk_count === String(want.disks) &&
  n.hw_id.length === spec.nics.length;

let lab: Lab;

vmSuite('VM discovery')('discovery: iPXE → Microkernel → registered', () => {
  beforeAll(async () => {
    lab = await Lab.start();
  });
  afterAll(async () => lab?.stop());

  test('three machines at once are registered with their real hardware', async () => {
    const booted = MACHINES.map(([spec, want]) => ({ spec, want, vm: lab.boot(spec) }));
    await lab.check(async () => {
      for (const { spec, want, vm } of booted) {
        await lab.until(
          `${spec.name} registered with all its facts`,
          async () => complete(await lab.node(vm.hwId), spec, want),
          150_000,
        );
      }
      const nodes = (await lab.razor(['node'])).response as NodeView[];
      for (const { spec, want, vm } of booted) {
        const node = nodes.find((n) => n.hw_id.includes(vm.hwId.split('_')[0] ?? ''));
        expect(node?.hw_id.slice().sort()).toEqual(vm.hwId.split('_').sort());
        const macs = Object.fromEntries(spec.nics.map((nic, i) => [`macaddress_eth${i}`, nic.mac]));
        expect(node?.attributes).toMatchObject({
          mk_hw_mem_size: want.mem,
          mk_hw_cpu_count: String(spec.cpus),
          processorcount: String(spec.cpus),
          mk_hw_nic_count: String(spec.nics.length),
          mk_hw_disk_count: String(want.disks),
          mk_hw_bus_vendor: 'QEMU',
          manufacturer: 'QEMU',
          is_virtual: 'true',
          virtual: expect.stringMatching(/^(qemu|kvm)$/),
          mk_hw_fw_vendor: 'SeaBIOS',
        });
        // NICs are named in probe order, not PCI order: compare the set of MACs.
        const seen = Object.entries(node?.attributes ?? {}).filter(([k]) => k.startsWith('macaddress_eth'));
        expect(seen.map(([, v]) => v).sort()).toEqual(Object.values(macs).sort());
        expect(node?.tags).toEqual(
          expect.arrayContaining([
            `cpus_${spec.cpus}`,
            `memsize_${want.mem}`,
            `nics_${spec.nics.length}`,
            'QEMU',
            expect.stringMatching(/^(qemu|kvm)_vm$/),
          ]),
        );
        expect(node?.status).toBe('active');
        if (want.disks) expect(node?.attributes.mk_hw_disk0_size).toBe('64MiB');
      }
      // Every VM was served the Microkernel by the boot endpoint and checks in periodically.
      const urls = (await lab.loggedRequests()).map((r) => r.url);
      expect(urls.filter((u) => u.startsWith('/razor/api/boot?')).length).toBeGreaterThanOrEqual(3);
      for (const vm of lab.vms) await vm.waitForSerial(/checkin \S+ -> acknowledge/, 30_000);
    });
  }, 300_000);
});
