/**
 * Fields whose choices are families declared as data (policy templates, image types): the
 * registry is built with the catalog, and each such field becomes an ordinary enum of the catalog's
 * names, its help ending with them, so the CLI, `-w`, REST validation and the docs all see them.
 */
import { field, type CatalogList, type Field } from './fields.js';
import type { Catalog } from '../domain/catalog.js';
import type { SliceSpec } from './spec.js';

/** The names of a catalog list, sorted. */
export function catalogNames(catalog: Catalog, list: CatalogList): string[] {
  return list === 'policyTemplates'
    ? catalog.policyTemplates.map((t) => t.name)
    : [...catalog.imageTypes.keys()];
}

function resolve(f: Field, catalog: Catalog): Field {
  if (!f.choicesFrom) return f;
  const [first, ...rest] = catalogNames(catalog, f.choicesFrom);
  if (first === undefined) throw new Error(`the catalog has no ${f.choicesFrom}`);
  const choices: [string, ...string[]] = [first, ...rest];
  const { short, required, aliases, placeholder } = f;
  const d = typeof f.default === 'string' ? { default: f.default } : {};
  return field.enum(choices, {
    short,
    required,
    aliases,
    placeholder,
    ...d,
    help: `${f.help}: ${choices.join(', ')}`,
  });
}

/** The slices with every catalog-backed field's choices filled in from `catalog`. */
export function withCatalogChoices(slices: readonly SliceSpec[], catalog: Catalog): SliceSpec[] {
  return slices.map((s) => ({
    ...s,
    verbs: s.verbs.map((v) =>
      Object.values(v.fields).some((f) => f.choicesFrom)
        ? {
            ...v,
            fields: Object.fromEntries(Object.entries(v.fields).map(([k, f]) => [k, resolve(f, catalog)])),
          }
        : v,
    ),
  }));
}
