/**
 * The catalog of things defined as data under templates/ (and the optional extra templates
 * folder): model types (OS recipes), broker plugins, policy templates and image types. Adding an
 * OS family or a broker means adding folders, not TypeScript (ADR 0022).
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { loadFolders, type YamlParser } from './catalog-folders.js';
import { parseYaml } from '../yaml.js';
import { imageTypeFile, type ImageType } from './image-type-schema.js';
import type { Config } from '../config.js';
import { metadataSpec, modelTypeFile, resolveModelTypes, type ModelType } from './model-type.js';

/** One metadata key a model type or broker plugin asks for. */
export type MetadataSpec = z.infer<typeof metadataSpec>;

const brokerFile = z
  .object({
    description: z.string().min(1),
    metadata: z.record(z.string(), metadataSpec).default({}),
  })
  .strict();

const policyFile = z.object({ description: z.string().min(1) }).strict();

export type { ImageType, ModelType };

/** A broker plugin: `templates/brokers/<name>/`. */
export type BrokerPlugin = z.infer<typeof brokerFile> & { name: string; dir: string };

/** A policy template (`templates/policies/<name>/policy.yaml`): a kind of install a policy makes. */
export interface PolicyTemplate {
  name: string;
  description: string;
}

/** Everything loaded from templates/. */
export interface Catalog {
  readonly modelTypes: ReadonlyMap<string, ModelType>;
  readonly brokerPlugins: ReadonlyMap<string, BrokerPlugin>;
  /** Sorted by name. */
  readonly policyTemplates: readonly PolicyTemplate[];
  /** Image types by name (`templates/images/<type>/image.yaml`), sorted by name. */
  readonly imageTypes: ReadonlyMap<string, ImageType>;
}

/** Each model type's policy template and image type must be declared. */
function checkFamilies(
  modelTypes: ReadonlyMap<string, ModelType>,
  policies: readonly PolicyTemplate[],
  images: ReadonlyMap<string, ImageType>,
): void {
  const policyNames = policies.map((p) => p.name);
  for (const t of modelTypes.values()) {
    if (t.hidden) continue;
    const file = join(t.dirs[0] as string, 'model.yaml');
    if (!policyNames.includes(t.policy_template))
      throw new Error(
        `${file}: policy_template '${t.policy_template}' is not a policy template (policies/<name>/policy.yaml); known: ${policyNames.join(', ')}`,
      );
    if (!images.has(t.image_prefix))
      throw new Error(
        `${file}: image_prefix '${t.image_prefix}' is not an image type (images/<type>/image.yaml); known: ${[...images.keys()].join(', ')}`,
      );
  }
}

/** The templates folders: the built-in one, then `extra_templates_path` (relative to $RAZOR_HOME) if set. */
export function templatesRoots(builtIn: string, config: Config): string[] {
  const extra = config.values.extra_templates_path;
  return extra ? [builtIn, resolve(config.home, extra)] : [builtIn];
}

/**
 * Loads the catalog from templates folders: the built-in one first, then any extra ones, whose
 * families are added (a name defined twice is an error naming both files). `parse` reads each
 * file's YAML (the daemon and CLI pass the build's cache, yaml-cache.ts).
 */
export async function loadCatalog(
  templatesDirs: string | readonly string[],
  parse: YamlParser = parseYaml,
): Promise<Catalog> {
  const roots = typeof templatesDirs === 'string' ? [templatesDirs] : templatesDirs;
  const [modelFiles, brokerPlugins, policies, imageTypes] = await Promise.all([
    loadFolders(roots, 'models', 'model.yaml', modelTypeFile, { parse }),
    loadFolders(roots, 'brokers', 'broker.yaml', brokerFile, { parse }),
    loadFolders(roots, 'policies', 'policy.yaml', policyFile, { named: true, parse }),
    loadFolders(roots, 'images', 'image.yaml', imageTypeFile, { named: true, parse }),
  ]);
  const files = new Map([...modelFiles].map(([name, f]) => [name, { file: f, dir: f.dir }]));
  const modelTypes = resolveModelTypes(files);
  const policyTemplates = [...policies.values()].map((p) => ({ name: p.name, description: p.description }));
  checkFamilies(modelTypes, policyTemplates, imageTypes);
  return { modelTypes, brokerPlugins, policyTemplates, imageTypes };
}
