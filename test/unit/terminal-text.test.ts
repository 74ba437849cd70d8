/**
 * Terminal-safe text: every character a terminal acts on (C0, DEL, C1, bidi controls, line
 * separators) is shown escaped in human views, colour codes of the renderer survive, and the JSON
 * of `-w` writes them as `\uXXXX` yet parses back to exactly the same strings.
 */
import { expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  escapeUnsafe,
  escapeUnsafeDeep,
  escapeUnsafeKeepLines,
  hasUnsafe,
  terminalSafe,
} from '../../lib/cli/terminal-text.js';
import { safeJson } from '../../lib/verbs/safe-json.js';

/** Every character a terminal may act on, one of each kind. */
const UNSAFE = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)),
  '\u061c',
  '\u200e',
  '\u200f',
  '\u2028',
  '\u2029',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
];

/** Any raw character of that set in `text`, as code points (empty when there is none). */
const raw = (text: string) => [...text].filter((c) => UNSAFE.includes(c)).map((c) => c.codePointAt(0));

test.each([
  ['an OSC title', '\u001b]0;pwned\u0007', '\\x1b]0;pwned\\x07'],
  ['a CSI clear screen', '\u001b[2J\u001b[H', '\\x1b[2J\\x1b[H'],
  ['newline, tab, return', 'a\nb\tc\rd', 'a\\nb\\tc\\rd'],
  ['a C1 CSI', '\u009b31m', '\\x9b31m'],
  ['DEL', 'x\u007f', 'x\\x7f'],
  ['bidi override and isolate', 'abc\u202edcba\u2066', 'abc\\u202edcba\\u2066'],
  ['plain text', 'plain text, ünïcödé, 漢字, emoji 🎉', 'plain text, ünïcödé, 漢字, emoji 🎉'],
])('escapeUnsafe shows %s as visible text', (_name, input, shown) => {
  expect(escapeUnsafe(input)).toBe(shown);
});

test('every unsafe character is escaped, and only those', () => {
  for (const c of UNSAFE) {
    expect(hasUnsafe(c)).toBe(true);
    expect(raw(escapeUnsafe(`a${c}b`))).toEqual([]);
  }
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
      const shown = escapeUnsafe(s);
      expect(raw(shown)).toEqual([]);
      if (!hasUnsafe(s)) expect(shown).toBe(s);
    }),
    { numRuns: 2000, seed: 7 },
  );
});

test('multi-line text keeps its newlines and tabs, nothing else', () => {
  expect(escapeUnsafeKeepLines('#!ipxe\n\techo \u001b]0;x\u0007\r\n')).toBe(
    '#!ipxe\n\techo \\x1b]0;x\\x07\\r\n',
  );
});

test('deep escaping reaches keys, nested values and arrays, and keeps a __proto__ key a plain key', () => {
  const hostile = JSON.parse(
    '{"\\u001b[31mkey":"v\\u0007","n":{"a":["\\u009b2J",1,true,null]},"__proto__":{"x":"\\u202e"}}',
  );
  const safe = escapeUnsafeDeep(hostile) as Record<string, unknown>;
  expect(Object.keys(safe)).toEqual(['\\x1b[31mkey', 'n', '__proto__']);
  expect(safe['\\x1b[31mkey']).toBe('v\\x07');
  expect(safe.n).toEqual({ a: ['\\x9b2J', 1, true, null] });
  expect(Object.getPrototypeOf(safe)).toBe(Object.prototype);
  expect(Object.getOwnPropertyDescriptor(safe, '__proto__')?.value).toEqual({ x: '\\u202e' });
  expect(raw(JSON.stringify(safe))).toEqual([]);
});

test("the last guard keeps the renderer's colours and layout, and escapes the rest", () => {
  const bold = '\u001b[1mUUID\u001b[22m';
  expect(terminalSafe(`${bold} =>  x\n\ty`)).toBe(`${bold} =>  x\n\ty`);
  expect(terminalSafe('a\u001b]0;t\u0007b\u001b[2Jc\u009bd\re')).toBe('a\\x1b]0;t\\x07b\\x1b[2Jc\\x9bd\\re');
});

test('-w JSON escapes DEL, C1 and bidi as \\u and parses back to exactly the same strings', () => {
  expect(safeJson({ a: 'x\u007f\u009b\u202e\u2069\u001b' })).toBe(
    '{"a":"x\\u007f\\u009b\\u202e\\u2069\\u001b"}',
  );
  fc.assert(
    fc.property(fc.jsonValue(), fc.string({ unit: 'binary', maxLength: 30 }), (v, s) => {
      const value = { v, s, [s]: s };
      const text = safeJson(value);
      expect(raw(text)).toEqual([]);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
    }),
    { numRuns: 2000, seed: 8 },
  );
});
