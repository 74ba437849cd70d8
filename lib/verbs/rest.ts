/**
 * The original `api.js` mapping from a REST call to `razor -w` words: GET → the path as is (the
 * slice's default verb when only the slice is given), POST → `add` appended, PUT → `update` and
 * DELETE → `remove` inserted before the last path element — unless the path already names a verb
 * declared for that method (`POST /policy/enable/<uuid>`, `POST /node/register`).
 */
import { routeWords, verbForms } from './router.js';
import { routeCall, type Routed } from './dispatch.js';
import type { HttpMethod, SliceRegistry, SliceSpec, VerbSpec } from './spec.js';

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

/** A REST call's words routed once, for authorization and the dispatcher alike. */
export function restRoute(registry: SliceRegistry, method: HttpMethod, parts: readonly string[]): Routed {
  return routeCall(registry, restArgv(registry, method, parts), method);
}

/**
 * The shortest REST path pattern (slice first, `:name`/`*name` placeholders) that the daemon maps
 * back to `verb` for its method — `PUT /policy/:uuid`, `POST /tag/:tag/matcher` — or undefined for
 * verbs not served over REST.
 */
export function restPattern(registry: SliceRegistry, slice: SliceSpec, verb: VerbSpec): string[] | undefined {
  if (verb.http === null || slice.http === false) return undefined;
  const method = verb.http;
  const filled = (words: string[]) => words.map((w) => (w.startsWith(':') || w.startsWith('*') ? 'X' : w));
  const candidates: string[][] = [];
  for (const form of verbForms(verb)) {
    const words = form === '' ? [] : form.split(' ');
    candidates.push(
      words,
      words.filter((w) => !['add', 'update', 'remove'].includes(w)),
    );
  }
  return candidates
    .map((w) => [slice.name, ...w])
    .filter((p) => routeWords(slice, restArgv(registry, method, filled(p)).slice(1))?.verb === verb)
    .sort((a, b) => a.length - b.length)[0];
}
