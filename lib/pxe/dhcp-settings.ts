/**
 * Full DHCP mode's settings (ADR 0026), checked before anything listens: the pool (`dhcp_range`),
 * netmask, router, DNS servers, lease time and static reservations (`dhcp_reservations`, MAC=IP).
 * Bad values get an InputError naming the key; nothing starts.
 */
import { RazorError } from '../errors.js';
import type { ConfigValues } from '../config-keys.js';
import type { Ipv4 } from './server-address.js';

/** What the DHCP server hands out. */
export interface DhcpSettings {
  /** The server's own address (option 54, next-server), never handed out. */
  readonly server: string;
  readonly netmask: string;
  /** The pool, as 32-bit numbers, inclusive. */
  readonly first: number;
  readonly last: number;
  readonly router?: string;
  readonly dns: readonly string[];
  readonly leaseSeconds: number;
  /** MAC (aa:bb:cc:dd:ee:ff) → its reserved address. */
  readonly reservations: ReadonlyMap<string, string>;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const MAC = /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i;

/** An IPv4 address as a 32-bit number. */
export const ipToInt = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/** A 32-bit number as an IPv4 address. */
export const intToIp = (n: number): string =>
  [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

const fail = (key: string, why: string) => new RazorError('InputError', `${key}: ${why}`);

function ipv4(key: string, value: string): string {
  if (!IPV4.test(value)) throw fail(key, `'${value}' is not an IPv4 address`);
  return value;
}

/** Checks the `dhcp_*` keys against the announced server address; throws an InputError naming the key. */
export function dhcpSettings(
  v: Pick<
    ConfigValues,
    'dhcp_range' | 'dhcp_netmask' | 'dhcp_router' | 'dhcp_dns' | 'dhcp_lease_time' | 'dhcp_reservations'
  >,
  server: Ipv4,
): DhcpSettings {
  const netmask = v.dhcp_netmask ? ipv4('dhcp_netmask', v.dhcp_netmask) : server.netmask;
  if (!netmask)
    throw fail(
      'dhcp_netmask',
      `not set, and ${server.address} is not an address of this host (set dhcp_interface)`,
    );
  const mask = ipToInt(netmask);
  const net = (ip: string) => (ipToInt(ip) & mask) >>> 0;
  const inSubnet = (key: string, ip: string) => {
    if (net(ip) !== net(server.address))
      throw fail(key, `${ip} is not on ${server.address}'s network (netmask ${netmask})`);
    return ip;
  };
  const range = /^\s*([\d.]+)\s*-\s*([\d.]+)\s*$/.exec(v.dhcp_range);
  if (!range)
    throw fail(
      'dhcp_range',
      `must be 'first-last' (e.g. 192.168.77.100-192.168.77.200), not '${v.dhcp_range}'`,
    );
  const [first, last] = [range[1]!, range[2]!].map((ip) =>
    ipToInt(inSubnet('dhcp_range', ipv4('dhcp_range', ip))),
  );
  if (first! > last!) throw fail('dhcp_range', `the first address comes after the last`);
  if (v.dhcp_lease_time < 60) throw fail('dhcp_lease_time', 'must be at least 60 seconds');
  const reservations = new Map<string, string>();
  for (const entry of v.dhcp_reservations
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [mac = '', ip = ''] = entry.split('=').map((p) => p.trim());
    if (!MAC.test(mac))
      throw fail('dhcp_reservations', `'${entry}' must be MAC=IP (52:54:00:00:00:01=192.168.77.10)`);
    const key = mac.toLowerCase().replace(/-/g, ':');
    inSubnet('dhcp_reservations', ipv4('dhcp_reservations', ip));
    if (ip === server.address) throw fail('dhcp_reservations', `${ip} is the server's own address`);
    if (reservations.has(key)) throw fail('dhcp_reservations', `${mac} is reserved twice`);
    if ([...reservations.values()].includes(ip)) throw fail('dhcp_reservations', `${ip} is reserved twice`);
    reservations.set(key, ip);
  }
  const list = (key: string, value: string) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((ip) => ipv4(key, ip));
  return {
    server: server.address,
    netmask,
    first: first!,
    last: last!,
    router: v.dhcp_router ? ipv4('dhcp_router', v.dhcp_router) : undefined,
    dns: list('dhcp_dns', v.dhcp_dns),
    leaseSeconds: v.dhcp_lease_time,
    reservations,
  };
}
