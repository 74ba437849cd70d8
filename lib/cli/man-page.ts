/**
 * docs/razor.1, the man page, generated from the verb declarations with docs/cli.md (`npm run
 * docs`); `man -l docs/razor.1` shows it. A test fails when it drifts.
 */
import { canonicalForm } from '../verbs/router.js';
import { flagText } from '../verbs/validate-input.js';
import { ERRORS } from '../errors.js';
import type { SliceRegistry, VerbSpec } from '../verbs/spec.js';

/** Text made safe for roff: backslashes and hyphens escaped, no leading control dot, non-ASCII as `\[uXXXX]`. */
export function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^(['.])/gm, '\\&$1')
    .replace(
      /[^\t\n -~]/gu,
      (c) => `\\[u${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`,
    );
}

const usage = (slice: string, verb: VerbSpec) =>
  ['razor', slice, ...canonicalForm(verb).split(' ').filter(Boolean)]
    .map((w) => (w.startsWith(':') ? `<${w.slice(1)}>` : w.startsWith('*') ? `[${w.slice(1)}...]` : w))
    .join(' ');

function verbLines(slice: string, verb: VerbSpec): string[] {
  const out = ['.TP', `.B ${roff(usage(slice, verb))}`, roff(`${verb.summary}.`)];
  for (const [name, f] of Object.entries(verb.fields)) {
    if (verb.positional?.includes(name)) continue;
    out.push('.br', `\\fB${roff(flagText(name, f))}\\fR  ${roff(f.help)}${f.required ? ' (required)' : ''}`);
  }
  return out;
}

/** The whole of docs/razor.1. */
export function manPage(registry: SliceRegistry): string {
  const out = [
    '.\\" Generated from the verb declarations in slices/ by `npm run docs`. Do not edit by hand.',
    '.TH RAZOR 1 "" "razor" "razor manual"',
    '.SH NAME',
    'razor \\- bare\\-metal provisioning: discover nodes, tag them, bind policies, install an OS',
    '.SH SYNOPSIS',
    '.B razor',
    '[\\fB\\-w\\fR|\\fB\\-n\\fR|\\fB\\-d\\fR|\\fB\\-v\\fR] \\fIslice\\fR \\fIverb\\fR [\\fIargs\\fR] [\\fIoptions\\fR]',
    '.br',
    '.B razor daemon',
    '[\\fIoptions\\fR]',
    '.br',
    '.B razor completion',
    '\\fBbash\\fR|\\fBzsh\\fR',
    '.SH DESCRIPTION',
    roff('razor serves iPXE, Microkernels and OS installers to machines that PXE-boot, and keeps what it'),
    roff('knows in $RAZOR_HOME. Any unique part of a UUID works wherever a UUID is asked for.'),
    '.SH GLOBAL SWITCHES',
    '.TP',
    '.B \\-w, \\-\\-webcommand',
    roff('JSON mode: the last argument is a JSON object of arguments; prints one JSON envelope.'),
    '.TP',
    '.B \\-n, \\-\\-no\\-color',
    'No colour.',
    '.TP',
    '.B \\-d, \\-\\-debug',
    'Show the stack of internal errors.',
    '.TP',
    '.B \\-v, \\-\\-verbose',
    'Show every field of each object.',
  ];
  for (const slice of registry.values()) {
    out.push(
      `.SH ${roff(slice.name.toUpperCase())}${slice.hidden ? ' (hidden)' : ''}`,
      roff(`${slice.summary}.`),
    );
    for (const verb of slice.verbs) if (verb.human !== false) out.push(...verbLines(slice.name, verb));
  }
  out.push(
    '.SH EXIT STATUS',
    roff('0 done; 1 internal error; 2 bad input; 3 not found; 4 refused; 5 unavailable.'),
  );
  out.push('.SH ERRORS', roff('The -w envelope and REST answers carry these codes:'), '.nf');
  for (const [name, e] of Object.entries(ERRORS))
    out.push(roff(`${name.padEnd(24)} ${e.code}  HTTP ${e.http}`));
  out.push(
    '.fi',
    '.SH ENVIRONMENT',
    '.TP',
    '.B RAZOR_HOME',
    roff('Where razor keeps its store, images and config.yaml (default ~/.razor).'),
  );
  out.push('.SH SEE ALSO', roff('docs/cli.md (the same reference, with REST paths and examples)'), '');
  return out.join('\n');
}
