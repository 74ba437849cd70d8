/**
 * The structure a store file must have before razor uses it: `{rev, format: "razor-store/1",
 * collections: {<collection>: {<uuid>: document}}}`, each document an object whose `uuid` is its
 * key — and, when asked, whose fields that razor dereferences have the right kind. A file of the
 * wrong structure gets an error naming the first thing that is wrong, not a crash deep in a verb.
 */

/** The kind of value a required document field holds. */
export type FieldKind = 'string' | 'array' | 'object';

/** Per collection, the fields every document has and their kind. */
export type RequiredFields = Readonly<Record<string, Readonly<Record<string, FieldKind>>>>;

/**
 * The fields razor's verbs dereference without a guard, per collection (lib/domain/documents.ts; optional
 * ones left out). The generic store checks only the envelope; razor's own store opens with these.
 */
export const RAZOR_REQUIRED_FIELDS: RequiredFields = {
  node: { hw_id: 'array', attributes: 'object', created_at: 'string' },
  policy: { label: 'string', model_uuid: 'string', tags: 'array' },
  model: { type: 'string', image_uuid: 'string', metadata: 'object' },
  broker: { plugin: 'string', metadata: 'object' },
  tag: { tag: 'string', matchers: 'array' },
  active_model: {
    node_uuid: 'string',
    policy_uuid: 'string',
    state: 'string',
    model: 'object',
    log: 'array',
  },
  image: { type: 'string' },
  token: { sha256: 'string' },
  hook: { name: 'string', kind: 'string', target: 'string', events: 'array' },
};

const A_KIND: Readonly<Record<FieldKind, string>> = {
  string: 'a string',
  array: 'an array',
  object: 'an object',
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** How a JSON value is described in a message: `null`, `an array`, `a number`, … */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

function hasKind(v: unknown, kind: FieldKind): boolean {
  if (kind === 'array') return Array.isArray(v);
  if (kind === 'object') return isObject(v);
  return typeof v === 'string';
}

function documentProblem(
  collection: string,
  key: string,
  doc: unknown,
  required: RequiredFields,
): string | undefined {
  const where = `"collections.${collection}.${key}"`;
  if (!isObject(doc)) return `${where} is ${kindOf(doc)}, not a document (an object)`;
  if (doc.uuid !== key) return `${where} has "uuid" ${JSON.stringify(doc.uuid) ?? 'missing'}, not its key`;
  for (const [field, kind] of Object.entries(required[collection] ?? {})) {
    if (!hasKind(doc[field], kind))
      return `${where} has "${field}" ${doc[field] === undefined ? 'missing' : `as ${kindOf(doc[field])}`}, not ${A_KIND[kind]}`;
  }
  return undefined;
}

/**
 * What is wrong with the structure of a parsed store file, or undefined when it is a razor store;
 * documents must also have the `required` fields of their collection.
 */
export function storeShapeProblem(data: unknown, required: RequiredFields = {}): string | undefined {
  if (!isObject(data)) return `the file holds ${kindOf(data)}, not a razor store object`;
  if (data.format !== 'razor-store/1')
    return data.format === undefined
      ? 'it has no "format" (a razor store has "format": "razor-store/1")'
      : `its "format" is ${JSON.stringify(data.format)}, not "razor-store/1"`;
  if (!isObject(data.collections))
    return data.collections === undefined
      ? 'it has no "collections"'
      : `its "collections" is ${kindOf(data.collections)}, not an object`;
  for (const [collection, table] of Object.entries(data.collections)) {
    if (!isObject(table))
      return `"collections.${collection}" is ${kindOf(table)}, not an object of uuid → document`;
    for (const [key, doc] of Object.entries(table)) {
      const problem = documentProblem(collection, key, doc, required);
      if (problem) return problem;
    }
  }
  return undefined;
}
