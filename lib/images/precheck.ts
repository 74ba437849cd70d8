/**
 * A wrong `-t` is found before anything is copied: the names in the source (an ISO's listing from
 * `bsdtar -t`, a directory's tree) are checked against the type's recognition rules as far as
 * names alone can tell. A type none of whose rules can hold is refused at once (InvalidImageType),
 * naming a type that might fit; whatever names cannot tell is verified after copying, as before.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RazorError } from '../errors.js';
import type { Condition, ImageType, RecogniseRule } from '../domain/image-type-schema.js';

const run = promisify(execFile);

/** Every path in the source, lower case, without `./` and trailing `/`. */
export async function listSource(path: string, kind: 'iso' | 'dir'): Promise<Set<string>> {
  const names: string[] = [];
  if (kind === 'iso') {
    const { stdout } = await run('bsdtar', ['-t', '-f', path], { maxBuffer: 256 << 20 }).catch(
      (err: { stderr?: string; message: string }) => {
        const why = (err.stderr ?? '').trim() || err.message;
        throw new RazorError('InvalidImageFilePath', `cannot read ${path} as an ISO image: ${why}`);
      },
    );
    names.push(...stdout.split('\n'));
  } else {
    const walk = async (rel: string): Promise<void> => {
      for (const e of await readdir(join(path, rel), { withFileTypes: true })) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        names.push(p);
        if (e.isDirectory()) await walk(p);
      }
    };
    await walk('');
  }
  return new Set(names.map((n) => n.replace(/^\.\//, '').replace(/\/$/, '').toLowerCase()).filter(Boolean));
}

/** Can `rule` hold for a tree with these names? (Contents are not read: unknown counts as yes.) */
function mayHold(rule: RecogniseRule, names: Set<string>): boolean {
  const has = (p: string) => p.includes('${') || names.has(p.toLowerCase());
  const mayHave = (value: string, seen: Set<string>): boolean => {
    if (seen.has(value)) return false;
    const sources = rule.values[value];
    if (!sources) return true; // set by the rule itself (kernel, initrd)
    return sources.some((s) =>
      s.text !== undefined
        ? s.text !== ''
        : s.file !== undefined
          ? s.file.some(has)
          : mayHave(s.value as string, new Set([...seen, value])),
    );
  };
  const holds = (c: Condition): boolean =>
    c.exists !== undefined
      ? c.exists.some(has)
      : c.value !== undefined
        ? mayHave(c.value, new Set())
        : (c.any ?? []).some(holds);
  if (!rule.when.every(holds)) return false;
  return !rule.boot_files || rule.boot_files.some(([k, i]) => has(k) && has(i));
}

/** Whether a tree with these names may be an image of `type`. */
export const mayBe = (type: ImageType, names: Set<string>): boolean =>
  type.recognise.some((r) => mayHold(r, names));

/**
 * Refuses a source that cannot be of `type`, before copying: InvalidImageType naming the type it
 * may be, or — when it is no image razor knows — InvalidImageFilePath with the type's own message.
 */
export function refuseWrongType(
  source: string,
  type: ImageType,
  names: Set<string>,
  types: Iterable<ImageType>,
): void {
  if (mayBe(type, names)) return;
  const other = [...types].find((t) => t !== type && mayBe(t, names));
  throw new RazorError(
    other ? 'InvalidImageType' : 'InvalidImageFilePath',
    `${source} is not a ${type.name} image: ${type.unrecognised}` +
      `${other ? `; it looks like a ${other.name} image (-t ${other.name})` : ''}; nothing was copied`,
  );
}
