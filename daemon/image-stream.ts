/**
 * Sending a byte range of an open file as a response body with bounded memory: one buffer per
 * response, read into, written, and read into again once the socket has taken it (the kernel's
 * socket buffer keeps the connection busy meanwhile), then handed on to the next response through
 * a small pool. No allocation per chunk or per request and next to no garbage, so 50 clients
 * downloading big images cost about 50 chunks of memory, not whatever the garbage collector has
 * not got round to yet.
 */
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

/** The response closed (the client went away) before the whole range was sent. */
export class ClientGone extends Error {
  /** As Node's stream errors say it, for the caller's log. */
  readonly code = 'ERR_STREAM_PREMATURE_CLOSE';
  constructor() {
    super('the client went away');
  }
}

/** Free buffers of one size for reuse, at most `keep` of them; more are left to the collector. */
export class BufferPool {
  private readonly free: Buffer[] = [];
  /** Buffers of `size` bytes; `keep` bounds what the pool holds on to while idle. */
  constructor(
    readonly size: number,
    private readonly keep: number,
  ) {}
  /** A buffer of `size` bytes (old contents: it is read into before anything of it is sent). */
  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }
  /** Gives back a buffer nothing refers to any more. */
  give(buffer: Buffer): void {
    if (this.free.length < this.keep) this.free.push(buffer);
  }
}

/**
 * Sends bytes `start` to `start + length - 1` of `handle` as the body of `res` (headers already
 * set), a pool buffer at a time, and ends it. Resolves when the socket has taken the last byte;
 * rejects with ClientGone when the response closes first, or with an Error when the file ends
 * early (it shrank meanwhile); the caller then destroys the response, so a client never takes a
 * short body for a whole one. Plain callbacks, not a promise per chunk: the loop runs thousands of
 * times a second and should leave next to nothing for the collector.
 */
export function sendFileRange(
  handle: FileHandle,
  res: ServerResponse,
  start: number,
  length: number,
  pool: BufferPool,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const buffer = pool.take();
    const end = start + length;
    let pos = start;
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      res.off('close', onClose);
      // Nothing refers to the buffer any more: no read is under way, and every write has been
      // taken by the socket, failed, or was dropped when the socket closed ('close' comes after).
      pool.give(buffer);
      if (err) return reject(err);
      res.end();
      resolve();
    };
    let reading = false;
    // The caller closes the file once this settles: never while a read of it is under way.
    const onClose = () => (reading ? undefined : settle(new ClientGone()));
    const readNext = () => {
      reading = true;
      fs.read(handle.fd, buffer, 0, Math.min(buffer.length, end - pos), pos, onRead);
    };
    const onRead = (err: Error | null, bytesRead: number) => {
      reading = false;
      if (settled) return;
      if (res.destroyed) return settle(new ClientGone());
      if (err) return settle(err);
      if (bytesRead === 0)
        return settle(new Error(`file changed while being sent (${pos - start} of ${length} bytes)`));
      pos += bytesRead;
      res.write(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead), onWritten);
    };
    const onWritten = (err?: Error | null) => {
      if (err) return settle(err);
      if (settled) return;
      if (pos < end) readNext();
      else settle();
    };
    res.once('close', onClose);
    if (res.destroyed) return settle(new ClientGone());
    readNext();
  });
}
