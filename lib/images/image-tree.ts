/**
 * Reading an unpacked image tree: names found whatever their case (ISO 9660 names are often upper
 * case), regular files told from the rest, and SHA-256 hashes streamed.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Finds `rel` under `dir` ignoring case; the path as it is on disk, or undefined if absent. */
export async function findPath(dir: string, rel: string): Promise<string | undefined> {
  let here = '';
  for (const part of rel.split('/')) {
    let names: string[];
    try {
      names = await readdir(join(dir, here));
    } catch {
      return undefined;
    }
    const hit = names.find((n) => n === part) ?? names.find((n) => n.toLowerCase() === part.toLowerCase());
    if (!hit) return undefined;
    here = here ? `${here}/${hit}` : hit;
  }
  return here;
}

/** Whether `rel` under `dir` is a regular file (following symlinks). */
export async function isFile(dir: string, rel: string | undefined): Promise<boolean> {
  if (!rel) return false;
  try {
    return (await stat(join(dir, rel))).isFile();
  } catch {
    return false;
  }
}

/** The regular file `rel` names under `dir` (found whatever its case), or undefined. */
export async function findFile(dir: string, rel: string): Promise<string | undefined> {
  const found = await findPath(dir, rel);
  return found && (await isFile(dir, found)) ? found : undefined;
}

/** SHA-256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}
