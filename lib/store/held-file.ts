/**
 * Knowing, with one `fstat`, whether the store file is still the one we read (ADR 0011, 0017).
 * Writers replace the file by renaming a new one over it, which takes one link from the old inode
 * at that instant — to 0, or to 1 when it lives on as a store generation (generations.ts); razor
 * never adds a link to a file once it is the store. Holding the descriptor of the file we read
 * keeps its inode from being reused, so the link count we saw (with size and mtime unchanged,
 * against in-place edits) means nothing changed.
 */
import { close, closeSync, fstatSync, open, readFile, statSync, type Stats } from 'node:fs';
import { promisify } from 'node:util';

const openFd = promisify(open);
const readFd = promisify(readFile);
const closeFd = promisify(close);

/** The descriptor of the file last read or written, and what it looked like then. */
export interface HeldFile {
  /** True while the held file is still the one at the path, unchanged (or there is still none). */
  fresh(): boolean;
  /** Reads the file at the path and holds it; null when there is none. */
  read(): Promise<string | null>;
  /** Holds the file now at the path without reading it (after our own write, under the lock). */
  hold(): Promise<void>;
  /** Lets go of the descriptor. */
  close(): void;
}

interface Held {
  fd: number;
  nlink: number;
  size: number;
  mtimeMs: number;
}

const same = (st: Stats, h: Held) =>
  st.nlink > 0 && st.nlink === h.nlink && st.size === h.size && st.mtimeMs === h.mtimeMs;

/** A held file for `path`. */
export function heldFile(path: string): HeldFile {
  let held: Held | undefined;
  /** True when the last read found no file. */
  let absent = false;
  const release = () => {
    if (held) closeSync(held.fd);
    held = undefined;
    absent = false;
  };
  const take = async (readText: boolean): Promise<string | null> => {
    let fd: number;
    try {
      fd = await openFd(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      release();
      absent = true;
      return null;
    }
    try {
      // Stat before reading: a change while we read shows as a later mismatch, never as a false match.
      const st = fstatSync(fd);
      const text = readText ? await readFd(fd, 'utf8') : '';
      release();
      held = { fd, nlink: st.nlink, size: st.size, mtimeMs: st.mtimeMs };
      return text;
    } catch (err) {
      await closeFd(fd);
      throw err;
    }
  };
  return {
    fresh: () =>
      held !== undefined
        ? same(fstatSync(held.fd), held)
        : absent && statSync(path, { throwIfNoEntry: false }) === undefined,
    read: () => take(true),
    hold: async () => void (await take(false)),
    close: release,
  };
}
