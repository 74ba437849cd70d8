/**
 * Well-formed calls built from the declarations: every verb of every slice, its declared samples,
 * and values that fit each field's kind — seeded UUIDs of the collection a UUID field names, enum
 * choices, model types, broker plugins and callback actions from the catalog. Most such calls pass
 * validation and reach their handler; mutations.ts then breaks them on purpose.
 */
import fc from 'fast-check';
import { declaredRestPath } from '../../lib/verbs/rest.js';
import { fillPlaceholders, seedData } from '../helpers/fixture.js';
import type { Catalog, MetadataSpec } from '../../lib/domain/catalog.js';
import type { Field } from '../../lib/verbs/fields.js';
import type { SliceRegistry, SliceSpec, VerbInput, VerbSpec } from '../../lib/verbs/spec.js';

/** One declared verb as the fuzzer sees it. */
export interface Target {
  readonly key: string;
  readonly slice: SliceSpec;
  readonly verb: VerbSpec;
  /** The daemon's REST path pattern (slice first), when the verb is served over REST. */
  readonly pattern?: readonly string[];
  /** The declared sample inputs, placeholders filled with seeded UUIDs. */
  readonly samples: readonly VerbInput[];
}

/** A call: a target and the input (field → value) it is made with. */
export interface Call {
  readonly target: Target;
  readonly input: Record<string, unknown>;
}

/** Valid values from outside the verb declarations: the seeded store and the catalog. */
export interface Domain {
  readonly uuids: Readonly<Record<string, readonly string[]>>;
  readonly modelTypes: readonly string[];
  readonly brokerPlugins: readonly string[];
  /** `[namespace, action]` pairs the seeded active model's model type declares. */
  readonly callbacks: readonly (readonly [string, string])[];
  /** Metadata each model type and broker plugin takes: key → its declared example or default. */
  readonly metadata: Readonly<Record<string, Record<string, string>>>;
}

/** Every declared verb with a sample. */
export function declaredTargets(registry: SliceRegistry): Target[] {
  return [...registry.values()].flatMap((slice) =>
    slice.verbs
      .filter((verb) => verb.sample)
      .map((verb) => ({
        key: `${slice.name} ${verb.name}`,
        slice,
        verb,
        pattern: declaredRestPath(slice, verb),
        samples: [verb.sample as VerbInput, ...(verb.moreSamples ?? [])].map(fillPlaceholders),
      })),
  );
}

/** Valid values of the seeded store and the catalog. */
export function domainOf(catalog: Catalog): Domain {
  const data = seedData();
  const uuids: Record<string, string[]> = {};
  for (const [name, docs] of Object.entries(data.collections))
    if (name !== 'meta') uuids[name] = Object.keys(docs);
  const active = Object.values(data.collections.active_model ?? {})[0] as unknown as {
    model: { type: string };
  };
  const callbacks = catalog.modelTypes.get(active.model.type)?.callbacks ?? {};
  const examples = (specs: Record<string, MetadataSpec>) =>
    Object.fromEntries(
      Object.entries(specs).flatMap(([k, m]) => {
        const v = m.example ?? m.default;
        return v === undefined ? [] : [[k, v]];
      }),
    );
  const metadata: Record<string, Record<string, string>> = {};
  for (const [name, t] of catalog.modelTypes) metadata[name] = examples(t.metadata);
  for (const [name, b] of catalog.brokerPlugins) metadata[name] = examples(b.metadata);
  return {
    metadata,
    uuids,
    modelTypes: [...catalog.modelTypes.keys()].filter((t) => !t.startsWith('_')),
    brokerPlugins: [...catalog.brokerPlugins.keys()],
    callbacks: Object.entries(callbacks).flatMap(([ns, actions]) =>
      Object.keys(actions).map((a) => [ns, a] as const),
    ),
  };
}

const hex2 = fc.integer({ min: 0, max: 255 }).map((n) => n.toString(16).padStart(2, '0'));
const mac = fc.array(hex2, { minLength: 6, maxLength: 6 });
const word = fc.stringMatching(/^[a-z][a-z0-9_-]{0,11}$/);

/** Values that fit a field, by its name where the name says more than its kind. */
function fieldValue(name: string, f: Field, d: Domain): fc.Arbitrary<unknown> {
  if (f.kind === 'uuid') {
    const all = f.ref ? [...(d.uuids[f.ref] ?? [])] : [];
    // A unique part works as well as the whole UUID (not for `exact` fields): all but its first letter.
    const fragments = f.exact ? [] : all.map((u) => u.slice(1));
    const words = [...all, ...fragments, ...(f.none ? [f.none] : [])];
    return words.length ? fc.constantFrom(...words) : fc.constant(undefined);
  }
  if (f.kind === 'enum') return fc.constantFrom(...(f.choices ?? ['']));
  if (f.kind === 'bool') return fc.constantFrom(true, false, 'true', 'false', 'yes', 'off');
  if (f.kind === 'int')
    return fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }).map(String));
  if (name === 'hw_id')
    return fc
      .array(
        mac.map((m) => m.join('')),
        { minLength: 1, maxLength: 2 },
      )
      .map((m) => m.join('_'));
  if (name === 'mac' || name === 'mac_address') return mac.map((m) => m.join(':'));
  if (name === 'dhcp_mac') return mac.map((m) => `01-${m.join('-')}`);
  if (name === 'ip_address') return fc.ipV4();
  // A text field named after a collection holds one of its UUIDs (a callback's active_model).
  if (f.kind === 'string' && d.uuids[name]?.length) return fc.constantFrom(...(d.uuids[name] as string[]));
  // A path names this machine's files: only the declared samples' (see local-paths.ts).
  if (name === 'path') return fc.constant(undefined);
  if (name === 'template' && f.kind === 'string') return fc.constantFrom(...d.modelTypes);
  if (name === 'plugin') return fc.constantFrom(...d.brokerPlugins);
  if (name === 'attributes_hash')
    return fc.dictionary(
      fc.stringMatching(/^mk_hw_[a-z_]{1,12}$/),
      fc.oneof(word, fc.integer().map(String)),
      {
        maxKeys: 6,
      },
    );
  if (f.kind === 'list') return fc.array(word, { minLength: 1, maxLength: 3 });
  if (f.kind === 'string') return word;
  return fc.constant(undefined); // json and rule fields: their samples say what is valid
}

/** A callback call's namespace and action, from the catalog, with the sample's as fallback. */
function callbackArgs(d: Domain): fc.Arbitrary<Record<string, unknown>> {
  if (d.callbacks.length === 0) return fc.constant({});
  return fc
    .tuple(fc.constantFrom(...d.callbacks), fc.option(fc.ipV4(), { nil: undefined }))
    .map(([[namespace, action], arg]) => ({ namespace, args: arg ? [action, arg] : [action] }));
}

/** A well-formed call of `t`: one of its samples, each field kept or given another fitting value. */
export function wellFormed(t: Target, d: Domain): fc.Arbitrary<Call> {
  const fields = Object.entries(t.verb.fields);
  return fc
    .tuple(
      fc.constantFrom(...t.samples),
      fc.tuple(...fields.map(([name, f]) => fc.tuple(fc.boolean(), fc.boolean(), fieldValue(name, f, d)))),
      t.verb.name === 'callback' ? fc.option(callbackArgs(d), { nil: undefined }) : fc.constant(undefined),
    )
    .map(([sample, choices, callback]) => {
      const input: Record<string, unknown> = { ...sample };
      fields.forEach(([name, f], i) => {
        const [keep, replace, value] = choices[i] as [boolean, boolean, unknown];
        if (!(name in sample)) return;
        if (!f.required && !keep && !replace) delete input[name];
        else if (replace && value !== undefined) input[name] = value;
      });
      // A model type or broker plugin other than the sample's takes its own metadata.
      const kind = input.template ?? input.plugin;
      if (
        'req_metadata_hash' in input &&
        typeof kind === 'string' &&
        d.metadata[kind] &&
        kind !== (sample.template ?? sample.plugin)
      )
        input.req_metadata_hash = { ...d.metadata[kind] };
      return { target: t, input: { ...input, ...callback } };
    });
}
