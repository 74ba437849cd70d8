/** docs/cli.md, generated from the verb declarations (`npm run docs`); a test fails when it drifts. */
import { canonicalForm } from '../verbs/router.js';
import { SUCCESS, type SliceRegistry, type SliceSpec, type VerbSpec } from '../verbs/spec.js';
import { flagText } from '../verbs/validate-input.js';
import { exampleCommand } from './program.js';
import { ERRORS } from '../errors.js';
import { declaredRestPath } from '../verbs/rest.js';

const shown = (w: string) =>
  w.startsWith(':') ? `<${w.slice(1)}>` : w.startsWith('*') ? `[${w.slice(1)}...]` : w;

const restLine = (slice: SliceSpec, verb: VerbSpec): string | undefined => {
  const path = declaredRestPath(slice, verb);
  return path ? `\`${verb.http} /razor/api/${path.map(shown).join('/')}\`` : undefined;
};

function verbSection(slice: SliceSpec, verb: VerbSpec): string[] {
  const usage = ['razor', slice.name, ...canonicalForm(verb).split(' ').filter(Boolean)].map(shown).join(' ');
  const out = [`### \`${slice.name} ${verb.name}\``, '', verb.summary + '.', ''];
  if (verb.description) out.push(verb.description, '');
  out.push(
    '```',
    usage + (Object.keys(verb.fields).length > (verb.positional?.length ?? 0) ? ' [options]' : ''),
    '```',
    '',
  );
  const other = (verb.forms ?? []).filter((f) => f !== '');
  const formText = (f: string) => `\`razor ${slice.name} ${f.split(' ').map(shown).join(' ')}\``;
  if (other.length) out.push(`Also: ${other.map(formText).join(', ')}`, '');
  const fields = Object.entries(verb.fields);
  if (fields.length) {
    out.push('| argument | flag | required | help |', '|---|---|---|---|');
    for (const [name, f] of fields) {
      const aliases = (f.aliases ?? []).map((a) => ` or \`--${a.replace(/_/g, '-')}\``).join('');
      const flag = verb.positional?.includes(name) ? 'positional' : `\`${flagText(name, f)}\`${aliases}`;
      const def = f.default !== undefined ? ` (default: \`${JSON.stringify(f.default)}\`)` : '';
      out.push(
        `| \`${name}\` | ${flag} | ${f.required ? 'yes' : 'no'} | ${f.help.replace(/\|/g, '\\|')}${def} |`,
      );
    }
    out.push('');
  }
  const success =
    verb.contentType === 'text/plain'
      ? '200, text/plain'
      : `${SUCCESS[verb.success].http} ${SUCCESS[verb.success].result}`;
  const rest = restLine(slice, verb);
  const nodes = verb.human === false ? ' (called by nodes; not in human mode)' : '';
  out.push(rest ? `REST: ${rest} → ${success}${nodes}` : 'REST: not served (CLI only)', '');
  const example = exampleCommand(slice, verb);
  if (example) out.push('Example:', '', '```', example, '```', '');
  return out;
}

/** The whole of docs/cli.md. */
export function cliMarkdown(registry: SliceRegistry): string {
  const out = [
    '# razor command reference',
    '',
    '<!-- Generated from the verb declarations in slices/ by `npm run docs`. Do not edit by hand. -->',
    '',
    'Usage: `razor [-w|-n|-d|-v] <slice> <verb> [args] [options]`. Global switches:',
    '`-w` JSON mode (the last argument is a JSON object of arguments; prints one envelope),',
    '`-n` no colour, `-d` debug, `-v` verbose, `-V` version, `-h` help. They may come anywhere,',
    'after the verb too; where a verb has a flag of the same letter (`image add -v <version>`) it is',
    "the verb's: use `--verbose`, `--debug` or `--no-color` there (ADR 0030).",
    'Any unique part of a UUID works wherever a UUID is asked for.',
    '',
    'In `-w` mode and over REST, arguments are the JSON keys named in the tables (a leading `@` is ignored).',
    'REST: `GET /razor/api/<slice>` lists, `GET …/<uuid>` shows one, `POST` adds, `PUT …/<uuid>` updates,',
    '`DELETE …/<uuid>` removes; arguments as `json_hash` (query or form) or a JSON body.',
    '',
  ];
  for (const slice of registry.values()) {
    out.push(`## ${slice.name}${slice.hidden ? ' (hidden)' : ''}`, '', slice.summary + '.', '');
    for (const verb of slice.verbs) out.push(...verbSection(slice, verb));
  }
  out.push('## Errors', '', '| error | code | HTTP |', '|---|---|---|');
  for (const [name, e] of Object.entries(ERRORS)) out.push(`| ${name} | ${e.code} | ${e.http} |`);
  out.push('');
  return out.join('\n');
}
