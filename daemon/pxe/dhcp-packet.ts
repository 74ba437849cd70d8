/**
 * DHCP/BOOTP packets (RFC 2131, options RFC 2132): reading client requests and building replies.
 * Reading never throws: anything that is not a well-formed BOOTREQUEST is `undefined`.
 */

const MAGIC = 0x63825363;
const FIXED = 236;

/** DHCP message types (option 53) razor reads or sends. */
export const DHCP_TYPE = {
  discover: 1,
  offer: 2,
  request: 3,
  decline: 4,
  ack: 5,
  nak: 6,
  release: 7,
  inform: 8,
} as const;

/** What razor reads from a client's packet. */
export interface DhcpRequest {
  readonly xid: number;
  readonly flags: number;
  readonly htype: number;
  readonly hlen: number;
  readonly ciaddr: string;
  readonly giaddr: string;
  /** The 16-byte client hardware address field, as sent. */
  readonly chaddr: Buffer;
  /** Options by code; repeated codes are joined (RFC 3396). */
  readonly options: ReadonlyMap<number, Buffer>;
}

const ipAt = (buf: Buffer, at: number) => `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;

/** Reads a BOOTREQUEST with the DHCP magic cookie and well-formed options. */
export function decodeDhcp(buf: Buffer): DhcpRequest | undefined {
  if (buf.length < FIXED + 4 || buf[0] !== 1 || buf.readUInt32BE(FIXED) !== MAGIC) return undefined;
  const options = new Map<number, Buffer>();
  let at = FIXED + 4;
  while (at < buf.length) {
    const code = buf[at]!;
    if (code === 0) {
      at++;
      continue;
    }
    if (code === 255) break;
    if (at + 1 >= buf.length) return undefined;
    const len = buf[at + 1]!;
    if (at + 2 + len > buf.length) return undefined;
    const value = buf.subarray(at + 2, at + 2 + len);
    const had = options.get(code);
    options.set(code, had ? Buffer.concat([had, value]) : Buffer.from(value));
    at += 2 + len;
  }
  return {
    xid: buf.readUInt32BE(4),
    flags: buf.readUInt16BE(10),
    htype: buf[1]!,
    hlen: Math.min(buf[2]!, 16),
    ciaddr: ipAt(buf, 12),
    giaddr: ipAt(buf, 24),
    chaddr: Buffer.from(buf.subarray(28, 44)),
    options,
  };
}

/** The client's MAC (aa:bb:…) from chaddr. */
export function macOf(req: DhcpRequest): string {
  return [...req.chaddr.subarray(0, req.hlen)].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** A BOOTREPLY: header fields and options (values already encoded; code 255 added). */
export interface DhcpReply {
  readonly request: DhcpRequest;
  readonly broadcast: boolean;
  /** The address given to the client (full DHCP mode); 0.0.0.0 when absent. */
  readonly yiaddr?: string;
  readonly siaddr: string;
  /** Server host name field (sname, at most 63 bytes). */
  readonly sname: string;
  /** Boot file field (file, at most 127 bytes; longer names go in option 67 only). */
  readonly file: string;
  readonly options: ReadonlyArray<readonly [number, Buffer]>;
}

const ipBytes = (ip: string) => Buffer.from(ip.split('.').map((o) => Number(o) & 255));

/** Encodes `r`; options longer than 255 bytes are split into repeated codes (RFC 3396). */
export function encodeDhcp(r: DhcpReply): Buffer {
  const head = Buffer.alloc(FIXED + 4);
  head[0] = 2;
  head[1] = r.request.htype;
  head[2] = r.request.hlen;
  head.writeUInt32BE(r.request.xid, 4);
  head.writeUInt16BE(r.broadcast ? r.request.flags | 0x8000 : r.request.flags, 10);
  ipBytes(r.request.ciaddr).copy(head, 12);
  ipBytes(r.yiaddr ?? '0.0.0.0').copy(head, 16);
  ipBytes(r.siaddr).copy(head, 20);
  ipBytes(r.request.giaddr).copy(head, 24);
  r.request.chaddr.copy(head, 28);
  if (r.sname.length < 64) head.write(r.sname, 44, 'latin1');
  if (r.file.length < 128) head.write(r.file, 108, 'latin1');
  head.writeUInt32BE(MAGIC, FIXED);
  const parts: Buffer[] = [head];
  for (const [code, value] of r.options) {
    for (let at = 0; at === 0 || at < value.length; at += 255) {
      const piece = value.subarray(at, at + 255);
      parts.push(Buffer.from([code, piece.length]), piece);
    }
  }
  parts.push(Buffer.from([255]));
  return Buffer.concat(parts);
}

/** An IPv4 address as option bytes. */
export const ipOption = ipBytes;
