/**
 * Verb and slice declarations. A slice declares each verb once; the CLI, `-w`, the REST routes,
 * `razor help` and docs/cli.md are all generated from these objects.
 */
import type { EventFilter } from '../events/filter.js';
import type { Field, Fields, InputOf, RefCollection } from './fields.js';
import type { Deps, HttpMethod, VerbContext } from './context.js';
import type { MetadataSpec } from '../domain/catalog.js';
import type { InUseBy } from './in-use.js';

/** How a verb reports success: the original's Ok 200 / Created 201 / Updated 202 / Removed 202. */
export type SuccessType = 'ok' | 'created' | 'updated' | 'removed';

/** HTTP methods a verb can be reached with over REST. */
export type { HttpMethod };

/** Result word and HTTP status for each success type. */
export const SUCCESS: Record<SuccessType, { result: string; http: number }> = {
  ok: { result: 'Ok', http: 200 },
  created: { result: 'Created', http: 201 },
  updated: { result: 'Updated', http: 202 },
  removed: { result: 'Removed', http: 202 },
};

/** A column of a human table or a line of an item block: header and how to read it from an object. */
export interface Column {
  readonly header: string;
  readonly value: (o: Record<string, unknown>) => unknown;
  /** Item blocks leave this line out when it has no value (a line only some objects have). */
  readonly optional?: boolean;
}

/** Input a verb handler receives: validated, defaults applied, UUID references resolved to full UUIDs. */
export type VerbInput = Record<string, unknown>;

/** One verb of a slice. */
export interface VerbSpec {
  /** Canonical words after the slice name, e.g. `add` or `matcher add`. */
  readonly name: string;
  readonly summary: string;
  /** Longer help shown by `razor <slice> <verb> --help`. */
  readonly description?: string;
  readonly fields: Readonly<Record<string, Field>>;
  /**
   * Groups of fields of which exactly one must be given (a hook's `script` or `url`): the handler
   * checks it; the contract's required-only case keeps the sample's field of each group.
   */
  readonly oneOf?: readonly (readonly string[])[];
  /** Fields given as positional arguments, in order (after the verb words). */
  readonly positional?: readonly string[];
  /** Other token patterns that reach this verb, e.g. `:uuid`, `get :uuid`, `:tag matcher add`. */
  readonly forms?: readonly string[];
  readonly success: SuccessType;
  readonly contentType?: 'application/json' | 'text/plain';
  /** The REST method for this verb; null when the verb is not served over REST. */
  readonly http: HttpMethod | null;
  /**
   * The REST path after `/razor/api/<slice>/` for `http`: words and `:name`/`*name` placeholders
   * joined by `/` (`''`, `':uuid'`, `'enable/:uuid'`, `':tag/matcher'`). The daemon routes by it
   * (beside the original api.js forms) and the docs show it.
   */
  readonly path?: string;
  /** False for verbs only machines call (checkin, register, boot): refused in human CLI mode. */
  readonly human?: boolean;
  /**
   * Called by machines (firmware, Microkernels, installers) that cannot hold a token: served
   * without authentication. Their secrets are guarded by the active model's unguessable UUID.
   */
  readonly nodeFacing?: boolean;
  /**
   * The input field naming the calling node (`hw_id`): the daemon refuses calls beyond
   * `checkin_rate_per_minute` per node with 429, before anything is read or written.
   */
  readonly rateLimitKey?: string;
  /** List verbs: extra keys are filters on the slice's `filterable` fields. */
  readonly filter?: boolean;
  /** The envelope's `command` word; defaults to `<verb>_<slice>`. */
  readonly command?: string;
  /**
   * A complete, valid input: the docs build the example command from it and the contract test runs
   * it. `{model}`-style placeholders name a seeded object of that collection.
   */
  readonly sample: VerbInput | null;
  /** More valid inputs, for fields that cannot go together with the sample's (e.g. `before`/`after`). */
  readonly moreSamples?: readonly VerbInput[];
  /** How human mode shows the response: table, item block(s), name/value pairs, or plain text. */
  readonly view?: 'table' | 'item' | 'pairs' | 'text';
  /** Columns for this verb's answer when it is not the slice's own object (a matcher, a log row). */
  readonly columns?: readonly Column[];
  readonly handler: (input: VerbInput, ctx: VerbContext) => Promise<unknown>;
  /**
   * A removal that asks first (lib/verbs/confirm.ts): `always` (remove all of the slice's
   * collection) or `when-used` (the one named by `uuid`, when `inUseBy` finds users). At a terminal
   * razor asks; elsewhere the input must say `yes` (and `force` to remove what is in use).
   */
  readonly confirm?: { readonly ask: 'always' | 'when-used'; readonly noun: string };
  /** Objects that refer to what this verb removes: removal is refused without `force`. */
  readonly inUseBy?: readonly InUseBy[];
  /**
   * With a `follow` flag: which events `--follow` prints after the answer (lib/cli/follow.ts).
   * Following is the CLI's; over HTTP the stream is `GET /razor/api/events`.
   */
  readonly followEvents?: (input: VerbInput) => Omit<EventFilter, 'since'>;
  /**
   * For verbs whose clients cannot read an error envelope (iPXE): turns any error, validation
   * included, into the text to send instead (with status 200).
   */
  readonly errorText?: (message: string, ctx: VerbContext) => Promise<string>;
  /**
   * A JSON field the human CLI asks for interactively on a terminal when it is left out: `specs`
   * says which keys, from the other arguments (the model template, the broker plugin).
   */
  readonly prompt?: {
    field: string;
    title: string;
    specs: (
      raw: Readonly<Record<string, unknown>>,
      ctx: Deps,
    ) => Readonly<Record<string, MetadataSpec>> | undefined;
  };
}

/** A slice: a noun (policy, node, …) and its verbs. */
export interface SliceSpec {
  readonly name: string;
  readonly summary: string;
  /** Hidden slices (boot, config) are left out of `razor help`'s list. */
  readonly hidden?: boolean;
  /** False: the slice does not exist over REST (config, log). */
  readonly http?: boolean;
  /** The collection the slice's own UUIDs live in. */
  readonly collection?: RefCollection;
  /** Table columns for lists and lines for item blocks. */
  readonly table?: readonly Column[];
  readonly item?: readonly Column[];
  /** Keys a list filter may name. */
  readonly filterable?: readonly string[];
  readonly verbs: readonly VerbSpec[];
}

/** The registry of all slices, handed to the dispatcher, the CLI builder and the daemon. */
export type SliceRegistry = ReadonlyMap<string, SliceSpec>;

/** The input a list verb's handler gets besides its fields: the filters, by key. */
type FilterInput<X> = X extends true ? { readonly filter: Readonly<Record<string, string>> } : unknown;

/** The input a handler of fields `F` receives (with `filter` for list verbs). */
export type HandlerInput<F extends Fields, X extends boolean = false> = InputOf<F> & FilterInput<X>;

/**
 * A verb as a slice writes it: like `VerbSpec`, but its handler's input is typed from its fields,
 * so reading a field it did not declare does not compile.
 */
export interface VerbDecl<F extends Fields, X extends boolean = false> extends Omit<
  VerbSpec,
  'fields' | 'positional' | 'filter' | 'handler'
> {
  readonly fields: F;
  readonly positional?: readonly (keyof F & string)[];
  readonly filter?: X;
  readonly handler: (input: HandlerInput<F, X>, ctx: VerbContext) => Promise<unknown>;
}

/**
 * Declares a verb. Its handler is typed from its fields; the registry holds it as a plain
 * `VerbSpec`, and the dispatcher hands it only input validated against those fields.
 */
export function defineVerb<F extends Fields, X extends boolean = false>(v: VerbDecl<F, X>): VerbSpec {
  return v as unknown as VerbSpec;
}

/** Declares a slice and checks at load time that every verb and field carries help text. */
export function defineSlice(s: SliceSpec): SliceSpec {
  for (const v of s.verbs) {
    if (!v.summary) throw new Error(`${s.name} ${v.name}: verb has no summary`);
    for (const [k, f] of Object.entries(v.fields)) {
      if (!f.help) throw new Error(`${s.name} ${v.name}: field ${k} has no help text`);
    }
    for (const p of v.positional ?? []) {
      if (!v.fields[p]) throw new Error(`${s.name} ${v.name}: positional ${p} is not a field`);
    }
  }
  return s;
}

/** Builds the registry from a list of slices, sorted by name. */
export function makeRegistry(slices: readonly SliceSpec[]): SliceRegistry {
  return new Map([...slices].sort((a, b) => a.name.localeCompare(b.name)).map((s) => [s.name, s]));
}
