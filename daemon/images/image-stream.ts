/**
 * Sending a byte range of an open file as a response body with bounded memory. All downloads
 * share a fixed number of buffers: a download borrows one for each chunk — read into it, write
 * it, give it back once the socket has taken it — and waits its turn when all are out. However
 * many clients download at once, the daemon holds at most `max` chunks of file data, makes no
 * garbage per chunk, and every download moves on in turn (the kernel's socket buffers keep each
 * connection busy between its chunks).
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

type Borrower = (buffer: Buffer) => void;

/** At most `max` buffers of `size` bytes, lent one at a time, first come first served. */
export class BufferPool {
  private readonly free: Buffer[] = [];
  private readonly waiting: Borrower[] = [];
  private made = 0;
  /** Buffers of `size` bytes; never more than `max` exist at once. */
  constructor(
    readonly size: number,
    private readonly max: number,
  ) {}
  /** Lends a buffer to `use`: now if one is free (or may be made), else when one comes back. */
  borrow(use: Borrower): void {
    const buffer = this.free.pop() ?? (this.made < this.max ? this.make() : undefined);
    if (buffer) use(buffer);
    else this.waiting.push(use);
  }
  /** Gives back a buffer nothing refers to any more; the longest waiting borrower gets it. */
  giveBack(buffer: Buffer): void {
    const next = this.waiting.shift();
    if (next) next(buffer);
    else this.free.push(buffer);
  }
  /** `use` no longer wants a buffer (its client went away while it waited). */
  cancel(use: Borrower): void {
    const at = this.waiting.indexOf(use);
    if (at >= 0) this.waiting.splice(at, 1);
  }
  /** A lent buffer will not come back (the socket may still hold it): another may be made. */
  lose(): void {
    this.made--;
    const next = this.waiting.shift();
    if (next) next(this.make());
  }
  /** How many borrowers wait (for tests). */
  get queued(): number {
    return this.waiting.length;
  }
  /** How many buffers exist, lent or free (for tests). */
  get buffers(): number {
    return this.made;
  }
  private make(): Buffer {
    this.made++;
    return Buffer.allocUnsafeSlow(this.size);
  }
}

/**
 * Sends bytes `start` to `start + length - 1` of `handle` as the body of `res` (headers already
 * set), a borrowed buffer at a time, and ends it. Resolves when the socket has taken the last
 * byte; rejects with ClientGone when the response closes first, or with an Error when the file
 * ends early (it shrank meanwhile); the caller then destroys the response, so a client never
 * takes a short body for a whole one. It never settles while a read of the file is under way (the
 * caller closes the file then). Plain callbacks, not a promise per chunk: the loop runs thousands
 * of times a second and should leave next to nothing for the collector.
 */
export function sendFileRange(
  handle: FileHandle,
  res: ServerResponse,
  start: number,
  length: number,
  pool: BufferPool,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const end = start + length;
    let pos = start;
    let settled = false;
    let state: 'idle' | 'waiting' | 'reading' | 'writing' = 'idle';
    let buffer: Buffer | undefined;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      res.off('close', onClose);
      if (err) return reject(err);
      res.end();
      resolve();
    };
    const giveBack = () => {
      state = 'idle';
      if (buffer) pool.giveBack(buffer);
      buffer = undefined;
    };
    const onClose = () => {
      if (state === 'reading') return; // onRead sees the response destroyed and settles
      if (state === 'waiting') pool.cancel(onBuffer);
      if (state === 'writing') {
        // The socket may still refer to the buffer: it is not given back, another may be made.
        buffer = undefined;
        pool.lose();
      }
      state = 'idle';
      settle(new ClientGone());
    };
    const onBuffer = (lent: Buffer) => {
      buffer = lent;
      if (settled || res.destroyed) {
        giveBack();
        return settle(new ClientGone());
      }
      state = 'reading';
      fs.read(handle.fd, lent, 0, Math.min(lent.length, end - pos), pos, onRead);
    };
    const onRead = (err: Error | null, bytesRead: number) => {
      const lent = buffer as Buffer;
      if (settled || res.destroyed || err || bytesRead === 0) {
        giveBack();
        if (err) return settle(err);
        if (bytesRead === 0 && !res.destroyed)
          return settle(new Error(`file changed while being sent (${pos - start} of ${length} bytes)`));
        return settle(new ClientGone());
      }
      pos += bytesRead;
      state = 'writing';
      res.write(bytesRead === lent.length ? lent : lent.subarray(0, bytesRead), onWritten);
    };
    const onWritten = (err?: Error | null) => {
      if (state === 'writing') giveBack();
      if (err) return settle(err);
      if (settled) return;
      if (pos < end) next();
      else settle();
    };
    const next = () => {
      state = 'waiting';
      pool.borrow(onBuffer);
    };
    res.once('close', onClose);
    if (res.destroyed) return settle(new ClientGone());
    next();
  });
}
