/**
 * Full DHCP mode against a real client (busybox udhcpc) in a network-namespace lab: razor's daemon
 * with --dhcp on the lab bridge hands out pool addresses with the router, DNS and lease time it was
 * given; a reserved MAC gets its address; leases are kept in the store, so after a restart a live
 * lease is neither lost nor given to another machine; a RELEASE is recorded.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempHome } from '../helpers/fixture.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { NetnsLab, netnsProbe } from '../helpers/netns.js';
import { commandProbe, systemAvailable } from '../helpers/system.js';
import { until } from '../helpers/poll.js';

const ready =
  systemAvailable('DHCP lab: network namespaces', netnsProbe) &&
  systemAvailable('DHCP lab: busybox', commandProbe('busybox', ['true']));
const suite = ready ? describe : describe.skip;

const SERVER = '192.168.77.1';
const RESERVED_MAC = '52:54:00:77:10:aa';
const FLAGS = ['--dhcp', '--dhcp-interface', 'br0', '--dhcp-range', '192.168.77.100-192.168.77.110'].concat([
  '--dhcp-router',
  SERVER,
  '--dhcp-dns',
  '192.168.77.53,9.9.9.9',
  '--dhcp-lease-time',
  '900',
]);
const CONFIG = { RAZOR_DHCP_RESERVATIONS: `${RESERVED_MAC}=192.168.77.20` };

interface Lease {
  ip: string;
  mac: string;
  state: string;
}

suite('razor daemon --dhcp with a real client in a namespace lab', () => {
  let net: NetnsLab;
  let client: string;
  let daemon: DaemonProcess;
  let home: ReturnType<typeof tempHome>;
  let script: string;

  const start = () => startDaemon(home.home, FLAGS, CONFIG, net.launcher(net.lab));
  const leases = (): Lease[] => {
    const store = JSON.parse(readFileSync(join(home.home, 'razor.json'), 'utf8')) as {
      collections: { dhcp_lease?: Record<string, Lease> };
    };
    return Object.values(store.collections.dhcp_lease ?? {});
  };
  /** Runs udhcpc once as `mac`, to a lease; what its script was told. */
  const lease = async (mac: string) => {
    await net.ip(client, 'link', 'set', 'eth0', 'address', mac);
    const out = join(home.home, `udhcpc-${mac.replace(/:/g, '')}.env`);
    writeFileSync(out, '');
    await net.exec(
      client,
      'busybox',
      ['udhcpc', '-i', 'eth0', '-f', '-q', '-n', '-t', '5', '-T', '3'].concat(['-s', script]),
      90_000,
    );
    const bound = readFileSync(out, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('bound '));
    return Object.fromEntries(
      (bound ?? '')
        .split(' ')
        .slice(1)
        .map((kv) => kv.split('=') as [string, string]),
    );
  };

  beforeAll(async () => {
    home = tempHome('razor-dhcp-');
    script = join(home.home, 'udhcpc.sh');
    // udhcpc calls the script with the event and the offer in the environment; it writes them down.
    writeFileSync(
      script,
      '#!/bin/sh\nf="$(dirname "$0")/udhcpc-$(cat /sys/class/net/$interface/address | tr -d :).env"\n' +
        'echo "$1 ip=$ip subnet=$subnet router=$router dns=$(echo $dns | tr " " ,) lease=$lease serverid=$serverid" >> "$f"\n' +
        // Configured as a real client would be, so a RELEASE can be sent from the address.
        'ip addr flush dev $interface\n[ "$1" = bound ] && ip addr add $ip/$subnet dev $interface\nexit 0\n',
    );
    chmodSync(script, 0o755);
    net = await NetnsLab.create('dhcp', SERVER);
    client = await net.addHost('cli');
    daemon = await start();
  });
  afterAll(async () => {
    await daemon?.stop();
    await net?.destroy();
    home?.cleanup();
  });

  test('the banner says what is served; a client gets a pool address with router, DNS and lease time', async () => {
    expect(daemon.output()).toMatch(
      /\n {2}dhcp {5}udp 67 as 192\.168\.77\.1 \(br0\): full DHCP, pool 192\.168\.77\.100-192\.168\.77\.110\/255\.255\.255\.0, 1 reserved/,
    );
    const got = await lease('52:54:00:77:10:01');
    expect(got).toEqual({
      ip: '192.168.77.100',
      subnet: '255.255.255.0',
      router: SERVER,
      dns: '192.168.77.53,9.9.9.9',
      lease: '900',
      serverid: SERVER,
    });
    expect(leases()).toContainEqual(
      expect.objectContaining({ ip: '192.168.77.100', mac: '52:54:00:77:10:01', state: 'bound' }),
    );
  });

  test('a reserved MAC gets its reserved address', async () => {
    expect((await lease(RESERVED_MAC)).ip).toBe('192.168.77.20');
  });

  test('after a restart the lease is still there: another machine does not get it, its owner does', async () => {
    await daemon.stop();
    daemon = await start();
    expect((await lease('52:54:00:77:10:02')).ip).toBe('192.168.77.101');
    expect((await lease('52:54:00:77:10:01')).ip).toBe('192.168.77.100');
  });

  test('a RELEASE (udhcpc on SIGUSR2) is recorded as a released lease', async () => {
    const mac = '52:54:00:77:10:03';
    await net.ip(client, 'link', 'set', 'eth0', 'address', mac);
    const out = join(home.home, `udhcpc-${mac.replace(/:/g, '')}.env`);
    const udhcpc = net.start(client, 'busybox', [
      'udhcpc',
      '-i',
      'eth0',
      '-f',
      '-t',
      '5',
      '-T',
      '3',
      '-s',
      script,
    ]);
    const bound = () =>
      existsSync(out) && readFileSync(out, 'utf8').includes('bound ip=192.168.77.102') ? true : undefined;
    await until('the lease bound', bound, 60_000, 100);
    udhcpc.proc.kill('SIGUSR2');
    const mine = () => leases().find((l) => l.mac === mac);
    await until('the RELEASE recorded', () => (mine()?.state === 'released' ? true : undefined), 60_000, 100);
    expect(mine()).toMatchObject({ ip: '192.168.77.102', state: 'released' });
    await udhcpc.stop();
  });
});
