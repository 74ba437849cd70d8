/** The `model` slice: OS install recipes configured from a model type (reference §1.7, §6). */
import { RazorError } from '../lib/errors.js';
import { closestWord } from '../lib/closest-word.js';
import { field } from '../lib/verbs/fields.js';
import { addWithMetadataPrompt, templatesVerb } from './shared-verbs.js';
import { defineSlice, defineVerb } from '../lib/verbs/spec.js';
import { columns } from '../lib/verbs/columns.js';
import { created, crudVerbs, mustGet, updateVerb, type Presenter } from '../lib/verbs/crud/index.js';
import { applyMetadata, redactMetadata } from '../lib/domain/metadata.js';
import { sha512Crypt, isSha512Crypt } from '../lib/domain/crypt.js';
import type { Catalog, ModelType } from '../lib/domain/catalog.js';
import type { StoreReader } from '../lib/store/store.js';
import type { ModelDoc } from '../lib/domain/documents.js';

const errors = { missing: 'MissingModelMetadata', invalid: 'InvalidModelMetadata' } as const;

function modelType(catalog: Catalog, name: string): ModelType {
  const t = catalog.modelTypes.get(name);
  if (!t || t.hidden) {
    // Hidden types (`_base`, `_debian_family`) are parts of others, not templates to name.
    const usable = [...catalog.modelTypes].filter(([, m]) => !m.hidden).map(([k]) => k);
    const near = closestWord(name, usable);
    const hint = near ? ` — did you mean '${near}'?` : '';
    throw new RazorError(
      'InvalidModelTemplate',
      `unknown model template '${name}'${hint}; known: ${usable.join(', ')}`,
    );
  }
  return t;
}

/** Hashes secret password values so only crypt hashes are ever stored. */
function hashSecrets(t: ModelType, metadata: Record<string, string>): Record<string, string> {
  const out = { ...metadata };
  for (const [k, spec] of Object.entries(t.metadata)) {
    if (spec.secret && k.endsWith('password') && out[k] !== undefined && !isSha512Crypt(out[k])) {
      out[k] = sha512Crypt(out[k]);
    }
  }
  return out;
}

async function checkImage(r: StoreReader, t: ModelType, imageUuid: string): Promise<void> {
  const image = await mustGet(r, 'image', imageUuid);
  if (image.type !== t.image_prefix) {
    throw new RazorError(
      'InvalidImageType',
      `image ${imageUuid} is a '${String(image.type)}' image; model template ${t.name} needs an '${t.image_prefix}' image`,
    );
  }
}

const present: Presenter = async (doc, ctx) => {
  const m = doc as ModelDoc;
  return { ...m, metadata: redactMetadata(ctx.catalog.modelTypes.get(m.type)?.metadata, m.metadata) };
};

const crud = {
  slice: 'model',
  collection: 'model',
  noun: 'model',
  present,
  commands: {
    list: 'models_query_all',
    get: 'get_model_by_uuid',
    remove: 'remove_model_by_uuid',
    'remove-all': 'remove_all_models',
  },
} as const;
const metadataHelp =
  'Values for the model template\'s metadata as JSON, e.g. {"hostname_prefix":"web","root_password":"…"} (see \'razor model templates\')';

/** The model slice. */
export const modelSlice = defineSlice({
  name: 'model',
  summary: 'Models: an OS install recipe (template + image + metadata)',
  collection: 'model',
  filterable: ['uuid', 'label', 'type', 'template', 'description', 'image_uuid', 'metadata'],
  table: columns({
    Label: 'label',
    Template: 'template',
    Type: 'type',
    Description: 'description',
    UUID: 'uuid',
  }),
  item: columns({
    UUID: 'uuid',
    Label: 'label',
    Template: 'template',
    Type: 'type',
    Description: 'description',
    'Image UUID': 'image_uuid',
    Metadata: 'metadata',
  }),
  verbs: [
    ...crudVerbs({
      ...crud,
      usedBy: [{ collection: 'policy', field: 'model_uuid' }],
    }),
    templatesVerb({
      summary: 'List the model templates (OS types) razor can install',
      command: 'get_all_templates',
      list: (ctx) =>
        [...ctx.catalog.modelTypes.values()]
          .filter((t) => !t.hidden)
          .map((t) => ({
            name: t.name,
            description: t.description,
            template: t.policy_template,
            image_type: t.image_prefix,
            metadata: Object.keys(t.metadata).join(', '),
          })),
    }),
    defineVerb({
      name: 'add',
      summary: 'Create a model',
      description:
        'Metadata the template needs is taken from --req-metadata-hash (or the JSON); defaults fill the rest.',
      fields: {
        template: field.string({
          help: 'Model template (OS type), e.g. debian_bookworm',
          short: 't',
          required: true,
        }),
        label: field.string({ help: 'A label for the model', short: 'l', required: true }),
        image_uuid: field.uuid('image', {
          help: 'UUID of the OS image to install from',
          short: 'i',
          required: true,
        }),
        req_metadata_hash: field.json({ help: metadataHelp, short: 'r', required: true }),
      },
      ...addWithMetadataPrompt(
        'This model template needs some values.',
        (raw, deps) => deps.catalog.modelTypes.get(String(raw.template))?.metadata,
      ),
      sample: {
        template: 'debian_bookworm',
        label: 'bookworm-web',
        image_uuid: '{image}',
        req_metadata_hash: {
          hostname_prefix: 'web',
          domainname: 'example.com',
          root_password: 'secret-pass',
        },
      },
      handler: async (input, ctx) => {
        const t = modelType(ctx.catalog, input.template);
        const metadata = hashSecrets(t, applyMetadata(t.metadata, input.req_metadata_hash, errors));
        return ctx.store.write(async (w) => {
          await checkImage(w, t, input.image_uuid);
          const doc: ModelDoc = {
            ...created(ctx),
            label: input.label,
            type: t.name,
            template: t.policy_template,
            description: t.description,
            image_uuid: input.image_uuid,
            metadata,
          };
          await w.put('model', doc);
          return [await present(doc, ctx, w)];
        });
      },
    }),
    updateVerb(crud, {
      summary: 'Change a model',
      description: 'Metadata keys you leave out keep their current values.',
      fields: {
        label: field.string({ help: 'New label', short: 'l' }),
        image_uuid: field.uuid('image', { help: 'New image UUID', short: 'i' }),
        req_metadata_hash: field.json({ help: metadataHelp, short: 'r' }),
      },
      http: 'PUT',
      path: ':uuid',
      sample: {
        uuid: '{model}',
        label: 'bookworm-db',
        image_uuid: '{image}',
        req_metadata_hash: { hostname_prefix: 'db' },
      },
      apply: async (doc: ModelDoc, input, ctx, w) => {
        const t = modelType(ctx.catalog, doc.type);
        if (input.label !== undefined) doc.label = input.label;
        if (input.image_uuid !== undefined) {
          await checkImage(w, t, input.image_uuid);
          doc.image_uuid = input.image_uuid;
        }
        if (input.req_metadata_hash !== undefined) {
          const given = input.req_metadata_hash;
          doc.metadata = hashSecrets(t, applyMetadata(t.metadata, given, errors, doc.metadata));
        }
      },
    }),
  ],
});
