/**
 * Full DHCP mode's address allocator (ADR 0026), pure: which address a machine gets, given the
 * pool, the reservations and the leases in the store. One lease document per address that was ever
 * handed out; a machine gets its reservation, else the address it had, else the one it asks for,
 * else the lowest never-used address, else the one unused longest.
 */
import type { Doc } from '../../lib/store/store.js';
import { intToIp, ipToInt, type DhcpSettings } from '../../lib/pxe/dhcp-settings.js';

/** offered (held briefly), bound (ACKed), released (given back), declined (in use by someone else). */
export type LeaseState = 'offered' | 'bound' | 'released' | 'declined';

/** A lease as stored (collection `dhcp_lease`). */
export interface LeaseDoc extends Doc {
  ip: string;
  /** aa:bb:cc:dd:ee:ff; empty for a declined address. */
  mac: string;
  state: LeaseState;
  expires_at: string;
  updated_at: string;
}

/** What the allocator reads: the pool and reservations. */
export type Pool = Pick<DhcpSettings, 'server' | 'first' | 'last' | 'reservations'>;

const live = (l: LeaseDoc, now: Date) => l.state !== 'released' && Date.parse(l.expires_at) > now.getTime();

/** Why `ip` cannot be `mac`'s now, or undefined when it can. */
export function unavailable(
  pool: Pool,
  leases: readonly LeaseDoc[],
  mac: string,
  ip: string,
  now: Date,
): string | undefined {
  const own = pool.reservations.get(mac);
  if (own !== undefined && own !== ip) return `${mac} is reserved ${own}`;
  const reserved = [...pool.reservations].some(([m, r]) => r === ip && m !== mac);
  if (reserved) return `${ip} is reserved for another machine`;
  const n = ipToInt(ip);
  if (own === undefined && (n < pool.first || n > pool.last)) return `${ip} is outside the pool`;
  if (ip === pool.server) return `${ip} is the server's own address`;
  const lease = leases.find((l) => l.ip === ip);
  if (lease && live(lease, now) && (lease.mac !== mac || lease.state === 'declined'))
    return `${ip} is ${lease.state === 'declined' ? 'declined' : 'leased to another machine'}`;
  return undefined;
}

/**
 * The address to offer `mac`: its reservation, else its latest lease's address, else `wanted`
 * (option 50), else the lowest address never leased, else the free one whose lease ended first.
 * Undefined when the pool is exhausted (or the reservation is taken).
 */
export function chooseAddress(
  pool: Pool,
  leases: readonly LeaseDoc[],
  mac: string,
  now: Date,
  wanted?: string,
): string | undefined {
  const free = (ip: string | undefined): ip is string =>
    ip !== undefined && unavailable(pool, leases, mac, ip, now) === undefined;
  const reserved = pool.reservations.get(mac);
  if (reserved !== undefined) return free(reserved) ? reserved : undefined;
  const had = leases
    .filter((l) => l.mac === mac)
    .sort((a, b) => b.updated_at.localeCompare(a.updated_at))
    .map((l) => l.ip);
  const first = [...had, wanted].find(free);
  if (first) return first;
  const used = new Set(leases.map((l) => l.ip));
  for (let n = pool.first; n <= pool.last; n++) {
    const ip = intToIp(n);
    if (!used.has(ip) && free(ip)) return ip;
  }
  return leases
    .filter((l) => free(l.ip))
    .sort((a, b) => a.expires_at.localeCompare(b.expires_at))
    .map((l) => l.ip)[0];
}

/** The lease document recording `ip` as `mac`'s in `state` for `seconds` (the address's own document reused). */
export function leaseRecord(
  leases: readonly LeaseDoc[],
  change: { ip: string; mac: string; state: LeaseState; seconds: number },
  now: Date,
  newUuid: () => string,
): LeaseDoc {
  const uuid = leases.find((l) => l.ip === change.ip)?.uuid ?? newUuid();
  return {
    uuid,
    ip: change.ip,
    mac: change.mac,
    state: change.state,
    expires_at: new Date(now.getTime() + change.seconds * 1000).toISOString(),
    updated_at: now.toISOString(),
  };
}
