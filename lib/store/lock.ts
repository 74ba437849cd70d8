/**
 * A cross-process lock that the kernel releases when its holder dies: a listening socket in Linux's
 * abstract namespace. Binding fails with EADDRINUSE while another live process holds it; a process
 * killed with SIGKILL frees it at once, so there are no stale lock files to time out (ADR 0003).
 */
import net from 'node:net';
import { createHash } from 'node:crypto';
import { RazorError } from '../errors.js';

/** A held lock; release it exactly once. */
export interface HeldLock {
  release(): Promise<void>;
}

/** Options for acquiring: how long to keep trying before giving up. */
export interface LockOptions {
  timeoutMs?: number;
}

/** The abstract-socket name used to lock `path` (one name per absolute path). */
export function lockName(path: string): string {
  return `\0razor-lock-${createHash('sha256').update(path).digest('hex').slice(0, 32)}`;
}

function tryBind(name: string): Promise<net.Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(undefined);
      else reject(err);
    });
    server.listen({ path: name, exclusive: true }, () => resolve(server));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Acquires the lock for `path`, retrying with short random back-off until `timeoutMs`. */
export async function acquireLock(path: string, opts: LockOptions = {}): Promise<HeldLock> {
  const name = lockName(path);
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (let attempt = 0; ; attempt++) {
    const server = await tryBind(name);
    if (server) {
      server.unref();
      return { release: () => new Promise<void>((r) => server.close(() => r())) };
    }
    if (Date.now() > deadline) {
      throw new RazorError(
        'StoreUnavailable',
        `the store ${path} is locked by another razor process; gave up after ${opts.timeoutMs ?? 30_000} ms`,
      );
    }
    await sleep(1 + Math.random() * Math.min(20, 2 + attempt));
  }
}
