/**
 * The razor CLI's composition root: global switches, then `razor daemon`, `-w` JSON mode, or the
 * human commander CLI — all over the same slices and dispatcher.
 */
import { Chalk } from 'chalk';
import { allSlices } from '../slices/index.js';
import { dispatchArgv, dispatchRouted, execute, routeCall, toWire } from '../lib/verbs/dispatch.js';
import { RazorError, asRazorError } from '../lib/errors.js';
import { errorEnvelope } from '../lib/verbs/envelope.js';
import { buildProgram, canonicalArgv, CommanderError } from '../lib/cli/program.js';
import { renderHuman } from '../lib/cli/render-human.js';
import { escapeUnsafe, terminalSafe } from '../lib/cli/terminal-text.js';
import { safeJson } from '../lib/verbs/safe-json.js';
import { promptMetadata } from '../lib/cli/prompt.js';
import { cliProgress } from '../lib/cli/progress.js';
import { EXIT, exitFor, parseSwitches } from '../lib/cli/switches.js';
import { buildDeps } from './deps.js';
import { packageRoot, razorVersion } from './paths.js';
import type { HttpMethod } from '../lib/verbs/spec.js';

/** The whole of a stream, as UTF-8 text. */
async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Human output goes through the last guard: nothing razor prints acts on the terminal. */
const say = (stream: NodeJS.WriteStream, text: string) => stream.write(terminalSafe(text));

/** Runs the CLI with `argv` (without node and script) and returns the exit status. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const root = packageRoot();
  const version = razorVersion(root);
  const sw = parseSwitches(argv);
  const color = !env.NO_COLOR && process.stdout.isTTY === true && !('error' in sw ? false : sw.noColor);
  const red = new Chalk({ level: color ? 1 : 0 }).red;
  if ('error' in sw) {
    say(process.stderr, `razor: ${escapeUnsafe(sw.error)}\n`);
    return EXIT.usage;
  }
  if (sw.version) {
    process.stdout.write(`razor ${version}\n`);
    return EXIT.ok;
  }
  if (sw.rest[0] === 'daemon') {
    const { runDaemon } = await import('./daemon.js');
    return runDaemon(root, sw.rest.slice(1), env);
  }
  let deps;
  try {
    deps = await buildDeps(root, env);
  } catch (err) {
    const e = asRazorError(err);
    if (sw.web) process.stdout.write(`${safeJson(errorEnvelope(sw.rest[0], undefined, e))}\n`);
    else say(process.stderr, `razor: ${escapeUnsafe(e.message)}\n`);
    return exitFor(e.http);
  }
  const registry = allSlices(deps.catalog);
  try {
    if (sw.web) {
      const method = env.RAZOR_HTTP_METHOD as HttpMethod | undefined;
      const report = sw.debug
        ? (err: unknown) => say(process.stderr, `${(err as Error).stack}\n`)
        : undefined;
      const remote = env.RAZOR_HTTP_REMOTE || undefined;
      const opts = { mode: 'web', method, remote, report } as const;
      // The daemon's spawn invoke sends the input on stdin, to be taken as the in-process invoke does.
      const outcome =
        env.RAZOR_HTTP_INPUT === 'stdin'
          ? await dispatchRouted(
              deps,
              routeCall(registry, sw.rest, method),
              await readAll(process.stdin),
              opts,
            )
          : await dispatchArgv(deps, registry, sw.rest, opts);
      const wire = toWire(outcome);
      const framed = env.RAZOR_HTTP_FRAME
        ? `${wire.status} ${wire.contentType}\n${wire.body}`
        : `${wire.body}\n`;
      process.stdout.write(framed);
      return outcome.error ? exitFor(outcome.error.http) : EXIT.ok;
    }
    let status: number = EXIT.ok;
    const opts = { color, verbose: sw.verbose };
    const program = buildProgram(
      registry,
      async (slice, verb, raw) => {
        try {
          const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
          if (verb.prompt && raw[verb.prompt.field] === undefined && interactive) {
            const specs = verb.prompt.specs(raw, deps);
            if (specs && Object.keys(specs).length) {
              raw[verb.prompt.field] = await promptMetadata(verb.prompt.title, specs, {
                input: process.stdin,
                output: process.stdout,
              });
            }
          }
          const abort = new AbortController();
          const onInt = () => abort.abort();
          process.once('SIGINT', onInt);
          const progress = cliProgress(process.stderr, process.stderr.isTTY === true);
          const answer = await execute(deps, slice, verb, raw, {
            mode: 'human',
            progress,
            signal: abort.signal,
          }).finally(() => process.off('SIGINT', onInt));
          say(process.stdout, `${renderHuman(slice, verb, answer, opts)}\n`);
        } catch (err) {
          if (sw.debug && !(err instanceof RazorError)) say(process.stderr, `${(err as Error).stack}\n`);
          const e = asRazorError(err);
          // Messages quote input (a name, a UUID, a fact): escaped, then coloured.
          say(process.stderr, `${red(`razor ${slice.name} ${verb.name}: ${escapeUnsafe(e.message)}`)}\n`);
          say(process.stderr, `(see 'razor ${slice.name} ${verb.name} --help')\n`);
          status = exitFor(e.http);
        }
      },
      version,
    );
    if (sw.rest.length === 0) {
      program.outputHelp();
      return sw.help ? EXIT.ok : EXIT.usage;
    }
    if (!registry.has(sw.rest[0] as string) && sw.rest[0] !== 'help') {
      say(
        process.stderr,
        `razor: no slice named '${escapeUnsafe(sw.rest[0] as string)}'; slices: ${[...registry.keys()].join(', ')} (see 'razor --help')\n`,
      );
      return EXIT.usage;
    }
    if (sw.help) sw.rest.push('--help');
    try {
      await program.parseAsync(canonicalArgv(registry, sw.rest), { from: 'user' });
    } catch (err) {
      if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      throw err;
    }
    return status;
  } finally {
    await deps.store.close();
  }
}
