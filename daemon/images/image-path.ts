/**
 * From an image-service URL path to an open regular file that is provably inside its image's own
 * folder: decode once, refuse anything odd, realpath, check containment, open without following
 * the last component, fstat, and check again what was really opened.
 */
import { constants, promises as fsp, type BigIntStats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { FAMILY_NAME } from '../../lib/domain/catalog-folders.js';

/**
 * Whether a name is an image type's folder under the image root: one of `types` (the catalog's
 * image types) or, without them, any name an image type may have (never a `.staging-…` folder).
 */
export const isImageType = (name: string, types?: ReadonlySet<string>): boolean =>
  types ? types.has(name) : FAMILY_NAME.test(name);

const UUID = /^[0-9A-Za-z]{22}$/;
const MAX_URL_PATH = 4096;
const MAX_PARTS = 64;
const MAX_NAME = 255;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const FORBIDDEN = /[%/\\]/;

/** What an image-service URL names: the image's type and uuid, and the file's path inside it. */
export interface ImagePath {
  type: string;
  uuid: string;
  /** Path elements below the image folder, each a plain file name (never empty, `.` or `..`). */
  rel: string[];
}

/** An open regular file inside an image; the caller owns (and closes) `handle`. */
export interface ImageFile {
  handle: FileHandle;
  stat: BigIntStats;
}

/**
 * Decodes (once) and checks the raw URL path below the mount point, `/<type>/<uuid>/<path…>`
 * without query; undefined unless every element is printable ASCII with no `%`, `/`, `\` or `..`,
 * not empty and not `.`, the type is known (isImageType) and the uuid is 22 base62 characters.
 */
export function parseImagePath(raw: string, types?: ReadonlySet<string>): ImagePath | undefined {
  if (raw.length > MAX_URL_PATH || !raw.startsWith('/')) return undefined;
  const raws = raw.slice(1).split('/');
  if (raws.length < 3 || raws.length > MAX_PARTS) return undefined;
  const names: string[] = [];
  for (const r of raws) {
    let name: string;
    try {
      name = decodeURIComponent(r);
    } catch {
      return undefined; // malformed escapes and overlong or otherwise invalid UTF-8
    }
    if (name.length > MAX_NAME || !PRINTABLE_ASCII.test(name) || FORBIDDEN.test(name)) return undefined;
    if (name === '.' || name.includes('..')) return undefined;
    names.push(name);
  }
  const [type, uuid, ...rel] = names;
  if (type === undefined || uuid === undefined || !isImageType(type, types) || !UUID.test(uuid))
    return undefined;
  return { type, uuid, rel };
}

/** Error codes that mean "nothing servable there" rather than a fault of the server. */
const NOT_THERE = new Set([
  'ENOENT',
  'ENOTDIR',
  'ELOOP',
  'EACCES',
  'EPERM',
  'ENAMETOOLONG',
  'EISDIR',
  'ENXIO',
]);

function isNotThere(err: unknown): boolean {
  return NOT_THERE.has((err as NodeJS.ErrnoException | undefined)?.code ?? '');
}

function inside(dir: string, file: string): boolean {
  return file.startsWith(dir + path.sep);
}

/** Where the open file really is (Linux `/proc`), or undefined where that cannot be told. */
async function openedPath(handle: FileHandle): Promise<string | undefined> {
  try {
    return await fsp.readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    return undefined;
  }
}

/**
 * Opens the regular file `p` names under `root`, or resolves undefined when there is none inside
 * `realpath(root)/<type>/<uuid>/` — symlinks may point elsewhere in the same image, never out of it.
 * Rejects only on unexpected I/O errors (EMFILE, EIO, …).
 */
export async function openImageFile(root: string, p: ImagePath): Promise<ImageFile | undefined> {
  let handle: FileHandle | undefined;
  try {
    const base = path.join(await fsp.realpath(root), p.type, p.uuid);
    const real = await fsp.realpath(path.join(base, ...p.rel));
    if (!inside(base, real)) return undefined;
    // Stat before opening so FIFOs and devices are never opened at all.
    const before = await fsp.stat(real, { bigint: true });
    if (!before.isFile()) return undefined;
    const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
    handle = await fsp.open(real, flags);
    const stat = await handle.stat({ bigint: true });
    const where = await openedPath(handle);
    const same = stat.isFile() && stat.ino === before.ino && stat.dev === before.dev;
    if (!same || (where !== undefined && !inside(base, where))) {
      await handle.close();
      return undefined;
    }
    return { handle, stat };
  } catch (err) {
    await handle?.close().catch(() => undefined);
    if (isNotThere(err)) return undefined;
    throw err;
  }
}
