/**
 * Maps the words after a slice name to one of its verbs. Each verb has a canonical form
 * (`matcher add :tag`) plus the original's other forms (`:tag matcher add`, `get :uuid`, `:uuid`).
 * `:name` takes one word into a field, `*name` takes the rest; the form with most literal words wins.
 */
import type { SliceSpec, VerbSpec } from './spec.js';

/** A verb chosen for some words, and the field values its placeholders captured. */
export interface Route {
  readonly verb: VerbSpec;
  readonly values: Record<string, string | string[]>;
}

/** The canonical form of a verb: its name words, then its positional fields. */
export function canonicalForm(verb: VerbSpec): string {
  const pos = (verb.positional ?? []).map((p) => (verb.fields[p]?.kind === 'list' ? `*${p}` : `:${p}`));
  return [verb.name, ...pos].join(' ').trim();
}

/** Every form a verb answers to, canonical first. */
export function verbForms(verb: VerbSpec): string[] {
  return [canonicalForm(verb), ...(verb.forms ?? [])];
}

/** How well a form matched: more is better; `complete` when no placeholder was left without a word. */
export interface FormMatch {
  readonly score: number;
  readonly complete: boolean;
  readonly values: Route['values'];
}

/**
 * Matches one form. More literal words win; between equal literals a complete match beats a
 * partial one. A match is partial when the words stop before trailing placeholders (`policy update`
 * without its uuid): the verb is still chosen, and validation names the missing argument.
 */
export function matchForm(form: string, words: readonly string[]): FormMatch | null {
  const parts = form === '' ? [] : form.split(' ');
  const values: Record<string, string | string[]> = {};
  let literals = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    if (p.startsWith('*')) {
      values[p.slice(1)] = words.slice(i);
      return { score: literals * 2 + 1, complete: true, values };
    }
    const w = words[i];
    if (w === undefined) {
      const onlyPlaceholdersLeft = parts.slice(i).every((x) => x.startsWith(':') || x.startsWith('*'));
      return onlyPlaceholdersLeft && literals > 0 ? { score: literals * 2, complete: false, values } : null;
    }
    if (p.startsWith(':')) values[p.slice(1)] = w;
    else if (p === w) literals++;
    else return null;
  }
  return parts.length === words.length ? { score: literals * 2 + 1, complete: true, values } : null;
}

/** Picks the verb of `slice` that `words` name, or undefined when none does. */
export function routeWords(slice: SliceSpec, words: readonly string[]): Route | undefined {
  let best: (Route & { score: number }) | undefined;
  for (const verb of slice.verbs) {
    for (const form of verbForms(verb)) {
      const m = matchForm(form, words);
      if (m && (!best || m.score > best.score)) best = { verb, values: m.values, score: m.score };
    }
  }
  return best && { verb: best.verb, values: best.values };
}
