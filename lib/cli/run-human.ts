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
import { buildProgram, CommanderError, sliceProgram, type RunVerb } from './program.js';
import { renderHuman } from './render-human.js';
import { terminalSafe } from './terminal-text.js';
import { promptMetadata } from './prompt.js';
import { terminalAsk } from './ask.js';
import { splitWarnings } from '../verbs/warnings.js';
import { cliProgress } from './progress.js';
import { EXIT } from './switches.js';
import { planSliceCall } from './slice-call.js';
import { unknownSlice } from './unknown-slice.js';
import { translateToCli } from './translate-cli.js';
import { DaemonUnreachable } from './remote-request.js';
import { eventLine, followUntilInterrupted, type Follower } from './follow.js';
import type { Deps } from '../verbs/context.js';
import type { SliceRegistry, SliceSpec, VerbSpec } from '../verbs/spec.js';

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
  /** Runs the verb elsewhere instead (the remote CLI sends it to the daemon: remote-call.ts). */
  remote?: (slice: SliceSpec, verb: VerbSpec, raw: Readonly<Record<string, unknown>>) => Promise<unknown>;
  /** Where `--follow` reads events (the home's journal, or the remote daemon's stream). */
  follower?: Follower;
}

/** Runs one human CLI call and returns the exit status. */
export async function runHuman(o: HumanRun): Promise<number> {
  // Human output goes through the last guard: nothing razor prints acts on the terminal.
  const say = (stream: NodeJS.WriteStream, text: string) => stream.write(terminalSafe(text));
  // Switches given after the verb (ADR 0030) are added once the call is planned.
  const shown = { color: o.color, verbose: o.verbose, debug: o.debug };
  const red = (text: string) => new Chalk({ level: shown.color ? 1 : 0 }).red(text);
  let status: number = EXIT.ok;
  /** Shows a failure as one line (the stack only with -d) and returns its exit status. */
  const fail = (err: unknown, command: string): number => {
    if (shown.debug && !(err instanceof RazorError)) say(o.stderr, `${(err as Error).stack}\n`);
    const failure = translateToCli(asRazorError(err), { command });
    // A daemon out of reach is one line: its --help would not help.
    const hint = failure.hint && !(err instanceof DaemonUnreachable) ? `${failure.hint}\n` : '';
    say(o.stderr, `${red(failure.message)}\n${hint}`);
    return failure.exit;
  };
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
      const local = () =>
        execute(o.deps, slice, verb, raw, {
          mode: 'human',
          progress,
          signal: abort.signal,
          ask: interactive ? terminalAsk(o.stdin, o.stdout) : undefined,
        });
      const follow = raw.follow === true || raw.follow === 'true' ? verb.followEvents?.(raw) : undefined;
      const since = follow && o.follower ? await o.follower.mark() : 'now';
      // A CLI-only verb has no answer from a remote daemon: there, --follow shows the events only.
      const remote = o.remote && (follow && verb.http === null ? async () => [] : o.remote);
      const answer = await (remote ? remote(slice, verb, { ...raw, follow: undefined }) : local()).finally(
        () => process.off('SIGINT', onInt),
      );
      const { response, warnings } = splitWarnings(answer);
      for (const w of warnings) say(o.stderr, `razor: warning: ${w}\n`);
      const width = o.stdout.isTTY ? o.stdout.columns : undefined;
      say(o.stdout, `${renderHuman(slice, verb, response, { ...shown, width })}\n`);
      if (follow && o.follower)
        await followUntilInterrupted(o.follower, follow, since, (e) => say(o.stdout, `${eventLine(e)}\n`));
    } catch (err) {
      status = fail(err, `${slice.name} ${verb.name}`);
    }
  };
  const [first, ...rest] = o.args;
  if (first === undefined || (first === 'help' && rest.length === 0)) {
    buildProgram(o.registry, run, o.version).outputHelp();
    return o.help || first === 'help' ? EXIT.ok : EXIT.usage;
  }
  // `razor help <slice> <words…>` is `razor <slice> <words…> --help`.
  const [name, ...words] = first === 'help' ? rest : [first, ...rest];
  const slice = o.registry.get(name as string);
  if (!slice) {
    say(o.stderr, `${unknownSlice(name as string, o.registry)}\n`);
    return EXIT.usage;
  }
  const plan = planSliceCall(slice, words, o.help || first === 'help', o.router ?? ROUTER);
  if (plan.kind === 'typo') {
    say(o.stderr, `razor ${slice.name}: ${plan.message}\n(see 'razor ${slice.name} --help')\n`);
    return EXIT.usage;
  }
  shown.verbose ||= plan.lifted.verbose;
  shown.debug ||= plan.lifted.debug;
  if (plan.lifted.noColor) shown.color = false;
  try {
    await sliceProgram(slice, run, o.version, plan.route).parseAsync(plan.argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    // A flag commander read but razor could not (bad JSON): one line, as every other failure.
    return fail(err, plan.route ? `${slice.name} ${plan.route.verb.name}` : slice.name);
  }
  return status;
}
