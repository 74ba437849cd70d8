/**
 * `razor -w <slice> <words…> [json]`: one call routed once, dispatched, and printed as the HTTP
 * translator's body (what the daemon sends; framed with its status for a spawning daemon). A
 * daemon that spawned this process already routed the call: it names the verb (RAZOR_HTTP_ROUTE)
 * and sends the input on stdin.
 */
import { dispatchArgv, dispatchRouted, type CallOptions } from '../verbs/dispatch.js';
import { namedRoute, routeCall, type Router } from '../verbs/route-call.js';
import { translateToHttp } from '../verbs/translate-http.js';
import { translateToCli } from './translate-cli.js';
import { EXIT } from './switches.js';
import type { Deps, HttpMethod } from '../verbs/context.js';
import type { SliceRegistry } from '../verbs/spec.js';

/** What a `-w` run needs. */
export interface WebRun {
  deps: Deps;
  registry: SliceRegistry;
  /** The words after the switches, slice first, the JSON last (if any). */
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Show the stack of internal errors on stderr. */
  debug: boolean;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  router?: Router;
}

/** The whole of a stream, as UTF-8 text. */
async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs one `-w` call and returns the exit status. */
export async function runWeb(o: WebRun): Promise<number> {
  const { env } = o;
  const method = (env.RAZOR_HTTP_METHOD || undefined) as HttpMethod | undefined;
  const report = o.debug ? (err: unknown) => o.stderr.write(`${(err as Error).stack}\n`) : undefined;
  const opts: CallOptions = { mode: 'web', method, remote: env.RAZOR_HTTP_REMOTE || undefined, report };
  let outcome;
  if (env.RAZOR_HTTP_INPUT === 'stdin') {
    // Spawned by the daemon: the input as the in-process invoke takes it, the route as it found it.
    const routed = env.RAZOR_HTTP_ROUTE
      ? namedRoute(o.registry, o.args, JSON.parse(env.RAZOR_HTTP_ROUTE) as Parameters<typeof namedRoute>[2])
      : routeCall(o.registry, o.args, method, o.router);
    outcome = await dispatchRouted(o.deps, routed, await readAll(o.stdin), opts);
  } else {
    outcome = await dispatchArgv(o.deps, o.registry, o.args, { ...opts, router: o.router });
  }
  const wire = await translateToHttp(outcome, o.deps);
  o.stdout.write(
    env.RAZOR_HTTP_FRAME ? `${wire.status} ${wire.contentType}\n${wire.body}` : `${wire.body}\n`,
  );
  return outcome.error ? translateToCli(outcome.error).exit : EXIT.ok;
}
