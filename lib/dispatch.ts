/**
 * The one dispatcher. `razor -w <slice> <words…> '<json>'`, the daemon's REST routes and the human
 * CLI all end in `execute`: check how the verb may be reached, validate, resolve UUID references,
 * run the handler. `dispatchArgv` is the `-w` entry; `toWire` turns its outcome into what is sent.
 */
import { RazorError, asRazorError } from './errors.js';
import { errorEnvelope, successEnvelope } from './envelope.js';
import { routeWords } from './router.js';
import { validateInput } from './validate.js';
import type { Deps } from './context.js';
import type { ProgressFactory } from './images/progress.js';
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
  const ctx = { ...deps, mode: opts.mode, method: opts.method, progress: opts.progress, signal: opts.signal };
  try {
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

/** Strips the original's `@` from keys (`@hw_id` → `hw_id`). */
export function stripAt(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/^@/, ''), v]));
}

/** Parses the trailing JSON argument of `-w` mode. */
export function parseJsonArg(text: string): Record<string, unknown> {
  if (text === 'null' || text === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new RazorError('InputError', `the JSON argument is not valid JSON: ${(err as Error).message}`);
  }
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new RazorError('InputError', 'the JSON argument must be an object of argument names to values');
  }
  if (depth(v) > MAX_JSON_DEPTH) {
    throw new RazorError('InputError', `the JSON argument nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return stripAt(v as Record<string, unknown>);
}

/** How deeply JSON arguments may nest (tag rules need a few levels; nothing needs 32). */
export const MAX_JSON_DEPTH = 32;

function depth(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  let max = 0;
  for (const x of Object.values(v)) max = Math.max(max, depth(x));
  return max + 1;
}

const looksLikeJson = (s: string | undefined) => s !== undefined && (/^\s*[{[]/.test(s) || s === 'null');

/** Runs `razor -w <slice> <words…> [json]`: the `-w` CLI and the daemon both come here. */
export async function dispatchArgv(
  deps: Deps,
  registry: SliceRegistry,
  argv: readonly string[],
  opts: CallOptions,
): Promise<Outcome> {
  const [sliceName, ...rest] = argv;
  const slice = sliceName === undefined ? undefined : registry.get(sliceName);
  const out: Outcome = { slice };
  try {
    if (!slice || (opts.method !== undefined && slice.http === false)) {
      out.slice = undefined;
      throw new RazorError('InvalidSlice', `no slice named '${sliceName ?? ''}'; try 'razor help'`);
    }
    const json = looksLikeJson(rest[rest.length - 1]) ? (rest.pop() as string) : '{}';
    const route = routeWords(slice, rest);
    if (!route) {
      throw new RazorError(
        'SliceCommandParsingFailed',
        `${slice.name}: no command matches '${rest.join(' ')}'; try 'razor ${slice.name} --help'`,
      );
    }
    out.verb = route.verb;
    let raw: Record<string, unknown>;
    try {
      raw = parseJsonArg(json);
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
    for (const [k, v] of Object.entries(route.values)) {
      if (raw[k] !== undefined && JSON.stringify(raw[k]) !== JSON.stringify(v)) {
        throw new RazorError(
          'InputError',
          `'${k}' given twice with different values: '${String(v)}' and in the JSON`,
        );
      }
      raw[k] = v;
    }
    out.answer = await execute(deps, slice, route.verb, raw, opts);
  } catch (err) {
    if (!(err instanceof RazorError)) opts.report?.(err);
    out.error = asRazorError(err);
  }
  return out;
}

/** What goes on the wire for an outcome: status, content type and body. */
export interface Wire {
  status: number;
  contentType: string;
  body: string;
}

/** Serialises an outcome: text verbs send their text, everything else one JSON envelope. */
export function toWire(o: Outcome): Wire {
  const json = 'application/json; charset=utf-8';
  if (o.error) {
    const command = o.slice && o.verb ? commandName(o.slice, o.verb) : undefined;
    const body = JSON.stringify(errorEnvelope(o.slice?.name, command, o.error));
    return { status: o.error.http, contentType: json, body };
  }
  const slice = o.slice as SliceSpec;
  const verb = o.verb as VerbSpec;
  if (verb.contentType === 'text/plain') {
    return { status: 200, contentType: 'text/plain; charset=utf-8', body: String(o.answer ?? '') };
  }
  const env = successEnvelope(slice.name, commandName(slice, verb), verb.success, o.answer);
  return { status: env.http_err_code, contentType: json, body: JSON.stringify(env) };
}
