/**
 * Scenario (d), UEFI: discovery again, with OVMF firmware and iPXE's EFI option ROM on the NIC
 * (the ROM's own LoadFile boots razor.ipxe; iPXE then boots the MK kernel through its EFI stub).
 * Debian's iPXE (2019) predates the LoadFile2 initrd protocol, so under UEFI the kernel only finds
 * the initrd when its command line names it: razor's MK script says `initrd=<name>` for that.
 * A VM suite; also needs the ovmf package.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { vmSuite } from './lib/suite.js';
import { Lab, type NodeView } from './lib/lab.js';

let lab: Lab;

vmSuite('VM UEFI discovery', { uefi: true })('UEFI discovery: OVMF → iPXE EFI ROM → Microkernel', () => {
  beforeAll(async () => {
    lab = await Lab.start();
  });
  afterAll(async () => lab?.stop());

  test('a UEFI machine is registered with its hardware and firmware', async () => {
    const vm = lab.boot({
      name: 'uefi-a',
      firmware: 'uefi',
      nics: [{ model: 'virtio-net-pci', mac: '52:54:00:e0:00:01' }],
      memMiB: 1536,
      cpus: 2,
    });
    await lab.check(async () => {
      await lab.until('the UEFI machine registered', () => lab.node(vm.hwId), 180_000);
      const nodes = (await lab.razor(['node'])).response as NodeView[];
      const node = nodes.find((n) => n.hw_id.includes(vm.hwId));
      expect(node?.attributes).toMatchObject({
        mk_hw_fw_type: 'UEFI',
        mk_hw_fw_vendor: expect.stringMatching(/OVMF|EDK/),
        mk_hw_mem_size: '1536MiB',
        mk_hw_cpu_count: '2',
        mk_hw_nic_count: '1',
        macaddress_eth0: '52:54:00:e0:00:01',
      });
      expect(node?.tags).toEqual(
        expect.arrayContaining([
          'cpus_2',
          'memsize_1536MiB',
          'nics_1',
          expect.stringMatching(/^(qemu|kvm)_vm$/),
        ]),
      );
      expect(vm.serial()).toMatch(/iPXE .*Features: .*EFI/s);
    });
  }, 300_000);
});
