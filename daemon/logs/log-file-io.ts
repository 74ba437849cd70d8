/** The daemon log's file operations: private open, one append, and why a write failed (log-sink.ts). */
import { chmodSync, fchmodSync, fstat, ftruncate, mkdirSync, openSync, write } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

/** fstat(2) and ftruncate(2) as promises. */
export const [fstatAsync, ftruncateAsync] = [promisify(fstat), promisify(ftruncate)];

/** One write(2) of `buf` at the end of the file; resolves with the bytes written. */
export type WriteFn = (fd: number, buf: Buffer) => Promise<number>;

/** The real append. */
export const appendOnce: WriteFn = (fd, buf) =>
  new Promise((resolve, reject) =>
    write(fd, buf, 0, buf.length, null, (err, n) => (err ? reject(err) : resolve(n))),
  );

/** Why a write failed, for the messages. */
export const reasonOf = (err: NodeJS.ErrnoException) =>
  err.code === 'ENOSPC' || err.code === 'EDQUOT'
    ? 'the disk was full'
    : `it could not be written (${err.code ?? err.message})`;

/** Opens `file` for appending, private (0600, in a 0700 directory) whatever the umask. */
export function openPrivate(file: string): number {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(dirname(file), 0o700);
  const fd = openSync(file, 'a', 0o600);
  fchmodSync(fd, 0o600);
  return fd;
}
