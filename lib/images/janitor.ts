/**
 * Cleanup that survives SIGKILL: a tiny detached process holds a pipe from the importer; when the
 * pipe closes — the importer finished, failed, or was killed — it removes the staging folder if it
 * is still there. A successful import has already renamed it into place, so nothing is lost.
 *
 * The staging folder carries a marker file ({@link PENDING_MARKER}) into its final place; the
 * importer removes it once the store names the image. A marker still there when the pipe closes
 * means the importer died between the rename and the end of its store write: the janitor then
 * reads the store file (the importer is gone, so nothing can still register the image) and removes
 * the folder unless the store names the image's uuid, in which case it only drops the marker.
 */
import { spawn } from 'node:child_process';

/** The file inside a moved-in image folder while the store does not yet name the image. */
export const PENDING_MARKER = '.razor-import-pending';

const SCRIPT = `
const fs = require('fs'), path = require('path');
const [dir, final, marker, store, uuid] = process.argv.slice(1);
const named = () => {
  try { return fs.readFileSync(store, 'utf8').includes(uuid); }
  catch (e) { return e.code !== 'ENOENT'; }
};
const orphan = () => {
  if (!final || !fs.existsSync(path.join(final, marker))) return;
  if (named()) fs.rmSync(path.join(final, marker), { force: true });
  else fs.rmSync(final, { recursive: true, force: true });
};
const clean = () => {
  try { fs.rmSync(dir, { recursive: true, force: true }); orphan(); } finally { process.exit(0); }
};
process.stdin.on('end', clean); process.stdin.on('error', clean); process.stdin.resume();
`;

/** A guard over a staging folder; `release` when the import is over. */
export interface Janitor {
  release(): void;
}

/** Where a staged image ends up: its folder, the store file that must name it, and its uuid. */
export interface JanitorTarget {
  final: string;
  storeFile: string;
  uuid: string;
}

/** Starts a janitor for the staging folder `dir` (and, given `target`, the folder it moves to). */
export function startJanitor(dir: string, target?: JanitorTarget): Janitor {
  const rest = target ? [target.final, PENDING_MARKER, target.storeFile, target.uuid] : [];
  const child = spawn(process.execPath, ['-e', SCRIPT, dir, ...rest], {
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
