/**
 * The catalog of things defined as data under templates/: model types (OS recipes), broker plugins
 * and policy templates. Adding an OS or a broker means adding a folder, not TypeScript.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  metadataSpec,
  modelTypeFile,
  resolveModelTypes,
  type ModelType,
  type ModelTypeFile,
} from './model-type.js';

/** One metadata key a model type or broker plugin asks for. */
export type MetadataSpec = z.infer<typeof metadataSpec>;

const brokerFile = z
  .object({
    description: z.string().min(1),
    metadata: z.record(z.string(), metadataSpec).default({}),
  })
  .strict();

export type { ModelType };

/** A broker plugin: `templates/brokers/<name>/`. */
export type BrokerPlugin = z.infer<typeof brokerFile> & { name: string; dir: string };

/** A policy template (the original's three). */
export interface PolicyTemplate {
  name: string;
  description: string;
}

/** The policy templates and what they deploy. */
export const POLICY_TEMPLATES: readonly PolicyTemplate[] = [
  { name: 'linux_deploy', description: 'Policy for deploying a Linux-based operating system.' },
  { name: 'vmware_hypervisor', description: 'Policy for deploying a VMware hypervisor.' },
  { name: 'xenserver_hypervisor', description: 'Policy for deploying a XenServer hypervisor.' },
];

/** Everything loaded from templates/. */
export interface Catalog {
  readonly modelTypes: ReadonlyMap<string, ModelType>;
  readonly brokerPlugins: ReadonlyMap<string, BrokerPlugin>;
  readonly policyTemplates: readonly PolicyTemplate[];
}

async function loadFolder<T>(
  dir: string,
  fileName: string,
  schema: z.ZodType<T>,
): Promise<Map<string, T & { name: string; dir: string }>> {
  const out = new Map<string, T & { name: string; dir: string }>();
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw err;
  }
  for (const name of names.sort()) {
    const file = join(dir, name, fileName);
    let data: unknown;
    try {
      data = parseYaml(await readFile(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message.split('\n')[0]}`);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new Error(
        `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    out.set(name, { ...parsed.data, name, dir: join(dir, name) });
  }
  return out;
}

/** Loads the catalog from a templates directory. */
export async function loadCatalog(templatesDir: string): Promise<Catalog> {
  const [modelFiles, brokerPlugins] = await Promise.all([
    loadFolder(join(templatesDir, 'models'), 'model.yaml', modelTypeFile),
    loadFolder(join(templatesDir, 'brokers'), 'broker.yaml', brokerFile),
  ]);
  const files = new Map([...modelFiles].map(([name, f]) => [name, { file: f as ModelTypeFile, dir: f.dir }]));
  return { modelTypes: resolveModelTypes(files), brokerPlugins, policyTemplates: POLICY_TEMPLATES };
}
