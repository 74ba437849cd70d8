/**
 * A lowdb adapter that writes atomically and durably: a unique temp file beside the target,
 * written and fsynced, renamed over the target, then the directory fsynced. A crash at any moment
 * leaves either the old file or the new one — never a torn one.
 */
import { open, readFile, rename, unlink, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Adapter } from 'lowdb';

/** The temp-file prefix for `file`; leftovers with it are garbage from a crashed writer. */
export function tempPrefix(file: string): string {
  return `.${basename(file)}.tmp-`;
}

/**
 * Writes `text` to `file` atomically and durably. `beforeReplace` gets the new version's path once
 * it is safely on disk, just before it replaces `file` (store generations are kept there).
 */
export async function writeFileAtomic(
  file: string,
  text: string,
  beforeReplace?: (next: string) => Promise<unknown>,
): Promise<void> {
  const tmp = join(dirname(file), `${tempPrefix(file)}${process.pid}-${randomBytes(6).toString('hex')}`);
  let handle;
  try {
    handle = await open(tmp, 'wx', 0o600);
    await handle.writeFile(text);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await beforeReplace?.(tmp);
    await rename(tmp, file);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Removes temp files a killed writer left behind. Call only while holding the store lock. */
export async function removeStaleTemps(file: string): Promise<number> {
  const prefix = tempPrefix(file);
  const names = (await readdir(dirname(file))).filter((n) => n.startsWith(prefix));
  await Promise.all(names.map((n) => unlink(join(dirname(file), n)).catch(() => undefined)));
  return names.length;
}

/** lowdb adapter over one JSON file, written with `writeFileAtomic` (and `beforeReplace`). */
export class AtomicJsonFile<T> implements Adapter<T> {
  /** Bytes of the last file written. */
  lastBytes = 0;

  constructor(
    private readonly file: string,
    private readonly beforeReplace?: (next: string) => Promise<unknown>,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return JSON.parse(text) as T;
  }

  async write(data: T): Promise<void> {
    const text = JSON.stringify(data);
    await writeFileAtomic(this.file, text, this.beforeReplace);
    this.lastBytes = Buffer.byteLength(text);
  }
}
