/** `flock(2)` from the native fs-ext package (Node has none), without ever blocking a thread. */
import { createRequire } from 'node:module';

/** LOCK_EX|LOCK_NB (`exnb`) or LOCK_UN (`un`) on an open descriptor. */
export const { flockSync } = createRequire(import.meta.url)('fs-ext') as {
  flockSync(fd: number, flags: 'exnb' | 'un'): void;
};

/** Takes an exclusive lock on `fd` without waiting: false while another open file holds it. */
export function tryFlock(fd: number): boolean {
  try {
    flockSync(fd, 'exnb');
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return false;
    throw err;
  }
}
