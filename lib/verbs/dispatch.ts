/**
 * The one dispatcher. `razor -w <slice> <words…> '<json>'`, the daemon's REST routes and the human
 * CLI all end in `execute` with a call routed once (lib/verbs/route-call.ts): check how the verb may
 * be reached, validate, resolve UUID references, run the handler. Errors come back as RazorErrors in
 * the outcome; turning them into output is the translators' job (ADR 0021).
 */
import { RazorError, asRazorError } from '../errors.js';
import { validateInput } from './validate-input.js';
import { callInput } from './input.js';
import { checkValueDepth } from './json-depth.js';
import { resolveRefs } from './resolve-refs.js';
import { routeCall, type Routed, type Router } from './route-call.js';
import { confirmRemoval, type Ask } from './confirm.js';
import type { Deps } from './context.js';
import type { ProgressFactory } from '../images/progress.js';
import type { HttpMethod, SliceRegistry, SliceSpec, VerbSpec } from './spec.js';

export { commandName } from './envelope.js';
export { routeCall, type Routed } from './route-call.js';

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
  /** The routing functions (`dispatchArgv` routes with them); a test counts their calls. */
  router?: Router;
  /** Asks the operator before a destructive verb (the human CLI at a terminal only). */
  ask?: Ask;
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
  // The human CLI's JSON options reach here without passing callInput: nothing recursive runs first.
  checkValueDepth(raw);
  const input = validateInput(slice, verb, raw);
  await resolveRefs(deps, verb, input);
  await confirmRemoval(deps, slice, verb, input, opts.ask);
  return verb.handler(input, ctx);
}

/** What a dispatch produced: the answer or the error, and which verb it concerned. */
export interface Outcome {
  slice?: SliceSpec;
  verb?: VerbSpec;
  answer?: unknown;
  error?: RazorError;
}

const looksLikeJson = (s: string | undefined) => s !== undefined && (/^\s*[{[]/.test(s) || s === 'null');

/**
 * Runs a routed call with its input — the JSON text of `-w` mode, or an object of fields (a REST
 * query or form) — and reports the outcome; never throws.
 */
export async function dispatchRouted(
  deps: Deps,
  routed: Routed,
  input: string | Readonly<Record<string, unknown>>,
  opts: CallOptions,
): Promise<Outcome> {
  const { slice, route } = routed;
  const out: Outcome = { slice, verb: route?.verb };
  try {
    if (!slice || !route) throw routed.error ?? new RazorError('InvalidSlice', 'no slice named');
    out.answer = await execute(deps, slice, route.verb, callInput(route, input), opts);
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
  return dispatchRouted(deps, routeCall(registry, words, opts.method, opts.router), json, opts);
}
