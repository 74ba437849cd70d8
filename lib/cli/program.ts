/**
 * The human CLI, generated with commander from the verb declarations: `razor <slice> <verb words>
 * <positionals> [options]`, each field an option with the original's short flag. The original's
 * other word orders (`razor tag <t> matcher add`, `razor policy <uuid>`) are rewritten to the
 * canonical one first, so commander sees one shape.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { RazorError } from '../errors.js';
import { routeWords } from '../verbs/router.js';
import { flagText } from '../verbs/validate-input.js';
import { terminalSafe } from './terminal-text.js';
import type { Field } from '../verbs/fields.js';
import type { SliceRegistry, SliceSpec, VerbSpec } from '../verbs/spec.js';

/** What the generated commands call when a verb runs. */
export type RunVerb = (slice: SliceSpec, verb: VerbSpec, raw: Record<string, unknown>) => Promise<void>;

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

function optionFor(name: string, f: Field): Option {
  const value = f.flag ? '' : f.kind === 'bool' ? ' <true|false>' : ` <${name}>`;
  const opt = new Option(`${flagText(name, f)}${value}`, f.help);
  if (f.choices) opt.choices(f.choices);
  if (f.default !== undefined) opt.default(f.default);
  return opt;
}

/** A JSON option: inline JSON (`'{"a":1}'`), or the path of a file holding JSON. */
function parseJsonOption(name: string, text: unknown): unknown {
  if (typeof text !== 'string') return text;
  const flag = `--${name.replace(/_/g, '-')}`;
  let source = text;
  if (!/^\s*[{[]/.test(text)) {
    try {
      source = readFileSync(text, 'utf8');
    } catch (err) {
      throw new RazorError(
        'InputError',
        `${flag} must be JSON or a JSON file; cannot read '${text}': ${(err as Error).message}`,
      );
    }
  }
  try {
    return JSON.parse(source);
  } catch (err) {
    throw new RazorError('InputError', `${flag} must be JSON: ${(err as Error).message}`);
  }
}

/** A sample command line for a verb, built from its declared sample input. */
export function exampleCommand(slice: SliceSpec, verb: VerbSpec): string | undefined {
  if (!verb.sample || verb.human === false) return undefined;
  const sample = verb.sample;
  const show = (v: unknown) => {
    const s = typeof v === 'string' ? v.replace(/^\{(\w+?)\d?\}$/, '<$1-uuid>') : JSON.stringify(v);
    return /[\s"'{}[\]*$&|;<>()]/.test(s) && !/^<[\w-]+>$/.test(s) ? `'${s}'` : s;
  };
  const parts = ['razor', slice.name, ...verb.name.split(' ')];
  for (const p of verb.positional ?? []) if (sample[p] !== undefined) parts.push(show(sample[p]));
  for (const [k, v] of Object.entries(sample)) {
    const f = verb.fields[k];
    if (!f || verb.positional?.includes(k)) continue;
    const option = f.short ? `-${f.short}` : `--${k.replace(/_/g, '-')}`;
    // A flag takes no value: it is there (true) or not.
    if (f.flag) {
      if (v === true || v === 'true') parts.push(option);
      continue;
    }
    parts.push(option, show(v));
  }
  return parts.join(' ');
}

function addVerb(parent: Command, slice: SliceSpec, verb: VerbSpec, run: RunVerb): void {
  const words = verb.name.split(' ');
  let cmd = parent;
  for (const w of words.slice(0, -1)) {
    cmd = cmd.commands.find((c) => c.name() === w) ?? cmd.command(w).description(`${w} commands`);
  }
  const sub = cmd.command(words[words.length - 1] as string).description(verb.summary);
  if (verb.human === false) (sub as unknown as { _hidden: boolean })._hidden = true;
  const positional = verb.positional ?? [];
  for (const p of positional) {
    const f = verb.fields[p] as Field;
    sub.argument(f.kind === 'list' ? `[${p}...]` : f.required ? `<${p}>` : `[${p}]`, f.help);
  }
  for (const [name, f] of Object.entries(verb.fields))
    if (!positional.includes(name)) {
      sub.addOption(optionFor(name, f));
      for (const alias of f.aliases ?? [])
        sub.addOption(optionFor(alias, { ...f, short: undefined, default: undefined }).hideHelp());
    }
  const example = exampleCommand(slice, verb);
  const more = [verb.description, example && `Example:\n  ${example}`].filter(Boolean).join('\n\n');
  if (more) sub.addHelpText('after', `\n${more}`);
  sub.action(async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const raw: Record<string, unknown> = {};
    positional.forEach((p, i) => {
      if (args[i] !== undefined) raw[p] = args[i];
    });
    const opts = command.opts();
    for (const [name, f] of Object.entries(verb.fields)) {
      if (positional.includes(name)) continue;
      for (const key of [name, ...(f.aliases ?? [])]) {
        const v = opts[camel(key)];
        if (v !== undefined) raw[key] = f.kind === 'json' ? parseJsonOption(key, v) : v;
      }
    }
    await run(slice, verb, raw);
  });
}

/** Builds the commander program for all slices. */
export function buildProgram(registry: SliceRegistry, run: RunVerb, version: string): Command {
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
    .option('-v, --verbose', 'show every field of each object')
    .addHelpText(
      'after',
      [
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
  for (const slice of registry.values()) {
    const cmd = program.command(slice.name, { hidden: slice.hidden ?? false }).description(slice.summary);
    for (const verb of slice.verbs) addVerb(cmd, slice, verb, run);
  }
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

function commandPath(c: Command): string {
  const names: string[] = [];
  for (let x: Command | null = c; x; x = x.parent) names.unshift(x.name());
  return names.join(' ');
}

function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap(allCommands)];
}

/** Rewrites the original's word orders to the canonical one commander knows. */
export function canonicalArgv(registry: SliceRegistry, args: readonly string[]): string[] {
  const [sliceName, ...rest] = args;
  const slice = sliceName === undefined ? undefined : registry.get(sliceName);
  if (!slice) return [...args];
  const firstOption = rest.findIndex((a) => a.startsWith('-'));
  const words = firstOption === -1 ? rest : rest.slice(0, firstOption);
  const options = firstOption === -1 ? [] : rest.slice(firstOption);
  const wantsHelp = options.includes('-h') || options.includes('--help');
  if (words.length === 0 && wantsHelp) return [...args];
  const route = routeWords(slice, words);
  if (!route) return [...args];
  const positional = (route.verb.positional ?? []).flatMap((p) => {
    const v = route.values[p];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  });
  return [slice.name, ...route.verb.name.split(' '), ...positional, ...options];
}

export { CommanderError };
