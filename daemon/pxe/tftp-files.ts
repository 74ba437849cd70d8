/**
 * What the TFTP server serves: regular files under a root directory (read-only; symbolic links
 * the root's owner placed there are followed, as Debian's /usr/lib/ipxe needs) and named virtual
 * files rendered on request (razor.ipxe). Small files are kept in memory while unchanged.
 */
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** An open file being sent. */
export interface TftpFile {
  readonly size: number;
  /** Reads up to `length` bytes at `offset` (fewer only at the end of the file). */
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** Why a file cannot be sent. */
export type OpenFailure = 'notFound' | 'accessViolation';

/** Opens checked relative paths. */
export interface TftpFiles {
  open(path: string): Promise<TftpFile | OpenFailure>;
}

/** Files kept whole in memory up to this size. */
const CACHE_LIMIT = 4 * 1024 * 1024;

function bufferFile(data: Buffer): TftpFile {
  return {
    size: data.length,
    read: async (offset, length) => data.subarray(offset, Math.min(data.length, offset + length)),
    close: async () => undefined,
  };
}

/** Serves `root` read-only, plus `virtual` files (by exact name) rendered each time they are asked for. */
export function rootFiles(
  root: string,
  virtual: Readonly<Record<string, () => Promise<string>>> = {},
): TftpFiles {
  const cache = new Map<string, { size: number; mtimeMs: number; data: Buffer }>();
  return {
    async open(path) {
      const render = Object.hasOwn(virtual, path) ? virtual[path] : undefined;
      if (render) return bufferFile(Buffer.from(await render(), 'utf8'));
      const full = join(root, path);
      let handle;
      try {
        handle = await open(full, 'r');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        return code === 'EACCES' || code === 'EPERM' ? 'accessViolation' : 'notFound';
      }
      try {
        const info = await handle.stat();
        if (!info.isFile()) return 'notFound';
        const hit = cache.get(full);
        if (hit && hit.size === info.size && hit.mtimeMs === info.mtimeMs) return bufferFile(hit.data);
        if (info.size <= CACHE_LIMIT) {
          const data = await handle.readFile();
          cache.set(full, { size: info.size, mtimeMs: info.mtimeMs, data });
          return bufferFile(data);
        }
        const file = handle;
        handle = undefined;
        return {
          size: info.size,
          async read(offset, length) {
            const buf = Buffer.allocUnsafe(Math.max(0, Math.min(length, info.size - offset)));
            const { bytesRead } = await file.read(buf, 0, buf.length, offset);
            return buf.subarray(0, bytesRead);
          },
          close: () => file.close(),
        };
      } finally {
        await handle?.close();
      }
    },
  };
}

/** Whether `name` is a regular file in `root` (for choosing boot files that may be absent). */
export async function fileExists(root: string, name: string): Promise<boolean> {
  try {
    return (await stat(join(root, name))).isFile();
  } catch {
    return false;
  }
}
