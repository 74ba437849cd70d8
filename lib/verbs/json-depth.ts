/**
 * How deeply JSON may nest, checked without recursion: a scan of the text before `JSON.parse` (which
 * spends about a second on a million levels) and a walk with an explicit stack of an already parsed
 * value (a body parsed by Express). Everything recursive that sees input — validators, rule checks,
 * `JSON.stringify`, `structuredClone` — runs only on values that passed one of these.
 */
import { RazorError } from '../errors.js';

/** How deeply JSON arguments may nest (tag rules need a few levels; nothing needs 32). */
export const MAX_JSON_DEPTH = 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True when the JSON text (a string, or UTF-8 bytes) opens more than `max` arrays or objects at
 * once outside strings. Invalid JSON may pass (JSON.parse then refuses it).
 */
export function jsonTextTooDeep(text: string | Uint8Array, max = MAX_JSON_DEPTH): boolean {
  const at = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i] as number;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = at(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** True when a parsed value nests arrays or objects more than `max` levels deep. */
export function valueTooDeep(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: Array<{ v: object; depth: number }> = [{ v: value, depth: 1 }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    if (top.depth > max) return true;
    const o = top.v as Record<string, unknown>;
    for (const k in o) {
      if (!Object.hasOwn(o, k)) continue;
      const x = o[k];
      if (x !== null && typeof x === 'object') stack.push({ v: x, depth: top.depth + 1 });
    }
  }
  return false;
}

/** The error for input nested past `MAX_JSON_DEPTH`. */
export function tooDeepError(what = 'the JSON argument'): RazorError {
  return new RazorError('InputError', `${what} nests deeper than ${MAX_JSON_DEPTH} levels`);
}

/** Throws InputError when `value` nests past `MAX_JSON_DEPTH` levels. */
export function checkValueDepth(value: unknown, what?: string): void {
  if (valueTooDeep(value)) throw tooDeepError(what);
}
