/**
 * One TFTP read transfer on its own socket (the server's transfer ID, RFC 1350 §4): an OACK when
 * options were accepted, then windows of DATA blocks (RFC 7440; a window of 1 is plain lock-step),
 * each sent again when its ACK does not come in time, up to a retry limit. A duplicate or old ACK
 * is ignored rather than answered, so duplicates never multiply (the Sorcerer's Apprentice bug).
 * Block numbers wrap past 65535 to 0, so files of any size go through.
 */
import type { Socket } from 'node:dgram';
import { OP, TFTP_ERROR, dataHeader, decodeReply, encodeError, encodeOack } from './tftp-packets.js';
import type { TransferSettings } from './tftp-options.js';
import type { TftpFile } from './tftp-files.js';

/** How a transfer ended. */
export type TransferEnd = 'complete' | 'timeout' | 'client-error' | 'unreachable' | 'aborted';

/** What a transfer needs, passed in. */
export interface TransferDeps {
  /** A UDP socket connected to the client's address and port. */
  readonly socket: Socket;
  readonly file: TftpFile;
  readonly settings: TransferSettings;
  /** Options to acknowledge; empty for a plain RFC 1350 transfer. */
  readonly accepted: ReadonlyMap<string, string>;
  /** Times a window (or the OACK) is sent again before giving up. */
  readonly maxRetries: number;
}

/** A running transfer: `done` settles once, when it ends for any reason. */
export interface Transfer {
  readonly done: Promise<TransferEnd>;
  abort(): void;
}

/** Starts sending `file` to the client `socket` is connected to. */
export function startTransfer(d: TransferDeps): Transfer {
  const { socket, file, settings } = d;
  const { blockSize, windowSize, timeoutMs } = settings;
  // The last block is shorter than blockSize; an exact multiple ends with an empty block.
  const lastBlock = Math.floor(file.size / blockSize) + 1;
  let acked = 0;
  let sentUpTo = 0;
  let oackPending = d.accepted.size > 0;
  let retries = 0;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  let queue = Promise.resolve();
  let finish: (end: TransferEnd) => void = () => undefined;
  const done = new Promise<TransferEnd>((resolve) => {
    finish = (end) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.removeAllListeners('message');
      socket.on('error', () => undefined);
      socket.close();
      void file.close().catch(() => undefined);
      resolve(end);
    };
  });
  // Send errors surface as the socket's 'error' event (handled below).
  const send = (buf: Buffer | Buffer[]) => socket.send(buf);
  // Events run one at a time, in order; a failure (the file cannot be read) ends the transfer.
  const enqueue = (step: () => Promise<void>) => {
    queue = queue.then(step).catch(() => finish('aborted'));
  };
  const arm = () => {
    if (timer) timer.refresh();
    else timer = setTimeout(() => enqueue(onTimeout), timeoutMs);
  };
  const sendWindow = async () => {
    const first = acked + 1;
    const last = Math.min(lastBlock, acked + windowSize);
    const bytes = await file.read((first - 1) * blockSize, (last - first + 1) * blockSize);
    if (finished) return;
    for (let b = first; b <= last; b++) {
      const start = (b - first) * blockSize;
      // Header and payload go out as one datagram without copying the payload.
      send([dataHeader(b), bytes.subarray(start, Math.min(bytes.length, start + blockSize))]);
    }
    sentUpTo = last;
    arm();
  };
  const resend = async () => {
    if (oackPending) {
      send(encodeOack(d.accepted));
      arm();
    } else await sendWindow();
  };
  const onTimeout = async () => {
    if (finished) return;
    if (++retries > d.maxRetries) {
      send(encodeError(TFTP_ERROR.undefined, 'timed out waiting for an ACK'));
      finish('timeout');
      return;
    }
    await resend();
  };
  const onPacket = async (buf: Buffer) => {
    if (finished) return;
    const reply = decodeReply(buf);
    if (!reply) {
      send(encodeError(TFTP_ERROR.illegalOperation, 'expected an ACK'));
      return;
    }
    if (reply.op === OP.ERROR) return finish('client-error');
    if (oackPending) {
      if (reply.block !== 0) return;
      oackPending = false;
    } else {
      // The ACK's block, counted from the last one acknowledged (16-bit wrap-around).
      const ackedNow = acked + ((reply.block - acked) & 0xffff);
      if (ackedNow <= acked || ackedNow > sentUpTo) return;
      acked = ackedNow;
      if (acked >= lastBlock) return finish('complete');
    }
    retries = 0;
    await sendWindow();
  };
  socket.on('message', (buf: Buffer) => enqueue(() => onPacket(buf)));
  // A port-unreachable from the client (it has gone away) ends the transfer at once.
  socket.on('error', () => finish('unreachable'));
  enqueue(resend);
  return { done, abort: () => finish('aborted') };
}
