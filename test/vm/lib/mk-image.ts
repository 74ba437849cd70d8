/**
 * The Microkernel ISO the VM suites boot: built by scripts/build-mk.sh into dist-mk/ when it is
 * missing or older than anything under mk/ or the script itself, so repeated runs reuse it.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../../helpers/deps.js';
import { BUILD_MK } from './env.js';

const run = promisify(execFile);

/** The MK version (mk/VERSION). */
export const MK_VERSION = readFileSync(join(ROOT, 'mk', 'VERSION'), 'utf8').trim();
/** Where build-mk.sh puts the ISO by default. */
export const MK_ISO = join(ROOT, 'dist-mk', `razor-mk-${MK_VERSION}.iso`);

function newestUnder(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((n) => newestUnder(join(path, n))));
}

const mtime = (path: string): number => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

/** The path of an up-to-date MK ISO, building it first when needed (about 10 s). */
export async function ensureMkIso(): Promise<string> {
  const sources = Math.max(newestUnder(join(ROOT, 'mk')), mtime(BUILD_MK));
  if (mtime(MK_ISO) > sources) return MK_ISO;
  try {
    await run(BUILD_MK, [MK_ISO], { maxBuffer: 16 << 20 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`scripts/build-mk.sh failed: ${e.stderr?.trim() || e.message}`);
  }
  return MK_ISO;
}
