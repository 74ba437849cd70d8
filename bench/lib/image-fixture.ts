/**
 * The image benchmark's image: the Debian netboot fixture plus one big file of random bytes,
 * imported with `razor image add -t os -p <dir>` exactly as an operator would, into a temp store.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, cpSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RAZOR } from '../../test/helpers/daemon.js';
import { ROOT, testEnv } from '../../test/helpers/deps.js';

/** The imported image and where its big file is, on disk and in the image service's URL space. */
export interface BenchImage {
  uuid: string;
  /** The image root (config image_svc_path): nginx serves it too. */
  root: string;
  /** The big file inside the image folder. */
  file: string;
  /** Its URL path, `/razor/image/os/<uuid>/<name>`. */
  urlPath: string;
  size: number;
}

const FIXTURE = join(ROOT, 'test', 'fixtures', 'images', 'debian-netboot');
const CHUNK = 1 << 20;

/** Writes `size` random bytes to `file`, a MiB at a time. */
function writeRandom(file: string, size: number): void {
  const fd = openSync(file, 'w');
  try {
    for (let done = 0; done < size; done += CHUNK) writeSync(fd, randomBytes(Math.min(CHUNK, size - done)));
  } finally {
    closeSync(fd);
  }
}

/**
 * Builds `<tmp>/source` (the fixture and `name` of `size` random bytes), imports it into the store
 * in `home` with `razor image add`, removes the source and returns the imported image.
 */
export function importBenchImage(tmp: string, home: string, name: string, size: number): BenchImage {
  const source = join(tmp, 'source');
  mkdirSync(source, { recursive: true });
  cpSync(FIXTURE, source, { recursive: true });
  writeRandom(join(source, name), size);
  const r = spawnSync(process.execPath, [RAZOR, 'image', 'add', '-t', 'os', '-p', source], {
    env: testEnv(home),
    encoding: 'utf8',
  });
  rmSync(source, { recursive: true, force: true });
  const uuid = /UUID\s+=>\s+(\w+)/.exec(r.stdout)?.[1];
  if (r.status !== 0 || !uuid)
    throw new Error(`razor image add failed (${r.status}):\n${r.stdout}${r.stderr}`);
  const root = join(home, 'image');
  const file = join(root, 'os', uuid, name);
  const onDisk = statSync(file).size;
  if (onDisk !== size) throw new Error(`the imported ${name} has ${onDisk} bytes, not ${size}`);
  return { uuid, root, file, urlPath: `/razor/image/os/${uuid}/${name}`, size };
}
