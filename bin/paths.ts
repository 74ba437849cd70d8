/** Where the checkout is: the folder holding razor's package.json (from dist/bin or from bin/). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root of this razor installation. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'razor') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find razor package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** razor's version from package.json. */
export function razorVersion(root: string): string {
  return String(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
}
