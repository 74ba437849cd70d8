/**
 * One daemon per store (ADR 0025): the daemon holds `flock(2)` on `<store>.daemon.lock` (mode 0600,
 * beside the store) for its whole life; the kernel drops it when the daemon dies, even by SIGKILL,
 * so it is never stale. The file names the holder (`{pid, home}`), so a second daemon — on the same
 * home or another home sharing the store — can say whose it is. `razor daemon status` probes it too:
 * a record whose pid was reused by another program is not mistaken for a daemon.
 */
import { join } from 'node:path';
import { closeSync, constants, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { flockSync, tryFlock } from '../store/flock.js';

/** Who holds a daemon lock, as its file says. */
export interface LockHolder {
  pid?: number;
  home?: string;
}

/** A held daemon lock. */
export interface DaemonLock {
  release(): void;
}

/**
 * What a daemon locks for the store at `location`: the store file itself, or — for a database,
 * which several daemons share by design (ADR 0028) — its home, so one daemon serves one home.
 */
export const lockBase = (location: string, home: string): string =>
  /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? join(home, 'razor-database') : location;

/** The daemon lock file of the store at `storePath`. */
export const daemonLockFile = (storePath: string) => `${storePath}.daemon.lock`;

/** The holder the lock file names (empty while the holder is still writing it). */
export function lockHolder(storePath: string): LockHolder {
  try {
    return JSON.parse(readFileSync(daemonLockFile(storePath), 'utf8')) as LockHolder;
  } catch {
    return {};
  }
}

/** Claims the store for this daemon (`home` is written into the file), or says who holds it. */
export function claimStore(storePath: string, home: string): DaemonLock | { heldBy: LockHolder } {
  const file = daemonLockFile(storePath);
  const fd = openSync(file, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  if (!tryFlock(fd)) {
    closeSync(fd);
    return { heldBy: lockHolder(storePath) };
  }
  ftruncateSync(fd, 0);
  writeSync(fd, JSON.stringify({ pid: process.pid, home }), 0);
  return {
    release: () => {
      ftruncateSync(fd, 0);
      flockSync(fd, 'un');
      closeSync(fd);
    },
  };
}

/** Is the store's daemon lock held by a process (undefined when that cannot be told)? */
export function storeClaimed(storePath: string): boolean | undefined {
  let fd: number;
  try {
    fd = openSync(daemonLockFile(storePath), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    // No lock file: no daemon ever ran here. Another user's file: unknown.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? false : undefined;
  }
  try {
    if (!tryFlock(fd)) return true;
    flockSync(fd, 'un');
    return false;
  } finally {
    closeSync(fd);
  }
}
