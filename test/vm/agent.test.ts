/**
 * The Microkernel agent's shell code (mk/lib/*.sh) run on this host by busybox sh with busybox's
 * own applets first on PATH — as in the MK — against a fake /sys and /proc: the facts and their
 * rules (SMBIOS memory, lshw sizes, CPUs present though maxcpus=1, NICs, disks, hypervisor),
 * the hw_id, server discovery, the registration JSON and its form encoding, reading razor's
 * envelope. Needs busybox-static; no VM, no network (DNS is pointed at a missing resolv.conf).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../helpers/deps.js';
import { systemAvailable } from '../helpers/system.js';
import { BUSYBOX } from './lib/env.js';

const ready = systemAvailable('MK agent tests: busybox-static', () =>
  existsSync(BUSYBOX) ? undefined : 'busybox-static is not installed',
);
const suite = ready ? describe : describe.skip;
let dir: string;

/** Writes `files` (path → text or Buffer) under `root`, symlinks given as { link: target }. */
function tree(root: string, files: Record<string, string | Buffer | { link: string }>): void {
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof content === 'object' && 'link' in content) symlinkSync(content.link, path);
    else writeFileSync(path, content);
  }
}

/** An SMBIOS type 17 (memory device) entry with `size` in the word at 0x0C, `ext` at 0x1C. */
function dimm(size: number, ext = 0): Buffer {
  const b = Buffer.alloc(0x28 + 2);
  b[0] = 17;
  b[1] = 0x28;
  b.writeUInt16LE(size, 0x0c);
  b.writeUInt32LE(ext, 0x1c);
  return b;
}

/** Runs `script` after sourcing the agent's libraries, in the fake machine `machine`. */
function sh(machine: string, script: string, cmdline = 'maxcpus=1'): string {
  const m = join(dir, machine);
  writeFileSync(join(m, 'proc', 'cmdline'), `${cmdline}\n`);
  const libs = ['common', 'net', 'facts', 'json'].map((l) => `. ${join(ROOT, 'mk', 'lib', `${l}.sh`)}`);
  return execFileSync(BUSYBOX, ['sh', '-c', `${libs.join('; ')}; ${script}`], {
    encoding: 'utf8',
    env: {
      PATH: `${join(dir, 'bin')}:/usr/bin:/bin`,
      MK_SYS: join(m, 'sys'),
      MK_PROC: join(m, 'proc'),
      MK_STATE: join(m, 'state'),
      MK_RESOLV: join(dir, 'no-resolv.conf'),
    },
  });
}

const facts = (machine: string): Record<string, string> =>
  Object.fromEntries(
    sh(machine, 'collect_facts')
      .trim()
      .split('\n')
      .map((l) => l.split('\t') as [string, string]),
  );

/** A fake server: VMware DMI, 4 CPUs present (1 online), 17 GiB in two DIMMs, two NICs, a disk. */
function bigMachine(root: string): void {
  const s = 'sys';
  const dmi = `${s}/class/dmi/id`;
  tree(root, {
    'proc/uptime': '12.34 20.00\n',
    'proc/meminfo': 'MemTotal:       17000000 kB\nMemFree:  100 kB\n',
    'proc/cpuinfo':
      'processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\nmodel name\t: Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz\nstepping\t: 4\nflags\t\t: fpu vmx hypervisor\n',
    [`${s}/devices/system/cpu/present`]: '0-3\n',
    [`${s}/devices/system/cpu/online`]: '0\n',
    [`${dmi}/sys_vendor`]: 'VMware, Inc.   \n',
    [`${dmi}/product_name`]: 'VMware7,1\n',
    [`${dmi}/product_serial`]: 'VMware-56 4d "quoted" \\ back\n',
    [`${dmi}/board_vendor`]: 'Intel Corporation\n',
    [`${dmi}/bios_vendor`]: 'VMware, Inc.\n',
    [`${s}/firmware/dmi/entries/17-0/raw`]: dimm(1024),
    [`${s}/firmware/dmi/entries/17-1/raw`]: dimm(0x7fff, 16384),
    [`${s}/firmware/dmi/entries/17-2/raw`]: dimm(0),
    [`${s}/devices/pci0000:00/0000:00:03.0/vendor`]: '0x8086\n',
    [`${s}/devices/pci0000:00/0000:00:03.0/device`]: '0x100e\n',
    [`${s}/devices/pci0000:00/0000:00:04.0/virtio1/vendor`]: '0x1af4\n',
    [`${s}/devices/pci0000:00/0000:00:04.0/vendor`]: '0x1af4\n',
    [`${s}/devices/pci0000:00/0000:00:04.0/device`]: '0x1041\n',
    [`${s}/class/net/eth8/address`]: '52:54:00:aa:bb:01\n',
    [`${s}/class/net/eth8/device`]: { link: '../../../devices/pci0000:00/0000:00:03.0' },
    [`${s}/class/net/eth9/address`]: '52:54:00:aa:bb:02\n',
    [`${s}/class/net/eth9/device`]: { link: '../../../devices/pci0000:00/0000:00:04.0/virtio1' },
    [`${s}/class/net/lo/address`]: '00:00:00:00:00:00\n',
    [`${s}/block/sda/size`]: `${(64 * 2 ** 30) / 512}\n`,
    [`${s}/block/sda/device/model`]: 'QEMU HARDDISK   \n',
    [`${s}/block/sda/device/vendor`]: 'ATA     \n',
    [`${s}/block/loop0/size`]: '0\n',
    [`${s}/block/sr0/size`]: '0\n',
    [`${s}/block/sr0/device/model`]: 'DVD\n',
  });
}

/** A bare machine: no SMBIOS tables, 4 memory blocks of 128 MiB online, QEMU with kvm-clock. */
function smallMachine(root: string): void {
  tree(root, {
    'proc/uptime': '1.00 1.00\n',
    'proc/meminfo': 'MemTotal:       480000 kB\n',
    'proc/cpuinfo': 'processor\t: 0\nvendor_id\t: AuthenticAMD\n',
    'sys/devices/system/cpu/present': '0\n',
    'sys/devices/system/memory/block_size_bytes': '8000000\n',
    'sys/devices/system/memory/memory0/online': '1\n',
    'sys/devices/system/memory/memory1/online': '1\n',
    'sys/devices/system/memory/memory2/online': '1\n',
    'sys/devices/system/memory/memory3/online': '1\n',
    'sys/devices/system/memory/memory4/online': '0\n',
    'sys/devices/system/clocksource/clocksource0/available_clocksource': 'kvm-clock tsc hpet acpi_pm\n',
    'sys/class/dmi/id/sys_vendor': 'QEMU\n',
  });
}

suite('the MK agent (busybox sh, fake machines)', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'razor-mk-agent-'));
    mkdirSync(join(dir, 'bin'));
    execFileSync(BUSYBOX, ['--install', '-s', join(dir, 'bin')]);
    bigMachine(join(dir, 'big'));
    smallMachine(join(dir, 'small'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('facts of a server: original names, SMBIOS memory, CPUs present, NICs, disks, hypervisor', () => {
    const f = facts('big');
    expect(f).toMatchObject({
      mk_hw_mem_size: '17GiB',
      mk_hw_cpu_count: '4',
      processorcount: '4',
      mk_hw_cpu_online: '1',
      mk_hw_nic_count: '2',
      macaddress_eth8: '52:54:00:aa:bb:01',
      macaddress_eth9: '52:54:00:aa:bb:02',
      macaddress: '52:54:00:aa:bb:01',
      mk_hw_nic0_bus_info: 'pci@0000:00:03.0',
      mk_hw_nic0_pci_id: '8086:100e',
      mk_hw_nic1_bus_info: 'pci@0000:00:04.0',
      mk_hw_nic1_pci_id: '1af4:1041',
      mk_hw_disk_count: '1',
      mk_hw_disk0_logical_name: '/dev/sda',
      mk_hw_disk0_size: '64GiB',
      mk_hw_disk0_product: 'QEMU HARDDISK',
      blockdevices: 'sda',
      blockdevice_sda_size: String(64 * 2 ** 30),
      mk_hw_bus_vendor: 'Intel Corporation',
      manufacturer: 'VMware, Inc.',
      productname: 'VMware7,1',
      virtual: 'vmware',
      is_virtual: 'true',
      processor0: 'Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz',
      mk_hw_lscpu_Virtualization: 'VT-x',
      memorysize: '16.21 GB',
      interfaces: 'eth8,eth9,lo',
    });
    expect(Object.keys(f)).toEqual(Object.keys(f).sort());
    expect(f.ipaddress).toBeUndefined(); // no address on these NICs
  });

  test('facts of a bare VM: memory from the online blocks, kvm-clock says kvm', () => {
    expect(facts('small')).toMatchObject({
      mk_hw_mem_size: '512MiB',
      mk_hw_cpu_count: '1',
      mk_hw_nic_count: '0',
      mk_hw_disk_count: '0',
      mk_hw_bus_vendor: 'QEMU',
      virtual: 'kvm',
      is_virtual: 'true',
    });
  });

  test.each([
    [2 ** 31, '2GiB'],
    [1536 * 2 ** 20, '1536MiB'],
    [768 * 2 ** 20, '768MiB'],
    [1000 * 2 ** 20, '1000MiB'],
    [2 ** 40, '1TiB'],
    [512, '512B'],
  ])('lshw_size %d → %s', (bytes, text) => {
    expect(sh('small', `lshw_size ${bytes}`).trim()).toBe(text);
  });

  test('hw_id: the MACs of all NICs, upper case, no colons, joined by _', () => {
    expect(sh('big', 'hw_id').trim()).toBe('525400AABB01_525400AABB02');
  });

  test('server discovery: razor.ip (+ razor.port), then DNS, then the DHCP next-server', () => {
    expect(sh('big', 'discover_server 2>/dev/null', 'razor.ip=10.0.2.2 razor.port=18026').trim()).toBe(
      'http://10.0.2.2:18026',
    );
    expect(sh('big', 'discover_server 2>/dev/null', 'razor.ip=192.0.2.9').trim()).toBe(
      'http://192.0.2.9:8026',
    );
    // razor.server as an address needs no DNS; without anything, the next-server recorded by udhcpc.
    expect(sh('big', 'discover_server 2>/dev/null', 'razor.server=192.0.2.7').trim()).toBe(
      'http://192.0.2.7:8026',
    );
    const none = `mkdir -p "$MK_STATE"; rm -f "$MK_STATE"/siaddr.*; discover_server 2>/dev/null || echo none`;
    expect(sh('big', none).trim()).toBe('none');
    const next = `mkdir -p "$MK_STATE"; echo 0.0.0.0 > "$MK_STATE/siaddr.eth8"; echo 192.0.2.5 > "$MK_STATE/siaddr.eth9"; discover_server 2>/dev/null`;
    expect(sh('big', next, 'razor.port=9026').trim()).toBe('http://192.0.2.5:9026');
  });

  test('registration JSON parses, keeps every fact, escapes quotes and backslashes; the form round-trips', () => {
    const json = sh('big', 'collect_facts | registration_json 525400AABB01_525400AABB02 idle');
    const doc = JSON.parse(json) as { '@attributes_hash': Record<string, string> };
    expect(doc).toMatchObject({ '@hw_id': '525400AABB01_525400AABB02', '@last_state': 'idle' });
    expect(doc['@attributes_hash']).toEqual(facts('big'));
    expect(doc['@attributes_hash'].serialnumber).toBe('VMware-56 4d "quoted" \\ back');
    const form = sh('big', 'collect_facts | registration_json H idle | urlencode');
    expect(form).toMatch(/^(%[0-9a-f]{2})+$/);
    expect(decodeURIComponent(form)).toBe(sh('big', 'collect_facts | registration_json H idle').trim());
  });

  test('mk_fact_excl_pattern drops matching facts', () => {
    const pattern = '(^kernel.*$)|(^uptime.*$)|(.*json_str$)';
    const kept = sh('big', `collect_facts | filter_facts '${pattern}' | cut -f1`).split('\n');
    expect(kept).not.toContain('kernelrelease');
    expect(kept).toContain('mk_hw_mem_size');
  });

  test("razor's one-line envelope is read: command, client_config numbers and strings", () => {
    const envelope = JSON.stringify({
      resource: 'ProjectRazor::Slice::Node',
      result: 'Ok',
      errcode: 0,
      response: { command_name: 'reboot', command_param: {} },
      client_config: {
        mk_uri: 'http://10.0.2.2:18026',
        mk_checkin_interval: 5,
        mk_checkin_skew: 1,
        mk_fact_excl_pattern: '(^a"b$)|(\\d+)|(^x/y$)',
      },
    });
    writeFileSync(join(dir, 'envelope.json'), envelope);
    const read = (fn: string) => sh('big', `${fn} < ${join(dir, 'envelope.json')}`).trim();
    expect(read('json_str command_name')).toBe('reboot');
    expect(read('json_num mk_checkin_interval')).toBe('5');
    expect(read('json_num mk_checkin_skew')).toBe('1');
    expect(read('json_str mk_uri')).toBe('http://10.0.2.2:18026');
    expect(read('json_str mk_fact_excl_pattern')).toBe('(^a"b$)|(\\d+)|(^x/y$)');
    expect(read('json_str no_such_key')).toBe('');
  });
});
