/**
 * Values of the tag rule language and the conversions between them: Ruby truthiness, Ruby class
 * names for messages, `num` (Ruby `Integer()`/`Float()`), `str` (Ruby `to_s`) and the
 * `fact`/`metadata`/`state` lookup with dotted paths.
 */

/** A rule: a JSON value in prefix form `[op, arg…]`, where array arguments are nested calls. */
export type Rule = unknown;

/** A value a rule can produce or pass: the JSON scalars. */
export type Value = string | number | boolean | null;

/** A rule failed while being evaluated; `path` names the sub-expression, e.g. `rule[1][2]`. */
export class RuleEvaluationError extends Error {
  readonly path: string;
  readonly detail: string;

  constructor(detail: string, path = 'rule') {
    super(`${path}: ${detail}`);
    this.name = 'RuleEvaluationError';
    this.path = path;
    this.detail = detail;
  }
}

/** Throws a RuleEvaluationError at one sub-expression; handed to operators so they need not know paths. */
export type Fail = (detail: string) => never;

/** Is `v` a JSON object (the original's Hash)? */
export const isHash = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Is `v` a scalar a rule can hold? */
export const isValue = (v: unknown): v is Value =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Ruby truthiness: only `false` and `nil` are false (`0` and `""` are true). */
export const truthy = (v: Value): boolean => v !== false && v !== null;

/** The Ruby class name the original reports for `v` (integers are `Fixnum`, as in its messages). */
export function rubyType(v: unknown): string {
  if (v === null) return 'NilClass';
  if (v === true) return 'TrueClass';
  if (v === false) return 'FalseClass';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'number') return Number.isInteger(v) ? 'Fixnum' : 'Float';
  if (Array.isArray(v)) return 'Array';
  if (isHash(v)) return 'Hash';
  return typeof v;
}

/** A value as written in a rule, e.g. `"three"`, `5.4`, `nil` (Ruby's `inspect`). */
export const inspect = (v: Value): string =>
  v === null ? 'nil' : typeof v === 'string' ? JSON.stringify(v) : String(v);

const INTEGER = /^(-?)0(?:b([01]+)|([0-7]+))\n?$/i;
const HEX = /^[ \t\n\v\f\r]*([+-]?)0x([0-9a-f]+)[ \t\n\v\f\r]*$/i;
const DECIMAL =
  /^[ \t\n\v\f\r]*([+-]?(?:\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?|\.\d+(?:_\d+)*)(?:e[+-]?\d+(?:_\d+)*)?)[ \t\n\v\f\r]*$/i;

/**
 * Parses a string as the original's `num` does: `-?0b…` and `-?0[0-7]…` as binary and octal
 * integers, otherwise Ruby `Float()` (hex `0x…`, decimals, exponents, surrounding whitespace,
 * single underscores between digits). Hex fractions (`0x1.8p1`) are not supported. Undefined if
 * the text is not a number.
 */
export function parseNumber(text: string): number | undefined {
  const int = INTEGER.exec(text);
  if (int) {
    const n = int[2] !== undefined ? parseInt(int[2], 2) : parseInt(int[3] ?? '', 8);
    return int[1] === '-' ? -n : n;
  }
  const hex = HEX.exec(text);
  if (hex) return (hex[1] === '-' ? -1 : 1) * parseInt(hex[2] ?? '', 16);
  const dec = DECIMAL.exec(text);
  return dec ? Number((dec[1] ?? '').replaceAll('_', '')) : undefined;
}

/** `num`: numbers as they are, numeric strings parsed, anything else an error. */
export function toNum(v: Value, fail: Fail): number {
  if (typeof v === 'number') return v;
  const n = typeof v === 'string' ? parseNumber(v) : undefined;
  return n ?? fail(`can't convert ${inspect(v)} to number`);
}

/** `str`: Ruby `to_s` (`nil` → `""`); numbers use JavaScript's rendering (`1e21` → `"1e+21"`). */
export const toStr = (v: Value): string => (v === null ? '' : String(v));

/** Marks a failed lookup (a fact can legitimately be `null`). */
export const NOT_FOUND: unique symbol = Symbol('not found');

/**
 * Looks `name` up in `map`: an exact key wins (even with a `null` value); otherwise a dotted name
 * walks hash keys, array indices and `length` of arrays. A missing, array or hash leaf is not found.
 */
export function lookup(map: unknown, name: string): unknown {
  if (!isHash(map)) return NOT_FOUND;
  if (Object.hasOwn(map, name) && map[name] !== undefined) return map[name];
  if (!name.includes('.')) return NOT_FOUND;
  let at: unknown = map;
  for (const key of name.split('.')) {
    if (Array.isArray(at))
      at = key === 'length' ? at.length : /^\d+$/.test(key) ? at[Number(key)] : undefined;
    else if (isHash(at)) at = Object.hasOwn(at, key) ? at[key] : undefined;
    else return NOT_FOUND;
  }
  return at === undefined || Array.isArray(at) || isHash(at) ? NOT_FOUND : at;
}
