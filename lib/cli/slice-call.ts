/**
 * What a human call of one slice does, decided from its words before commander reads its options:
 * a verb's own help however it is asked for, a verb group's help (`razor tag matcher`), a mistyped
 * command refused with a suggestion, or the routed verb in canonical shape — with the global
 * switches taken out of its options (ADR 0030). The words are routed once.
 */
import { canonicalArgv, splitCall } from './program.js';
import { liftSwitches, type Lifted } from './global-switches.js';
import { closestWord, commandShaped, didYouMean } from './typos.js';
import type { Route } from '../verbs/router.js';
import type { Router } from '../verbs/route-call.js';
import type { SliceSpec, VerbSpec } from '../verbs/spec.js';

/**
 * A planned call: commander's argv and the one verb its program needs (all of the slice's verbs
 * when `route` is undefined); or a refusal for a mistyped word.
 */
export type SlicePlan =
  | {
      readonly kind: 'help' | 'run';
      readonly argv: string[];
      readonly route?: Route;
      readonly lifted: Lifted;
    }
  | { readonly kind: 'typo'; readonly message: string };

const words = (verb: VerbSpec) => verb.name.split(' ');
const literal = (w: string) => !w.startsWith(':') && !w.startsWith('*');

/** The verbs under a group word (`matcher` → `matcher add`, `matcher get`, …). */
function groupVerbs(slice: SliceSpec, word: string): VerbSpec[] {
  return slice.verbs.filter((v) => words(v).length > 1 && words(v)[0] === word);
}

/** The command words a slice's verbs start with, in any of their forms (`add`, `get`, `all`, …). */
function firstWords(slice: SliceSpec): Set<string> {
  const forms = slice.verbs.flatMap((v) => [v.name, ...(v.forms ?? [])]);
  return new Set(forms.map((f) => f.split(' ')[0] ?? '').filter((w) => w !== '' && literal(w)));
}

/** A command word the call mistyped, with the word it was probably meant to be. */
function mistyped(slice: SliceSpec, w: string[], route: Route | undefined): string | undefined {
  const [first, second] = w;
  if (first === undefined) return undefined;
  const group = groupVerbs(slice, first);
  if (group.length > 0 && second !== undefined && !route && commandShaped(second)) {
    const near = closestWord(
      second,
      group.map((v) => words(v)[1] as string),
    );
    return near && didYouMean(`${first} ${second}`, `${first} ${near}`);
  }
  const known = firstWords(slice);
  if ((w.length > 1 && route) || known.has(first) || !commandShaped(first)) return undefined;
  const near = closestWord(first, known);
  return near && didYouMean(first, near);
}

/** The verb a help call is about: by its canonical words first, then as the call was routed. */
function helpVerb(slice: SliceSpec, w: readonly string[], route: Route | undefined): VerbSpec | undefined {
  const named = slice.verbs
    .filter((v) => words(v).every((x, i) => w[i] === x))
    .sort((a, b) => words(b).length - words(a).length);
  return named[0] ?? route?.verb;
}

/** Plans a call of `slice` with the arguments after its name; `help` when `-h` or `razor help` asked. */
export function planSliceCall(
  slice: SliceSpec,
  rest: readonly string[],
  help: boolean,
  router: Router,
): SlicePlan {
  const { words: w, options } = splitCall(rest);
  const first = w[0];
  const group = first !== undefined && w.length === 1 && groupVerbs(slice, first).length > 0;
  const route = w.length === 0 && help ? undefined : router.words(slice, w);
  const typo = mistyped(slice, w, route);
  if (typo) return { kind: 'typo', message: typo };
  const { lifted, options: kept } = liftSwitches(options, group ? undefined : route?.verb);
  if (group) {
    // A group alone is a request for its help (an error without -h/--help, as commander has it).
    const wanted = help || lifted.help;
    return { kind: 'help', argv: [slice.name, first, ...(wanted ? ['--help'] : [])], lifted };
  }
  if (help || lifted.help) {
    const verb = w.length === 0 ? undefined : helpVerb(slice, w, route);
    const verbWords = verb ? words(verb) : [];
    const only = verb && { verb, values: {} };
    return { kind: 'help', argv: [slice.name, ...verbWords, '--help'], route: only, lifted };
  }
  const argv = route ? canonicalArgv(slice, route, kept) : [slice.name, ...w, ...kept];
  return { kind: 'run', argv, route, lifted };
}
