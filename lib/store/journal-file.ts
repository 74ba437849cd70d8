/**
 * The journal file itself (ADR 0027): held open like the snapshot (held-file.ts), read from where
 * this process last stopped, appended to with `fdatasync` and cut back on failure. Only complete
 * lines (ending in a newline) count; bytes after the last one are a torn append that was never
 * acknowledged, which the next writer cuts off. The journal is replaced (a new file renamed over
 * it, as the snapshot is) when it starts over after a compaction.
 */
import {
  close,
  closeSync,
  fdatasync,
  fstatSync,
  ftruncate,
  open,
  read,
  statSync,
  unlink,
  write,
} from 'node:fs';
import { promisify } from 'node:util';
import { writeFileAtomic } from './atomic-file.js';

const openFd = promisify(open);
const readFd = promisify(read);
const writeFd = promisify(write);
const syncFd = promisify(fdatasync);
const truncateFd = promisify(ftruncate);
const closeFd = promisify(close);
const unlinkPath = promisify(unlink);

/** What reading the journal found since the last read. */
export interface JournalRead {
  /** True when the file read from its start: it is new, was replaced, or is gone (`lines` empty). */
  restarted: boolean;
  /** True when it got shorter than what was read before (a writer cut back a failed append). */
  shrunk: boolean;
  /** The complete lines found, without their newlines. */
  lines: string[];
}

/** The journal at one path, as this process sees it. */
export interface JournalFile {
  readonly path: string;
  /** True when the journal is as we last read it (one fstat; one stat when there is none). */
  fresh(): boolean;
  /** Reads what was added since the last read (from the start when the file is new or replaced). */
  readNew(): Promise<JournalRead>;
  /** Bytes in the file up to the end of the last complete line. */
  size(): number;
  /** Appends `text` (whole lines) durably; on failure cuts the file back and throws. */
  append(text: string): Promise<void>;
  /** Starts a new journal holding `header` only, replacing the old one atomically. */
  start(header: string): Promise<void>;
  /** Removes the journal (its lines are all in the snapshot). */
  remove(): Promise<void>;
  close(): void;
}

/** The journal at `path`. */
export function journalFile(path: string): JournalFile {
  let fd: number | undefined;
  let nlink = 0;
  let consumed = 0;
  let seen = 0;
  const release = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    consumed = seen = 0;
  };
  const hold = async (): Promise<boolean> => {
    let opened: number;
    try {
      opened = await openFd(path, 'r+');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return false;
    }
    release();
    fd = opened;
    nlink = fstatSync(fd).nlink;
    return true;
  };
  return {
    path,
    fresh() {
      if (fd === undefined) return statSync(path, { throwIfNoEntry: false }) === undefined;
      const st = fstatSync(fd);
      return st.nlink > 0 && st.nlink === nlink && st.size === seen;
    },
    async readNew() {
      let restarted = false;
      if (fd === undefined || fstatSync(fd).nlink !== nlink) {
        release();
        restarted = true;
        if (!(await hold())) return { restarted, shrunk: false, lines: [] };
      }
      const at = fd as number;
      const size = fstatSync(at).size;
      if (size < consumed) return { restarted, shrunk: true, lines: [] };
      const buf = Buffer.alloc(size - consumed);
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await readFd(at, buf, got, buf.length - got, consumed + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      const end = buf.lastIndexOf(0x0a, got - 1) + 1;
      const lines = end > 0 ? buf.toString('utf8', 0, end - 1).split('\n') : [];
      consumed += end;
      seen = consumed + got - end;
      return { restarted, shrunk: false, lines };
    },
    size: () => consumed,
    async append(text) {
      if (fd === undefined) throw new Error(`the journal ${path} is not open`);
      const buf = Buffer.from(text);
      try {
        // A torn line left by a writer that died is cut off first (we hold the store lock).
        if (seen > consumed) await truncateFd(fd, consumed);
        seen = consumed;
        let put = 0;
        while (put < buf.length) {
          const { bytesWritten } = await writeFd(fd, buf, put, buf.length - put, consumed + put);
          if (bytesWritten === 0) throw Object.assign(new Error('nothing written'), { code: 'ENOSPC' });
          put += bytesWritten;
        }
        await syncFd(fd);
      } catch (err) {
        // Never acknowledged: cut back, so no reader applies it and no later line follows it.
        await truncateFd(fd, consumed).catch(() => undefined);
        throw err;
      }
      consumed += buf.length;
      seen = consumed;
    },
    async start(header) {
      await writeFileAtomic(path, header);
      release();
      if (!(await hold())) throw new Error(`the new journal ${path} vanished`);
      consumed = seen = Buffer.byteLength(header);
    },
    async remove() {
      await unlinkPath(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      if (fd !== undefined) await closeFd(fd).catch(() => undefined);
      fd = undefined;
      consumed = seen = 0;
    },
    close: release,
  };
}
