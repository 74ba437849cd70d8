/**
 * The TFTP server (read-only): listens for requests, refuses writes and names outside its root,
 * negotiates options and runs each transfer on its own socket, many at once.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { OP, TFTP_ERROR, decodeRequest, encodeError } from './tftp-packets.js';
import { DEFAULT_LIMITS, negotiate, type OptionLimits } from './tftp-options.js';
import { safeRelativePath } from './tftp-path.js';
import { startTransfer, type Transfer } from './tftp-transfer.js';
import type { TftpFiles } from './tftp-files.js';
import type { PxeLog } from './log.js';
import { bindUdp } from './udp-bind.js';

/** What the TFTP server needs, passed in. */
export interface TftpServerOptions {
  readonly host: string;
  /** 69 in production; 0 picks a free port (tests). */
  readonly port: number;
  readonly files: TftpFiles;
  readonly log: PxeLog;
  /** Times a window is sent again before the transfer is given up (default 5). */
  readonly maxRetries?: number;
  readonly limits?: OptionLimits;
  /** Transfers running at once before new requests are told the server is busy (default 512). */
  readonly maxTransfers?: number;
}

/** A running TFTP server. */
export interface TftpServer {
  readonly port: number;
  /** Transfers in progress. */
  active(): number;
  /** Stops listening and ends every transfer. */
  stop(): Promise<void>;
}

function connectedSocket(host: string, to: RemoteInfo): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind({ port: 0, address: host }, () =>
      socket.connect(to.port, to.address, () => {
        socket.off('error', reject);
        resolve(socket);
      }),
    );
  });
}

/** Starts the TFTP server; rejects with a clear message when the port cannot be bound. */
export async function startTftpServer(o: TftpServerOptions): Promise<TftpServer> {
  const listener = await bindUdp(o.host, o.port, 'TFTP', '--tftp-port');
  const transfers = new Set<Transfer>();
  const maxTransfers = o.maxTransfers ?? 512;
  const refuse = (to: RemoteInfo, code: number, message: string) =>
    listener.send(encodeError(code, message), to.port, to.address, () => undefined);

  const onRequest = async (buf: Buffer, from: RemoteInfo) => {
    const req = decodeRequest(buf);
    if (!req) {
      const op = buf.length >= 2 ? buf.readUInt16BE(0) : 0;
      // A stray ACK or DATA belongs to no transfer on this port (RFC 1350: unknown transfer ID).
      if (op === OP.ACK || op === OP.DATA)
        return refuse(from, TFTP_ERROR.unknownTransferId, 'unknown transfer ID');
      if (op !== OP.ERROR) refuse(from, TFTP_ERROR.illegalOperation, 'illegal TFTP operation');
      return;
    }
    const who = { client: `${from.address}:${from.port}`, file: req.file };
    if (req.op === OP.WRQ) {
      o.log.warn(who, 'tftp: write request refused');
      return refuse(from, TFTP_ERROR.accessViolation, 'this server is read-only');
    }
    const checked = safeRelativePath(req.file);
    if ('refused' in checked) {
      o.log.warn({ ...who, reason: checked.refused }, 'tftp: file name refused');
      return refuse(from, TFTP_ERROR.accessViolation, checked.refused);
    }
    if (transfers.size >= maxTransfers) return refuse(from, TFTP_ERROR.undefined, 'server busy, try again');
    const file = await o.files.open(checked.path);
    if (file === 'notFound') {
      o.log.info(who, 'tftp: file not found');
      return refuse(from, TFTP_ERROR.notFound, 'file not found');
    }
    if (file === 'accessViolation') return refuse(from, TFTP_ERROR.accessViolation, 'file not readable');
    const { settings, accepted } = negotiate(req.options, file.size, o.limits ?? DEFAULT_LIMITS);
    let socket;
    try {
      socket = await connectedSocket(o.host, from);
    } catch (err) {
      await file.close();
      o.log.warn({ ...who, err: (err as Error).message }, 'tftp: cannot open a transfer socket');
      return;
    }
    const transfer = startTransfer({ socket, file, settings, accepted, maxRetries: o.maxRetries ?? 5 });
    transfers.add(transfer);
    o.log.debug({ ...who, ...settings, size: file.size }, 'tftp: transfer started');
    const end = await transfer.done;
    transfers.delete(transfer);
    o.log.info({ ...who, size: file.size, end }, 'tftp: transfer ended');
  };

  listener.on('message', (buf: Buffer, from: RemoteInfo) => {
    onRequest(buf, from).catch((err: unknown) =>
      o.log.warn({ client: from.address, err: (err as Error).message }, 'tftp: request failed'),
    );
  });
  listener.on('error', (err) => o.log.warn({ err: err.message }, 'tftp: socket error'));
  return {
    port: listener.address().port,
    active: () => transfers.size,
    stop: async () => {
      for (const t of transfers) t.abort();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}
