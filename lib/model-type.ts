/**
 * Model types as data (`templates/models/<name>/model.yaml`): metadata an operator supplies, the
 * kernel and initrd in the image, the install state machine, what `/boot` and Microkernel checkins
 * answer in each state, and the callbacks an installer makes. A type may name a `base` to inherit
 * from (maps merge, the type's own entries win); every chain ends in `_base`, which holds the
 * broker hand-off states all types share. Templates are looked up in the type's folder, then in
 * each base's folder.
 */
import { z } from 'zod';
import { checkModelType } from './model-type-check.js';

/** A metadata key's spec (see catalog.ts). */
export const metadataSpec = z
  .object({
    description: z.string().min(1),
    example: z.string().optional(),
    default: z.union([z.string(), z.number()]).transform(String).optional(),
    validation: z.string().optional(),
    required: z.boolean().default(false),
    secret: z.boolean().optional(),
    multiline: z.boolean().optional(),
  })
  .strict();

const callbackSpec = z
  .object({
    /** The state-machine action this callback fires; `$action` means the action word itself. */
    event: z.string().optional(),
    /** A template to render and return (relative to the type's folders). */
    template: z.string().optional(),
    /** Plain text to return when there is no template (default `ok`). */
    reply: z.string().optional(),
    /** Store the callback's argument on the active model under this name (validated as IPv4). */
    store: z.string().optional(),
    /**
     * Reachable through the public callback URL (the one in the boot script and the kernel command
     * line); every other callback needs the install key (ADR 0016). A public callback never moves
     * the install to another state.
     */
    public: z.boolean().optional(),
    /**
     * Its reply carries secrets (a password hash, broker keys, the install key): served at most
     * `secrets_serve_limit` times per install; a public one only to the address the install first
     * booted from, and only while `/boot` answers `install`.
     */
    secret: z.boolean().optional(),
  })
  .strict();

/** What `/boot` serves a bound node in a state. */
export const BOOT_ANSWERS = ['install', 'local', 'mk'] as const;
/** What a checkin of a bound node answers in a state. */
export const MK_ANSWERS = ['acknowledge', 'reboot', 'poweroff'] as const;

/** The raw (per-file) shape of model.yaml; everything but `description` may come from a base. */
export const modelTypeFile = z
  .object({
    base: z.string().optional(),
    description: z.string().min(1),
    hidden: z.boolean().optional(),
    policy_template: z.enum(['linux_deploy', 'vmware_hypervisor', 'xenserver_hypervisor']).optional(),
    image_prefix: z.enum(['os', 'esxi', 'xenserver']).optional(),
    kernel: z.string().optional(),
    initrd: z.string().optional(),
    kernel_args: z.string().optional(),
    /** Template names by role, e.g. boot_install: boot_install.ipxe.hbs. */
    templates: z.record(z.string(), z.string()).optional(),
    metadata: z.record(z.string(), metadataSpec).optional(),
    final_state: z.string().optional(),
    /** The states in which the OS is installed (the final state, the hand-off): no edge leaves them. */
    installed: z.array(z.string()).optional(),
    states: z.record(z.string(), z.record(z.string(), z.string())).optional(),
    boot: z.record(z.string(), z.enum(BOOT_ANSWERS)).optional(),
    mk_call: z.record(z.string(), z.enum(MK_ANSWERS)).optional(),
    callbacks: z.record(z.string(), z.record(z.string(), callbackSpec)).optional(),
  })
  .strict();

/** One file as parsed. */
export type ModelTypeFile = z.infer<typeof modelTypeFile>;

/** A callback declaration. */
export type CallbackSpec = z.infer<typeof callbackSpec>;

/** A resolved model type: its own file merged over its bases. */
export interface ModelType {
  name: string;
  description: string;
  hidden: boolean;
  policy_template: 'linux_deploy' | 'vmware_hypervisor' | 'xenserver_hypervisor';
  image_prefix: 'os' | 'esxi' | 'xenserver';
  kernel?: string;
  initrd?: string;
  kernel_args?: string;
  templates: Record<string, string>;
  metadata: Record<string, z.infer<typeof metadataSpec>>;
  final_state: string;
  /** The states in which the OS is installed: the final state and every state after it. */
  installed: string[];
  states: Record<string, Record<string, string>>;
  boot: Record<string, (typeof BOOT_ANSWERS)[number]>;
  mk_call: Record<string, (typeof MK_ANSWERS)[number]>;
  callbacks: Record<string, Record<string, CallbackSpec>>;
  /** Folders to look templates up in: the type's own first, then its bases'. */
  dirs: string[];
}

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
