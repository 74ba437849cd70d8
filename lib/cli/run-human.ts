/**
 * The human CLI: `razor <slice> <words…> [options]`. The words are routed once (razor's router);
 * commander is built for that slice and verb only, to read the options; the verb runs through the
 * dispatcher's `execute` and its answer is rendered for people. A failure is shown as the CLI
 * translator words it, with its exit status.
 */
import { Chalk } from 'chalk';
import { RazorError, asRazorError } from '../errors.js';
import { execute } from '../verbs/dispatch.js';
import { ROUTER, type Router } from '../verbs/route-call.js';
import {
  buildProgram,
  canonicalArgv,
  CommanderError,
  sliceProgram,
  splitCall,
  type RunVerb,
} from './program.js';
import { renderHuman } from './render-human.js';
import { escapeUnsafe, terminalSafe } from './terminal-text.js';
import { promptMetadata } from './prompt.js';
import { terminalAsk } from './ask.js';
import { splitWarnings } from '../verbs/warnings.js';
import { cliProgress } from './progress.js';
import { EXIT } from './switches.js';
import { translateToCli } from './translate-cli.js';
import type { Deps } from '../verbs/context.js';
import type { SliceRegistry } from '../verbs/spec.js';

/** What a human CLI run needs. */
export interface HumanRun {
  deps: Deps;
  registry: SliceRegistry;
  /** The words after the switches, slice first. */
  args: readonly string[];
  version: string;
  color: boolean;
  verbose: boolean;
  debug: boolean;
  /** `-h` was given before the slice. */
  help: boolean;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  router?: Router;
}

/** Runs one human CLI call and returns the exit status. */
export async function runHuman(o: HumanRun): Promise<number> {
  // Human output goes through the last guard: nothing razor prints acts on the terminal.
  const say = (stream: NodeJS.WriteStream, text: string) => stream.write(terminalSafe(text));
  const red = new Chalk({ level: o.color ? 1 : 0 }).red;
  let status: number = EXIT.ok;
  const run: RunVerb = async (slice, verb, raw) => {
    try {
      const interactive = o.stdin.isTTY === true && o.stdout.isTTY === true;
      if (verb.prompt && raw[verb.prompt.field] === undefined && interactive) {
        const specs = verb.prompt.specs(raw, o.deps);
        if (specs && Object.keys(specs).length)
          raw[verb.prompt.field] = await promptMetadata(verb.prompt.title, specs, {
            input: o.stdin,
            output: o.stdout,
          });
      }
      const abort = new AbortController();
      const onInt = () => abort.abort();
      process.once('SIGINT', onInt);
      const progress = cliProgress(o.stderr, o.stderr.isTTY === true);
      const answer = await execute(o.deps, slice, verb, raw, {
        mode: 'human',
        progress,
        signal: abort.signal,
        ask: interactive ? terminalAsk(o.stdin, o.stdout) : undefined,
      }).finally(() => process.off('SIGINT', onInt));
      const { response, warnings } = splitWarnings(answer);
      for (const w of warnings) say(o.stderr, `razor: warning: ${w}\n`);
      say(o.stdout, `${renderHuman(slice, verb, response, { color: o.color, verbose: o.verbose })}\n`);
    } catch (err) {
      if (o.debug && !(err instanceof RazorError)) say(o.stderr, `${(err as Error).stack}\n`);
      const failure = translateToCli(asRazorError(err), { command: `${slice.name} ${verb.name}` });
      say(o.stderr, `${red(failure.message)}\n${failure.hint ? `${failure.hint}\n` : ''}`);
      status = failure.exit;
    }
  };
  const args = [...o.args];
  const first = args[0];
  if (first === undefined) {
    buildProgram(o.registry, run, o.version).outputHelp();
    return o.help ? EXIT.ok : EXIT.usage;
  }
  const slice = o.registry.get(first);
  if (!slice && first !== 'help') {
    const slices = [...o.registry.keys()].join(', ');
    say(o.stderr, `razor: no slice named '${escapeUnsafe(first)}'; slices: ${slices} (see 'razor --help')\n`);
    return EXIT.usage;
  }
  if (o.help) args.push('--help');
  let program = buildProgram;
  let argv = args;
  if (slice) {
    const { words, options } = splitCall(args.slice(1));
    const sliceHelp = words.length === 0 && (options.includes('-h') || options.includes('--help'));
    const route = sliceHelp ? undefined : (o.router ?? ROUTER).words(slice, words);
    program = () => sliceProgram(slice, run, o.version, route);
    if (route) argv = canonicalArgv(slice, route, options);
  }
  try {
    await program(o.registry, run, o.version).parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw err;
  }
  return status;
}
