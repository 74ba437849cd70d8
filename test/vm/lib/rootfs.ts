/**
 * The root filesystem archive the finished-install suites write to a VM's disk: built by
 * scripts/build-rootfs.sh with mmdebstrap (as root, about 4 minutes) into its cache, keyed by the
 * hash of its package list and scripts, so a run reuses the archive while those are unchanged.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { ROOT } from '../../helpers/deps.js';
import { commandProbe } from '../../helpers/system.js';

const run = promisify(execFile);

/** The build script. */
export const BUILD_ROOTFS = join(ROOT, 'scripts', 'build-rootfs.sh');

/** A probe for systemAvailable: undefined when this machine can build the archive. */
export function rootfsProbe(): string | undefined {
  if (process.getuid?.() !== 0) return 'building a root filesystem with mmdebstrap needs root';
  return commandProbe('mmdebstrap', ['--version'])() ?? commandProbe('zstd', ['--version'])();
}

/** The archive's path, built first when the cache has none for the current inputs. */
export async function ensureRootfs(): Promise<string> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('RAZOR_') || k === 'RAZOR_CACHE'),
  );
  try {
    const { stdout } = await run(BUILD_ROOTFS, [], { env, maxBuffer: 64 << 20 });
    return stdout.trim().split('\n').at(-1) as string;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(
      `scripts/build-rootfs.sh failed: ${e.stderr?.trim().split('\n').slice(-20).join('\n') || e.message}`,
    );
  }
}
