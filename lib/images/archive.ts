/**
 * Importing an archive image (a root filesystem tar, plain or gzip/xz/zstd compressed; ADR 0029):
 * one read of the file copies it, hashes it (SHA-256) and streams it through `tar -t`, whose
 * listing gives the kernel version inside — nothing is unpacked.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RazorError } from '../errors.js';
import type { Progress } from './progress.js';
import type { ArchiveSpec } from '../domain/image-type-schema.js';

/** What importing an archive learned. */
export interface ArchiveInfo {
  /** The stored file's name inside the image folder (e.g. `rootfs.tar.zst`). */
  file: string;
  sha256: string;
  size: number;
  /** Bytes of the uncompressed tar stream: what unpacking it needs, give or take its headers. */
  unpacked_size: number;
  kernel_version: string;
}

const bad = (msg: string) => new RazorError('InvalidImageFilePath', msg);

/** Compressions by their magic bytes: the file extension and GNU tar's option. */
const COMPRESSIONS: { magic: number[]; ext: string; option?: string }[] = [
  { magic: [0x28, 0xb5, 0x2f, 0xfd], ext: '.zst', option: '--zstd' },
  { magic: [0x1f, 0x8b], ext: '.gz', option: '--gzip' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], ext: '.xz', option: '--xz' },
  { magic: [], ext: '' },
];

/** The size of `source`, which must be a regular file (InvalidImageFilePath otherwise). */
export async function archiveSize(source: string): Promise<number> {
  const s = await stat(source).catch(() => undefined);
  if (!s) throw bad(`${source} does not exist`);
  if (!s.isFile())
    throw bad(`${source} is not a file; this image type is one archive (tar, tar.gz, tar.zst)`);
  return s.size;
}

async function compressionOf(source: string) {
  const fh = await open(source, 'r');
  try {
    const head = Buffer.alloc(6);
    const { bytesRead } = await fh.read(head, 0, 6, 0);
    return COMPRESSIONS.find((c) => c.magic.length <= bytesRead && c.magic.every((b, i) => head[i] === b))!;
  } finally {
    await fh.close();
  }
}

/** The first capture of the first pattern any entry matches, or undefined. */
function kernelVersion(names: readonly string[], patterns: readonly string[]): string | undefined {
  for (const p of patterns) {
    const re = new RegExp(`^(?:${p})$`);
    for (const n of names) {
      const m = re.exec(n);
      if (m?.[1]) return m[1];
    }
  }
  return undefined;
}

/**
 * Copies the archive `source` into `dir` as `<spec.file><ext>` with a `.sha256` file beside it
 * (sha256sum's format), and reads the kernel version from its listing. Throws
 * InvalidImageFilePath when it is not a tar archive or no entry names a kernel (`unrecognised`).
 */
export async function importArchive(
  source: string,
  dir: string,
  spec: ArchiveSpec,
  unrecognised: string,
  progress: Progress,
  signal?: AbortSignal,
): Promise<ArchiveInfo> {
  const compression = await compressionOf(source);
  const file = `${spec.file.replace(/\.tar$/, '')}.tar${compression.ext}`;
  const tar = spawn(
    'tar',
    ['-t', '--totals', '-f', '-', ...(compression.option ? [compression.option] : [])],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const names: string[] = [];
  let stderr = '';
  tar.stderr.on('data', (d) => (stderr += d));
  createInterface({ input: tar.stdout }).on('line', (l) => names.push(l.replace(/^\.\//, '')));
  const exited = new Promise<number | null>((resolve) => {
    tar.once('error', () => resolve(null));
    tar.once('close', resolve);
  });
  tar.stdin.on('error', () => undefined); // tar stops reading a non-archive: its exit code says so
  const hash = createHash('sha256');
  const out = await open(join(dir, file), 'wx', 0o644);
  let size = 0;
  const sink = new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      progress.advance(chunk.length);
      // (A tar that quit early never drains: its exit ends the wait.)
      const toTar =
        tar.stdin.writable && !tar.stdin.write(chunk)
          ? Promise.race([once(tar.stdin, 'drain'), exited])
          : undefined;
      Promise.all([out.write(chunk), toTar]).then(() => done(), done);
    },
    final(done) {
      tar.stdin.end();
      done();
    },
  });
  try {
    await pipeline(createReadStream(source, { highWaterMark: 1 << 20 }), sink, { signal });
  } catch (err) {
    tar.kill('SIGTERM');
    throw err;
  } finally {
    await out.close();
  }
  const code = await exited;
  if (code !== 0)
    throw bad(
      `${source} is not a tar archive (tar, tar.gz, tar.xz or tar.zst): ${stderr.trim().split('\n')[0] || `tar exited ${code}`}; nothing was kept`,
    );
  // GNU tar's --totals: "Total bytes read: 824614400 (787MiB, …)" on stderr.
  const unpacked = Number(/Total bytes read: (\d+)/.exec(stderr)?.[1] ?? 0);
  const version = kernelVersion(names, spec.kernel_version);
  if (!version) throw bad(`${unrecognised}; nothing was kept`);
  const sha256 = hash.digest('hex');
  await writeFile(join(dir, `${file}.sha256`), `${sha256}  ${file}\n`);
  return { file, sha256, size, unpacked_size: unpacked, kernel_version: version };
}
