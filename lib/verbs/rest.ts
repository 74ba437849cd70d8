/**
 * REST paths. Each verb declares its path with its method (`http: 'PUT', path: ':uuid'`); the
 * daemon routes `/razor/api/<slice>/<path>` by those declarations, and keeps answering the
 * original `api.js` forms too: the `-w` words as a path when they name a verb of that method, else
 * the words rewritten — POST → `add` appended, PUT → `update` and DELETE → `remove` inserted before
 * the last element, GET with no words → `default`. All of it in one pass over the slice's forms.
 */
import { matchForm, verbForms, type Route } from './router.js';
import type { HttpMethod, SliceSpec, VerbSpec } from './spec.js';

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

/** The original api.js rewrite of a path's words for a method (before any routing). */
function apiWords(method: HttpMethod, words: readonly string[]): readonly string[] {
  if (method === 'GET') return words.length === 0 ? ['default'] : words;
  const verbWord = { POST: 'add', PUT: 'update', DELETE: 'remove' }[method];
  if (method === 'POST' || words.length === 0) return [...words, verbWord];
  return [...words.slice(0, -1), verbWord, words[words.length - 1] as string];
}

/** A REST path routed: the verb (if any) and the `-w` words it was read as (for messages). */
export interface RestRoute {
  readonly route?: Route;
  readonly words: readonly string[];
}

type Best = (Route & { score: number }) | undefined;

const better = (best: Best, verb: VerbSpec, m: ReturnType<typeof matchForm>): Best =>
  m && (!best || m.score > best.score) ? { verb, values: m.values, score: m.score } : best;

const strip = (b: NonNullable<Best>): Route => ({ verb: b.verb, values: b.values });

/** The words of a declared path (`:tag/matcher` → `:tag matcher`). */
const pathForm = (path: string) => path.split('/').join(' ');

/**
 * Routes the path elements after the slice name for `method`, in one pass over the slice's forms:
 * the words as given — by the verbs' `-w` forms, and by the declared paths of this method's verbs
 * (matched completely) — when they name a verb of this method, else the api.js rewrite.
 */
export function routeRest(slice: SliceSpec, method: HttpMethod, words: readonly string[]): RestRoute {
  const moved = apiWords(method, words);
  let asGiven: Best;
  let rewritten: Best;
  for (const verb of slice.verbs) {
    for (const form of verbForms(verb)) {
      asGiven = better(asGiven, verb, matchForm(form, words));
      if (moved !== words) rewritten = better(rewritten, verb, matchForm(form, moved));
    }
    if (verb.http === method && verb.path !== undefined) {
      const m = matchForm(pathForm(verb.path), words);
      if (m?.complete) asGiven = better(asGiven, verb, m);
    }
  }
  if (asGiven && (asGiven.verb.http === method || moved === words)) return { route: strip(asGiven), words };
  return { route: rewritten && strip(rewritten), words: moved };
}

/**
 * The declared REST path of a verb, slice first, with `:name`/`*name` placeholders
 * (`['policy', ':uuid']`), or undefined for verbs not served over REST. Docs and tests read it.
 */
export function declaredRestPath(slice: SliceSpec, verb: VerbSpec): string[] | undefined {
  if (verb.http === null || slice.http === false || verb.path === undefined) return undefined;
  return [slice.name, ...(verb.path === '' ? [] : verb.path.split('/'))];
}
