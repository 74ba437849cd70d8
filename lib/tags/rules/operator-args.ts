/**
 * Reading a tag rule operator's arguments: typed access that fails with the validator's messages,
 * and the shared shapes of the comparison and lookup operators.
 */
import { compileRegex, type Operator, type RuleContext } from './operator-types.js';
import { type Fail, type Value, NOT_FOUND, isHash, isValue, lookup, rubyType } from './values.js';

const where = (name: string, args: readonly Value[], i: number): string =>
  `argument${args.length > 1 ? ` ${i + 1}` : ''} to '${name}'`;

/** The `i`th argument as a string, or the validator's type error. */
export function strAt(name: string, args: readonly Value[], i: number, fail: Fail): string {
  const v = args[i] ?? null;
  return typeof v === 'string'
    ? v
    : fail(`${where(name, args, i)} should be a string but was ${rubyType(v)}`);
}

/** The `i`th argument as a number, or the validator's type error. */
export function numAt(name: string, args: readonly Value[], i: number, fail: Fail): number {
  const v = args[i] ?? null;
  return typeof v === 'number'
    ? v
    : fail(`${where(name, args, i)} should be a number but was ${rubyType(v)}`);
}

/** The `i`th argument compiled as a regular expression, or the error saying why it does not compile. */
export function regexAt(name: string, args: readonly Value[], i: number, flags: string, fail: Fail): RegExp {
  const re = compileRegex(strAt(name, args, i, fail), flags);
  return typeof re === 'string'
    ? fail(`invalid regular expression supplied to '${name}' for argument ${i + 1}: ${re}`)
    : re;
}

/** An operator comparing two numbers. */
export const compare =
  (name: string, test: (a: number, b: number) => boolean): Operator['apply'] =>
  (args, _env, fail) =>
    test(numAt(name, args, 0, fail), numAt(name, args, 1, fail));

/** An operator looking a name up in the facts, metadata or state (with an optional default). */
export const lookupIn =
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

/** The node's MAC addresses (the `macaddress*` facts). */
export const macaddresses = (ctx: RuleContext): string[] =>
  Object.entries(isHash(ctx.facts) ? ctx.facts : {})
    .filter(([key]) => key.startsWith('macaddress'))
    .flatMap(([, v]) => (typeof v === 'string' ? [v] : []));
