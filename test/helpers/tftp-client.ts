/**
 * A small TFTP client for tests and the bench: `tftpGet` fetches a file with any options,
 * windowsize included (neither tftp-hpa nor busybox sends it), acknowledging each window; `udpPeer`
 * is a raw socket that queues what arrives, for protocol cases a well-behaved client never shows.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { OP, encodeAck, encodeReadRequest } from '../../daemon/pxe/tftp-packets.js';

/** A datagram that arrived. */
export interface Datagram {
  readonly buf: Buffer;
  readonly from: RemoteInfo;
}

/** A raw UDP socket on 127.0.0.1 whose arrivals wait in a queue. */
export interface UdpPeer {
  send(buf: Buffer, port: number, host?: string): void;
  /** The next datagram, or a rejection after `ms`. */
  next(ms?: number): Promise<Datagram>;
  /** Datagrams arriving within `ms` (no failure when none do). */
  drain(ms: number): Promise<Datagram[]>;
  close(): void;
}

/** Opens a raw peer on 127.0.0.1 (or `host`), port `port` (0: any). */
export async function udpPeer(port = 0, host = '127.0.0.1'): Promise<UdpPeer & { port: number }> {
  const socket = createSocket('udp4');
  const queue: Datagram[] = [];
  let waiter: (() => void) | undefined;
  socket.on('message', (buf, from) => {
    queue.push({ buf, from });
    waiter?.();
  });
  await new Promise<void>((r) => socket.bind(port, host, r));
  const next = (ms = 10_000) =>
    new Promise<Datagram>((resolve, reject) => {
      const take = () => {
        clearTimeout(t);
        waiter = undefined;
        resolve(queue.shift()!);
      };
      const t = setTimeout(() => {
        waiter = undefined;
        reject(new Error(`no datagram within ${ms} ms`));
      }, ms);
      if (queue.length) take();
      else waiter = take;
    });
  return {
    port: socket.address().port,
    send: (buf, to, toHost = '127.0.0.1') => socket.send(buf, to, toHost),
    next,
    drain: async (ms) => {
      const got: Datagram[] = [];
      for (;;) {
        try {
          got.push(await next(ms));
        } catch {
          return got;
        }
      }
    },
    close: () => socket.close(),
  };
}

/** What a fetch produced. */
export interface GetResult {
  data?: Buffer;
  oack?: Map<string, string>;
  error?: { code: number; message: string };
}

/** Parses an OACK body into a map. */
export function parseOack(buf: Buffer): Map<string, string> {
  const parts = buf
    .subarray(2, buf.length - 1)
    .toString('latin1')
    .split('\0');
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length; i += 2) m.set(parts[i]!.toLowerCase(), parts[i + 1]!);
  return m;
}

/** Fetches `file` from 127.0.0.1:`port` (or `host`) with `options`; rejects past `deadlineMs`. */
export async function tftpGet(
  port: number,
  file: string,
  options: Record<string, string | number> = {},
  { host = '127.0.0.1', deadlineMs = 60_000 } = {},
): Promise<GetResult> {
  const peer = await udpPeer(0, host === '127.0.0.1' ? '127.0.0.1' : '0.0.0.0');
  const started = Date.now();
  try {
    peer.send(encodeReadRequest(file, options), port, host);
    let server: { port: number } | undefined;
    let blksize = 512;
    let window = 1;
    let expected = 1;
    let inWindow = 0;
    let oack: Map<string, string> | undefined;
    const chunks: Buffer[] = [];
    const ack = (block: number) => server && peer.send(encodeAck(block), server.port, host);
    for (;;) {
      if (Date.now() - started > deadlineMs)
        throw new Error(`tftp ${file}: no complete transfer in ${deadlineMs} ms`);
      let d;
      try {
        d = await peer.next(1000);
      } catch {
        if (server) ack(expected - 1);
        else peer.send(encodeReadRequest(file, options), port, host);
        continue;
      }
      server ??= { port: d.from.port };
      if (d.from.port !== server.port) continue;
      const op = d.buf.readUInt16BE(0);
      if (op === OP.ERROR) {
        const message = d.buf.subarray(4, d.buf.indexOf(0, 4)).toString('latin1');
        return { error: { code: d.buf.readUInt16BE(2), message }, oack };
      }
      if (op === OP.OACK) {
        oack = parseOack(d.buf);
        blksize = Number(oack.get('blksize') ?? 512);
        window = Number(oack.get('windowsize') ?? 1);
        ack(0);
        continue;
      }
      if (op !== OP.DATA) continue;
      const block = d.buf.readUInt16BE(2);
      if (block !== (expected & 0xffff)) {
        // Out of order (or a resent block already held): acknowledge what arrived in order.
        ack(expected - 1);
        inWindow = 0;
        continue;
      }
      const payload = d.buf.subarray(4);
      chunks.push(payload);
      expected++;
      inWindow++;
      if (payload.length < blksize) {
        ack(expected - 1);
        return { data: Buffer.concat(chunks), oack };
      }
      if (inWindow >= window) {
        ack(expected - 1);
        inWindow = 0;
      }
    }
  } finally {
    peer.close();
  }
}
