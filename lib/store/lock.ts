/**
 * A cross-process lock only the store's owner can take, released by the kernel when its holder
 * dies (ADR 0015): `flock(2)` on `<store>.lock`, a file of mode 0600 beside the store (inside the
 * 0700 `$RAZOR_HOME` by default). Another local user can neither open the file nor, therefore,
 * lock it; a process killed with SIGKILL has its descriptors closed and its lock dropped at once,
 * so there is never a stale lock to time out. The lock file itself is never removed.
 */
import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RazorError } from '../errors.js';
import { flockSync, tryFlock } from './flock.js';

/** A held lock; release it exactly once. */
export interface HeldLock {
  release(): Promise<void>;
}

/** Options for acquiring: how long to keep trying before giving up. */
export interface LockOptions {
  timeoutMs?: number;
}

/** The lock file of the store at `path`. */
export function lockFile(path: string): string {
  return `${path}.lock`;
}

const FLAGS = constants.O_RDWR | constants.O_NOFOLLOW;

/** Opens the lock file, creating it (mode 0600) when there is none; says whether it made it. */
async function openOrCreate(file: string): Promise<{ handle: FileHandle; created: boolean }> {
  for (;;) {
    try {
      return { handle: await open(file, FLAGS), created: false };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    try {
      return { handle: await open(file, FLAGS | constants.O_CREAT | constants.O_EXCL, 0o600), created: true };
    } catch (err) {
      // Another process made it in between: open theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Opens the lock file; refuses one that a user other than razor's or the store's could open. */
async function openLockFile(file: string): Promise<FileHandle> {
  const opened = await openOrCreate(file).catch((err: NodeJS.ErrnoException) => {
    const why = err.code === 'ELOOP' ? 'it is a symbolic link' : err.message;
    throw new RazorError('StoreUnavailable', `cannot open the store's lock file ${file}: ${why}`);
  });
  const { handle, created } = opened;
  try {
    const st = await handle.stat();
    const me = process.getuid?.() ?? 0;
    if (!st.isFile())
      throw new RazorError('StoreUnavailable', `the store's lock file ${file} is not a regular file`);
    // Its owner can open it, and so lock it: razor's user, or — when root runs razor — the store's.
    const storeOwner = me === 0 && (st.uid !== me || created) ? (await stat(dirname(file))).uid : me;
    if (st.uid !== me && st.uid !== storeOwner)
      throw new RazorError(
        'StoreUnavailable',
        `the store's lock file ${file} belongs to uid ${st.uid}, not to razor's user (uid ${me}); remove it`,
      );
    // Made by root in another user's store: theirs, or their daemon could not open it.
    if (st.uid !== storeOwner) await handle.chown(storeOwner, -1);
    // Created 0600 by razor; one made looser by hand is tightened before it is used.
    if ((st.mode & 0o077) !== 0) await handle.chmod(0o600);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Takes the lock on the open `handle` without waiting; false while another process holds it. */
function tryLock(handle: FileHandle, file: string): boolean {
  try {
    return tryFlock(handle.fd);
  } catch (err) {
    throw new RazorError('StoreUnavailable', `cannot lock ${file}: ${(err as Error).message}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Acquires the lock for the store at `path`, retrying with short random back-off until `timeoutMs`. */
export async function acquireLock(path: string, opts: LockOptions = {}): Promise<HeldLock> {
  const file = lockFile(path);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  // One descriptor for every attempt; closing it drops the lock (it is this open file's only one).
  const handle = await openLockFile(file);
  try {
    for (let attempt = 0; !tryLock(handle, file); attempt++) {
      if (Date.now() > deadline) {
        throw new RazorError(
          'StoreUnavailable',
          `the store ${path} is locked by another razor process (lock file ${file}); gave up after ${timeoutMs} ms`,
        );
      }
      await sleep(1 + Math.random() * Math.min(20, 2 + attempt));
    }
  } catch (err) {
    await handle.close();
    throw err;
  }
  return {
    // Unlocked at once, without waiting for the thread pool to close the descriptor.
    release: async () => {
      try {
        flockSync(handle.fd, 'un');
      } finally {
        await handle.close();
      }
    },
  };
}
