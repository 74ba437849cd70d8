/** The original's list filter: which presented objects a list's extra keys keep. */
import { RazorError } from '../../errors.js';

function lookupPath(o: unknown, key: string): { found: boolean; value: unknown } {
  let cur: unknown = o;
  for (const part of key.replace(/\]/g, '').split(/[.[]/)) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, part))
      return { found: false, value: undefined };
    cur = (cur as Record<string, unknown>)[part];
  }
  return { found: true, value: cur };
}

/**
 * The original's list filter: each key must exist; `""` means "exists", `regex:<re>` matches,
 * `true`/`false` compare as booleans, anything else compares as text.
 */
export function matchesFilter(o: Record<string, unknown>, filter: Readonly<Record<string, string>>): boolean {
  return Object.entries(filter).every(([key, want]) => {
    const { found, value } = lookupPath(o, key);
    if (!found) return false;
    if (want === '') return true;
    if (want.startsWith('regex:')) {
      let re: RegExp;
      try {
        re = new RegExp(want.slice(6));
      } catch (err) {
        throw new RazorError(
          'InputError',
          `filter '${key}': bad regular expression: ${(err as Error).message}`,
        );
      }
      return re.test(typeof value === 'string' ? value : JSON.stringify(value));
    }
    if (want === 'true' || want === 'false') return String(value) === want;
    return (typeof value === 'string' ? value : JSON.stringify(value)) === want;
  });
}
