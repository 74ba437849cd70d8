/**
 * Validation of a verb's input against its field declarations, with the original's error kinds:
 * a missing required field is MissingArgument (114), a malformed UUID InvalidUUID (116), anything
 * else wrong — an unknown key, a bad value — InputError (111). Nothing runs until input is valid.
 */
import { RazorError } from '../errors.js';
import { refuseRepeated } from './repeated-key.js';
import { UUID_FRAGMENT, type Field } from './fields.js';
import type { SliceSpec, VerbInput, VerbSpec } from './spec.js';

/** The flags a field answers to on the command line, for messages: `-l, --label`. */
export function flagText(name: string, f: Field): string {
  const long = `--${name.replace(/_/g, '-')}`;
  return f.short ? `-${f.short}, ${long}` : long;
}

const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function filterKeyAllowed(slice: SliceSpec, key: string): boolean {
  const top = key.split(/[.[]/)[0] ?? key;
  return (slice.filterable ?? []).includes(top);
}

/** Renames alias keys to their field's name; giving both is an error. */
function resolveAliases(
  verb: VerbSpec,
  raw: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  let out: Record<string, unknown> | undefined;
  for (const [name, f] of Object.entries(verb.fields)) {
    for (const alias of f.aliases ?? []) {
      if (raw[alias] === undefined) continue;
      out ??= { ...raw };
      if (out[name] !== undefined)
        throw new RazorError('InputError', `give '${name}' or its alias '${alias}', not both`);
      out[name] = out[alias];
      delete out[alias];
    }
  }
  return out ?? raw;
}

/** Checks `raw` (keys without `@`) against the verb and returns the input its handler receives. */
export function validateInput(
  slice: SliceSpec,
  verb: VerbSpec,
  raw: Readonly<Record<string, unknown>>,
): VerbInput {
  for (const [key, value] of Object.entries(raw)) refuseRepeated(key, value);
  raw = resolveAliases(verb, raw);
  const out: VerbInput = {};
  const filter: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (Object.hasOwn(verb.fields, key)) continue;
    if (verb.filter && filterKeyAllowed(slice, key)) {
      filter[key] = typeof value === 'string' ? value : JSON.stringify(value);
      continue;
    }
    const known = verb.filter ? (slice.filterable ?? []) : Object.keys(verb.fields);
    const what = verb.filter ? 'filter' : 'argument';
    throw new RazorError(
      'InputError',
      `unknown ${what} '${key}'; expected ${known.length ? `one of: ${known.join(', ')}` : 'none'}`,
    );
  }
  for (const [key, f] of Object.entries(verb.fields)) {
    const value = raw[key];
    if (isEmpty(value)) {
      if (f.required) {
        throw new RazorError(
          'MissingArgument',
          `missing required argument '${key}' (${flagText(key, f)}): ${f.help}`,
        );
      }
      if (f.default !== undefined) out[key] = structuredClone(f.default);
      continue;
    }
    if (f.kind === 'uuid') {
      if (typeof value !== 'string') throw new RazorError('InvalidUUID', `'${key}' must be a UUID string`);
      if (value === f.none) {
        out[key] = value;
        continue;
      }
      if (!UUID_FRAGMENT.test(value)) {
        const alt = f.none ? ` or '${f.none}'` : '';
        throw new RazorError(
          'InvalidUUID',
          `'${value}' is not a UUID for '${key}': razor UUIDs are up to 22 characters of 0-9, A-Z, a-z (any unique part of one works)${alt}`,
        );
      }
      out[key] = value;
      continue;
    }
    const parsed = f.schema.safeParse(value);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => i.message).join('; ');
      // A refused choice names what was given, on the CLI as over `-w` and REST (ADR 0021).
      const shown = typeof value === 'string' ? value : JSON.stringify(value);
      const given = f.choices ? `; got '${shown.slice(0, 100)}'` : '';
      throw new RazorError('InputError', `'${key}' ${why}${given}`);
    }
    out[key] = parsed.data;
  }
  if (verb.filter) out.filter = filter;
  return out;
}
