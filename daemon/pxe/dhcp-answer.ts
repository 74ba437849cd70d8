/**
 * Full DHCP mode's answers (RFC 2131 basics, ADR 0026), pure: DISCOVER → OFFER, REQUEST → ACK or
 * NAK, RELEASE and DECLINE recorded, INFORM → ACK without an address. Each answer says which lease
 * to record; the server writes it in the same store transaction. PXE clients and iPXE get their
 * boot file or razor's boot URL as in proxy mode (next-server, file, option 67).
 */
import { DHCP_TYPE, ipOption, macOf, type DhcpReply, type DhcpRequest } from './dhcp-packet.js';
import { chooseAddress, unavailable, type LeaseDoc, type LeaseState } from './dhcp-leases.js';
import type { DhcpSettings } from '../../lib/pxe/dhcp-settings.js';

/** What the answers are made from: the settings and the boot file for a request, if it boots. */
export interface DhcpContext {
  readonly settings: DhcpSettings;
  /** The boot file (TFTP name or iPXE's HTTP URL) for a PXE client or iPXE; undefined for others. */
  readonly bootFile: (req: DhcpRequest) => string | undefined;
}

/** An answer: a reply (and whether it goes to the client's own address) and a lease to record. */
export interface DhcpDecision {
  readonly mac: string;
  readonly reply?: DhcpReply;
  /** Unicast to ciaddr (a renewal, INFORM); else broadcast (or to the relay). */
  readonly unicast?: boolean;
  readonly lease?: { ip: string; mac: string; state: LeaseState; seconds: number };
  /** What happened, for the log. */
  readonly what: string;
}

/** How long an offered address is held for the machine it was offered to. */
export const OFFER_HOLD_SECONDS = 60;

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const ipOf = (buf: Buffer | undefined) => (buf && buf.length === 4 ? [...buf].join('.') : undefined);

function reply(req: DhcpRequest, ctx: DhcpContext, type: number, yiaddr?: string): DhcpReply {
  const s = ctx.settings;
  const options: [number, Buffer][] = [
    [53, Buffer.from([type])],
    [54, ipOption(s.server)],
  ];
  if (type === DHCP_TYPE.nak)
    return { request: req, broadcast: true, siaddr: '0.0.0.0', sname: '', file: '', options };
  if (type !== DHCP_TYPE.ack || yiaddr) {
    options.push(
      [51, u32(s.leaseSeconds)],
      [58, u32(Math.floor(s.leaseSeconds / 2))],
      [59, u32(Math.floor((s.leaseSeconds * 7) / 8))],
    );
  }
  options.push([1, ipOption(s.netmask)]);
  if (s.router) options.push([3, ipOption(s.router)]);
  if (s.dns.length) options.push([6, Buffer.concat(s.dns.map(ipOption))]);
  const file = ctx.bootFile(req) ?? '';
  if (file) options.push([67, Buffer.from(file, 'latin1')]);
  return {
    request: req,
    broadcast: !yiaddr || req.ciaddr === '0.0.0.0',
    yiaddr,
    siaddr: file ? s.server : '0.0.0.0',
    sname: file ? s.server : '',
    file: file.length < 128 ? file : '',
    options,
  };
}

/** The answer to `req`, given the stored `leases` at `now`. */
export function dhcpAnswer(
  req: DhcpRequest,
  leases: readonly LeaseDoc[],
  now: Date,
  ctx: DhcpContext,
): DhcpDecision {
  const s = ctx.settings;
  const mac = macOf(req);
  const type = req.options.get(53)?.[0];
  const requested = ipOf(req.options.get(50));
  const ciaddr = req.ciaddr === '0.0.0.0' ? undefined : req.ciaddr;
  switch (type) {
    case DHCP_TYPE.discover: {
      const ip = chooseAddress(s, leases, mac, now, requested);
      if (!ip) return { mac, what: 'no free address in the pool' };
      const lease = { ip, mac, state: 'offered' as const, seconds: OFFER_HOLD_SECONDS };
      return { mac, reply: reply(req, ctx, DHCP_TYPE.offer, ip), lease, what: `offered ${ip}` };
    }
    case DHCP_TYPE.request: {
      const server = ipOf(req.options.get(54));
      if (server !== undefined && server !== s.server) return { mac, what: `chose server ${server}` };
      const ip = requested ?? ciaddr;
      if (!ip) return { mac, what: 'a REQUEST naming no address' };
      const why = unavailable(s, leases, mac, ip, now);
      if (why) return { mac, reply: reply(req, ctx, DHCP_TYPE.nak), what: `refused ${ip}: ${why}` };
      const lease = { ip, mac, state: 'bound' as const, seconds: s.leaseSeconds };
      return {
        mac,
        reply: reply(req, ctx, DHCP_TYPE.ack, ip),
        unicast: !!ciaddr,
        lease,
        what: `leased ${ip}`,
      };
    }
    case DHCP_TYPE.release: {
      const mine = leases.find((l) => l.ip === ciaddr && l.mac === mac);
      if (!mine) return { mac, what: `a RELEASE of ${ciaddr ?? 'no address'} it does not hold` };
      return { mac, lease: { ip: mine.ip, mac, state: 'released', seconds: 0 }, what: `released ${mine.ip}` };
    }
    case DHCP_TYPE.decline: {
      const mine = leases.find((l) => l.ip === requested && l.mac === mac);
      if (!mine) return { mac, what: `a DECLINE of ${requested ?? 'no address'} it was not given` };
      const lease = { ip: mine.ip, mac: '', state: 'declined' as const, seconds: s.leaseSeconds };
      return { mac, lease, what: `declined ${mine.ip} (in use by another machine)` };
    }
    case DHCP_TYPE.inform:
      return { mac, reply: reply(req, ctx, DHCP_TYPE.ack), unicast: !!ciaddr, what: 'informed' };
    default:
      return { mac, what: `message type ${type} ignored` };
  }
}
