/**
 * Full DHCP mode's pure parts: the settings check (bad values refused, naming the key), the
 * address allocator (reservations, the same address again, the requested one, the lowest free,
 * exhaustion, declined addresses) and the packet answers (OFFER/ACK/NAK with options, PXE boot
 * file, RELEASE and DECLINE recorded).
 */
import { describe, expect, test } from '@jest/globals';
import { dhcpSettings, type DhcpSettings } from '../../lib/pxe/dhcp-settings.js';
import { chooseAddress, leaseRecord, type LeaseDoc } from '../../daemon/pxe/dhcp-leases.js';
import { dhcpAnswer, type DhcpContext } from '../../daemon/pxe/dhcp-answer.js';
import { decodeDhcp, encodeDhcp } from '../../daemon/pxe/dhcp-packet.js';
import { dhcpRequest, readReply, type RequestSpec } from '../helpers/dhcp-request.js';

const SERVER = { address: '192.168.77.1', netmask: '255.255.255.0' };
const KEYS = {
  dhcp_range: '192.168.77.100-192.168.77.102',
  dhcp_netmask: '',
  dhcp_router: '192.168.77.254',
  dhcp_dns: '192.168.77.53, 9.9.9.9',
  dhcp_lease_time: 600,
  dhcp_reservations: '52:54:00:00:00:AA=192.168.77.10',
};
const settings: DhcpSettings = dhcpSettings(KEYS, SERVER);
const NOW = new Date('2026-12-05T12:00:00Z');
const A = '52:54:00:00:00:01';
const B = '52:54:00:00:00:02';
const ip = (s: string) => Buffer.from(s.split('.').map(Number));
let uuids = 0;
const lease = (l: Partial<LeaseDoc> & { ip: string; mac: string }, expiresIn = 600): LeaseDoc =>
  leaseRecord(
    [],
    { ip: l.ip, mac: l.mac, state: l.state ?? 'bound', seconds: expiresIn },
    NOW,
    () => `u${++uuids}`,
  );

describe('dhcp settings', () => {
  test('a valid set is read: pool, netmask from the interface, router, DNS, reservations', () => {
    expect(settings).toMatchObject({
      server: '192.168.77.1',
      netmask: '255.255.255.0',
      router: '192.168.77.254',
    });
    expect(settings.dns).toEqual(['192.168.77.53', '9.9.9.9']);
    expect([...settings.reservations]).toEqual([['52:54:00:00:00:aa', '192.168.77.10']]);
  });

  test.each([
    [{ dhcp_range: '' }, /^dhcp_range: must be 'first-last'/],
    [{ dhcp_range: '192.168.77.200-192.168.77.100' }, /first address comes after the last/],
    [{ dhcp_range: '10.0.0.1-10.0.0.9' }, /10\.0\.0\.1 is not on 192\.168\.77\.1's network/],
    [{ dhcp_router: '300.1.1.1' }, /^dhcp_router: '300\.1\.1\.1' is not an IPv4 address/],
    [{ dhcp_lease_time: 5 }, /^dhcp_lease_time: must be at least 60/],
    [{ dhcp_reservations: 'nonsense' }, /^dhcp_reservations: 'nonsense' must be MAC=IP/],
    [{ dhcp_reservations: `${A}=192.168.77.1` }, /server's own address/],
    [{ dhcp_reservations: `${A}=192.168.77.9,${B}=192.168.77.9` }, /192\.168\.77\.9 is reserved twice/],
  ])('%j is refused with a message naming the key', (bad, message) => {
    expect(() => dhcpSettings({ ...KEYS, ...bad }, SERVER)).toThrow(message);
  });

  test('without an interface netmask, dhcp_netmask is required', () => {
    expect(() => dhcpSettings(KEYS, { address: '192.168.77.1' })).toThrow(/^dhcp_netmask: not set/);
  });
});

describe('the address allocator', () => {
  test('the lowest free address, skipping live leases of others; none when the pool is full', () => {
    expect(chooseAddress(settings, [], A, NOW)).toBe('192.168.77.100');
    const taken = [lease({ ip: '192.168.77.100', mac: B })];
    expect(chooseAddress(settings, taken, A, NOW)).toBe('192.168.77.101');
    const full = ['100', '101', '102'].map((n, i) =>
      lease({ ip: `192.168.77.${n}`, mac: `52:54:00:00:01:0${i}` }),
    );
    expect(chooseAddress(settings, full, A, NOW)).toBeUndefined();
    // An expired lease frees its address.
    const ended = [...full.slice(1), lease({ ip: '192.168.77.100', mac: B }, -1)];
    expect(chooseAddress(settings, ended, A, NOW)).toBe('192.168.77.100');
  });

  test('a machine gets its reservation, its previous address, or the one it asks for', () => {
    expect(chooseAddress(settings, [], '52:54:00:00:00:aa', NOW)).toBe('192.168.77.10');
    const had = [lease({ ip: '192.168.77.102', mac: A, state: 'released' }, 0)];
    expect(chooseAddress(settings, had, A, NOW)).toBe('192.168.77.102');
    expect(chooseAddress(settings, [], A, NOW, '192.168.77.101')).toBe('192.168.77.101');
    // Not an address outside the pool, nor one reserved for someone else.
    expect(chooseAddress(settings, [], A, NOW, '192.168.77.10')).toBe('192.168.77.100');
  });

  test('a declined address is not handed out while its hold lasts', () => {
    const declined = [lease({ ip: '192.168.77.100', mac: '', state: 'declined' })];
    expect(chooseAddress(settings, declined, A, NOW)).toBe('192.168.77.101');
  });
});

describe('the packet answers', () => {
  const ctx: DhcpContext = {
    settings,
    bootFile: (req) =>
      req.options.get(60)?.toString().startsWith('PXEClient') ? 'undionly.kpxe' : undefined,
  };
  const answer = (spec: RequestSpec, leases: LeaseDoc[] = []) => {
    const req = decodeDhcp(dhcpRequest(spec));
    if (!req) throw new Error('the built packet does not decode');
    return dhcpAnswer(req, leases, NOW, ctx);
  };

  test('DISCOVER → OFFER with the address, lease time, netmask, router and DNS; held briefly', () => {
    const d = answer({ type: 1, mac: A });
    expect(d.lease).toEqual({ ip: '192.168.77.100', mac: A, state: 'offered', seconds: 60 });
    const r = readReply(encodeDhcp(d.reply!));
    expect(r).toMatchObject({
      type: 2,
      yiaddr: '192.168.77.100',
      siaddr: '0.0.0.0',
      file: '',
      broadcast: true,
    });
    expect(r.options.get(54)).toEqual(ip('192.168.77.1'));
    expect(r.options.get(51)?.readUInt32BE(0)).toBe(600);
    expect(r.options.get(1)).toEqual(ip('255.255.255.0'));
    expect(r.options.get(3)).toEqual(ip('192.168.77.254'));
    expect(r.options.get(6)).toEqual(Buffer.concat([ip('192.168.77.53'), ip('9.9.9.9')]));
  });

  test('a PXE client is also told the boot file and the TFTP server', () => {
    const r = readReply(encodeDhcp(answer({ type: 1, mac: A, vendorClass: 'PXEClient:Arch:00000' }).reply!));
    expect(r).toMatchObject({ siaddr: '192.168.77.1', file: 'undionly.kpxe' });
    expect(r.options.get(67)?.toString()).toBe('undionly.kpxe');
  });

  test('REQUEST for the offered address → ACK and a bound lease; for a taken one → NAK', () => {
    const offered = [lease({ ip: '192.168.77.100', mac: A, state: 'offered' }, 60)];
    const more: Array<[number, Buffer]> = [
      [50, ip('192.168.77.100')],
      [54, ip('192.168.77.1')],
    ];
    const ok = answer({ type: 3, mac: A, more }, offered);
    expect(ok.lease).toEqual({ ip: '192.168.77.100', mac: A, state: 'bound', seconds: 600 });
    expect(readReply(encodeDhcp(ok.reply!))).toMatchObject({ type: 5, yiaddr: '192.168.77.100' });
    const nak = answer({ type: 3, mac: B, more }, offered);
    expect(nak.lease).toBeUndefined();
    expect(readReply(encodeDhcp(nak.reply!))).toMatchObject({ type: 6, yiaddr: '0.0.0.0', broadcast: true });
  });

  test("a REQUEST naming another server is that server's business: no answer, nothing recorded", () => {
    const d = answer({
      type: 3,
      mac: A,
      more: [
        [50, ip('192.168.77.100')],
        [54, ip('192.168.77.2')],
      ],
    });
    expect(d).toEqual({ mac: A, what: 'chose server 192.168.77.2' });
  });

  test('a renewal (ciaddr) is ACKed unicast; RELEASE and DECLINE are recorded, unanswered', () => {
    const bound = [lease({ ip: '192.168.77.101', mac: A })];
    const renew = answer({ type: 3, mac: A, ciaddr: '192.168.77.101' }, bound);
    expect(renew).toMatchObject({ unicast: true, lease: { ip: '192.168.77.101', state: 'bound' } });
    expect(renew.reply?.broadcast).toBe(false);
    const release = answer({ type: 7, mac: A, ciaddr: '192.168.77.101' }, bound);
    expect(release).toMatchObject({ lease: { ip: '192.168.77.101', mac: A, state: 'released', seconds: 0 } });
    expect(release.reply).toBeUndefined();
    const decline = answer({ type: 4, mac: A, more: [[50, ip('192.168.77.101')]] }, bound);
    expect(decline).toMatchObject({ lease: { ip: '192.168.77.101', mac: '', state: 'declined' } });
    // Someone else's address cannot be released.
    expect(answer({ type: 7, mac: B, ciaddr: '192.168.77.101' }, bound).lease).toBeUndefined();
  });
});

test('mangled packets never make the answers throw (seeded, bounded)', () => {
  const ctx: DhcpContext = { settings, bootFile: () => 'undionly.kpxe' };
  let seed = 17; // xorshift32: a failure repeats
  const next = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const valid = [1, 3, 4, 7, 8].map((type) =>
    dhcpRequest({
      type,
      mac: A,
      ciaddr: '192.168.77.100',
      more: [
        [50, ip('192.168.77.100')],
        [54, ip(SERVER.address)],
      ],
    }),
  );
  const bound = [lease({ ip: '192.168.77.100', mac: A })];
  let decoded = 0;
  for (let i = 0; i < 3000; i++) {
    const buf = Buffer.from(valid[next(valid.length)]!);
    for (let k = 0; k < 1 + next(6); k++) buf[240 + next(buf.length - 240)] = next(256);
    const req = decodeDhcp(next(4) === 0 ? buf.subarray(0, next(buf.length)) : buf);
    if (!req) continue;
    decoded++;
    const d = dhcpAnswer(req, bound, NOW, ctx);
    if (d.reply) expect(encodeDhcp(d.reply).length).toBeGreaterThan(240);
  }
  expect(decoded).toBeGreaterThan(500); // most mangled packets still decode: the answers were exercised
});
