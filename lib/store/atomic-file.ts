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
 * Writes `text` (or its pieces, one after the other) to `file` atomically and durably; resolves
 * with the bytes written. `beforeReplace` gets the new version's path once it is safely on disk,
 * just before it replaces `file` (store generations are kept there).
 */
export async function writeFileAtomic(
  file: string,
  text: string | Iterable<string>,
  beforeReplace?: (next: string) => Promise<unknown>,
): Promise<number> {
  let bytes = 0;
  const tmp = join(dirname(file), `${tempPrefix(file)}${process.pid}-${randomBytes(6).toString('hex')}`);
  let handle;
  try {
    handle = await open(tmp, 'wx', 0o600);
    for (const piece of typeof text === 'string' ? [text] : text) {
      const buf = Buffer.from(piece);
      // A write may be short (a disk filling up): go on until all is written or one fails.
      for (let done = 0; done < buf.length;) {
        const { bytesWritten } = await handle.write(buf, done, buf.length - done);
        if (bytesWritten === 0) throw Object.assign(new Error('nothing written'), { code: 'ENOSPC' });
        done += bytesWritten;
      }
      bytes += buf.length;
    }
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
  return bytes;
}

/**
 * `JSON.stringify(data)` of a store file in pieces of about `size` bytes, one collection's
 * documents at a time: a large store is written without building one string of its size (and the
 * event loop runs between the pieces).
 */
export function* storeJsonPieces(
  data: { rev: number; format: string; collections: Record<string, Record<string, unknown> | undefined> },
  size = 1 << 20,
): Generator<string> {
  let piece = `{"rev":${JSON.stringify(data.rev)},"format":${JSON.stringify(data.format)},"collections":{`;
  let firstCollection = true;
  for (const [name, table] of Object.entries(data.collections)) {
    if (table === undefined) continue;
    piece += `${firstCollection ? '' : ','}${JSON.stringify(name)}:{`;
    firstCollection = false;
    let firstDoc = true;
    for (const [uuid, doc] of Object.entries(table)) {
      if (doc === undefined) continue;
      piece += `${firstDoc ? '' : ','}${JSON.stringify(uuid)}:${JSON.stringify(doc)}`;
      firstDoc = false;
      if (piece.length >= size) {
        yield piece;
        piece = '';
      }
    }
    piece += '}';
  }
  yield `${piece}}}`;
}

/** Removes temp files a killed writer left behind. Call only while holding the store lock. */
export async function removeStaleTemps(file: string): Promise<number> {
  const prefix = tempPrefix(file);
  const names = (await readdir(dirname(file))).filter((n) => n.startsWith(prefix));
  await Promise.all(names.map((n) => unlink(join(dirname(file), n)).catch(() => undefined)));
  return names.length;
}

const isStoreFile = (
  d: unknown,
): d is { rev: number; format: string; collections: Record<string, Record<string, unknown>> } =>
  typeof d === 'object' && d !== null && 'collections' in d && 'rev' in d && 'format' in d;

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
    const pieces = isStoreFile(data) ? storeJsonPieces(data) : JSON.stringify(data);
    this.lastBytes = await writeFileAtomic(this.file, pieces, this.beforeReplace);
  }
}
