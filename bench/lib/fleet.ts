/**
 * A generated fleet for the boot benchmark: a razor store with a Microkernel image, a Debian 12
 * image and N registered nodes (two distinct MACs each, Microkernel-style facts from a seeded
 * PRNG, so every run stores the same fleet). Written straight into `$RAZOR_HOME/razor.json` with
 * the store's own atomic writer, `rev` first as the store requires.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/store/atomic-file.js';
import type { NodeDoc } from '../../lib/domain/documents.js';

export const MK_IMAGE = 'BenchMkImage0000000001';
export const OS_IMAGE = 'BenchOsImage0000000001';

/** The node the benchmark binds and boots. */
export interface Target {
  uuid: string;
  /** The MACs as iPXE sends them: lower case with colons. */
  macs: [string, string];
  serial: string;
}

/** mulberry32: a small seeded PRNG, so the fleet is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HARDWARE = [
  { oui: '002590', vendor: 'Supermicro', product: 'SYS-1029P-WTR', bus: 'Intel', virtual: false },
  { oui: '246E96', vendor: 'Dell Inc.', product: 'PowerEdge R640', bus: 'Broadcom', virtual: false },
  { oui: '9440C9', vendor: 'HPE', product: 'ProLiant DL360 Gen10', bus: 'Intel', virtual: false },
  { oui: '525400', vendor: 'QEMU', product: 'Standard PC (Q35 + ICH9, 2009)', bus: 'QEMU', virtual: true },
] as const;
const CPUS = ['Intel(R) Xeon(R) Silver 4214R CPU @ 2.40GHz', 'AMD EPYC 7302P 16-Core Processor'];

const hex = (n: number, digits: number) => n.toString(16).toUpperCase().padStart(digits, '0');
const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
const colons = (mac: string) => mac.toLowerCase().replace(/(..)(?!$)/g, '$1:');
/** A 22-character base62 uuid derived from the node number (distinct, valid, stable). */
const nodeUuid = (i: number) => `BenchNode${String(i).padStart(13, '0')}`;

/** One node: MACs `<oui><serial>` (OUI + node number, so all MACs are distinct), facts as a MK reports. */
export function fleetNode(i: number, rnd: () => number, now: string): NodeDoc {
  const hw = pick(rnd, HARDWARE);
  const macs = [0, 1].map((nic) => `${hw.oui}${hex(i * 2 + nic, 6)}`);
  const [eth0, eth1] = macs.map(colons) as [string, string];
  const cpus = hw.virtual ? pick(rnd, [2, 4, 8]) : pick(rnd, [16, 32, 48, 64]);
  const memGiB = hw.virtual ? pick(rnd, [2, 4, 8, 16]) : pick(rnd, [64, 128, 256, 384]);
  const disks = hw.virtual ? 1 : pick(rnd, [2, 4]);
  const serial = hw.virtual ? `QEMU-${hex(i, 8)}` : `S${hex(Math.floor(rnd() * 0xffffff), 6)}${hex(i, 5)}`;
  const attributes: Record<string, unknown> = {
    architecture: 'x86_64',
    hardwaremodel: 'x86_64',
    manufacturer: hw.vendor,
    productname: hw.product,
    serialnumber: serial,
    bios_vendor: hw.virtual ? 'SeaBIOS' : hw.vendor,
    bios_version: hw.virtual
      ? '1.16.2-debian-1.16.2-1'
      : `2.${Math.floor(rnd() * 20)}.${Math.floor(rnd() * 9)}`,
    is_virtual: String(hw.virtual),
    virtual: hw.virtual ? 'kvm' : 'physical',
    processorcount: String(cpus),
    processor0: pick(rnd, CPUS),
    memorysize: `${(memGiB * 0.98).toFixed(2)} GB`,
    interfaces: 'eth0,eth1,lo',
    macaddress: eth0,
    macaddress_eth0: eth0,
    macaddress_eth1: eth1,
    ipaddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    ipaddress_eth0: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    netmask: '255.0.0.0',
    blockdevices: ['sda', 'sdb', 'sdc', 'sdd'].slice(0, disks).join(','),
    blockdevice_sda_size: String(480103981056),
    mk_version: '1.0.0',
    mk_hw_cpu_count: String(cpus),
    mk_hw_cpu0_model: pick(rnd, CPUS),
    mk_hw_mem_size: `${memGiB}GiB`,
    mk_hw_nic_count: '2',
    mk_hw_nic0_mac: eth0,
    mk_hw_nic1_mac: eth1,
    mk_hw_disk_count: String(disks),
    mk_hw_bus_vendor: hw.bus,
  };
  return {
    uuid: nodeUuid(i),
    created_at: now,
    checked_in_at: now,
    hw_id: macs,
    attributes,
    last_state: 'idle',
    dhcp_mac: null,
  };
}

/** Writes a store of `count` nodes into `home`; returns node number `targetIndex`. */
export async function writeFleet(home: string, count: number, targetIndex: number): Promise<Target> {
  const rnd = prng(0x5eed);
  // Recent checkins: a node that checked in more than register_timeout ago is told to register.
  const now = new Date().toISOString();
  const at = '2026-01-01T00:00:00.000Z';
  const nodes: Record<string, NodeDoc> = {};
  for (let i = 0; i < count; i++) {
    const n = fleetNode(i, rnd, now);
    nodes[n.uuid] = n;
  }
  const image = {
    [MK_IMAGE]: {
      uuid: MK_IMAGE,
      created_at: at,
      type: 'mk',
      name: 'razor-mk',
      version: '1.0.0',
      status: 'valid',
      kernel: 'vmlinuz',
      initrd: 'initrd.gz',
    },
    [OS_IMAGE]: {
      uuid: OS_IMAGE,
      created_at: at,
      type: 'os',
      name: 'debian',
      version: '12',
      status: 'valid',
    },
  };
  await writeFileAtomic(
    join(home, 'razor.json'),
    JSON.stringify({ rev: 1, format: 'razor-store/1', collections: { image, node: nodes } }),
  );
  const t = nodes[nodeUuid(targetIndex)] as NodeDoc;
  return {
    uuid: t.uuid,
    macs: t.hw_id.map(colons) as [string, string],
    serial: t.attributes.serialnumber as string,
  };
}
