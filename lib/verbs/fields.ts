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

/** Whether a handler always gets a field's value (required, or defaulted) or may get none. */
export type Presence = 'always' | 'maybe';

/**
 * One declared argument of a verb. `T` is the value its handler receives and `P` whether it is
 * always there: the field constructors fix both, so a handler's input type follows from its fields.
 */
export interface Field<T = unknown, P extends Presence = Presence> {
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
  /** Type only, never set: what the handler receives. */
  readonly __input?: { readonly value: T; readonly presence: P };
}

/** A verb's declared fields by name. */
export type Fields = Readonly<Record<string, Field>>;

/** The value a handler receives for field `F`. */
type ValueOf<F> = F extends { readonly __input?: { readonly value: infer T } } ? T : never;

/** Is field `F` always present in a handler's input? */
type IsAlways<F> = F extends Field<unknown, 'always'> ? true : false;

/**
 * The input a handler receives for fields `F`: required and defaulted fields always, the others
 * perhaps (`undefined` when not given). Reading a field not in `F` does not compile.
 */
export type InputOf<F extends Fields> = {
  [K in keyof F as IsAlways<F[K]> extends true ? K : never]: ValueOf<F[K]>;
} & {
  [K in keyof F as IsAlways<F[K]> extends true ? never : K]?: ValueOf<F[K]> | undefined;
};

/** `always` when the options make the field required or give it a default, else `maybe`. */
type PresenceOf<O> = O extends { readonly required: true } | { readonly default: NonNullable<unknown> }
  ? 'always'
  : 'maybe';

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

function make<T, P extends Presence>(
  kind: FieldKind,
  schema: z.ZodType,
  o: Common & Omit<Partial<Field>, '__input'>,
): Field<T, P> {
  return { ...o, kind, schema, required: o.required ?? false };
}

const text = z.string().trim().min(1, 'must not be empty').max(4096, 'must be at most 4096 characters');

/** Field constructors, one per kind of value. */
export const field = {
  /** Free text (trimmed, non-empty). */
  string<const O extends Common & { default?: string; pattern?: RegExp; patternHelp?: string }>(
    o: O,
  ): Field<string, PresenceOf<O>> {
    const s = o.pattern ? text.regex(o.pattern, o.patternHelp ?? `must match ${o.pattern}`) : text;
    return make('string', s, o);
  },
  /** One of a fixed set of words. */
  enum<const C extends readonly [string, ...string[]], const O extends Common & { default?: C[number] }>(
    choices: C,
    o: O,
  ): Field<C[number], PresenceOf<O>> {
    const s = z.string().refine((v) => choices.includes(v), `must be one of: ${choices.join(', ')}`);
    return make('enum', s, { ...o, choices });
  },
  /**
   * One of the names in a catalog list (policy templates, image types): the registry fills in the
   * choices from the catalog (withCatalogChoices) and the help ends with them. Until then no value
   * is accepted.
   */
  catalogEnum<const O extends Common & { default?: string }>(
    from: CatalogList,
    o: O,
  ): Field<string, PresenceOf<O>> {
    const s = z.string().refine(() => false, `has no choices: the ${from} of the catalog were not filled in`);
    return make('enum', s, { ...o, choicesFrom: from });
  },
  /** true/false; also accepts the strings "true"/"false" (the original stored strings). */
  bool<const O extends Common & { default?: boolean; flag?: boolean }>(o: O): Field<boolean, PresenceOf<O>> {
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
  int<const O extends Common & { default?: number; min?: number; max?: number }>(
    o: O,
  ): Field<number, PresenceOf<O>> {
    const [min, max] = [o.min ?? Number.MIN_SAFE_INTEGER, o.max ?? Number.MAX_SAFE_INTEGER];
    const range =
      o.max !== undefined ? ` from ${min} to ${max}` : o.min !== undefined ? ` of at least ${min}` : '';
    const s = z.union([z.number(), z.string()]).transform((v, ctx) => {
      const n = typeof v === 'number' ? v : /^[+-]?\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
      if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
      ctx.addIssue({ code: 'custom', message: `must be a whole number${range}, not '${v}'` });
      return z.NEVER;
    });
    return make('int', s, o);
  },
  /** A list of words: a JSON array or a comma-separated string. */
  list<const O extends Common & { default?: readonly string[]; allowEmpty?: boolean; keepOrder?: boolean }>(
    o: O,
  ): Field<string[], PresenceOf<O>> {
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
  uuid<const O extends Common & { none?: string; default?: string; exact?: boolean }>(
    ref: RefCollection | null,
    o: O,
  ): Field<string, PresenceOf<O>> {
    return make('uuid', z.string(), { ...o, ...(ref ? { ref } : {}) });
  },
  /** A tag rule in razor-server's language; every problem is reported with its path. */
  rule<const O extends Common>(o: O): Field<unknown, PresenceOf<O>> {
    const s = z.unknown().superRefine((v, ctx) => {
      for (const message of validateRule(v)) ctx.addIssue({ code: 'custom', message });
    });
    return make('json', s, o);
  },
  /** A JSON object of key → value (metadata hashes). */
  json<const O extends Common & { default?: Record<string, unknown> }>(
    o: O,
  ): Field<Record<string, unknown>, PresenceOf<O>> {
    return make('json', z.record(z.string(), z.unknown()), o);
  },
};

/** The same field with a default, so its handler always gets a value (`add` beside `update`). */
export function withDefault<T>(f: Field<T>, value: T): Field<T, 'always'> {
  return { ...f, default: value } as Field<T, 'always'>;
}
