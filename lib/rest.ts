/**
 * The original `api.js` mapping from a REST call to `razor -w` words: GET → the path as is (the
 * slice's default verb when only the slice is given), POST → `add` appended, PUT → `update` and
 * DELETE → `remove` inserted before the last path element — unless the path already names a verb
 * declared for that method (`POST /policy/enable/<uuid>`, `POST /node/register`).
 */
import { routeWords } from './router.js';
import type { HttpMethod, SliceRegistry } from './spec.js';

/** Longest accepted path element, as in the original. */
export const MAX_PATH_PART = 200;

/** Decodes and checks path elements; returns the bad one's text on failure. */
export function decodePathParts(raw: readonly string[]): { parts: string[] } | { bad: string } {
  const parts: string[] = [];
  for (const r of raw) {
    let p: string;
    try {
      p = decodeURIComponent(r);
    } catch {
      return { bad: r };
    }
    // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
    if (p.length > MAX_PATH_PART || p.includes('..') || !/^[^\x00-\x1f&|\\]+$/.test(p) || p.startsWith('-')) {
      return { bad: p };
    }
    parts.push(p);
  }
  return { parts };
}

/** The `-w` words (slice first, no JSON) for a REST call. */
export function restArgv(registry: SliceRegistry, method: HttpMethod, parts: readonly string[]): string[] {
  const [sliceName, ...words] = parts;
  const slice = sliceName === undefined ? undefined : registry.get(sliceName);
  if (!slice) return [...parts];
  if (routeWords(slice, words)?.verb.http === method) return [...parts];
  const verbWord = { GET: undefined, POST: 'add', PUT: 'update', DELETE: 'remove' }[method];
  if (verbWord === undefined) return words.length === 0 ? [slice.name, 'default'] : [...parts];
  if (method === 'POST' || words.length === 0) return [slice.name, ...words, verbWord];
  return [slice.name, ...words.slice(0, -1), verbWord, words[words.length - 1] as string];
}
