/**
 * Reads files from a VM's installed disk image after the VM has stopped: its root (3) and EFI
 * system (2) partitions are mounted read-only through loop devices at their offsets (partx reads
 * the partition table; no partition device nodes needed), and always unmounted again. Needs root.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What `read` sees: the root file system at `root`, the EFI system partition at `esp`. */
export interface MountedDisk {
  root: string;
  esp: string;
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

/** Mounts the root and EFI partitions of `image` read-only, runs `read`, and cleans up. */
export async function withInstalledDisk<T>(image: string, read: (d: MountedDisk) => T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'razor-disk-'));
  const root = join(dir, 'root');
  const esp = join(dir, 'esp');
  const mounted: string[] = [];
  try {
    for (const [n, at, type, extra] of [
      [3, root, 'ext4', 'noload'],
      [2, esp, 'vfat', ''],
    ] as const) {
      const p = await partition(image, n);
      mkdirSync(at);
      const opts = ['ro', 'loop', `offset=${p.offset}`, `sizelimit=${p.size}`, ...(extra ? [extra] : [])];
      await run('mount', ['-t', type, '-o', opts.join(','), image, at]);
      mounted.push(at);
    }
    return read({ root, esp });
  } finally {
    for (const at of mounted.reverse()) await run('umount', [at]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
