/**
 * The operator table of the tag rule language (§3.1): for each operator its aliases, the types it
 * accepts per argument and returns (as the validator's Ruby classes), its arity and its meaning.
 */
import {
  type Fail,
  type Value,
  NOT_FOUND,
  isHash,
  isValue,
  lookup,
  rubyType,
  toNum,
  toStr,
  truthy,
} from './values.js';

/** What a rule is evaluated against: a node's facts, metadata and state, and the other tags. */
export interface RuleContext {
  /** The node's facts; `null` for a node that never checked in. */
  readonly facts: Readonly<Record<string, unknown>> | null;
  readonly metadata: Readonly<Record<string, unknown>> | null;
  /** `{ installed: <name or null> }` in razor. */
  readonly state: Readonly<Record<string, unknown>> | null;
  /** The rule of the tag called `name`, or undefined when there is no such tag. */
  readonly tagRule: (name: string) => unknown;
}

/** What operators see besides their arguments: the context and a way to evaluate another tag. */
export interface OperatorEnv {
  readonly ctx: RuleContext;
  readonly tag: (name: string, fail: Fail) => boolean;
}

/** A type as the validator names it (the original's Ruby classes). */
export type Atom = 'String' | 'TrueClass' | 'FalseClass' | 'Numeric' | 'NilClass';

const STRING: readonly Atom[] = ['String'];
const NUMERIC: readonly Atom[] = ['Numeric'];
const BOOLEAN: readonly Atom[] = ['TrueClass', 'FalseClass'];
const MIXED: readonly Atom[] = ['String', 'TrueClass', 'FalseClass', 'Numeric', 'NilClass'];

/** The validator type of a literal. */
export const atomOf = (v: Value): Atom =>
  v === null
    ? 'NilClass'
    : v === true
      ? 'TrueClass'
      : v === false
        ? 'FalseClass'
        : typeof v === 'string'
          ? 'String'
          : 'Numeric';

/** One operator of the language. */
export interface Operator {
  readonly name: string;
  readonly aliases: readonly string[];
  /** Accepted types per argument; the last entry applies to all further arguments. */
  readonly expects: readonly (readonly Atom[])[];
  readonly returns: readonly Atom[];
  readonly min: number;
  readonly max: number;
  /** Arguments from this 1-based position on are regular expressions compiled with `flags`. */
  readonly regex?: { readonly from: number; readonly flags: string };
  readonly apply: (args: readonly Value[], env: OperatorEnv, fail: Fail) => Value;
}

/** Compiles a rule's regular expression (a JavaScript RegExp); the error text when it does not compile. */
export function compileRegex(pattern: string, flags: string): RegExp | string {
  try {
    return new RegExp(pattern, flags);
  } catch (err) {
    return (err instanceof Error ? err.message : String(err)).replace(/^Invalid regular expression: /, '');
  }
}

const where = (name: string, args: readonly Value[], i: number): string =>
  `argument${args.length > 1 ? ` ${i + 1}` : ''} to '${name}'`;

function strAt(name: string, args: readonly Value[], i: number, fail: Fail): string {
  const v = args[i] ?? null;
  return typeof v === 'string'
    ? v
    : fail(`${where(name, args, i)} should be a string but was ${rubyType(v)}`);
}

function numAt(name: string, args: readonly Value[], i: number, fail: Fail): number {
  const v = args[i] ?? null;
  return typeof v === 'number'
    ? v
    : fail(`${where(name, args, i)} should be a number but was ${rubyType(v)}`);
}

function regexAt(name: string, args: readonly Value[], i: number, flags: string, fail: Fail): RegExp {
  const re = compileRegex(strAt(name, args, i, fail), flags);
  return typeof re === 'string'
    ? fail(`invalid regular expression supplied to '${name}' for argument ${i + 1}: ${re}`)
    : re;
}

const compare =
  (name: string, test: (a: number, b: number) => boolean): Operator['apply'] =>
  (args, _env, fail) =>
    test(numAt(name, args, 0, fail), numAt(name, args, 1, fail));

const lookupIn =
  (label: string, pick: (ctx: RuleContext) => unknown): Operator['apply'] =>
  (args, env, fail) => {
    const name = strAt(label, args, 0, fail);
    const found = lookup(pick(env.ctx), name);
    if (found === NOT_FOUND) {
      return args.length > 1
        ? (args[1] ?? null)
        : fail(`Couldn't find ${label} '${name}' and no default supplied`);
    }
    return isValue(found) ? found : fail(`cannot evaluate ${rubyType(found)} returned from ${label} ${name}`);
  };

const macaddresses = (ctx: RuleContext): string[] =>
  Object.entries(isHash(ctx.facts) ? ctx.facts : {})
    .filter(([key]) => key.startsWith('macaddress'))
    .flatMap(([, v]) => (typeof v === 'string' ? [v] : []));

const op = (
  name: string,
  aliases: readonly string[],
  types: [expects: readonly (readonly Atom[])[], returns: readonly Atom[]],
  arity: [min: number, max: number],
  apply: Operator['apply'],
  regex?: Operator['regex'],
): Operator => ({
  name,
  aliases,
  expects: types[0],
  returns: types[1],
  min: arity[0],
  max: arity[1],
  apply,
  regex,
});

const ANY = Infinity;

/** Every operator, in the order the validator lists them. */
export const OPERATORS: readonly Operator[] = [
  op('and', [], [[BOOLEAN], BOOLEAN], [1, ANY], (args) => args.every(truthy)),
  op('or', [], [[BOOLEAN], BOOLEAN], [1, ANY], (args) => args.some(truthy)),
  op('not', [], [[BOOLEAN], BOOLEAN], [1, 1], ([a = null]) => !truthy(a)),
  op('=', ['eq'], [[MIXED], BOOLEAN], [2, ANY], ([a, b]) => a === b),
  op('!=', ['neq'], [[MIXED], BOOLEAN], [2, ANY], ([a, b]) => a !== b),
  op('in', [], [[MIXED], BOOLEAN], [1, ANY], ([needle, ...hay]) => hay.includes(needle ?? null)),
  op(
    'like',
    [],
    [[STRING], BOOLEAN],
    [2, 2],
    (args, _env, fail) => regexAt('like', args, 1, '', fail).test(strAt('like', args, 0, fail)),
    { from: 2, flags: '' },
  ),
  op(
    '<',
    ['lt'],
    [[NUMERIC], BOOLEAN],
    [2, 2],
    compare('<', (a, b) => a < b),
  ),
  op(
    '<=',
    ['lte'],
    [[NUMERIC], BOOLEAN],
    [2, 2],
    compare('<=', (a, b) => a <= b),
  ),
  op(
    '>',
    ['gt'],
    [[NUMERIC], BOOLEAN],
    [2, 2],
    compare('>', (a, b) => a > b),
  ),
  op(
    '>=',
    ['gte'],
    [[NUMERIC], BOOLEAN],
    [2, 2],
    compare('>=', (a, b) => a >= b),
  ),
  op('num', [], [[MIXED], NUMERIC], [1, 1], ([a = null], _env, fail) => toNum(a, fail)),
  op('str', [], [[MIXED], STRING], [1, 1], ([a = null]) => toStr(a)),
  op('lower', [], [[STRING], STRING], [1, 1], (args, _env, fail) =>
    strAt('lower', args, 0, fail).toLowerCase(),
  ),
  op('upper', [], [[STRING], STRING], [1, 1], (args, _env, fail) =>
    strAt('upper', args, 0, fail).toUpperCase(),
  ),
  op(
    'fact',
    [],
    [[STRING, MIXED], MIXED],
    [1, 2],
    lookupIn('fact', (ctx) => ctx.facts),
  ),
  op(
    'metadata',
    [],
    [[STRING, MIXED], MIXED],
    [1, 2],
    lookupIn('metadata', (ctx) => ctx.metadata),
  ),
  op(
    'state',
    [],
    [[STRING, STRING], MIXED],
    [1, 2],
    lookupIn('state', (ctx) => ctx.state),
  ),
  op('tag', [], [[STRING], MIXED], [1, 1], (args, env, fail) => env.tag(strAt('tag', args, 0, fail), fail)),
  op('has_macaddress', [], [[STRING], BOOLEAN], [1, ANY], (args, env, fail) => {
    const wanted = args.map((_a, i) => strAt('has_macaddress', args, i, fail).toLowerCase());
    return macaddresses(env.ctx).some((mac) => wanted.includes(mac.toLowerCase()));
  }),
  op(
    'has_macaddress_like',
    [],
    [[STRING], BOOLEAN],
    [1, ANY],
    (args, env, fail) => {
      const res = args.map((_a, i) => regexAt('has_macaddress_like', args, i, 'i', fail));
      return macaddresses(env.ctx).some((mac) => res.some((re) => re.test(mac)));
    },
    { from: 1, flags: 'i' },
  ),
];

/** The operator called `name` (or one of its aliases); undefined when unknown. */
export const findOperator = (name: unknown): Operator | undefined =>
  typeof name === 'string' ? OPERATORS.find((o) => o.name === name || o.aliases.includes(name)) : undefined;

/** Every operator name and alias, as the unrecognized-operator message lists them. */
export const OPERATOR_NAMES: readonly string[] = OPERATORS.flatMap((o) => [o.name, ...o.aliases]);

/** The message for an operator that is not in the table. */
export function unrecognized(name: unknown): string {
  const shown = typeof name === 'string' ? name : (JSON.stringify(name) ?? String(name));
  return `uses unrecognized operator '${shown}'; recognized operators are ${OPERATOR_NAMES.join(', ')}`;
}

/** The message when `op` is called with `count` arguments it does not take; undefined when it does. */
export function arityProblem(op: Operator, name: string, count: number): string | undefined {
  if (count >= op.min && count <= op.max) return undefined;
  const plural = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;
  const takes =
    op.max === Infinity
      ? `at least ${plural(op.min)}`
      : op.min === op.max
        ? plural(op.min)
        : `${op.min} or ${plural(op.max)}`;
  return `'${name}' takes ${takes} but was given ${count}`;
}
