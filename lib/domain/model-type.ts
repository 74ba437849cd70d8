/**
 * Model types as data (`templates/models/<name>/model.yaml`): metadata an operator supplies, the
 * kernel and initrd in the image, the install state machine, what `/boot` and Microkernel checkins
 * answer in each state, and the callbacks an installer makes. A type may name a `base` to inherit
 * from (maps merge, the type's own entries win); every chain ends in `_base`, which holds the
 * broker hand-off states all types share. Templates are looked up in the type's folder, then in
 * each base's folder.
 */
import { checkModelType } from './model-type-check.js';
import type { ModelType, ModelTypeFile } from './model-type-schema.js';

export * from './model-type-schema.js';

const mergeMaps = <T>(a: Record<string, T> | undefined, b: Record<string, T> | undefined) => ({ ...a, ...b });

function mergeNested<T>(
  a: Record<string, Record<string, T>> | undefined,
  b: Record<string, Record<string, T>> | undefined,
): Record<string, Record<string, T>> {
  const out: Record<string, Record<string, T>> = { ...a };
  for (const [k, v] of Object.entries(b ?? {})) out[k] = { ...out[k], ...v };
  return out;
}

/** Resolves every type's base chain. Throws with the type's name on a missing base or a cycle. */
export function resolveModelTypes(
  files: ReadonlyMap<string, { file: ModelTypeFile; dir: string }>,
): Map<string, ModelType> {
  const out = new Map<string, ModelType>();
  const resolve = (name: string, seen: string[]): { merged: ModelTypeFile; dirs: string[] } => {
    const entry = files.get(name);
    if (!entry) throw new Error(`model type ${seen[seen.length - 1]}: base '${name}' does not exist`);
    if (seen.includes(name)) throw new Error(`model types ${[...seen, name].join(' → ')}: base cycle`);
    const baseName = entry.file.base ?? (name === '_base' ? undefined : '_base');
    if (!baseName) return { merged: entry.file, dirs: [entry.dir] };
    const base = resolve(baseName, [...seen, name]);
    const f = entry.file;
    const b = base.merged;
    return {
      dirs: [entry.dir, ...base.dirs],
      merged: {
        ...b,
        ...Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)),
        hidden: f.hidden ?? false,
        templates: mergeMaps(b.templates, f.templates),
        metadata: mergeMaps(b.metadata, f.metadata),
        states: mergeNested(b.states, f.states),
        boot: mergeMaps(b.boot, f.boot),
        mk_call: mergeMaps(b.mk_call, f.mk_call),
        callbacks: mergeNested(b.callbacks, f.callbacks),
      },
    };
  };
  for (const name of files.keys()) {
    const { merged: m, dirs } = resolve(name, []);
    const missing = ['policy_template', 'image_prefix', 'final_state'].filter(
      (k) => !m[k as keyof ModelTypeFile],
    );
    if (missing.length && !m.hidden)
      throw new Error(`model type ${name}: missing ${missing.join(', ')} (own or from a base)`);
    const type: ModelType = {
      name,
      description: m.description,
      hidden: m.hidden ?? false,
      policy_template: m.policy_template ?? 'linux_deploy',
      image_prefix: m.image_prefix ?? 'os',
      kernel: m.kernel,
      initrd: m.initrd,
      kernel_args: m.kernel_args,
      templates: m.templates ?? {},
      metadata: m.metadata ?? {},
      final_state: m.final_state ?? 'os_complete',
      installed: m.installed ?? [],
      states: m.states ?? {},
      boot: m.boot ?? {},
      mk_call: m.mk_call ?? {},
      callbacks: m.callbacks ?? {},
      dirs,
    };
    if (!type.hidden) checkModelType(type);
    out.set(name, type);
  }
  return out;
}
