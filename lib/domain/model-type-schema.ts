/**
 * The shape of a model type file (`templates/models/<name>/model.yaml`) and of a resolved model type;
 * lib/domain/model-type.ts resolves the base chains.
 */
import { z } from 'zod';

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
    /** A policy template (templates/policies/<name>/); the catalog checks it is declared. */
    policy_template: z.string().min(1).optional(),
    /** An image type (templates/images/<type>/); the catalog checks it is declared. */
    image_prefix: z.string().min(1).optional(),
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
  policy_template: string;
  image_prefix: string;
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
