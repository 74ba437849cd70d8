/**
 * Validation of model and broker metadata (`req_metadata_hash`) against the specs in the catalog:
 * the original's rules — a given value must match its regex, a missing one takes its default, a
 * missing required one without a default is an error.
 */
import { RazorError, type ErrorKind } from '../errors.js';
import type { MetadataSpec } from './catalog.js';

/** Which error kinds to raise: models and brokers have their own. */
export interface MetadataErrors {
  missing: ErrorKind;
  invalid: ErrorKind;
}

/** The placeholder shown instead of a secret value. */
export const REDACTED = '<redacted>';

/**
 * Validates `given` against `specs` and returns the complete metadata. With `base`, keys not given
 * keep their `base` value (update) instead of falling back to defaults.
 */
export function applyMetadata(
  specs: Readonly<Record<string, MetadataSpec>>,
  given: Readonly<Record<string, unknown>>,
  errors: MetadataErrors,
  base?: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const clean = Object.fromEntries(Object.entries(given).map(([k, v]) => [k.replace(/^@/, ''), v]));
  for (const key of Object.keys(clean)) {
    if (!Object.hasOwn(specs, key)) {
      const known = Object.keys(specs).join(', ') || 'none';
      throw new RazorError(errors.invalid, `unknown metadata key '${key}'; this type takes: ${known}`);
    }
  }
  for (const [key, spec] of Object.entries(specs)) {
    const raw = clean[key];
    if (raw !== undefined && raw !== null && raw !== '') {
      if (typeof raw !== 'string' && typeof raw !== 'number') {
        throw new RazorError(errors.invalid, `metadata '${key}' must be a string`);
      }
      const value = String(raw);
      if (spec.validation && !new RegExp(spec.validation).test(value)) {
        const shown = spec.secret ? REDACTED : `'${value}'`;
        const eg = spec.example ? ` (for example '${spec.example}')` : '';
        throw new RazorError(
          errors.invalid,
          `metadata '${key}' ${shown} is not valid: ${spec.description}${eg}`,
        );
      }
      out[key] = value;
    } else if (base && base[key] !== undefined) {
      out[key] = base[key];
    } else if (spec.default !== undefined && spec.default !== '') {
      out[key] = spec.default;
    } else if (spec.required) {
      throw new RazorError(errors.missing, `missing metadata '${key}': ${spec.description}`);
    }
  }
  return out;
}

/** A copy of `values` with every secret key replaced by the redaction placeholder. */
export function redactMetadata(
  specs: Readonly<Record<string, MetadataSpec>> | undefined,
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, specs?.[k]?.secret ? REDACTED : v]));
}
