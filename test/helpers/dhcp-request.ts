/** Builds DHCP client packets (BOOTREQUEST) for the ProxyDHCP tests and the packet fuzzer. */

/** What a test client's packet carries. */
export interface RequestSpec {
  type: number;
  mac?: string;
  xid?: number;
  /** Option 60, e.g. `PXEClient:Arch:00000:UNDI:002001`. */
  vendorClass?: string;
  /** Option 93. */
  arch?: number;
  /** Option 77, e.g. `iPXE`. */
  userClass?: string;
  /** Option 97: 17 bytes, the first 0. */
  guid?: Buffer;
  giaddr?: string;
  ciaddr?: string;
  /** Any other options, e.g. 50 (requested address) and 54 (server identifier). */
  more?: Array<[number, Buffer]>;
}

/** The packet bytes for `s`. */
export function dhcpRequest(s: RequestSpec): Buffer {
  const head = Buffer.alloc(240);
  head[0] = 1;
  head[1] = 1;
  head[2] = 6;
  head.writeUInt32BE(s.xid ?? 0x1234abcd, 4);
  Buffer.from((s.ciaddr ?? '0.0.0.0').split('.').map(Number)).copy(head, 12);
  Buffer.from((s.giaddr ?? '0.0.0.0').split('.').map(Number)).copy(head, 24);
  Buffer.from((s.mac ?? '52:54:00:12:34:56').split(':').map((h) => parseInt(h, 16))).copy(head, 28);
  head.writeUInt32BE(0x63825363, 236);
  const opt = (code: number, value: Buffer) => Buffer.concat([Buffer.from([code, value.length]), value]);
  const parts = [head, opt(53, Buffer.from([s.type]))];
  if (s.vendorClass !== undefined) parts.push(opt(60, Buffer.from(s.vendorClass)));
  if (s.arch !== undefined) {
    const a = Buffer.alloc(2);
    a.writeUInt16BE(s.arch);
    parts.push(opt(93, a));
  }
  if (s.userClass !== undefined) parts.push(opt(77, Buffer.from(s.userClass)));
  if (s.guid) parts.push(opt(97, s.guid));
  for (const [code, value] of s.more ?? []) parts.push(opt(code, value));
  parts.push(Buffer.from([255]));
  return Buffer.concat(parts);
}

/** Reads a reply's fields and options (enough for assertions). */
export function readReply(buf: Buffer) {
  const ip = (at: number) => [...buf.subarray(at, at + 4)].join('.');
  const cstr = (at: number, len: number) =>
    buf
      .subarray(at, at + len)
      .toString('latin1')
      .replace(/\0.*$/s, '');
  const options = new Map<number, Buffer>();
  for (let at = 240; at < buf.length && buf[at] !== 255;) {
    if (buf[at] === 0) {
      at++;
      continue;
    }
    const code = buf[at]!;
    const len = buf[at + 1]!;
    const v = buf.subarray(at + 2, at + 2 + len);
    options.set(code, Buffer.concat([options.get(code) ?? Buffer.alloc(0), v]));
    at += 2 + len;
  }
  return {
    op: buf[0],
    xid: buf.readUInt32BE(4),
    broadcast: (buf.readUInt16BE(10) & 0x8000) !== 0,
    yiaddr: ip(16),
    siaddr: ip(20),
    giaddr: ip(24),
    mac: [...buf.subarray(28, 34)].map((b) => b.toString(16).padStart(2, '0')).join(':'),
    sname: cstr(44, 64),
    file: cstr(108, 128),
    type: options.get(53)?.[0],
    options,
  };
}
