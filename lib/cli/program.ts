/**
 * The human CLI's commander program, generated from the verb declarations: `razor <slice> <verb
 * words> <positionals> [options]`. A call is routed once, by razor's router (lib/verbs/router.ts):
 * the original's other word orders (`razor tag <t> matcher add`, `razor policy <uuid>`) are read
 * there, and commander gets only the slice it names — with only the routed verb — in the
 * canonical shape, to read its options.
 */
import { Command, CommanderError } from 'commander';
import { terminalSafe } from './terminal-text.js';
import { addVerb, type RunVerb } from './verb-command.js';
import type { Route } from '../verbs/router.js';
import type { SliceRegistry, SliceSpec } from '../verbs/spec.js';

export type { RunVerb };
export { exampleCommand } from './example-command.js';

/** The program with razor's global switches and help, no slices yet. */
function baseProgram(version: string): Command {
  const program = new Command('razor')
    .description('razor: bare-metal provisioning — discover nodes, tag them, bind policies, install an OS')
    .usage('[-w|-n|-d|-v] <slice> <verb> [args] [options]')
    .enablePositionalOptions()
    .version(version, '-V, --version')
    .option(
      '-w, --webcommand',
      'JSON mode: print one JSON envelope; the last argument is a JSON object of arguments',
    )
    .option(
      '-n, --no-color',
      'no colour in human output (also when NO_COLOR is set or stdout is not a terminal)',
    )
    .option('-d, --debug', 'show the stack of internal errors')
    .option('-v, --verbose', 'show every field of each object, and table cells in full')
    .addHelpText(
      'after',
      [
        '',
        'The switches may come anywhere, after the verb too (razor node get <uuid> -v). Where a',
        'verb has a flag of the same letter (image add -v <version>, broker add -d <description>,',
        "tag add -n <name>) the letter is the verb's: use --verbose, --debug or --no-color there.",
        '',
        'Examples:',
        '  razor daemon                        start the server (API on :8026)',
        '  razor policy                        list policies',
        '  razor policy add -p linux_deploy -l web -m <model-uuid> -t memsize_16GiB -e true',
        "  razor -w policy get <uuid> '{}'     the same data as one JSON envelope",
        '  razor help policy add               help for one command',
      ].join('\n'),
    );
  program.command('daemon').description('Run the razor server in the foreground (see razor daemon --help)');
  program.command('completion <shell>').description('Print a bash or zsh completion script');
  return program;
}

/** Adds a slice's command with its verbs (only `only` when given). */
function addSlice(program: Command, slice: SliceSpec, run: RunVerb, only?: Route): void {
  const cmd = program.command(slice.name, { hidden: slice.hidden ?? false }).description(slice.summary);
  for (const verb of slice.verbs) if (!only || only.verb === verb) addVerb(cmd, slice, verb, run);
}

/** Commander's errors and help go through the terminal guard, each pointing at its command's help. */
function finish(program: Command): Command {
  for (const c of allCommands(program)) {
    c.exitOverride();
    c.showHelpAfterError(`(see '${commandPath(c)} --help')`);
    // Commander's messages quote the command line: shown escaped, as everything razor prints.
    c.configureOutput({
      writeOut: (text) => process.stdout.write(terminalSafe(text)),
      writeErr: (text) => process.stderr.write(terminalSafe(text)),
      outputError: (text, write) => write(`razor: ${text.replace(/^error: /, '')}`),
    });
  }
  return program;
}

/** The commander program for all slices (`razor help`, `razor --help`, the docs test). */
export function buildProgram(registry: SliceRegistry, run: RunVerb, version: string): Command {
  const program = baseProgram(version);
  for (const slice of registry.values()) addSlice(program, slice, run);
  return finish(program);
}

/** The program for one slice call: that slice only, and only the routed verb when there is one. */
export function sliceProgram(slice: SliceSpec, run: RunVerb, version: string, route?: Route): Command {
  const program = baseProgram(version);
  addSlice(program, slice, run, route);
  return finish(program);
}

function commandPath(c: Command): string {
  const names: string[] = [];
  for (let x: Command | null = c; x; x = x.parent) names.unshift(x.name());
  return names.join(' ');
}

function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap(allCommands)];
}

/** A slice call's words (up to the first option) and the options after them. */
export function splitCall(rest: readonly string[]): { words: string[]; options: string[] } {
  const firstOption = rest.findIndex((a) => a.startsWith('-'));
  if (firstOption === -1) return { words: [...rest], options: [] };
  return { words: rest.slice(0, firstOption), options: rest.slice(firstOption) };
}

/** The canonical argv of a routed call, for commander: slice, verb words, positionals, options. */
export function canonicalArgv(slice: SliceSpec, route: Route, options: readonly string[]): string[] {
  const positional = (route.verb.positional ?? []).flatMap((p) => {
    const v = route.values[p];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  });
  return [slice.name, ...route.verb.name.split(' '), ...positional, ...options];
}

export { CommanderError };
