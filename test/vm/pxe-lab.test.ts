/**
 * The PXE lab (issue 17): real firmware boots beside a site DHCP server razor does not control
 * (dnsmasq, no PXE options), with razor's built-in ProxyDHCP and TFTP, to the Microkernel's first
 * checkin — all inside network namespaces the suite makes and removes (test/vm/lib/pxe-lab.ts).
 *
 * Firmware paths exercised:
 * - UEFI: OVMF's own PXE client (EDK2 PxeBc over VirtioNetDxe; no iPXE ROM on the NIC) → the site
 *   DHCP's address + razor's ProxyDHCP offer (port 67) and ACK (port 4011) naming snponly.efi → TFTP
 *   snponly.efi from razor → iPXE → ProxyDHCP again, now user class iPXE → razor's HTTP boot URL →
 *   the Microkernel → checkin.
 * - BIOS: SeaBIOS runs the NIC's option ROM, which in QEMU (Debian's ipxe-qemu) *is* iPXE: it is the
 *   PXE client, sends user class iPXE on its first DHCP, so razor's ProxyDHCP gives it the HTTP boot
 *   URL at once and no undionly.kpxe is fetched (no legacy PXE ROM other than iPXE exists here;
 *   undionly.kpxe over TFTP is covered by test/integration/tftp.test.ts and the fuzzer).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { vmPrerequisites } from './lib/env.js';
import { PxeLab, LAB_ADDRESS } from './lib/pxe-lab.js';
import { netnsProbe } from '../helpers/netns.js';
import { commandProbe, systemAvailable } from '../helpers/system.js';
import { until } from '../helpers/poll.js';
import type { Vm } from './lib/qemu.js';

const ready =
  vmPrerequisites('PXE lab', { uefi: true }) &&
  systemAvailable('PXE lab: network namespaces', netnsProbe) &&
  systemAvailable('PXE lab: dnsmasq', commandProbe('dnsmasq', ['--version']));
const suite = ready ? describe : describe.skip;
const BOOT_MS = Number(process.env.RAZOR_PXE_LAB_BOOT_MS ?? 600_000);

let lab: PxeLab;

/** Waits for the MK's first checkin from `vm` (the node with its MAC, checked in); the seconds it took. */
async function firstCheckin(vm: Vm, mac: string): Promise<number> {
  const node = await until(
    `${vm.spec.name} (${mac}) checked in`,
    async () => {
      const n = await lab.node(mac);
      return n && (n as { checked_in_at?: string }).checked_in_at ? n : undefined;
    },
    BOOT_MS,
    1000,
  );
  expect(node.hw_id).toContain(mac.replace(/:/g, '').toUpperCase());
  const seconds = (Date.now() - vm.startedAt) / 1000;
  process.stderr.write(
    `PXE lab: ${vm.spec.name} reached the MK's first checkin in ${seconds.toFixed(1)} s\n`,
  );
  return seconds;
}

const offered = (mac: string, file: (f: string) => boolean) =>
  lab
    .pxeLog()
    .filter((l) => l.msg === 'proxydhcp: boot file offered' && l.mac === mac && file(String(l.file)));
const bootUrl = (f: string) => f.startsWith(`http://${LAB_ADDRESS}:8026/razor/api/boot?`);

suite('PXE lab: plain site DHCP + razor ProxyDHCP/TFTP → Microkernel', () => {
  beforeAll(async () => {
    lab = await PxeLab.start();
  });
  afterAll(async () => lab?.stop());

  test(
    'UEFI: OVMF PXE → ProxyDHCP → TFTP snponly.efi → iPXE → razor HTTP boot → MK checkin',
    async () => {
      const mac = '52:54:00:77:00:02';
      const vm = await lab.boot({
        name: 'pxe-uefi',
        firmware: 'uefi',
        firmwarePxe: true,
        nics: [{ model: 'virtio-net-pci', mac }],
        memMiB: 1536,
        cpus: 1,
      });
      await lab.check(async () => {
        await firstCheckin(vm, mac);
        // OVMF asked on 67 and 4011 and got snponly.efi, fetched it whole over TFTP; iPXE got the URL.
        const efi = offered(mac, (f) => f === 'snponly.efi').map((l) => l.port);
        expect(efi).toEqual(expect.arrayContaining(['dhcp', 'pxe']));
        const fetched = lab
          .pxeLog()
          .filter((l) => l.msg === 'tftp: transfer ended' && l.file === 'snponly.efi');
        expect(fetched.map((l) => l.end)).toContain('complete');
        expect(offered(mac, bootUrl).length).toBeGreaterThan(0);
        // The address came from the site's DHCP server, which knows nothing of PXE.
        expect(lab.siteDhcp.output()).toMatch(new RegExp(`DHCPACK\\(eth0\\) 192\\.168\\.77\\.\\d+ ${mac}`));
      });
    },
    BOOT_MS + 60_000,
  );

  test(
    "BIOS: SeaBIOS + the NIC's iPXE ROM → ProxyDHCP → razor HTTP boot → MK checkin",
    async () => {
      const mac = '52:54:00:77:00:01';
      const vm = await lab.boot({
        name: 'pxe-bios',
        firmware: 'bios',
        nics: [{ model: 'e1000', mac }],
        memMiB: 1024,
        cpus: 1,
      });
      await lab.check(async () => {
        await firstCheckin(vm, mac);
        expect(offered(mac, bootUrl).length).toBeGreaterThan(0);
        expect(vm.serial()).toMatch(/iPXE .*Features: .*PXE/s);
        expect(lab.siteDhcp.output()).toMatch(new RegExp(`DHCPACK\\(eth0\\) 192\\.168\\.77\\.\\d+ ${mac}`));
      });
    },
    BOOT_MS + 60_000,
  );
});
