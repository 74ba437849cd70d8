/**
 * Reads a VM's installed disk image after the VM has stopped: its root partition (3) is mounted
 * read-only through a loop device at its offset (partx reads the partition table; no partition
 * device nodes needed) and always unmounted again; the EFI system partition (2) is listed with
 * mtools, as a host kernel may have no vfat. Needs root.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What `read` sees: the root file system at `root`, and every file of the EFI system partition. */
export interface MountedDisk {
  root: string;
  /** Paths such as `/EFI/BOOT/BOOTX64.EFI`. */
  espFiles: string[];
}

/** Text of `path` under `dir`, or undefined when it does not exist. */
export const fileText = (dir: string, path: string): string | undefined =>
  existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : undefined;

/** Byte offset and size of partition `n` of `image`. */
async function partition(image: string, n: number): Promise<{ offset: number; size: number }> {
  const out = (await run('partx', ['-g', '-b', '-o', 'START,SIZE', '-n', String(n), image])).stdout;
  const [start, size] = out.trim().split(/\s+/).map(Number);
  return { offset: (start as number) * 512, size: size as number };
}

/** Every file of the FAT file system at partition `n` of `image` (mtools' recursive listing). */
async function fatFiles(image: string, n: number): Promise<string[]> {
  const { offset } = await partition(image, n);
  const out = (await run('mdir', ['-b', '-s', '-i', `${image}@@${offset}`, '::/'])).stdout;
  return out
    .split('\n')
    .map((l) => l.trim().replace(/^::/, ''))
    .filter(Boolean);
}

/** Mounts the root partition of `image` read-only, lists its EFI partition, runs `read`, cleans up. */
export async function withInstalledDisk<T>(image: string, read: (d: MountedDisk) => T): Promise<T> {
  const espFiles = await fatFiles(image, 2);
  const root = mkdtempSync(join(tmpdir(), 'razor-disk-'));
  const p = await partition(image, 3);
  await run('mount', [
    '-t',
    'ext4',
    '-o',
    `ro,noload,loop,offset=${p.offset},sizelimit=${p.size}`,
    image,
    root,
  ]);
  try {
    return read({ root, espFiles });
  } finally {
    await run('umount', [root]).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}
