/**
 * Getting an image's files into a folder without mounting anything (no root, no sudo): an ISO
 * (ISO 9660 + Joliet + Rock Ridge) is streamed through libarchive's `bsdtar` (ADR 0008), a
 * directory is copied file by file. Both report progress in bytes.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, rename, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { RazorError } from '../errors.js';
import type { Progress } from './progress.js';

/** Is `file` an ISO 9660 image (the `CD001` signature of its primary volume descriptor)? */
export async function isIso(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(5);
    const { bytesRead } = await fh.read(buf, 0, 5, 0x8001);
    return bytesRead === 5 && buf.toString('latin1') === 'CD001';
  } finally {
    await fh.close();
  }
}

const counting = (progress: Progress) =>
  new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, done) {
      progress.advance(chunk.length);
      done(null, chunk);
    },
  });

/** Extracts an ISO into `dest` by streaming it through `bsdtar`. */
export async function extractIso(
  iso: string,
  dest: string,
  progress: Progress,
  signal?: AbortSignal,
): Promise<void> {
  const tar = spawn('bsdtar', ['-x', '-f', '-', '-C', dest, '--no-same-owner', '--no-same-permissions'], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  let failure: Error | undefined;
  tar.stderr.on('data', (d) => (stderr += d));
  tar.on('error', (err: NodeJS.ErrnoException) => {
    failure =
      err.code === 'ENOENT'
        ? new RazorError(
            'CommandFailed',
            'bsdtar is not installed (Debian package libarchive-tools); run ./scripts/system-deps.sh',
          )
        : err;
  });
  const exited = new Promise<number | null>((resolve) => tar.once('close', resolve));
  const stop = () => tar.kill('SIGTERM');
  signal?.addEventListener('abort', stop, { once: true });
  try {
    await pipeline(createReadStream(iso, { highWaterMark: 1 << 20 }), counting(progress), tar.stdin, {
      signal,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') {
      stop();
      await exited;
      throw err;
    }
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  const code = await exited;
  if (failure) throw failure;
  if (code !== 0)
    throw new RazorError(
      'InvalidImageFilePath',
      `cannot read ${iso} as an ISO image: ${stderr.trim() || `bsdtar exited ${code}`}`,
    );
}

/** Total bytes of the regular files below `dir` (symlinks are not followed). */
export async function treeSize(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await treeSize(p);
    else if (e.isFile()) total += (await lstat(p)).size;
  }
  return total;
}

/** Copies the tree `src` into `dest` (regular files, folders and symlinks), reporting bytes. */
export async function copyTree(
  src: string,
  dest: string,
  progress: Progress,
  signal?: AbortSignal,
): Promise<void> {
  await mkdir(dest, { recursive: true });
  for (const e of await readdir(src, { withFileTypes: true })) {
    signal?.throwIfAborted();
    const from = join(src, e.name);
    const to = join(dest, e.name);
    if (e.isDirectory()) await copyTree(from, to, progress, signal);
    else if (e.isSymbolicLink()) await symlink(await readlink(from), to);
    else if (e.isFile()) {
      await pipeline(
        createReadStream(from, { highWaterMark: 1 << 20 }),
        counting(progress),
        createWriteStream(to),
        { signal },
      );
    }
  }
}

/** Renames every entry below `dir` to lower case (where that name is free). */
export async function lowerCaseTree(dir: string): Promise<void> {
  const names = await readdir(dir, { withFileTypes: true });
  const taken = new Set(names.map((e) => e.name));
  for (const e of names) {
    let name = e.name;
    const lower = name.toLowerCase();
    if (lower !== name && !taken.has(lower)) {
      await rename(join(dir, name), join(dir, lower));
      name = lower;
    }
    if (e.isDirectory()) await lowerCaseTree(join(dir, name));
  }
}
