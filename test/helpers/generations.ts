/** Checks on the store generations beside a store file (lib/store/generations.ts, ADR 0017). */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RAZOR_REQUIRED_FIELDS, storeShapeProblem } from '../../lib/store/store-shape.js';

/**
 * What is wrong with the generations beside the store `file`: more than `keep` + 1 of them, or one
 * that is not a complete store. Empty when all is well.
 */
export function generationProblems(file: string, keep = 5): string[] {
  const prefix = `${basename(file)}.`;
  const names = readdirSync(dirname(file)).filter(
    (n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)),
  );
  const problems = names.length > keep + 1 ? [`${names.length} generations (at most ${keep + 1})`] : [];
  for (const name of names) {
    let why: string | undefined;
    try {
      why = storeShapeProblem(
        JSON.parse(readFileSync(join(dirname(file), name), 'utf8')),
        RAZOR_REQUIRED_FIELDS,
      );
    } catch (err) {
      why = (err as Error).message;
    }
    if (why) problems.push(`${name}: ${why}`);
  }
  return problems;
}
