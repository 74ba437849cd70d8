/**
 * The one dispatcher. `razor -w <slice> <words…> '<json>'`, the daemon's REST routes and the human
 * CLI all end in `execute`: check how the verb may be reached, validate, resolve UUID references,
 * run the handler. `dispatchArgv` is the `-w` entry; `toWire` turns its outcome into what is sent.
 */
import { RazorError, asRazorError } from '../errors.js';
import { errorEnvelope, successEnvelope } from './envelope.js';
import { routeWords, type Route } from './router.js';
import { validateInput } from './validate-input.js';
import { callInput } from './input.js';
import { checkValueDepth } from './json-depth.js';
import { safeJson } from './safe-json.js';
import type { Deps } from './context.js';
import type { ProgressFactory } from '../images/progress.js';
import type { HttpMethod, SliceRegistry, SliceSpec, VerbInput, VerbSpec } from './spec.js';

/** How a call arrived. */
export interface CallOptions {
  mode: 'human' | 'web';
  /** Set when the call came over HTTP: the verb must be declared for this method. */
  method?: HttpMethod;
  /** Called with unexpected (non-Razor) errors, e.g. to log their stack. */
  report?: (err: unknown) => void;
  /** Progress reporting for long verbs (image add). */
  progress?: ProgressFactory;
  /** Aborts long verbs (Ctrl-C). */
  signal?: AbortSignal;
  /** The client's IP address, for calls over HTTP. */
  remote?: string;
}

/** The envelope `command` of a verb. */
export function commandName(slice: SliceSpec, verb: VerbSpec): string {
  return verb.command ?? `${verb.name.replace(/ /g, '_')}_${slice.name}`;
}

async function resolveRefs(deps: Deps, verb: VerbSpec, input: VerbInput): Promise<void> {
  const refs = Object.entries(verb.fields).filter(
    ([k, f]) =>
      f.kind === 'uuid' && f.ref !== undefined && typeof input[k] === 'string' && input[k] !== f.none,
  );
  if (refs.length === 0) return;
  await deps.store.read(async (r) => {
    for (const [key, f] of refs) {
      const fragment = input[key] as string;
      const coll = f.ref;
      if (!coll) continue;
      // Secrets are served only through a node's own full, unguessable UUID: no fragments there.
      const found = f.exact
        ? (await r.get(coll, fragment))
          ? [fragment]
          : []
        : await r.matchUuid(coll, fragment);
      if (found.length === 0) throw new RazorError('NotFound', `Not found: no ${coll} matches '${fragment}'`);
      if (found.length > 1) {
        const list = found.slice(0, 10).join(', ') + (found.length > 10 ? ', …' : '');
        throw new RazorError(
          'InvalidUUID',
          `'${fragment}' matches ${found.length} ${coll} objects (${list}); give more of the UUID`,
        );
      }
      input[key] = found[0];
    }
  });
}

/** Runs one verb with raw input (keys without `@`); throws RazorError. */
export async function execute(
  deps: Deps,
  slice: SliceSpec,
  verb: VerbSpec,
  raw: Readonly<Record<string, unknown>>,
  opts: CallOptions,
): Promise<unknown> {
  if (opts.method !== undefined && verb.http !== opts.method) {
    const how = verb.http ? `use ${verb.http}` : 'it is not served over REST; use the razor CLI';
    throw new RazorError(
      'MethodNotAllowed',
      `${slice.name} ${verb.name} cannot be called with ${opts.method}: ${how}`,
    );
  }
  if (opts.mode === 'human' && verb.human === false) {
    throw new RazorError(
      'MethodNotAllowed',
      `${slice.name} ${verb.name} is called by nodes, not people; use 'razor -w ${slice.name} ${verb.name} <json>'`,
    );
  }
  const ctx = {
    ...deps,
    mode: opts.mode,
    method: opts.method,
    progress: opts.progress,
    signal: opts.signal,
    remote: opts.remote,
  };
  try {
    // The human CLI's JSON options reach here without passing callInput: nothing recursive runs first.
    checkValueDepth(raw);
    const input = validateInput(slice, verb, raw);
    await resolveRefs(deps, verb, input);
    return await verb.handler(input, ctx);
  } catch (err) {
    if (!verb.errorText) throw err;
    if (!(err instanceof RazorError)) opts.report?.(err);
    return verb.errorText(asRazorError(err).message, ctx);
  }
}

/** What a dispatch produced: the answer or the error, and which verb it concerned. */
export interface Outcome {
  slice?: SliceSpec;
  verb?: VerbSpec;
  answer?: unknown;
  error?: RazorError;
}

const looksLikeJson = (s: string | undefined) => s !== undefined && (/^\s*[{[]/.test(s) || s === 'null');

/** Where `-w` words (slice first, no JSON) lead: the slice, and the verb with what its words carry. */
export interface Routed {
  readonly words: readonly string[];
  readonly slice?: SliceSpec;
  readonly route?: Route;
}

/** Routes `-w` words once; over HTTP (`method` given) slices not served over REST lead nowhere. */
export function routeCall(registry: SliceRegistry, words: readonly string[], method?: HttpMethod): Routed {
  const [sliceName, ...rest] = words;
  const slice = sliceName === undefined ? undefined : registry.get(sliceName);
  if (!slice || (method !== undefined && slice.http === false)) return { words };
  return { words, slice, route: routeWords(slice, rest) };
}

/**
 * Runs routed words with their input — the JSON text of `-w` mode, or an object of fields (a REST
 * query or form) — and reports the outcome; never throws.
 */
export async function dispatchRouted(
  deps: Deps,
  routed: Routed,
  input: string | Readonly<Record<string, unknown>>,
  opts: CallOptions,
): Promise<Outcome> {
  const { slice, route, words } = routed;
  const out: Outcome = { slice };
  try {
    if (!slice) {
      throw new RazorError('InvalidSlice', `no slice named '${words[0] ?? ''}'; try 'razor help'`);
    }
    if (!route) {
      throw new RazorError(
        'SliceCommandParsingFailed',
        `${slice.name}: no command matches '${words.slice(1).join(' ')}'; try 'razor ${slice.name} --help'`,
      );
    }
    out.verb = route.verb;
    let raw: Record<string, unknown>;
    try {
      raw = callInput(route, input);
    } catch (err) {
      // A verb that answers errors as text (iPXE) does so for unreadable input too.
      if (!route.verb.errorText) throw err;
      out.answer = await route.verb.errorText((err as RazorError).message, {
        ...deps,
        mode: opts.mode,
        method: opts.method,
      });
      return out;
    }
    out.answer = await execute(deps, slice, route.verb, raw, opts);
  } catch (err) {
    if (!(err instanceof RazorError)) opts.report?.(err);
    out.error = asRazorError(err);
  }
  return out;
}

/** Runs `razor -w <slice> <words…> [json]`: the `-w` CLI (and tests) come here. */
export async function dispatchArgv(
  deps: Deps,
  registry: SliceRegistry,
  argv: readonly string[],
  opts: CallOptions,
): Promise<Outcome> {
  const words = [...argv];
  const json = looksLikeJson(words[words.length - 1]) ? (words.pop() as string) : '{}';
  return dispatchRouted(deps, routeCall(registry, words, opts.method), json, opts);
}

/** What goes on the wire for an outcome: status, content type and body. */
export interface Wire {
  status: number;
  contentType: string;
  body: string;
}

/**
 * Serialises an outcome: text verbs send their text, everything else one JSON envelope (with
 * terminal controls `\u`-escaped: the same values, harmless when printed).
 */
export function toWire(o: Outcome): Wire {
  const json = 'application/json; charset=utf-8';
  if (o.error) {
    const command = o.slice && o.verb ? commandName(o.slice, o.verb) : undefined;
    const body = safeJson(errorEnvelope(o.slice?.name, command, o.error));
    return { status: o.error.http, contentType: json, body };
  }
  const slice = o.slice as SliceSpec;
  const verb = o.verb as VerbSpec;
  if (verb.contentType === 'text/plain') {
    return { status: 200, contentType: 'text/plain; charset=utf-8', body: String(o.answer ?? '') };
  }
  const env = successEnvelope(slice.name, commandName(slice, verb), verb.success, o.answer);
  return { status: env.http_err_code, contentType: json, body: safeJson(env) };
}
