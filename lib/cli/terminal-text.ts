/**
 * Text that is safe to show on a terminal. Node facts, hostnames and log lines come from the
 * network; written raw, their escape sequences would retitle the operator's terminal, clear it,
 * hide text or reorder it (Trojan Source). Every human view escapes them to visible text.
 */

/**
 * Characters a terminal acts on instead of showing: C0 controls, DEL, C1 controls (U+0080–U+009F,
 * e.g. U+009B, a one-character CSI), the bidirectional marks, embeddings, overrides and isolates
 * that reorder displayed text, and the Unicode line and paragraph separators.
 */
const UNSAFE_CLASS = String.raw`[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]`;

const UNSAFE_CHARS = new RegExp(UNSAFE_CLASS, 'g');
const ANY_UNSAFE = new RegExp(UNSAFE_CLASS);

/** True when `text` holds a character a terminal would act on. */
export const hasUnsafe = (text: string) => ANY_UNSAFE.test(text);

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The visible form of one unsafe character: `\n`, `\x1b`, `\x9b`, `\u202e`. */
export function visibleEscape(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every unsafe character (newlines and tabs too) shown as its escape. */
export function escapeUnsafe(text: string): string {
  return hasUnsafe(text) ? text.replace(UNSAFE_CHARS, visibleEscape) : text;
}

/** Like escapeUnsafe, but newlines and tabs stay: for multi-line text (scripts, help). */
export function escapeUnsafeKeepLines(text: string): string {
  return text.replace(UNSAFE_CHARS, (c) => (c === '\n' || c === '\t' ? c : visibleEscape(c)));
}

/**
 * `value` with every string — object keys included — escaped, before any view reads it; so a
 * column that joins values with its own newlines keeps them, and data never brings its own. Parts
 * with nothing to escape are the caller's own objects (views only read them): a list of 10,000
 * nodes' facts is not copied to find nothing.
 */
export function escapeUnsafeDeep(value: unknown): unknown {
  if (typeof value === 'string') return escapeUnsafe(value);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const safe = escapeUnsafeDeep(v);
      if (safe !== v) (out ??= [...value])[i] = safe;
    });
    return out ?? value;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const entries = Object.entries(value).map(
    ([k, v]) => [escapeUnsafe(k), escapeUnsafeDeep(v), k, v] as const,
  );
  if (entries.every(([key, safe, k, v]) => key === k && safe === v)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, safe] of entries)
    // An own `__proto__` key (JSON.parse makes them) stays a plain key, never a prototype.
    Object.defineProperty(out, key, { value: safe, enumerable: true, writable: true, configurable: true });
  return out;
}

/** A colour (SGR) sequence as chalk writes it, or one unsafe character. */
const SGR_OR_UNSAFE = new RegExp(String.raw`\u001b\[[0-9;]*m|${UNSAFE_CLASS}`, 'g');

/**
 * The last guard before the terminal: keeps the layout's newlines and tabs and colour (SGR)
 * sequences, and escapes every other unsafe character, so output that missed its escaping still
 * cannot act on the terminal.
 */
export function terminalSafe(output: string): string {
  return output.replace(SGR_OR_UNSAFE, (m) =>
    m.length > 1 || m === '\n' || m === '\t' ? m : visibleEscape(m),
  );
}
