/**
 * The field DSL verbs declare their arguments with. Each field carries its help text, its CLI
 * flags and its zod schema, so the CLI, `-w`, REST validation and the docs all come from one place.
 */
import { z } from 'zod';
import type { RefCollection } from '../store/store.js';
import { validateRule } from '../tags/rule-language.js';

/** A collection a UUID field refers to; the dispatcher resolves the reference before the handler runs. */
export type { RefCollection };

/** The catalog lists (families declared under templates/) a field's choices can come from. */
export type CatalogList = 'policyTemplates' | 'imageTypes';

/** What kind of value a field takes; the CLI and the docs use it to describe the flag. */
export type FieldKind = 'string' | 'enum' | 'bool' | 'int' | 'list' | 'uuid' | 'json';

/** One declared argument of a verb. */
export interface Field {
  readonly kind: FieldKind;
  readonly help: string;
  /** The original's one-letter flag, e.g. `p` for `-p|--template`. */
  readonly short?: string;
  readonly required: boolean;
  readonly default?: unknown;
  /** For `uuid` fields: which collection the UUID names. */
  readonly ref?: RefCollection;
  /** For `uuid` fields: a word accepted instead of a UUID (broker `none`). */
  readonly none?: string;
  /** For `uuid` fields: only the whole UUID is accepted, no unique fragment (node-facing secrets). */
  readonly exact?: boolean;
  /** For `enum` fields: the accepted values. */
  readonly choices?: readonly string[];
  /** For `enum` fields whose values are a catalog list: filled in by withCatalogChoices. */
  readonly choicesFrom?: CatalogList;
  /** For `bool` CLI flags that take no value. */
  readonly flag?: boolean;
  /** Where the value is also shown in a sample command (placeholder for the docs). */
  readonly placeholder?: string;
  /** Other names the field answers to (`url` for an image's `path`), as razor-server's aliases. */
  readonly aliases?: readonly string[];
  readonly schema: z.ZodType;
}

interface Common {
  help: string;
  aliases?: readonly string[];
  short?: string;
  required?: boolean;
  placeholder?: string;
}

/** A base62 UUID or a unique fragment of one. */
export const UUID_FRAGMENT = /^[0-9A-Za-z]{1,22}$/;

const TRUE = new Set(['true', 'yes', '1', 'on']);
const FALSE = new Set(['false', 'no', '0', 'off']);

function make(kind: FieldKind, schema: z.ZodType, o: Common & Partial<Field>): Field {
  return { ...o, kind, schema, required: o.required ?? false };
}

const text = z.string().trim().min(1, 'must not be empty').max(4096, 'must be at most 4096 characters');

/** Field constructors, one per kind of value. */
export const field = {
  /** Free text (trimmed, non-empty). */
  string(o: Common & { default?: string; pattern?: RegExp; patternHelp?: string }): Field {
    const s = o.pattern ? text.regex(o.pattern, o.patternHelp ?? `must match ${o.pattern}`) : text;
    return make('string', s, o);
  },
  /** One of a fixed set of words. */
  enum(choices: readonly [string, ...string[]], o: Common & { default?: string }): Field {
    const s = z.string().refine((v) => choices.includes(v), `must be one of: ${choices.join(', ')}`);
    return make('enum', s, { ...o, choices });
  },
  /**
   * One of the names in a catalog list (policy templates, image types): the registry fills in the
   * choices from the catalog (withCatalogChoices) and the help ends with them. Until then no value
   * is accepted.
   */
  catalogEnum(from: CatalogList, o: Common & { default?: string }): Field {
    const s = z.string().refine(() => false, `has no choices: the ${from} of the catalog were not filled in`);
    return make('enum', s, { ...o, choicesFrom: from });
  },
  /** true/false; also accepts the strings "true"/"false" (the original stored strings). */
  bool(o: Common & { default?: boolean; flag?: boolean }): Field {
    const s = z.union([z.boolean(), z.string()]).transform((v, ctx) => {
      if (typeof v === 'boolean') return v;
      const w = v.trim().toLowerCase();
      if (TRUE.has(w)) return true;
      if (FALSE.has(w)) return false;
      ctx.addIssue({ code: 'custom', message: `must be true or false, not '${v}'` });
      return z.NEVER;
    });
    return make('bool', s, o);
  },
  /** A whole number, given as a number or a numeric string. */
  int(o: Common & { default?: number; min?: number; max?: number }): Field {
    const min = o.min ?? Number.MIN_SAFE_INTEGER;
    const max = o.max ?? Number.MAX_SAFE_INTEGER;
    const s = z.union([z.number(), z.string()]).transform((v, ctx) => {
      const n = typeof v === 'number' ? v : /^[+-]?\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}, not '${v}'` });
        return z.NEVER;
      }
      return n;
    });
    return make('int', s, o);
  },
  /** A list of words: a JSON array or a comma-separated string. */
  list(o: Common & { default?: string[]; allowEmpty?: boolean; keepOrder?: boolean }): Field {
    const s = z.union([z.array(z.string()), z.string()]).transform((v, ctx) => {
      const raw = Array.isArray(v) ? v : v.split(',');
      const items = o.keepOrder ? raw : raw.map((x) => x.trim()).filter((x) => x !== '');
      if (items.length === 0 && !o.allowEmpty)
        ctx.addIssue({ code: 'custom', message: 'must name at least one item' });
      return o.keepOrder ? items : [...new Set(items)];
    });
    return make('list', s, o);
  },
  /**
   * A reference to another object by UUID (or a unique fragment of one). With a collection the
   * dispatcher resolves it; with `null` (a matcher inside a tag rule) only its form is checked.
   */
  uuid(ref: RefCollection | null, o: Common & { none?: string; default?: string; exact?: boolean }): Field {
    return make('uuid', z.string(), { ...o, ...(ref ? { ref } : {}) });
  },
  /** A tag rule in razor-server's language; every problem is reported with its path. */
  rule(o: Common): Field {
    const s = z.unknown().superRefine((v, ctx) => {
      for (const message of validateRule(v)) ctx.addIssue({ code: 'custom', message });
    });
    return make('json', s, o);
  },
  /** A JSON object of key → value (metadata hashes). */
  json(o: Common & { default?: Record<string, unknown> }): Field {
    return make('json', z.record(z.string(), z.unknown()), o);
  },
};
