/**
 * A query key given more than once with different values (`?hw_id=A&hw_id=B`): the original kept
 * the last one silently; razor refuses it, as a rate limit keyed on one of the values would be
 * misled (ADR 0018). The REST layer marks such a key with a plain JSON value (it must survive the
 * trip to a spawned CLI) and validation refuses it — so a boot still gets its error script.
 */
import { RazorError } from '../errors.js';

const MARK = '$given_twice_in_query';

/** The value standing for a query key repeated with different values. */
export const repeatedValue = (values: readonly unknown[]) => ({ [MARK]: values });

/** Throws InputError when `key`'s value is a repeated-key mark. */
export function refuseRepeated(key: string, value: unknown): void {
  if (value && typeof value === 'object' && Object.hasOwn(value, MARK))
    throw new RazorError(
      'InputError',
      `'${key}' given twice in the query with different values; give it once`,
    );
}
