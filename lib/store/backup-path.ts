/**
 * Where a backup goes and where one is read from (`razor backup`, `razor restore`), checked before
 * anything is read or written: a folder that exists and takes files, a name that fits beside its
 * temp file; and the name the replaced store is kept under when a restore overwrites it.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { RazorError } from '../errors.js';

/** Room for the temp file's name beside the backup (`.<name>.tmp-<pid>-<12 hex>`). */
const MAX_NAME = 200;

/** The backup file `raw` names (absolute), checked for writing (an existing file: see `existingBackup`). */
export function backupTarget(raw: string): string {
  const file = resolve(raw);
  const folder = dirname(file);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new RazorError('InputError', `${file}: the folder ${folder} does not exist; create it first`);
  if (Buffer.byteLength(basename(file)) > MAX_NAME)
    throw new RazorError(
      'InputError',
      `${basename(file).slice(0, 40)}…: the file name is too long (at most ${MAX_NAME} bytes)`,
    );
  if (existsSync(file) && statSync(file).isDirectory())
    throw new RazorError('InputError', `${file} is a directory: give the name of the backup file to write`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new RazorError('InputError', `${file}: cannot write in the folder ${folder}; nothing was written`);
  }
  return file;
}

/** The backup file `raw` names (absolute), checked for reading. */
export function backupSource(raw: string): string {
  const file = resolve(raw);
  if (!existsSync(file))
    throw new RazorError('NotFound', `${file}: no such backup file; nothing was changed`);
  if (!statSync(file).isFile())
    throw new RazorError('InputError', `${file} is not a file: give a backup file written by razor backup`);
  return file;
}

/**
 * A name for the store replaced by a restore that no file has yet: `<base>.before-restore-<UTC
 * time>` (`razor.json.before-restore-20261205T163000Z`), `-2`, `-3`, … after it if taken.
 */
export function keptPath(base: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const first = `${base}.before-restore-${stamp}`;
  let name = first;
  for (let n = 2; existsSync(name); n++) name = `${first}-${n}`;
  return name;
}
