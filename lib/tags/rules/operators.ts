/**
 * The operator table of the tag rule language (§3.1): for each operator its aliases, the types it
 * accepts per argument and returns (as the validator's Ruby classes), its arity and its meaning;
 * the shapes live in operator-types.ts.
 */
import type { Atom, Operator } from './operator-types.js';
import { compare, lookupIn, macaddresses, regexAt, strAt } from './operator-args.js';
import { toNum, toStr, truthy } from './values.js';

export type { Atom, Operator, OperatorEnv, RuleContext } from './operator-types.js';
export { atomOf, compileRegex } from './operator-types.js';

const STRING: readonly Atom[] = ['String'];
const NUMERIC: readonly Atom[] = ['Numeric'];
const BOOLEAN: readonly Atom[] = ['TrueClass', 'FalseClass'];
const MIXED: readonly Atom[] = ['String', 'TrueClass', 'FalseClass', 'Numeric', 'NilClass'];

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
