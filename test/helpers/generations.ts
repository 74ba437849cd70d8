/** Checks on the store generations beside a store file (lib/store/generations.ts, ADR 0017). */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RAZOR_REQUIRED_FIELDS, storeShapeProblem } from '../../lib/store/store-shape.js';

/**
 * What is wrong with the generations beside the store `file`: more than `keep` + 1 of them, or one
 * that is not a complete store. Empty when all is well. Files already found complete (same inode,
 * size and mtime: generations are renamed, never changed) are in `checked` and not parsed again —
 * a multi-MB store has six of them.
 */
export function generationProblems(file: string, keep = 5, checked = new Set<string>()): string[] {
  const prefix = `${basename(file)}.`;
  const names = readdirSync(dirname(file)).filter(
    (n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)),
  );
  const problems = names.length > keep + 1 ? [`${names.length} generations (at most ${keep + 1})`] : [];
  for (const name of names) {
    const path = join(dirname(file), name);
    let why: string | undefined;
    try {
      const st = statSync(path);
      const id = `${st.ino}:${st.size}:${st.mtimeMs}`;
      if (checked.has(id)) continue;
      why = storeShapeProblem(JSON.parse(readFileSync(path, 'utf8')), RAZOR_REQUIRED_FIELDS);
      if (!why) checked.add(id);
    } catch (err) {
      why = (err as Error).message;
    }
    if (why) problems.push(`${name}: ${why}`);
  }
  return problems;
}
