/**
 * The shapes of the tag rule language's operators (§3.1): what a rule is evaluated against, the
 * validator's type names (the original's Ruby classes), and how a rule's regular expression compiles.
 */
import type { Fail, Value } from './values.js';

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
