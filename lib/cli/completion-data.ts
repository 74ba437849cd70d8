/**
 * What shell completion knows, read from the verb declarations: the words that may follow each
 * path (slices, then verb words), each verb's flags, and what a flag or a positional takes — a
 * fixed list of choices, or UUIDs of a collection (asked of `razor __complete <collection>`).
 * Written as shell functions that bash and zsh both read.
 */
import { flagText } from '../verbs/validate-input.js';
import type { Field } from '../verbs/fields.js';
import type { SliceRegistry } from '../verbs/spec.js';

/** The global switches, as completion offers them before the slice. */
export const GLOBAL_SWITCHES = ['-w', '-n', '-d', '-v', '-V', '-h', '--webcommand', '--no-color', '--debug'];

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** What a field's value completes to: `choices a b`, `ref <collection>`, or nothing. */
function valueOf(f: Field): string | undefined {
  if (f.choices?.length) return `choices ${f.choices.join(' ')}`;
  if (f.kind === 'bool' && !f.flag) return 'choices true false';
  if (f.kind === 'uuid' && f.ref) return `ref ${f.ref}${f.none ? ` ${f.none}` : ''}`;
  return undefined;
}

/** A shell `case` function: `name KEY` prints the value of KEY. */
function caseFunction(name: string, entries: ReadonlyMap<string, string>): string {
  const arms = [...entries].map(([k, v]) => `    ${quote(k)}) printf '%s\\n' ${quote(v)} ;;`);
  return [`${name}() {`, '  case "$1" in', ...arms, '  esac', '}'].join('\n');
}

/** The three lookup functions (`_razor_words`, `_razor_flags`, `_razor_values`) for `registry`. */
export function completionData(registry: SliceRegistry): string {
  const words = new Map<string, Set<string>>([['', new Set(['completion', 'daemon', 'help'])]]);
  const flags = new Map<string, string>();
  const values = new Map<string, string>();
  const next = (path: string, w: string) => (words.get(path) ?? words.set(path, new Set()).get(path))?.add(w);
  for (const slice of registry.values()) {
    if (slice.verbs.every((v) => v.human === false)) continue; // boot: called by firmware only
    next('', slice.name);
    if (slice.collection) values.set(slice.name, `ref ${slice.collection}`);
    for (const verb of slice.verbs) {
      if (verb.human === false) continue;
      const parts = verb.name.split(' ');
      parts.forEach((w, i) => next([slice.name, ...parts.slice(0, i)].join(' '), w));
      const path = `${slice.name} ${verb.name}`;
      const flagWords: string[] = [];
      for (const [name, f] of Object.entries(verb.fields)) {
        const value = valueOf(f);
        if (verb.positional?.[0] === name) {
          if (value) values.set(path, value);
          continue;
        }
        if (verb.positional?.includes(name)) continue;
        const names = [
          ...flagText(name, f).split(', '),
          ...(f.aliases ?? []).map((a) => `--${a.replace(/_/g, '-')}`),
        ];
        flagWords.push(...names);
        if (value && !f.flag) for (const n of names) values.set(`${path} ${n}`, value);
      }
      flags.set(path, [...flagWords, '--help'].join(' '));
    }
  }
  const wordText = new Map([...words].map(([k, v]) => [k, [...v].join(' ')]));
  return [
    caseFunction('_razor_words', wordText),
    caseFunction('_razor_flags', flags),
    caseFunction('_razor_values', values),
  ].join('\n\n');
}
