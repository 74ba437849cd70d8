/**
 * Reads files from a VM's installed disk image after the VM has stopped: the image is attached
 * read-only with its partitions (losetup -P -r, as root), the root (3) and EFI system (2)
 * partitions mounted read-only, and always detached again.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

/** Attaches `image` read-only, mounts its root and EFI partitions, runs `read`, and cleans up. */
export async function withInstalledDisk<T>(image: string, read: (d: MountedDisk) => T): Promise<T> {
  const dev = (await run('losetup', ['-f', '--show', '-P', '-r', image])).stdout.trim();
  const dir = mkdtempSync(join(tmpdir(), 'razor-disk-'));
  const root = join(dir, 'root');
  const esp = join(dir, 'esp');
  const mounted: string[] = [];
  try {
    for (const [part, at, type, opts] of [
      ['3', root, 'ext4', 'ro,noload'],
      ['2', esp, 'vfat', 'ro'],
    ] as const) {
      await run('mkdir', ['-p', at]);
      await run('mount', ['-t', type, '-o', opts, `${dev}p${part}`, at]);
      mounted.push(at);
    }
    return read({ root, esp });
  } finally {
    for (const at of mounted.reverse()) await run('umount', [at]).catch(() => undefined);
    await run('losetup', ['-d', dev]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
