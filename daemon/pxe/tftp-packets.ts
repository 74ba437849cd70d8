/**
 * TFTP packets (RFC 1350, options per RFC 2347): decoding what clients send and encoding what the
 * server answers. Decoding never throws: a packet that cannot be read is `undefined`.
 */

/** TFTP opcodes. */
export const OP = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

/** TFTP error codes (RFC 1350 §5, RFC 2347 code 8). */
export const TFTP_ERROR = {
  undefined: 0,
  notFound: 1,
  accessViolation: 2,
  illegalOperation: 4,
  unknownTransferId: 5,
  optionsRefused: 8,
} as const;

/** A read or write request: file name, mode and options (names lower-cased, values as sent). */
export interface TftpRequest {
  readonly op: typeof OP.RRQ | typeof OP.WRQ;
  readonly file: string;
  readonly mode: string;
  readonly options: ReadonlyMap<string, string>;
}

/** Any packet a client sends after its request. */
export type TftpReply =
  | { readonly op: typeof OP.ACK; readonly block: number }
  | { readonly op: typeof OP.ERROR; readonly code: number; readonly message: string };

/** Splits NUL-terminated strings; undefined unless the packet ends in NUL. */
function cStrings(buf: Buffer, from: number): string[] | undefined {
  if (buf.length <= from || buf[buf.length - 1] !== 0) return undefined;
  return buf
    .subarray(from, buf.length - 1)
    .toString('latin1')
    .split('\0');
}

/**
 * Reads an RRQ or WRQ. The file name keeps every byte as sent (latin1), so a NUL inside it or an
 * odd character reaches the path check rather than being silently changed.
 */
export function decodeRequest(buf: Buffer): TftpRequest | undefined {
  if (buf.length < 4) return undefined;
  const op = buf.readUInt16BE(0);
  if (op !== OP.RRQ && op !== OP.WRQ) return undefined;
  const parts = cStrings(buf, 2);
  if (!parts || parts.length < 2 || parts.length % 2 !== 0) return undefined;
  const [file, mode, ...rest] = parts as [string, string, ...string[]];
  const options = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const name = rest[i]!.toLowerCase();
    if (name !== '' && !options.has(name)) options.set(name, rest[i + 1]!);
  }
  return { op, file, mode: mode.toLowerCase(), options };
}

/** Reads an ACK or ERROR from a client; undefined for anything else. */
export function decodeReply(buf: Buffer): TftpReply | undefined {
  if (buf.length < 4) return undefined;
  const op = buf.readUInt16BE(0);
  if (op === OP.ACK) return buf.length === 4 ? { op, block: buf.readUInt16BE(2) } : undefined;
  if (op === OP.ERROR) {
    const end = buf.indexOf(0, 4);
    const message = buf.subarray(4, end < 0 ? buf.length : end).toString('latin1');
    return { op, code: buf.readUInt16BE(2), message };
  }
  return undefined;
}

/** The 4-byte header of a DATA packet for `block` (the 16-bit wire number); the payload follows. */
export function dataHeader(block: number): Buffer {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt16BE(OP.DATA, 0);
  head.writeUInt16BE(block & 0xffff, 2);
  return head;
}

/** A DATA packet for `block` carrying `payload`. */
export function encodeData(block: number, payload: Buffer): Buffer {
  return Buffer.concat([dataHeader(block), payload], 4 + payload.length);
}

/** An ERROR packet; the message is ASCII, NUL-terminated. */
export function encodeError(code: number, message: string): Buffer {
  const text = Buffer.from(message.replace(/[^\x20-\x7e]/g, '?'), 'latin1');
  const buf = Buffer.alloc(5 + text.length);
  buf.writeUInt16BE(OP.ERROR, 0);
  buf.writeUInt16BE(code, 2);
  text.copy(buf, 4);
  return buf;
}

/** An OACK listing the accepted options (RFC 2347). */
export function encodeOack(options: ReadonlyMap<string, string>): Buffer {
  const parts = [...options].flatMap(([k, v]) => [k, v]);
  const body = Buffer.from(parts.map((p) => `${p}\0`).join(''), 'latin1');
  const head = Buffer.alloc(2);
  head.writeUInt16BE(OP.OACK, 0);
  return Buffer.concat([head, body]);
}

/** An ACK (used by clients; the tests' client and the bench build theirs with it). */
export function encodeAck(block: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeUInt16BE(OP.ACK, 0);
  buf.writeUInt16BE(block & 0xffff, 2);
  return buf;
}

/** An RRQ in octet mode with options (for clients: tests and the bench). */
export function encodeReadRequest(
  file: string,
  options: Readonly<Record<string, string | number>> = {},
): Buffer {
  const parts = [file, 'octet', ...Object.entries(options).flatMap(([k, v]) => [k, String(v)])];
  const body = Buffer.from(parts.map((p) => `${p}\0`).join(''), 'latin1');
  const head = Buffer.alloc(2);
  head.writeUInt16BE(OP.RRQ, 0);
  return Buffer.concat([head, body]);
}
