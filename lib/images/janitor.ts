/**
 * Cleanup that survives SIGKILL: a tiny detached process holds a pipe from the importer; when the
 * pipe closes — the importer finished, failed, or was killed — it removes the staging folder if it
 * is still there. A successful import has already renamed it into place, so nothing is lost.
 */
import { spawn } from 'node:child_process';

const SCRIPT = `
const dir = process.argv[1];
const clean = () => { try { require('fs').rmSync(dir, { recursive: true, force: true }); } finally { process.exit(0); } };
process.stdin.on('end', clean); process.stdin.on('error', clean); process.stdin.resume();
`;

/** A guard over a staging folder; `release` when the import is over. */
export interface Janitor {
  release(): void;
}

/** Starts a janitor for `dir`. */
export function startJanitor(dir: string): Janitor {
  const child = spawn(process.execPath, ['-e', SCRIPT, dir], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.unref();
  const pipe = child.stdin as unknown as {
    unref?: () => void;
    end: () => void;
    on: (e: string, f: () => void) => void;
  };
  pipe.on('error', () => undefined);
  pipe.unref?.();
  return { release: () => pipe.end() };
}
