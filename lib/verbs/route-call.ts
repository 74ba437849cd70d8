/**
 * Routing a call, once, into the slice and verb it names with the values its words carried — for
 * the `-w` words, a REST path and the human CLI alike. The routing functions come in as a `Router`
 * (a test counts them: one routing per call); routing failures are RazorErrors the dispatcher
 * reports as it reports every other.
 */
import { RazorError } from '../errors.js';
import { routeWords, type Route } from './router.js';
import { routeRest, type RestRoute } from './rest.js';
import type { HttpMethod, SliceRegistry, SliceSpec } from './spec.js';

/** The two ways of routing: `-w`/CLI words, and REST path elements for a method. */
export interface Router {
  readonly words: (slice: SliceSpec, words: readonly string[]) => Route | undefined;
  readonly rest: (slice: SliceSpec, method: HttpMethod, words: readonly string[]) => RestRoute;
}

/** The router razor uses. */
export const ROUTER: Router = { words: routeWords, rest: routeRest };

/**
 * A call routed once: its `-w` words (slice first), the slice and the verb with what its words
 * carried — or the error saying why the words lead nowhere.
 */
export interface Routed {
  readonly words: readonly string[];
  readonly slice?: SliceSpec;
  readonly route?: Route;
  readonly error?: RazorError;
}

/** The slice a call names, or the routed failure when there is none (or none over HTTP). */
function sliceFor(registry: SliceRegistry, words: readonly string[], method: HttpMethod | undefined) {
  const name = words[0];
  const slice = name === undefined ? undefined : registry.get(name);
  if (slice && (method === undefined || slice.http !== false)) return slice;
  const error = new RazorError('InvalidSlice', `no slice named '${name ?? ''}'; try 'razor help'`);
  return { words, error } satisfies Routed;
}

/**
 * For `-w` words holding a `--option`: how the same call looks with its options as JSON, which is
 * how `-w` takes them (`razor -w node --limit 100` → `razor -w node '{"limit":100}'`).
 */
function jsonHint(words: readonly string[]): string {
  const at = words.findIndex((w) => /^--[a-z][\w-]*$/.test(w));
  if (at < 0) return '';
  const name = (words[at] as string).slice(2).replace(/-/g, '_');
  const given = words[at + 1];
  const value =
    given === undefined || given.startsWith('--') ? true : /^\d+$/.test(given) ? Number(given) : given;
  return `; with -w, options are JSON: razor -w ${words.slice(0, at).join(' ')} '${JSON.stringify({ [name]: value })}'`;
}

/** What a slice's words lead to: the route, or SliceCommandParsingFailed naming the words. */
function routedIn(slice: SliceSpec, words: readonly string[], route: Route | undefined, hint = ''): Routed {
  if (route) return { words, slice, route };
  const error = new RazorError(
    'SliceCommandParsingFailed',
    `${slice.name}: no command matches '${words.slice(1).join(' ')}'; try 'razor ${slice.name} --help'${hint}`,
  );
  return { words, slice, error };
}

/** Routes `-w` words (slice first); over HTTP (`method` given) slices not served over REST lead nowhere. */
export function routeCall(
  registry: SliceRegistry,
  words: readonly string[],
  method?: HttpMethod,
  router: Router = ROUTER,
): Routed {
  const slice = sliceFor(registry, words, method);
  if ('error' in slice) return slice;
  // Only `-w` words get the JSON hint: a REST path's elements are not options.
  const route = router.words(slice, words.slice(1));
  return routedIn(slice, words, route, route ? '' : jsonHint(words));
}

/** Routes a REST call's path elements (slice first) for its method. */
export function restRoute(
  registry: SliceRegistry,
  method: HttpMethod,
  parts: readonly string[],
  router: Router = ROUTER,
): Routed {
  const slice = sliceFor(registry, parts, method);
  if ('error' in slice) return slice;
  const { route, words } = router.rest(slice, method, parts.slice(1));
  return routedIn(slice, [slice.name, ...words], route);
}

/**
 * A call the daemon already routed, handed to a `razor -w` child by verb name and values: found
 * by name in the slice `words` start with, not routed again.
 */
export function namedRoute(
  registry: SliceRegistry,
  words: readonly string[],
  named: { readonly verb?: string; readonly values?: Route['values'] },
): Routed {
  const slice = sliceFor(registry, words, 'GET');
  if ('error' in slice) return slice;
  const verb = slice.verbs.find((v) => v.name === named.verb);
  return routedIn(slice, words, verb && { verb, values: { ...named.values } });
}
