/**
 * A call's raw input, made once and the same way for everyone who needs it: the dispatcher, and the
 * daemon's per-node rate limit, which must charge exactly the node the handler will write. JSON
 * text is checked for depth before it is parsed, objects before anything walks them; the original's
 * `@` is stripped from keys; path values are merged in. Ambiguous input — one key given twice with
 * different values — is refused, never silently resolved.
 */
import { RazorError } from '../errors.js';
import { checkValueDepth, jsonTextTooDeep, tooDeepError } from './json-depth.js';
import type { Route } from './router.js';

/** Do two input values say the same? (JSON.stringify: call only on values checked for depth.) */
export const sameValue = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * Strips the original's `@` from keys (`@hw_id` → `hw_id`). A key given both with and without `@`
 * is refused unless both say the same: which one a client meant cannot be known.
 */
export function stripAt(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    const key = k.charCodeAt(0) === 64 ? k.slice(1) : k;
    if (Object.hasOwn(out, key)) {
      if (sameValue(out[key], o[k])) continue;
      throw new RazorError(
        'InputError',
        `'${key}' given twice with different values (as '${key}' and '@${key}'); give it once`,
      );
    }
    // An own `__proto__` key stays a plain key (as JSON.parse makes it), never a prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: o[k], enumerable: true, writable: true, configurable: true });
    else out[key] = o[k];
  }
  return out;
}

/** Checks a parsed input object (depth, shape) and strips the original's `@` from its keys. */
export function inputObject(v: unknown): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new RazorError('InputError', 'the JSON argument must be an object of argument names to values');
  }
  checkValueDepth(v);
  return stripAt(v as Record<string, unknown>);
}

/** Parses the trailing JSON argument of `-w` mode (its depth checked before parsing). */
export function parseJsonArg(text: string): Record<string, unknown> {
  if (text === 'null' || text === '') return {};
  if (jsonTextTooDeep(text)) throw tooDeepError();
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new RazorError('InputError', `the JSON argument is not valid JSON: ${(err as Error).message}`);
  }
  return inputObject(v);
}

/**
 * The raw input of a routed call (keys without `@`): its JSON text or fields, with the values its
 * path words carried. Throws InputError for unreadable, too deep or ambiguous input.
 */
export function callInput(
  route: Pick<Route, 'values'>,
  input: string | Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const raw = typeof input === 'string' ? parseJsonArg(input) : inputObject(input);
  for (const [k, v] of Object.entries(route.values)) {
    if (raw[k] !== undefined && !sameValue(raw[k], v)) {
      throw new RazorError(
        'InputError',
        `'${k}' given twice with different values: '${String(v)}' and in the JSON`,
      );
    }
    raw[k] = v;
  }
  return raw;
}
