/**
 * Ways to break a well-formed call: in its input (drop, duplicate or retype a field, a bad UUID, a
 * huge or deeply nested value, control characters, an unknown or `__proto__` key) and, over HTTP,
 * in its request (another method, a changed path, no or a wrong token, a body the wrong type or
 * cut short). Each has a name, for the coverage report and for failure messages.
 */
import fc from 'fast-check';
import type { Call } from './declared-calls.js';

/** An input mutation: its name and what it does to an input (a copy). */
export type InputMutation = {
  name: string;
  apply: (input: Record<string, unknown>) => Record<string, unknown>;
};

/**
 * A value nested `depth` arrays deep. Built as JSON text by jsonText: JSON.stringify itself gives
 * up at a few thousand levels, while JSON.parse on the server side does not.
 */
export class Nested {
  constructor(readonly depth: number) {}
  toJSON(): string {
    return `\u0000nested:${this.depth}\u0000`;
  }
  toString(): string {
    return `nested:${this.depth}`;
  }
}

/** JSON text of a (mutated) input; Nested values become their deep arrays. */
export function jsonText(v: unknown): string {
  return JSON.stringify(v).replace(/"\\u0000nested:(\d+)\\u0000"/g, (_m, d: string) => {
    const depth = Number(d);
    return `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;
  });
}

/**
 * Nesting depths tried: a few levels, just past the 32 allowed, and far beyond (attack 6 of issue
 * 10: 20,000 levels once overflowed the stack, a 500).
 */
const DEPTHS = [5, 33, 1000, 20_000, 100_000];

const oddValue = fc.constantFrom<unknown>(12345, -1, 1.5, true, null, {}, { a: 1 }, [], [1, 'x'], '', ' ');
const badUuid = fc.constantFrom('bad*uuid', 'Zz9Zz9Zz9Zz9Zz9Zz9Zz9Z', 'A', 'x'.repeat(300), '../..', '%00');
const controls = fc.constantFrom('\u0000', '\u001b[2J', '\n', '\r\n', '\u202e', '\u009b', '\ud800', '\u007f');
const huge = fc.constantFrom<unknown>(
  'x'.repeat(5000),
  'y'.repeat(300_000),
  Array.from({ length: 5000 }, () => 'z'),
);

/** A value as text (JSON for objects: fast-check's dictionaries have no prototype, so no toString). */
const asText = (v: unknown) => (typeof v === 'string' ? v : jsonText(v ?? null));

/** Pick one of the input's keys by index (none when the input is empty). */
const keyAt = (input: Record<string, unknown>, i: number) => {
  const keys = Object.keys(input);
  return keys.length ? (keys[i % keys.length] as string) : undefined;
};

const onKey =
  (name: string, change: (input: Record<string, unknown>, key: string) => void) =>
  (i: number): InputMutation => ({
    name,
    apply: (input) => {
      const out = { ...input };
      // A verb without arguments: the change lands on an argument it does not have.
      change(out, keyAt(out, i) ?? 'no_such_field');
      return out;
    },
  });

/** The input mutations (including none: a well-formed call). */
export const inputMutation: fc.Arbitrary<InputMutation> = fc.oneof(
  { weight: 24, arbitrary: fc.constant({ name: 'none', apply: (i: Record<string, unknown>) => ({ ...i }) }) },
  { weight: 2, arbitrary: fc.nat().map(onKey('drop field', (o, k) => delete o[k])) },
  { weight: 1, arbitrary: fc.nat().map(onKey('empty field', (o, k) => (o[k] = ''))) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.nat(), oddValue).map(([i, v]) => onKey('retype field', (o, k) => (o[k] = v))(i)),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.nat(), badUuid).map(([i, v]) => onKey('bad uuid', (o, k) => (o[k] = v))(i)),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(), huge).map(([i, v]) => onKey('huge value', (o, k) => (o[k] = v))(i)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.nat(), fc.constantFrom(...DEPTHS))
      .map(([i, d]) => onKey('nested value', (o, k) => (o[k] = new Nested(d)))(i)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.nat(), controls)
      .map(([i, c]) => onKey('control chars', (o, k) => (o[k] = `${asText(o[k])}${c}`))(i)),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(), fc.string({ maxLength: 8 })).map(([i, v]) =>
      onKey('duplicate @field', (o, k) => {
        o[`@${k}`] = v;
      })(i),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('no_such_field', '__proto__', 'constructor', '@', '')
      .map((k): InputMutation => ({
        name: 'unknown field',
        apply: (input) => {
          const out = { ...input };
          // defineProperty: an own `__proto__` key, as JSON.parse makes one, not a prototype.
          Object.defineProperty(out, k, {
            value: { x: 1 },
            enumerable: true,
            writable: true,
            configurable: true,
          });
          return out;
        },
      })),
  },
);

/** A request mutation over HTTP. */
export type RequestMutation =
  | { name: 'none' }
  | { name: 'method'; method: string }
  | { name: 'path'; how: 'extra' | 'drop' | 'case' | 'slash' | 'hostile' | 'long' | 'percent'; text: string }
  | { name: 'no token' }
  | { name: 'wrong token' }
  | { name: 'body type'; type: string }
  | { name: 'cut body' }
  | { name: 'path and input differ' };

/** The request mutations (including none). */
export const requestMutation: fc.Arbitrary<RequestMutation> = fc.oneof(
  { weight: 36, arbitrary: fc.constant({ name: 'none' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS')
      .map((method) => ({ name: 'method' as const, method })),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      name: fc.constant('path' as const),
      how: fc.constantFrom('extra', 'drop', 'case', 'slash', 'hostile', 'long', 'percent'),
      text: fc.constantFrom(
        '..',
        '%2e%2e',
        '%00',
        '%ZZ',
        '-V',
        'a|b',
        '..%2f',
        '%c0%ae',
        '{{7*7}}',
        '$(id)',
        'x',
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ name: 'no token' as const }) },
  { weight: 1, arbitrary: fc.constant({ name: 'wrong token' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/json; charset=latin1',
      )
      .map((type) => ({ name: 'body type' as const, type })),
  },
  { weight: 1, arbitrary: fc.constant({ name: 'cut body' as const }) },
  { weight: 1, arbitrary: fc.constant({ name: 'path and input differ' as const }) },
);

/** A call with an input mutation applied; `mutation` names it. */
export interface MutatedCall extends Call {
  readonly mutation: string;
}

/** Applies an input mutation to a call. */
export function mutate(call: Call, m: InputMutation): MutatedCall {
  return { ...call, input: m.apply(call.input), mutation: m.name };
}
