/**
 * One verb as a commander command: its positionals as arguments, each other field an option with
 * the original's short flag. Commander only reads the command line: it applies no defaults and
 * checks no choices — validation (lib/verbs/validate-input.ts) does both, once, with the same
 * messages as over `-w` and REST.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { RazorError } from '../errors.js';
import { flagText } from '../verbs/validate-input.js';
import { exampleCommand } from './example-command.js';
import type { Field } from '../verbs/fields.js';
import type { SliceSpec, VerbSpec } from '../verbs/spec.js';

/** What the generated commands call when a verb runs. */
export type RunVerb = (slice: SliceSpec, verb: VerbSpec, raw: Record<string, unknown>) => Promise<void>;

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** A field's help with its choices and default, as commander would show them (it is given neither). */
function described(f: Field): string {
  const extra: string[] = [];
  if (f.choices) extra.push(`choices: ${f.choices.map((c) => JSON.stringify(c)).join(', ')}`);
  if (f.default !== undefined) extra.push(`default: ${JSON.stringify(f.default)}`);
  return extra.length ? `${f.help} (${extra.join(', ')})` : f.help;
}

function optionFor(name: string, f: Field): Option {
  const value = f.flag ? '' : f.kind === 'bool' ? ' <true|false>' : ` <${name}>`;
  return new Option(`${flagText(name, f)}${value}`, described(f));
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

/** Adds `verb` (under its verb words) to a slice's command. */
export function addVerb(parent: Command, slice: SliceSpec, verb: VerbSpec, run: RunVerb): void {
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
